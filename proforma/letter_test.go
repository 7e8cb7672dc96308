package proforma

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refletter/refletter/referral"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flatten joins a text's lines and runs of spaces, so that a phrase is
// found wherever the letter wraps it. The borders of the statement's box
// ("| ... |") are dropped.
func flatten(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "|") && strings.HasSuffix(l, "|") && len(l) > 1 {
			l = l[1 : len(l)-1]
		}
		lines[i] = l
	}
	return strings.Join(strings.Fields(strings.Join(lines, "\n")), " ")
}

// TestAnswersReachLetter composes a letter for every referral with every
// form and its answers: every supplied answer reaches the letter's text
// with its question, under the issuer's heading, and the statement names
// the form. A two-week-wait form, or a two-week-wait referral, gets no
// letter at all.
func TestAnswersReachLetter(t *testing.T) {
	letters, refused := 0, 0
	for _, formPath := range formFiles(t) {
		form := loadFormFile(t, formPath)
		answers := answersFor(t, formPath)
		require.NotEmpty(t, answers)
		for _, refPath := range referralFiles(t) {
			ref, ok := decodeReferral(t, refPath)
			if !ok {
				continue
			}
			t.Run(filepath.Base(formPath)+"/"+filepath.Base(refPath), func(t *testing.T) {
				rep, err := form.Check(ref, answers)
				require.NoError(t, err)
				letter, err := referral.Compose(ref, referral.WithProforma(rep), referral.WithClock(fixedClock))
				if form.TwoWeekWait || referral.Decide(ref).Path == referral.PathERS {
					assert.Nil(t, letter)
					require.ErrorIs(t, err, referral.ErrTwoWeekWait)
					tww, ok := errors.AsType[*referral.TwoWeekWaitError](err)
					require.True(t, ok)
					assert.NotNil(t, tww.Handoff())
					refused++
					return
				}
				require.NoError(t, err)
				var buf bytes.Buffer
				require.NoError(t, letter.WriteText(&buf))
				text := flatten(buf.String())
				assert.Contains(t, text, "Information requested by "+form.Issuer)
				assert.Contains(t, text, "was not used; this letter answers its required clinical questions")
				for _, a := range rep.Section().Answers {
					assert.Contains(t, text, flatten(a.Question), a.QuestionID)
					assert.Contains(t, text, flatten(a.Answer), a.QuestionID)
				}
				assertTrueClaim(t, form, rep, text)
				letters++
			})
		}
	}
	assert.Positive(t, letters)
	assert.Positive(t, refused)
	t.Logf("%d letters composed, %d two-week-wait cases refused", letters, refused)
}

// assertTrueClaim checks that the letter claims only what is true of the
// form: every open required question is listed by its label under "Not
// available at the time of referral" and the statement says the rest are
// answered; with none open, the statement says all required clinical
// questions are answered and no such list is printed.
func assertTrueClaim(t *testing.T, form *Form, rep *Report, text string) {
	t.Helper()
	named := "The " + form.Title + " was not used; this letter answers its required clinical questions"
	var open []string
	for _, q := range rep.Open() {
		if q.Required {
			open = append(open, q.Label)
		}
	}
	if len(open) == 0 {
		assert.Contains(t, text, named+".")
		assert.NotContains(t, text, "Not available at the time of referral")
		return
	}
	assert.Contains(t, text, named+" except those listed as not available.")
	_, list, ok := strings.Cut(text, "Not available at the time of referral")
	require.True(t, ok, "open required questions are listed")
	for _, l := range open {
		assert.Contains(t, list, "- "+flatten(l))
	}
}

// TestNoAnswersNoSection checks that a form with no answers still names
// the form in the statement but adds no empty section.
func TestNoAnswersNoSection(t *testing.T) {
	form := loadFormFile(t, filepath.Join("..", "testdata", "proformas", "msk-physiotherapy.json"))
	ref, ok := decodeReferral(t, filepath.Join("testdata", "referrals", "knee.json"))
	require.True(t, ok)
	rep, err := form.Check(ref, nil)
	require.NoError(t, err)
	letter, err := referral.Compose(ref, referral.WithProforma(rep), referral.WithClock(fixedClock))
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, letter.WriteText(&buf))
	text := flatten(buf.String())
	assert.Contains(t, text, "The MSK Physiotherapy and Interface Service Referral Form was not used")
	assert.NotContains(t, text, "Information requested by")
}

// TestOpenRequiredListed: with the memory clinic form and no answers, the
// required questions nothing answers are listed in the letter, by label,
// under "Not available at the time of referral"; the statement claims only
// the rest; and the one-line summary counts every question once.
func TestOpenRequiredListed(t *testing.T) {
	form := loadFormFile(t, filepath.Join("..", "testdata", "proformas", "memory-clinic.json"))
	ref, ok := decodeReferral(t, filepath.Join("..", "testdata", "referrals", "memory-clinic-cognitive-decline.json"))
	require.True(t, ok)
	rep, err := form.Check(ref, nil)
	require.NoError(t, err)

	assert.Equal(t, "12 answered, 11 open (6 required), 4 not needed", rep.Summary())
	assert.Equal(t, len(form.Questions), rep.Count(StatusAnswered)+rep.Count(StatusOpen)+rep.Count(StatusNotNeeded))
	assert.Equal(t, []string{
		"Account from a family member or carer",
		"Cognitive screening test used",
		"Cognitive screening score",
		"Has delirium been considered and excluded?",
		"Mood: depression screen used and score (for example PHQ-9)",
		"Is the patient currently driving?",
	}, rep.Section().Unavailable)

	letter, err := referral.Compose(ref, referral.WithProforma(rep), referral.WithClock(fixedClock))
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, letter.WriteText(&buf))
	text := flatten(buf.String())
	assertTrueClaim(t, form, rep, text)
	assert.NotContains(t, text, "its clinically relevant questions are answered")
	for _, q := range rep.Open() {
		if !q.Required {
			assert.NotContains(t, text, flatten(q.Label), "an open question that is not required is not listed")
		}
	}
}
