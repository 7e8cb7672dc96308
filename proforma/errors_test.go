package proforma

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

// knownRules are the rules a Problem may carry.
var knownRules = map[string]bool{
	referral.RuleRequired: true, referral.RuleOneOf: true, referral.RuleDate: true,
	referral.RuleMaxLength: true, referral.RuleMaxItems: true, referral.RuleControlChars: true,
	referral.RuleEncoding: true, referral.RuleBlank: true, referral.RuleSyntax: true,
	referral.RuleUnknownField: true, referral.RuleType: true, referral.RuleTrailingData: true,
	referral.RuleDuplicate: true,
	RuleID:                 true, RuleDuplicateID: true, RuleChoicesRequired: true, RuleChoicesNotAllowed: true,
	RuleDuplicateChoice: true, RuleMaps: true, RuleGateAdministrative: true, RuleNumber: true,
	RuleUnknownQuestion: true,
}

// wantHeader returns the value of a "# key value" line of a .want file.
func wantHeader(t *testing.T, path, key string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "# "+key+" "); ok {
			return v
		}
	}
	require.NoError(t, sc.Err())
	return ""
}

// invalidProblems returns, by case name, the problems every file of the
// shared invalid catalogue's proformas and answers folders gives: Load for
// a form; LoadAnswers, then Check against the form and referral its .want
// names, for answers.
func invalidProblems(t *testing.T) map[string]Errors {
	t.Helper()
	dir := filepath.Join("..", "testdata", "invalid")
	got := map[string]Errors{}
	collect := func(name string, err error) {
		var es Errors
		if err == nil || errors.Is(err, ErrTooLarge) {
			return
		}
		require.ErrorAs(t, err, &es, name)
		got[name] = es
	}
	forms, err := filepath.Glob(filepath.Join(dir, "proformas", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, forms)
	for _, path := range forms {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		_, err = Load(bytes.NewReader(b))
		collect("proformas/"+strings.TrimSuffix(filepath.Base(path), ".json"), err)
	}
	answers, err := filepath.Glob(filepath.Join(dir, "answers", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, answers)
	for _, path := range answers {
		want := strings.TrimSuffix(path, ".json") + ".want"
		form := loadFormFile(t, filepath.Join("..", "testdata", "proformas", wantHeader(t, want, "form")))
		ref, ok := decodeReferral(t, filepath.Join("..", "testdata", "referrals", wantHeader(t, want, "referral")))
		require.True(t, ok, path)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		a, err := LoadAnswers(bytes.NewReader(b))
		if err == nil {
			_, err = form.Check(ref, a)
		}
		collect("answers/"+strings.TrimSuffix(filepath.Base(path), ".json"), err)
	}
	return got
}

// TestProblemRules: every problem the invalid forms and answers give names
// a known rule, and a representative set names the expected one, by path.
func TestProblemRules(t *testing.T) {
	got := invalidProblems(t)
	require.GreaterOrEqual(t, len(got), 40, "the invalid catalogue is missing")
	for name, es := range got {
		for _, e := range es {
			assert.True(t, knownRules[e.Rule], "%s: %q has rule %q", name, e.Error(), e.Rule)
		}
	}

	tests := []struct {
		name string
		want []string // "path rule", "-" for no path
	}{
		{"proformas/bad-kind", []string{"questions[1].kind oneof"}},
		{"proformas/bad-maps-path", []string{"questions[0].maps maps"}},
		{"proformas/bad-question-id", []string{"questions[0].id id"}},
		{"proformas/choice-without-choices", []string{"questions[2].choices choices-required"}},
		{"proformas/choices-on-number", []string{"questions[1].choices choices-not-allowed"}},
		{"proformas/control-char-label", []string{"questions[1].label control-chars"}},
		{"proformas/duplicate-choice", []string{"questions[2].choices[1] duplicate-choice"}},
		{"proformas/duplicate-key", []string{"- duplicate-field"}},
		{"proformas/duplicate-question-ids", []string{"questions[2].id duplicate-id"}},
		{"proformas/empty-file", []string{"- syntax"}},
		{"proformas/empty-object", []string{"id required", "title required", "issuer required", "questions required"}},
		{"proformas/gate-and-administrative", []string{"questions[1] gate-administrative"}},
		{"proformas/invalid-utf8", []string{"- utf8"}},
		{"proformas/trailing-data", []string{"- trailing-data"}},
		{"proformas/unknown-field-question", []string{"questions[1] unknown-field"}},
		{"proformas/version-not-real", []string{"version date"}},
		{"proformas/wrong-types", []string{"twoWeekWait type", "questions[0].required type", "questions[1].id type"}},
		{"answers/choice-not-listed", []string{"answers.body-area oneof"}},
		{"answers/empty-answer", []string{"answers.side blank"}},
		{"answers/four-wrong-at-once", []string{
			"answers.self-management oneof", "answers.pain-score number", "answers.onset oneof", "answers.physio-12m oneof",
		}},
		{"answers/date-uk-format", []string{"answers.date-completed date"}},
		{"answers/unknown-question-id", []string{"answers unknown-question"}},
		{"answers/unknown-question-odd-key", []string{"answers unknown-question"}},
		{"answers/non-string-null", []string{"answers.side type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, ok := got[tt.name]
			require.True(t, ok, "no such invalid case, or it gave no Errors")
			var lines []string
			for _, e := range es {
				path := e.Path
				if path == "" {
					path = "-"
				}
				lines = append(lines, path+" "+e.Rule)
			}
			assert.ElementsMatch(t, tt.want, lines)
		})
	}
}

// TestProblemError: the rule is not part of the text.
func TestProblemError(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Path: "questions[0].id", Rule: RuleID, Message: "must be an id"}, "questions[0].id: must be an id"},
		{Problem{Rule: referral.RuleSyntax, Message: "form is not valid JSON"}, "form is not valid JSON"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.p.Error())
	}
}

// TestValidateRules: the problems of forms built in Go, and of a nil form
// or referral, carry their rules.
func TestValidateRules(t *testing.T) {
	var nilForm *Form
	var es Errors
	require.ErrorAs(t, nilForm.Validate(), &es)
	assert.Equal(t, Errors{{Rule: referral.RuleRequired, Message: "no form given"}}, es)

	f := &Form{ID: "f", Title: "T", Issuer: "I", Questions: []Question{
		{ID: "a", Label: "A", Kind: KindText},
		{ID: "a", Label: "B", Kind: "essay"},
	}}
	require.ErrorAs(t, f.Validate(), &es)
	assert.Equal(t, Errors{
		{Path: "questions[1].id", Rule: RuleDuplicateID, Message: "duplicate question id (also questions[0])"},
		{Path: "questions[1].kind", Rule: referral.RuleOneOf, Message: "must be one of text, yes-no, date, number, choice"},
	}, es)

	f.Questions = f.Questions[:1]
	_, err := f.Check(nil, nil)
	require.ErrorAs(t, err, &es)
	assert.Equal(t, Errors{{Path: "referral", Rule: referral.RuleRequired, Message: "no referral given"}}, es)
}
