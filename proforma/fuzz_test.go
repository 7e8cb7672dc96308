package proforma

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/refletter/refletter/referral"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func addFileSeeds(f *testing.F, pattern string) {
	files, err := filepath.Glob(pattern)
	require.NoError(f, err)
	require.NotEmpty(f, files, pattern)
	for _, p := range files {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(b)
	}
}

// FuzzLoad checks that Load never panics, that every failure is an Errors
// or ErrTooLarge, and that a form it accepts is valid, survives a JSON round
// trip, and can be checked.
func FuzzLoad(f *testing.F) {
	addFileSeeds(f, filepath.Join("..", "testdata", "proformas", "*.json"))
	f.Add([]byte(validForm))
	f.Add([]byte(`{"id": "f", "title": "T", "issuer": "I", "questions": [{"id": "a", "label": "L", "kind": "choice", "choices": ["x", "X"]}]}`))
	f.Add([]byte(`{"id": "f", "id": 1, "questions": [{}, [], null]} trailing`))
	ref := &referral.Referral{History: "Seed history"}
	f.Fuzz(func(t *testing.T, b []byte) {
		form, err := Load(bytes.NewReader(b))
		if err != nil {
			assert.Nil(t, form)
			var es Errors
			if !errors.Is(err, ErrTooLarge) {
				require.ErrorAs(t, err, &es)
				require.NotEmpty(t, es)
				for _, e := range es {
					assert.NotEmpty(t, e.Message)
					assert.True(t, knownRules[e.Rule], "rule %q", e.Rule)
				}
			}
			return
		}
		require.NoError(t, form.Validate())
		out, err := json.Marshal(form)
		require.NoError(t, err)
		again, err := Load(bytes.NewReader(out))
		require.NoError(t, err)
		assert.Equal(t, form, again)
		rep, err := form.Check(ref, nil)
		require.NoError(t, err)
		assert.Len(t, rep.Results, len(form.Questions))
		require.NoError(t, rep.WriteText(&bytes.Buffer{}))
	})
}

// FuzzLoadAnswers checks that LoadAnswers never panics, that its failures
// are Errors, that what it accepts survives a JSON round trip, and that
// checking the answers against a form never panics.
func FuzzLoadAnswers(f *testing.F) {
	addFileSeeds(f, filepath.Join("..", "testdata", "proformas", "answers", "*.json"))
	f.Add([]byte(`{"a": "yes", "a": "no"}`))
	f.Add([]byte(`{"a": 1, "b": null, "c": ["x"]}`))
	form, err := Load(bytes.NewReader([]byte(validForm)))
	require.NoError(f, err)
	ref := &referral.Referral{}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := LoadAnswers(bytes.NewReader(b))
		if err != nil {
			assert.Nil(t, a)
			if !errors.Is(err, ErrTooLarge) {
				var es Errors
				require.ErrorAs(t, err, &es)
				for _, e := range es {
					assert.True(t, knownRules[e.Rule], "rule %q", e.Rule)
				}
			}
			return
		}
		out, err := json.Marshal(a)
		require.NoError(t, err)
		again, err := LoadAnswers(bytes.NewReader(out))
		require.NoError(t, err)
		assert.Equal(t, a, again)
		_, _ = form.Check(ref, a)
	})
}

// checkErrorLine is the shape of every line of a Check error for bad
// answers: a place and a fixed message, with no room for the answer.
var checkErrorLine = regexp.MustCompile(`^(answers: [0-9]+ answers? (is|are) to no question on the form|answers\.[A-Za-z0-9._-]+: ` +
	`(is empty: leave out a question you do not answer|must be yes or no|` +
	`must be a real date in YYYY-MM-DD form|must be a number, such as 12 or 7\.5|must be one of the question's choices|` +
	`is longer than 20000 characters|holds a control character \(only newline and tab are allowed\)))$`)

// FuzzCheck checks that any answer to any question gives a report or an
// error that names the question and never the answer.
func FuzzCheck(f *testing.F) {
	for _, id := range []string{"q1", "q2", "q3", "q4", "nope"} {
		for _, v := range []string{"yes", "Left", "2026-01-01", "12", "", "x\x00"} {
			f.Add(id, v)
		}
	}
	form, err := Load(bytes.NewReader([]byte(validForm)))
	require.NoError(f, err)
	form.Questions = append(form.Questions,
		Question{ID: "d", Label: "Date", Kind: KindDate}, Question{ID: "n", Label: "Number", Kind: KindNumber})
	ref := &referral.Referral{}
	f.Fuzz(func(t *testing.T, id, value string) {
		rep, err := form.Check(ref, Answers{id: value})
		if err != nil {
			assert.Nil(t, rep)
			for _, line := range bytes.Split([]byte(err.Error()), []byte("\n")) {
				assert.Regexp(t, checkErrorLine, string(line))
			}
			var es Errors
			require.ErrorAs(t, err, &es)
			for _, e := range es {
				assert.True(t, knownRules[e.Rule], "rule %q", e.Rule)
			}
			return
		}
		s := rep.Section()
		require.Len(t, s.Answers, 1, "the answer is kept")
		assert.Equal(t, id, s.Answers[0].QuestionID)
		assert.NotEmpty(t, s.Answers[0].Answer)
	})
}
