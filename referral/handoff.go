package referral

import (
	"errors"
	"strings"
)

// ErrTwoWeekWait is wrapped by the error Compose returns for a two-week-wait
// case. Use errors.As with *TwoWeekWaitError to reach the Handoff.
var ErrTwoWeekWait = errors.New("referral: two-week-wait case: refer through the NHS e-Referral Service, not by letter")

// TwoWeekWaitError is returned by Compose for a case on the eRS path. Its
// message holds no patient data; the Handoff does.
type TwoWeekWaitError struct {
	Route Route
}

// Error returns a fixed message.
func (e *TwoWeekWaitError) Error() string { return ErrTwoWeekWait.Error() }

// Unwrap returns ErrTwoWeekWait.
func (e *TwoWeekWaitError) Unwrap() error { return ErrTwoWeekWait }

// Handoff returns what the eRS path needs.
func (e *TwoWeekWaitError) Handoff() *Handoff { return e.Route.Handoff }

// Handoff is what an integrator needs to raise a two-week-wait referral
// through eRS. It holds patient data: keep it out of logs.
type Handoff struct {
	// PriorityCode is the eRS priority code, always TWO_WEEK_WAIT.
	PriorityCode string    `json:"priorityCode"`
	NHSNumber    NHSNumber `json:"nhsNumber"`
	Postcode     string    `json:"postcode"`
	Phones       []Phone   `json:"phones"`
	Referrer     Referrer  `json:"referrer"`
	// PracticeODS is the referring practice's ODS code, sent as
	// NHSD-End-User-Organisation-ODS.
	PracticeODS string `json:"practiceOds"`
	// Service and Specialty are in words; eRS codes are looked up at run
	// time (A004), never guessed.
	Service      string `json:"service,omitempty"`
	Specialty    string `json:"specialty,omitempty"`
	ERSServiceID string `json:"ersServiceId,omitempty"`
	// ClinicalTerm is a SNOMED CT concept, where known.
	ClinicalTerm *Coding `json:"clinicalTerm,omitempty"`
	// Summary is a clinical summary for the cancer alliance's
	// suspected-cancer referral form.
	Summary string `json:"summary"`
	// Checklist is what the practice completes for every 2WW referral.
	Checklist []ChecklistItem `json:"checklist"`
}

// Coding is a code from a code system.
type Coding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display,omitempty"`
}

// ChecklistItem is one step of the two-week-wait checklist.
type ChecklistItem struct {
	Code string `json:"code"`
	Text string `json:"text"`
}

// TwoWeekWaitChecklist returns the steps a practice completes for every
// urgent suspected-cancer referral.
func TwoWeekWaitChecklist() []ChecklistItem {
	return []ChecklistItem{
		{"patient-told", "The patient has been told this is an urgent referral for suspected cancer."},
		{"available", "The patient is available for an appointment in the next two weeks."},
		{"phones-confirmed", "The patient's phone numbers have been confirmed."},
		{"leaflet-given", "The patient has been given the information leaflet about urgent referral."},
		{"form-attached", "The suspected-cancer referral form will be attached in eRS within one working day."},
	}
}

func newHandoff(r *Referral) *Handoff {
	h := &Handoff{
		PriorityCode: PriorityTwoWeekWait.ERSCode(),
		NHSNumber:    ParseNHSNumber(string(r.Patient.NHSNumber)),
		Postcode:     NormalizePostcode(r.Patient.Address.Postcode),
		Phones:       append([]Phone(nil), r.Patient.Phones...),
		Referrer:     r.Referrer,
		PracticeODS:  r.Practice.ODSCode,
		Service:      r.Recipient.Service,
		Specialty:    r.Recipient.Specialty,
		ERSServiceID: r.Recipient.ERSServiceID,
		Summary:      summary(r),
		Checklist:    TwoWeekWaitChecklist(),
	}
	if h.Phones == nil {
		h.Phones = []Phone{}
	}
	return h
}

func summary(r *Referral) string {
	var b strings.Builder
	add := func(label, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(label + ": " + strings.TrimSpace(text))
	}
	add("Reason for referral", r.Reason)
	add("History", r.History)
	add("Examination", r.Examination)
	for _, inv := range r.Investigations {
		line := inv.Name + ": " + inv.Result
		if d := inv.Date.Long(); d != "" {
			line += " (" + d + ")"
		}
		if inv.Comment != "" {
			line += "; " + inv.Comment
		}
		add("Investigation", line)
	}
	add("Management so far", r.ManagementSoFar)
	return b.String()
}
