package proforma

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refletter/refletter/referral"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonHolds is the test's own account of "the referral holds content at
// path", worked out on the referral's JSON form rather than by reflection:
// a non-blank string, a yes or no that is present, a list or object with
// content somewhere inside; a list whose sibling "state" is set (a
// medication or allergy list) counts even when empty.
func jsonHolds(doc any, path []string) bool {
	switch v := doc.(type) {
	case []any:
		for _, e := range v {
			if jsonHolds(e, path) {
				return true
			}
		}
		return false
	case map[string]any:
		if s, ok := v["state"].(string); ok && len(path) <= 1 {
			// A list with its state: recorded answers (an empty list is
			// "none"), unknown does not.
			return s == "recorded" && (len(path) == 0 || path[0] == "items" || jsonHolds(v[path[0]], nil))
		}
		if len(path) == 0 {
			for _, e := range v {
				if jsonHolds(e, nil) {
					return true
				}
			}
			return false
		}
		next, ok := v[path[0]]
		if !ok {
			return false
		}
		return jsonHolds(next, path[1:])
	case string:
		return len(path) == 0 && strings.TrimSpace(v) != ""
	case bool:
		return len(path) == 0
	case nil:
		return false
	}
	return len(path) == 0
}

func referralJSON(t testing.TB, r *referral.Referral) any {
	t.Helper()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc
}

// TestCheckEveryFormAndReferral checks every form against every referral,
// with no answers and with the form's answers file, and works out each
// question's expected status independently.
func TestCheckEveryFormAndReferral(t *testing.T) {
	checked := 0
	for _, formPath := range formFiles(t) {
		form := loadFormFile(t, formPath)
		withAnswers := answersFor(t, formPath)
		for _, refPath := range referralFiles(t) {
			ref, ok := decodeReferral(t, refPath)
			if !ok {
				continue
			}
			doc := referralJSON(t, ref)
			for _, answers := range []Answers{nil, withAnswers} {
				name := fmt.Sprintf("%s/%s/answers=%d", filepath.Base(formPath), filepath.Base(refPath), len(answers))
				t.Run(name, func(t *testing.T) {
					rep, err := form.Check(ref, answers)
					require.NoError(t, err)
					require.Len(t, rep.Results, len(form.Questions))
					assert.Equal(t, form.TwoWeekWait, rep.TwoWeekWait)
					given := 0
					for i, res := range rep.Results {
						q := form.Questions[i]
						require.Equal(t, q, res.Question)
						_, answered := answers[q.ID]
						var want Result
						switch {
						case q.Maps != "" && jsonHolds(doc, strings.Split(q.Maps, ".")):
							want = Result{Status: StatusAnswered, Source: q.Maps}
						case answered:
							want = Result{Status: StatusAnswered, Source: SourceReferrer}
						case q.Gate:
							want = Result{Status: StatusNotNeeded, Why: WhyGate}
						case q.Administrative:
							want = Result{Status: StatusNotNeeded, Why: WhyAdministrative}
						default:
							want = Result{Status: StatusOpen}
						}
						assert.Equal(t, want.Status, res.Status, q.ID)
						assert.Equal(t, want.Source, res.Source, q.ID)
						assert.Equal(t, want.Why, res.Why, q.ID)
						assert.Equal(t, answered, res.Answer != "", "%s: every answer is kept", q.ID)
						if answered {
							given++
						}
					}
					assert.Equal(t, len(answers), given, "every answer belongs to a question")
					assert.Len(t, rep.Section().Answers, len(answers))
					assert.Equal(t, len(form.Questions),
						rep.Count(StatusAnswered)+rep.Count(StatusNotNeeded)+rep.Count(StatusOpen))
					assert.Len(t, rep.Open(), rep.Count(StatusOpen))
					checked++
				})
			}
		}
	}
	assert.GreaterOrEqual(t, checked, 6*3*2)
}

func minimalReferral(t testing.TB) *referral.Referral {
	t.Helper()
	r, ok := decodeReferral(t, filepath.Join("testdata", "referrals", "minimal.json"))
	require.True(t, ok)
	return r
}

func statuses(rep *Report) map[string]string {
	m := map[string]string{}
	for _, res := range rep.Results {
		s := string(res.Status)
		if res.Source != "" {
			s += " " + res.Source
		}
		m[res.Question.ID] = s
	}
	return m
}

func TestCheckDermatologyMinimal(t *testing.T) {
	form := loadFormFile(t, filepath.Join("..", "testdata", "proformas", "dermatology-lesion.json"))
	ref := minimalReferral(t)

	rep, err := form.Check(ref, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"nhs-number":        "answered patient.nhsNumber",
		"dob":               "answered patient.dateOfBirth",
		"phone":             "answered patient.phones",
		"interpreter":       "open",
		"reason":            "answered reason",
		"history":           "answered history",
		"lesion-site":       "open",
		"lesion-duration":   "open",
		"lesion-size":       "open",
		"lesion-change":     "open",
		"skin-type":         "open",
		"immunosuppressed":  "open",
		"past-skin-cancer":  "open",
		"photos":            "not-needed",
		"emollient-steroid": "not-needed",
		"advice-guidance":   "not-needed",
		"medications":       "answered medications", // recorded, none
		"anticoagulants":    "open",
		"allergies":         "open", // unknown answers nothing: listed as not available
		"practice-stamp":    "not-needed",
		"gp-signature":      "not-needed",
		"date-completed":    "not-needed",
	}, statuses(rep))

	rep, err = form.Check(ref, Answers{"lesion-site": "Left upper back", "photos": "Yes", "nhs-number": "999 000 0034"})
	require.NoError(t, err)
	st := statuses(rep)
	assert.Equal(t, "answered "+SourceReferrer, st["lesion-site"])
	assert.Equal(t, "answered "+SourceReferrer, st["photos"], "a gate the referrer answers is answered")
	assert.Equal(t, "answered patient.nhsNumber", st["nhs-number"], "the referral's field is the source")
	assert.Equal(t, []referral.FormAnswer{
		{QuestionID: "nhs-number", Question: "NHS number", Answer: "999 000 0034"},
		{QuestionID: "lesion-site", Question: "Site of lesion(s)", Answer: "Left upper back"},
		{QuestionID: "photos", Question: "Have dermoscopic photographs been taken and attached in eRS?", Answer: "Yes"},
	}, rep.Section().Answers, "answers in the form's order, mapped and gate answers kept")
}

func TestCheckContent(t *testing.T) {
	yes, no := true, false
	form := &Form{ID: "f", Title: "T", Issuer: "I", Questions: []Question{
		{ID: "meds", Label: "Medication", Kind: KindText, Maps: "medications"},
		{ID: "med-items", Label: "Medication list", Kind: KindText, Maps: "medications.items"},
		{ID: "med-names", Label: "Medicine names", Kind: KindText, Maps: "medications.items.name"},
		{ID: "allergies", Label: "Allergies", Kind: KindText, Maps: "allergies"},
		{ID: "agrees", Label: "Agrees", Kind: KindYesNo, Maps: "patientView.agrees"},
		{ID: "inv-result", Label: "Results", Kind: KindText, Maps: "investigations.result"},
		{ID: "exam", Label: "Examination", Kind: KindText, Maps: "examination"},
		{ID: "dob", Label: "Date of birth", Kind: KindDate, Maps: "patient.dateOfBirth"},
		{ID: "carer", Label: "Carer", Kind: KindText, Maps: "communication.carer.name"},
	}}
	tests := []struct {
		name string
		ref  referral.Referral
		want []string // ids answered
	}{
		{"empty referral", referral.Referral{}, nil},
		{"state missing is not none", referral.Referral{Medications: referral.Medications{Items: nil}}, nil},
		{"recorded none", referral.Referral{
			Medications: referral.Medications{State: referral.StateRecorded},
			Allergies:   referral.Allergies{State: referral.StateRecorded},
		}, []string{"meds", "med-items", "allergies"}},
		// "Not known" is printed, but it does not answer a form's question:
		// the question stays open and the letter lists it as not available.
		{"unknown answers nothing", referral.Referral{
			Medications: referral.Medications{State: referral.StateUnknown},
			Allergies:   referral.Allergies{State: referral.StateUnknown},
		}, nil},
		{"items", referral.Referral{Medications: referral.Medications{State: referral.StateRecorded,
			Items: []referral.Medication{{Name: "Amlodipine"}}}}, []string{"meds", "med-items", "med-names"}},
		{"explicit no", referral.Referral{PatientView: &referral.PatientView{Agrees: &no}}, []string{"agrees"}},
		{"explicit yes", referral.Referral{PatientView: &referral.PatientView{Agrees: &yes}}, []string{"agrees"}},
		{"unknown agreement", referral.Referral{PatientView: &referral.PatientView{Concerns: "Pain"}}, nil},
		{"a result in the second item", referral.Referral{Investigations: []referral.Investigation{
			{Name: "FBC"}, {Name: "FIT", Result: "86"}}}, []string{"inv-result"}},
		{"blank results", referral.Referral{Investigations: []referral.Investigation{{Name: "FBC", Result: "  "}}}, nil},
		{"blank text", referral.Referral{Examination: " \n\t"}, nil},
		{"date", referral.Referral{Patient: referral.Patient{DateOfBirth: referral.NewDate(1950, 1, 2)}}, []string{"dob"}},
		{"nil pointer on the way", referral.Referral{Communication: &referral.Communication{}}, nil},
		{"through pointers", referral.Referral{Communication: &referral.Communication{Carer: &referral.Carer{Name: "A Carer"}}}, []string{"carer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := form.Check(&tt.ref, nil)
			require.NoError(t, err)
			var got []string
			for _, res := range rep.Results {
				if res.Status == StatusAnswered {
					got = append(got, res.Question.ID)
					assert.Equal(t, res.Question.Maps, res.Source)
				} else {
					assert.Equal(t, StatusOpen, res.Status)
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCheckAnswerErrors(t *testing.T) {
	form := loadFormFile(t, filepath.Join("..", "testdata", "proformas", "lower-gi-2ww.json"))
	ref := minimalReferral(t)
	rep, err := form.Check(ref, Answers{
		"zz-unknown":         "x",
		"fit-result":         "eighty-six",
		"fit-date":           "09/11/2026",
		"straight-to-test":   "probably",
		"performance-status": "5",
		"available":          "",
		"a b":                "y",
		"egfr":               "78",
	})
	assert.Nil(t, rep)
	var es Errors
	require.ErrorAs(t, err, &es)
	assert.Equal(t, `answers: 2 answers are to no question on the form
answers.available: is empty: leave out a question you do not answer
answers.fit-result: must be a number, such as 12 or 7.5
answers.fit-date: must be a real date in YYYY-MM-DD form
answers.performance-status: must be one of the question's choices
answers.straight-to-test: must be yes or no`, err.Error())
	for _, v := range []string{"eighty-six", "09/11/2026", "probably", "zz-unknown"} {
		assert.NotContains(t, err.Error(), v, "errors never repeat an answer, nor an unknown key")
	}
}

func TestCheckRefuses(t *testing.T) {
	ref := minimalReferral(t)
	var nilForm *Form
	_, err := nilForm.Check(ref, nil)
	assert.EqualError(t, err, "no form given")

	form := &Form{ID: "f", Title: "T", Issuer: "I", Questions: []Question{{ID: "a", Label: "L", Kind: KindText, Maps: "nope"}}}
	_, err = form.Check(ref, nil)
	assert.EqualError(t, err, "questions[0].maps: no such referral field")

	form.Questions[0].Maps = "history"
	_, err = form.Check(nil, nil)
	var es Errors
	require.ErrorAs(t, err, &es)
	assert.EqualError(t, err, "referral: no referral given")
}

func TestSectionNil(t *testing.T) {
	var rep *Report
	assert.Equal(t, referral.FormSection{}, rep.Section())
	assert.Zero(t, rep.Count(StatusOpen))
	assert.Nil(t, rep.Open())
	assert.Error(t, rep.WriteText(&bytes.Buffer{}))
	// A nil *Report passed as a referral.Proforma adds an empty section.
	var p referral.Proforma = rep
	assert.Equal(t, referral.FormSection{}, p.Section())
}

func TestSection(t *testing.T) {
	path := filepath.Join("..", "testdata", "proformas", "lower-gi-2ww.json")
	form := loadFormFile(t, path)
	rep, err := form.Check(minimalReferral(t), answersFor(t, path))
	require.NoError(t, err)
	s := rep.Section()
	assert.Equal(t, "lgi-2ww", s.ID)
	assert.Equal(t, "Suspected Lower Gastrointestinal Cancer Referral Form (two-week wait)", s.Title)
	assert.Equal(t, "Kestrel Valley Cancer Alliance (fictional)", s.Issuer)
	assert.True(t, s.TwoWeekWait)
	assert.Equal(t, []referral.FormAnswer{
		{QuestionID: "available", Question: "The patient is available for an appointment in the next two weeks", Answer: "Yes"},
		{QuestionID: "leaflet", Question: "The patient has been given the information leaflet", Answer: "Yes"},
		{QuestionID: "criterion", Question: "Referral criterion met", Answer: "FIT 10 µg Hb/g faeces or more"},
		{QuestionID: "fit-result", Question: "FIT result (µg Hb/g faeces)", Answer: "86"},
		{QuestionID: "fit-date", Question: "Date of FIT", Answer: "9 November 2026"},
		{QuestionID: "egfr", Question: "eGFR (for CT with contrast)", Answer: "78"},
		{QuestionID: "performance-status", Question: "WHO performance status", Answer: "1"},
		{QuestionID: "straight-to-test", Question: "Is the patient fit for straight-to-test colonoscopy?", Answer: "Yes"},
		{QuestionID: "diabetes", Question: "Diabetes treated with insulin or a sulfonylurea (for bowel preparation)?", Answer: "No"},
	}, s.Answers)
}

// TestTwoWeekWaitFormRoute checks that a two-week-wait form sends a routine
// letter case to eRS, and that other forms do not.
func TestTwoWeekWaitFormRoute(t *testing.T) {
	ref, ok := decodeReferral(t, filepath.Join("testdata", "referrals", "knee.json"))
	require.True(t, ok)
	require.Equal(t, referral.PathLetter, referral.Decide(ref).Path, "precondition: a letter case")
	for _, path := range formFiles(t) {
		form := loadFormFile(t, path)
		rep, err := form.Check(ref, nil)
		require.NoError(t, err)
		rt := referral.Decide(ref, referral.WithProforma(rep))
		if form.TwoWeekWait {
			assert.Equal(t, referral.PathERS, rt.Path, path)
			assert.Contains(t, rt.Reasons, "the local form in use is a two-week-wait form")
			require.NotNil(t, rt.Handoff)
			assert.Equal(t, "TWO_WEEK_WAIT", rt.Handoff.PriorityCode)
		} else {
			assert.Equal(t, referral.PathLetter, rt.Path, path)
		}
	}
}

func TestWriteTextGolden(t *testing.T) {
	tests := []struct {
		form, ref, golden string
		answers           bool
	}{
		{"dermatology-lesion.json", "minimal.json", "dermatology-minimal.txt", true},
		{"msk-physiotherapy.json", "knee.json", "msk-knee-no-answers.txt", false},
		{"lower-gi-2ww.json", "bowel.json", "lower-gi-bowel.txt", true},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			formPath := filepath.Join("..", "testdata", "proformas", tt.form)
			form := loadFormFile(t, formPath)
			ref, ok := decodeReferral(t, filepath.Join("testdata", "referrals", tt.ref))
			require.True(t, ok)
			var answers Answers
			if tt.answers {
				answers = answersFor(t, formPath)
			}
			rep, err := form.Check(ref, answers)
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, rep.WriteText(&buf))
			golden(t, tt.golden, buf.Bytes())

			text := buf.String()
			flat := strings.Join(strings.Fields(text), " ")
			column := questionColumn(text)
			for _, q := range form.Questions {
				assert.Contains(t, column, strings.Join(strings.Fields(q.Label), " "), "every question is listed")
			}
			for _, a := range rep.Section().Answers {
				assert.Contains(t, flat, a.Answer)
			}
			assert.Equal(t, form.TwoWeekWait, strings.Contains(text, "TWO-WEEK-WAIT FORM"))
			assert.Contains(t, text, fmt.Sprintf("%d questions: %d answered, %d not needed, %d open.",
				len(form.Questions), rep.Count(StatusAnswered), rep.Count(StatusNotNeeded), rep.Count(StatusOpen)))
			// The report is about the form: it never prints the referral's own content.
			for _, s := range []string{ref.Patient.FamilyName, ref.Patient.NHSNumber.String(), string(ref.Patient.NHSNumber), ref.History} {
				assert.NotContains(t, text, s)
			}
			for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				assert.Equal(t, strings.TrimRight(line, " "), line, "no trailing spaces")
			}
		})
	}
}

// questionColumn returns the question column of a report's table, its
// wrapped lines joined by spaces.
func questionColumn(text string) string {
	var parts []string
	in := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "#"):
			in = true
			continue
		case line == "":
			in = false
		}
		if !in {
			continue
		}
		r := []rune(line + strings.Repeat(" ", numWidth+2+questionWidth))
		parts = append(parts, strings.TrimSpace(string(r[numWidth+2:numWidth+2+questionWidth])))
	}
	return strings.Join(parts, " ")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errBroken }

func TestWriteTextError(t *testing.T) {
	form := loadFormFile(t, filepath.Join("..", "testdata", "proformas", "ent.json"))
	rep, err := form.Check(minimalReferral(t), nil)
	require.NoError(t, err)
	err = rep.WriteText(failWriter{})
	assert.True(t, errors.Is(err, errBroken), "the write error is wrapped")
}

func TestWrap(t *testing.T) {
	assert.Equal(t, []string{""}, wrap("", 10))
	assert.Equal(t, []string{"one two", "three"}, wrap("one two three", 8))
	assert.Equal(t, []string{"abcde", "fghij", "k"}, wrap("abcdefghijk", 5))
	assert.Equal(t, []string{"a", "bcdef", "g h"}, wrap("a bcdefg h", 5))
	assert.Equal(t, []string{"µµµ", "µµ"}, wrap("µµµµµ", 3))
}
