package referral

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func twoWeekWaitHandoff(t *testing.T, r *Referral) *Handoff {
	t.Helper()
	rt := Decide(r)
	require.Equal(t, PathERS, rt.Path)
	require.NotNil(t, rt.Handoff)
	return rt.Handoff
}

// summaryPaths are the clinical fields the handoff's Summary puts in words
// for the suspected-cancer referral form.
var summaryPaths = []string{
	"priorityReason", "reason", "request", "history", "examination", "investigations", "managementSoFar",
	"pastHistory", "medications", "allergies", "familyHistory", "socialHistory", "patientView",
	"communication", "safety", "adviceAndGuidance", "attachments",
}

// TestHandoffNothingLost: every field given in a two-week-wait referral
// reaches the handoff under its own JSON path with its value, and every
// clinical field reaches the summary too.
func TestHandoffNothingLost(t *testing.T) {
	r := fullReferral(t)
	r.Priority = PriorityTwoWeekWait
	h := twoWeekWaitHandoff(t, r)
	b, err := json.Marshal(h)
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal(b, &doc))

	var all []leaf
	leaves(reflect.ValueOf(r).Elem(), "", &all)
	require.Greater(t, len(all), 80, "the full referral has every part")
	for _, l := range all {
		if l.path == "priority" {
			assert.Equal(t, "TWO_WEEK_WAIT", h.PriorityCode)
			continue
		}
		got, ok := rawAt(doc, l.path)
		if !ok && l.v.Kind() == reflect.Bool && !l.v.Bool() {
			continue // false is left out of the JSON, as in the referral's own
		}
		if !assert.True(t, ok, "%s is missing from the handoff", l.path) {
			continue
		}
		wb, err := json.Marshal(l.v.Interface())
		require.NoError(t, err)
		var want any
		require.NoError(t, json.Unmarshal(wb, &want))
		assert.Equal(t, want, got, l.path)

		for _, p := range summaryPaths {
			if strings.HasSuffix(l.path, ".state") {
				continue // the state is in words: see TestHandoffCarriesFormFields
			}
			if l.path != p && !strings.HasPrefix(l.path, p+".") && !strings.HasPrefix(l.path, p+"[") {
				continue
			}
			switch v := l.v.Interface().(type) {
			case Date:
				assert.Contains(t, h.Summary, v.Long(), l.path)
			case bool:
				assert.Contains(t, h.Summary, yesNo(v), l.path)
			case string:
				if strings.HasSuffix(l.path, ".since") {
					v = sinceText(v) // a date in it prints as a date, as in the letter
				}
				assert.Contains(t, h.Summary, strings.TrimSpace(v), l.path)
			default:
				assert.Contains(t, h.Summary, strings.TrimSpace(l.v.String()), l.path)
			}
		}
	}
}

// TestHandoffCarriesFormFields: what a suspected-cancer form asks for is in
// the handoff and its summary, with list states that never turn unknown
// into none.
func TestHandoffCarriesFormFields(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *Referral)
		has    []string
		hasNot []string
	}{
		{"anaphylaxis and interpreter", func(r *Referral) {
			r.Allergies = Allergies{State: StateRecorded, Items: []Allergy{{Substance: "Penicillin", Reaction: "Anaphylaxis", Severity: "severe"}}}
			r.Communication.Interpreter = &Interpreter{Language: "Russian"}
		}, []string{"Allergy: Penicillin; Anaphylaxis; severe", "Interpreter needed: Russian"}, nil},
		{"unknown lists", func(r *Referral) {
			r.Allergies = Allergies{State: StateUnknown}
			r.Medications = Medications{State: StateUnknown}
		}, []string{"Allergies: not known", "Medication: not known"}, []string{"none", "no known drug allergies"}},
		{"recorded empty lists", func(r *Referral) {
			r.Allergies = Allergies{State: StateRecorded}
			r.Medications = Medications{State: StateRecorded}
		}, []string{"Allergies: no known drug allergies (recorded)", "Medication: none (recorded)"}, []string{"not known"}},
		{"medication and past history", func(r *Referral) {}, []string{
			"Medication: Mometasone 0.1% ointment; Apply once daily; since March 2026", // as the letter prints it
			"Past history: Asthma; since childhood; Well controlled",
			"Reason for urgency: Rapidly worsening",
			"Safeguarding: No concerns", "Carer or next of kin: Róisín Byrne; partner; 07700 900456",
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fullReferral(t)
			r.Priority = PriorityTwoWeekWait
			tt.change(r)
			h := twoWeekWaitHandoff(t, r)
			for _, s := range tt.has {
				assert.Contains(t, h.Summary, s)
			}
			for _, s := range tt.hasNot {
				assert.NotContains(t, h.Summary, s)
			}
			assert.Equal(t, r.Allergies, h.Allergies)
			assert.Equal(t, r.Medications, h.Medications)
			assert.Equal(t, r.Communication, h.Communication)
		})
	}
}

// TestHandoffCarriesFormAnswers: the referrer's answers to a local form
// reach the handoff's summary when the case goes to eRS, whether the form
// or the priority sends it there: none is lost.
func TestHandoffCarriesFormAnswers(t *testing.T) {
	form := FormSection{Title: "Lower GI Urgent Suspected Cancer Referral", Answers: []FormAnswer{
		{QuestionID: "fit-result", Question: "FIT result (µg Hb/g faeces)", Answer: "86"},
		{QuestionID: "fit-date", Question: "Date of the FIT", Answer: "9 November 2026"},
	}, Unavailable: []string{"WHO performance status", "eGFR"}}
	tests := []struct {
		name     string
		priority Priority
		tww      bool
	}{
		{"a two-week-wait form", PriorityRoutine, true},
		{"a two-week-wait priority", PriorityTwoWeekWait, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fullReferral(t)
			r.Priority = tt.priority
			f := form
			f.TwoWeekWait = tt.tww
			_, err := Compose(r, WithProforma(fakeForm(f)), WithClock(fixedClock))
			var tw *TwoWeekWaitError
			require.ErrorAs(t, err, &tw)
			for _, h := range []*Handoff{Decide(r, WithProforma(fakeForm(f))).Handoff, tw.Handoff()} {
				require.NotNil(t, h)
				assert.Contains(t, h.Summary, "\nLower GI Urgent Suspected Cancer Referral: FIT result (µg Hb/g faeces): 86")
				assert.Contains(t, h.Summary, "\nLower GI Urgent Suspected Cancer Referral: Date of the FIT: 9 November 2026")
				assert.Contains(t, h.Summary, "\nLower GI Urgent Suspected Cancer Referral: not available at the time of referral: WHO performance status; eGFR")
			}
		})
	}
}
