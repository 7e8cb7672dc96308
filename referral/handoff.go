package referral

import (
	"errors"
	"slices"
	"strings"
)

// ErrTwoWeekWait is wrapped by the error Compose returns for a two-week-wait
// case. Use errors.As with *TwoWeekWaitError to reach the Handoff.
var ErrTwoWeekWait = errors.New("referral: two-week-wait case: refer by the urgent suspected-cancer route " +
	"(in England, the NHS e-Referral Service), not by letter")

// TwoWeekWaitError is returned by Compose for a two-week-wait case. Its
// message holds no patient data; the Handoff does.
type TwoWeekWaitError struct {
	Route Route
}

// Error returns a fixed message.
func (e *TwoWeekWaitError) Error() string { return ErrTwoWeekWait.Error() }

// Unwrap returns ErrTwoWeekWait.
func (e *TwoWeekWaitError) Unwrap() error { return ErrTwoWeekWait }

// Handoff returns what the two-week-wait referral needs.
func (e *TwoWeekWaitError) Handoff() *Handoff { return e.Route.Handoff }

// ReferViaERS is Handoff.Via for a practice in England.
const ReferViaERS = "NHS e-Referral Service (e-RS)"

// Handoff is everything an integrator needs to raise a two-week-wait
// (urgent suspected cancer) referral, which is never a letter: in England
// through the NHS e-Referral Service (package ers builds its requests),
// elsewhere by the nation's own route. It carries every field of the
// referral, under the referral's own JSON names, so that nothing given is
// lost; Summary puts the clinical ones in words for the suspected-cancer
// referral form. It holds patient data: keep it out of logs. Its
// investigations, past history and attachments are copies; its other
// lists and pointers are shared with the referral it was made from.
type Handoff struct {
	// Nation is the practice's nation, given or inferred.
	Nation Nation `json:"nation"`
	// Via names where the referral is made: ReferViaERS in England,
	// otherwise the nation's own urgent suspected-cancer referral route.
	Via string `json:"via"`
	// PriorityCode is the e-RS priority code, always TWO_WEEK_WAIT.
	PriorityCode   string `json:"priorityCode"`
	PriorityReason string `json:"priorityReason,omitempty"`

	Date      Date   `json:"date,omitzero"`
	Reference string `json:"reference,omitempty"`
	UBRN      UBRN   `json:"ubrn,omitempty"`

	Patient   Patient   `json:"patient"`
	Referrer  Referrer  `json:"referrer"`
	Practice  Practice  `json:"practice"`
	Recipient Recipient `json:"recipient"`

	Reason            string             `json:"reason"`
	Request           Request            `json:"request"`
	History           string             `json:"history"`
	Examination       string             `json:"examination,omitempty"`
	Investigations    []Investigation    `json:"investigations,omitempty"`
	ManagementSoFar   string             `json:"managementSoFar,omitempty"`
	PastHistory       []Condition        `json:"pastHistory,omitempty"`
	Medications       Medications        `json:"medications"`
	Allergies         Allergies          `json:"allergies"`
	FamilyHistory     string             `json:"familyHistory,omitempty"`
	SocialHistory     string             `json:"socialHistory,omitempty"`
	PatientView       *PatientView       `json:"patientView,omitempty"`
	Communication     *Communication     `json:"communication,omitempty"`
	Safety            *Safety            `json:"safety,omitempty"`
	AdviceAndGuidance *AdviceAndGuidance `json:"adviceAndGuidance,omitempty"`
	Attachments       []Attachment       `json:"attachments,omitempty"`
	Copies            *Copies            `json:"copies,omitempty"`

	// Summary is the clinical information in words, one item a line, to
	// fill the cancer alliance's suspected-cancer referral form quickly,
	// then the referrer's answers to a local form (WithProforma), each
	// named by the form.
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

// TwoWeekWaitChecklist returns the steps a practice in England completes
// for every urgent suspected-cancer referral.
func TwoWeekWaitChecklist() []ChecklistItem { return checklist(NationEngland) }

func checklist(n Nation) []ChecklistItem {
	attach := "The suspected-cancer referral form will be attached in e-RS within one working day."
	if n != NationEngland {
		attach = "The suspected-cancer referral form will be sent by the route used in " + n.Name() + "."
	}
	return []ChecklistItem{
		{"patient-told", "The patient has been told this is an urgent referral for suspected cancer."},
		{"available", "The patient is available for an appointment in the next two weeks."},
		{"phones-confirmed", "The patient's phone numbers have been confirmed."},
		{"leaflet-given", "The patient has been given the information leaflet about urgent referral."},
		{"form-attached", attach},
	}
}

func newHandoff(r *Referral) *Handoff {
	n, _ := r.Practice.EffectiveNation()
	via := ReferViaERS
	if n != NationEngland {
		via = "the urgent suspected-cancer referral route used in " + n.Name() + " (not e-RS)"
	}
	p := r.Practice
	p.Nation = n
	h := &Handoff{
		Nation:            n,
		Via:               via,
		PriorityCode:      PriorityTwoWeekWait.ERSCode(),
		PriorityReason:    r.PriorityReason,
		Date:              r.Date,
		Reference:         r.Reference,
		UBRN:              r.UBRN,
		Patient:           r.Patient,
		Referrer:          r.Referrer,
		Practice:          p,
		Recipient:         r.Recipient,
		Reason:            r.Reason,
		Request:           r.Request,
		History:           r.History,
		Examination:       r.Examination,
		Investigations:    slices.Clone(r.Investigations),
		ManagementSoFar:   r.ManagementSoFar,
		PastHistory:       slices.Clone(r.PastHistory),
		Medications:       r.Medications,
		Allergies:         r.Allergies,
		FamilyHistory:     r.FamilyHistory,
		SocialHistory:     r.SocialHistory,
		PatientView:       r.PatientView,
		Communication:     r.Communication,
		Safety:            r.Safety,
		AdviceAndGuidance: r.AdviceAndGuidance,
		Attachments:       slices.Clone(r.Attachments),
		Copies:            r.Copies,
		Summary:           summary(r),
		Checklist:         checklist(n),
	}
	// The identifiers e-RS reads, in their stored forms.
	h.Patient.NHSNumber = ParseNHSNumber(string(r.Patient.NHSNumber))
	h.Patient.Address.Postcode = NormalizePostcode(r.Patient.Address.Postcode)
	if h.Patient.Phones == nil {
		h.Patient.Phones = []Phone{}
	}
	return h
}

// summary puts the referral's clinical information in words, a line an
// item. Lists always say their state: unknown is never printed as none.
func summary(r *Referral) string {
	var b strings.Builder
	add := func(label string, parts ...string) {
		text := strings.Join(nonEmpty(trimAll(parts)...), "; ")
		if text == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(label + ": " + text)
	}
	add("Reason for urgency", r.PriorityReason)
	add("Reason for referral", r.Reason)
	add("Asked for", string(r.Request.Kind), r.Request.Detail)
	add("History", r.History)
	add("Examination", r.Examination)
	for _, inv := range r.Investigations {
		add("Investigation", inv.Name, inv.Result, inv.Date.Long(), inv.Comment)
	}
	add("Management so far", r.ManagementSoFar)
	for _, c := range r.PastHistory {
		add("Past history", c.Condition, since(c.Since), c.Note)
	}
	switch m := r.Medications; {
	case m.State == StateUnknown:
		add("Medication", "not known (status not recorded)")
	case len(m.Items) == 0:
		add("Medication", "none (recorded)")
	default:
		for _, it := range m.Items {
			add("Medication", it.Name, it.Dose, since(it.Since))
		}
	}
	switch a := r.Allergies; {
	case a.State == StateUnknown:
		add("Allergies", "not known (status not recorded)")
	case len(a.Items) == 0:
		add("Allergies", "no known drug allergies (recorded)")
	default:
		for _, it := range a.Items {
			add("Allergy", it.Substance, it.Reaction, it.Severity)
		}
	}
	add("Family history", r.FamilyHistory)
	add("Social history", r.SocialHistory)
	if v := r.PatientView; v != nil {
		if v.Informed != nil {
			add("Knows of this referral", yesNo(*v.Informed))
		}
		if v.Agrees != nil {
			add("Agrees to this referral", yesNo(*v.Agrees))
		}
		add("Concerns and expectations", v.Concerns)
	}
	if cm := r.Communication; cm != nil {
		if in := cm.Interpreter; in != nil {
			add("Interpreter needed", in.Language, in.Dialect)
		}
		for _, a := range cm.AccessibleInformation {
			add("Accessible information", a)
		}
		for _, a := range cm.ReasonableAdjustments {
			add("Reasonable adjustment", a)
		}
		if cr := cm.Carer; cr != nil {
			add("Carer or next of kin", cr.Name, cr.Relationship, cr.Phone)
		}
	}
	if s := r.Safety; s != nil {
		add("Safeguarding", s.Safeguarding)
		add("Risk to self", s.RiskToSelf)
		add("Risk to others", s.RiskToOthers)
		add("Risk to staff (lone working, home visits)", s.RiskToStaff)
		add("Capacity and lasting power of attorney", s.Capacity)
	}
	if ag := r.AdviceAndGuidance; ag != nil {
		considered := ""
		if ag.Considered != nil {
			considered = "considered: " + yesNo(*ag.Considered)
		}
		add("Advice and guidance", considered, ag.Reason)
	}
	for _, a := range r.Attachments {
		add("Enclosure", a.Title, a.Date.Long())
	}
	return b.String()
}

// formSummary puts the referrer's answers to a local form in words, a
// line each after the summary's, named by the form, so that none is lost
// when the case goes to eRS; and the required questions nothing answers,
// so that the form is not taken as complete.
func formSummary(f *FormSection) string {
	if f == nil {
		return ""
	}
	var b strings.Builder
	name := firstNonEmpty(f.Title, "Local referral form")
	for _, a := range f.Answers {
		if t := strings.TrimSpace(a.Answer); t != "" {
			b.WriteString("\n" + name + ": " + strings.TrimSpace(a.Question) + ": " + t)
		}
	}
	if len(f.Unavailable) > 0 {
		b.WriteString("\n" + name + ": not available at the time of referral: " + strings.Join(trimAll(f.Unavailable), "; "))
	}
	return b.String()
}

// since prints a "since" as the letter does: an ISO date as a date.
func since(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return "since " + sinceText(s)
}

func trimAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.TrimSpace(s)
	}
	return out
}
