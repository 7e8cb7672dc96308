package proforma

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

func TestLoadAnswers(t *testing.T) {
	a, err := LoadAnswers(strings.NewReader(`{"lesion-site": "Left forearm", "photos": "yes", "notes": "Line one\nline two"}`))
	require.NoError(t, err)
	assert.Equal(t, Answers{"lesion-site": "Left forearm", "photos": "yes", "notes": "Line one\nline two"}, a)

	a, err = LoadAnswers(strings.NewReader(" {} \n"))
	require.NoError(t, err)
	assert.Empty(t, a)
}

func TestLoadAnswersStrict(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"not an object", `["yes"]`, "answers: must be an object"},
		{"number value", `{"fit-result": 86}`, "answers.fit-result: must be a string"},
		{"null value", `{"fit-result": null}`, "answers.fit-result: must be a string"},
		{"object value", `{"a": {"b": "c"}}`, "answers.a: must be a string"},
		{"duplicate id", `{"a": "yes", "a": "no"}`, `answers: duplicate key (2nd key)`},
		{"trailing data", `{"a": "yes"} x`, "unexpected data after the answers (at byte 14)"},
		{"two objects", `{"a": "yes"}{"b": "no"}`, "unexpected data after the answers (at byte 13)"},
		{"truncated", `{"a": "yes"`, "answers is not valid JSON: it ends too soon"},
		{"empty", ``, "answers is not valid JSON: it ends too soon"},
		{"control character", `{"a": "bell\u0007"}`, "answers.a: holds a control character (only newline and tab are allowed)"},
		{"odd key is not repeated", `{"a": "yes", "9990000018 José Ferreira": 1}`, `answers: the 2nd key is not a question id`},
		{"several at once", `{"a": 1, "b": "ok", "c": false}`, "answers.a: must be a string\nanswers.c: must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := LoadAnswers(strings.NewReader(tt.in))
			assert.Nil(t, a)
			var es Errors
			require.ErrorAs(t, err, &es)
			assert.EqualError(t, err, tt.want)
		})
	}
}

func TestLoadAnswersLimits(t *testing.T) {
	_, err := LoadAnswers(strings.NewReader(`{"a": "` + strings.Repeat("x", MaxSize) + `"}`))
	assert.ErrorIs(t, err, ErrTooLarge)

	_, err = LoadAnswers(strings.NewReader(`{"a": "` + strings.Repeat("x", maxText+1) + `"}`))
	assert.EqualError(t, err, "answers.a: is longer than 20000 characters")

	var b strings.Builder
	b.WriteString("{")
	for i := range maxQuestions + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"q` + strings.Repeat("x", i) + `": "y"`)
	}
	b.WriteString("}")
	_, err = LoadAnswers(strings.NewReader(b.String()))
	assert.EqualError(t, err, "answers: more than 200 answers")
}

// TestNormalise checks each kind's rule: what an answer prints as, and that
// a bad answer's message never repeats it.
func TestNormalise(t *testing.T) {
	choice := Question{ID: "c", Kind: KindChoice, Choices: []string{"Left", "Right", "FIT 10 µg Hb/g faeces or more"}}
	tests := []struct {
		q        Question
		in       string
		want     string
		wantRule string
		wantMsg  string
	}{
		{Question{Kind: KindText}, "  Left forearm \n", "Left forearm", "", ""},
		{Question{Kind: KindText}, "Line one\nline two", "Line one\nline two", "", ""},
		{Question{Kind: KindText}, "   ", "", referral.RuleBlank, "is empty: leave out a question you do not answer"},
		// Invisible characters alone are blank, as referral.Validate counts them.
		{Question{Kind: KindText}, " \u200b", "", referral.RuleBlank, "is empty: leave out a question you do not answer"},
		{Question{Kind: KindText}, "\u00a0\u200c\u200d\u2060\ufeff\u202f", "", referral.RuleBlank, "is empty: leave out a question you do not answer"},
		{Question{Kind: KindText}, "\u3164\u2800", "", referral.RuleBlank, "is empty: leave out a question you do not answer"},
		{Question{Kind: KindText}, "\u200bLeft\u00a0", "\u200bLeft", "", ""},
		{Question{Kind: KindYesNo}, "yes", "Yes", "", ""},
		{Question{Kind: KindYesNo}, " NO ", "No", "", ""},
		{Question{Kind: KindYesNo}, "y", "", referral.RuleOneOf, "must be yes or no"},
		{Question{Kind: KindYesNo}, "maybe", "", referral.RuleOneOf, "must be yes or no"},
		{Question{Kind: KindDate}, "2026-11-09", "9 November 2026", "", ""},
		{Question{Kind: KindDate}, "2026-02-30", "", referral.RuleDate, "must be a real date in YYYY-MM-DD form"},
		{Question{Kind: KindDate}, "09/11/2026", "", referral.RuleDate, "must be a real date in YYYY-MM-DD form"},
		{Question{Kind: KindNumber}, "86", "86", "", ""},
		{Question{Kind: KindNumber}, "-0.5", "-0.5", "", ""},
		{Question{Kind: KindNumber}, "27.4", "27.4", "", ""},
		{Question{Kind: KindNumber}, "1e9", "", RuleNumber, "must be a number, such as 12 or 7.5"},
		{Question{Kind: KindNumber}, "NaN", "", RuleNumber, "must be a number, such as 12 or 7.5"},
		{Question{Kind: KindNumber}, "12 weeks", "", RuleNumber, "must be a number, such as 12 or 7.5"},
		{choice, "right", "Right", "", ""},
		{choice, "fit 10 µg hb/g faeces or more", "FIT 10 µg Hb/g faeces or more", "", ""},
		{choice, "Both", "", referral.RuleOneOf, "must be one of the question's choices"},
		{Question{Kind: KindText}, "tab\tok", "tab\tok", "", ""},
		{Question{Kind: KindText}, "esc\x1b", "", referral.RuleControlChars, "holds a control character (only newline and tab are allowed)"},
		{Question{Kind: KindText}, "gel\u202etfel", "", referral.RuleControlChars, "holds a text-direction control character"},
		{Question{Kind: KindText}, "\u2066left\u2069", "", referral.RuleControlChars, "holds a text-direction control character"},
	}
	for _, tt := range tests {
		got, f := normalise(tt.q, tt.in)
		assert.Equal(t, tt.want, got, "%s %q", tt.q.Kind, tt.in)
		assert.Equal(t, fault{tt.wantRule, tt.wantMsg}, f, "%s %q", tt.q.Kind, tt.in)
		if msg := f.msg; msg != "" && len(strings.TrimSpace(tt.in)) > 3 {
			assert.NotContains(t, msg, strings.TrimSpace(tt.in), "a message never repeats the answer")
		}
	}
}
