package proforma

import (
	"fmt"
	"strconv"

	"github.com/refletter/refletter/referral"
)

// Status is what a check found for one question.
type Status string

// The statuses.
const (
	// StatusAnswered: the referral or the referrer's answer answers it.
	StatusAnswered Status = "answered"
	// StatusNotNeeded: a gate or an administrative item, which the letter
	// does not have to satisfy.
	StatusNotNeeded Status = "not-needed"
	// StatusOpen: a clinically relevant question nothing answers.
	StatusOpen Status = "open"
)

// SourceReferrer is the Source of a question answered by the referrer's
// own answer.
const SourceReferrer = "answer supplied by referrer"

// The sentences that say why a question is not needed.
const (
	WhyGate = "This is a precondition the service sets, not information needed for safe triage; " +
		"the letter does not have to satisfy it."
	WhyAdministrative = "Administrative item: the letter's letterhead and signature cover it."
)

// Result is what Check found for one question.
type Result struct {
	Question Question `json:"question"`
	Status   Status   `json:"status"`
	// Source is the referral path that answers the question
	// ("patient.nhsNumber") or SourceReferrer; "" when not answered.
	Source string `json:"source,omitempty"`
	// Why says in one sentence why a question is not needed.
	Why string `json:"why,omitempty"`
	// Answer is the referrer's answer as the letter prints it ("Yes",
	// "3 March 2026"), or "" when none was given. It is kept even when the
	// referral also answers the question.
	Answer string `json:"answer,omitempty"`
}

// Report is the outcome of checking a referral against a form: one Result
// per question, in the form's order. It holds the referrer's answers, so
// it holds patient data: keep it out of logs.
//
// A Report is a referral.Proforma: pass it to referral.WithProforma to add
// the answers to the letter, name the form in the contractual statement,
// and route a two-week-wait form to eRS.
type Report struct {
	FormID    string        `json:"formId"`
	Title     string        `json:"title"`
	Issuer    string        `json:"issuer"`
	Specialty string        `json:"specialty,omitempty"`
	Version   referral.Date `json:"version,omitzero"`
	// TwoWeekWait says the form is a suspected-cancer form: the case goes
	// to the NHS e-Referral Service, never a letter.
	TwoWeekWait bool     `json:"twoWeekWait"`
	Results     []Result `json:"results"`
}

// Check answers each question of f from the referral r and the referrer's
// answers a. A mapped question is answered when r holds content at its
// path (an explicit medication or allergy state counts, "unknown"
// included); otherwise an answer in a answers it; otherwise a gate or an
// administrative item is not needed, and anything else is open.
//
// Every answer is kept. An answer that does not suit its question's kind
// is an error naming the question id; answers to questions the form does
// not have are an error that counts them, never naming their keys, which
// may hold anything. All such problems are listed at once in an Errors. A form
// that fails Validate is refused with its Errors. Check does not validate
// r: that is referral's Validate.
func (f *Form) Check(r *referral.Referral, a Answers) (*Report, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, Errors{{Path: "referral", Rule: referral.RuleRequired, Message: "no referral given"}}
	}
	var p problems
	// An answer to no question of the form is counted, never named: its
	// key may hold anything (an NHS number is a valid id).
	unknown := 0
	for id := range a {
		if _, ok := f.Question(id); !ok {
			unknown++
		}
	}
	switch {
	case unknown == 1:
		p.add("answers", RuleUnknownQuestion, "1 answer is to no question on the form")
	case unknown > 1:
		p.add("answers", RuleUnknownQuestion, strconv.Itoa(unknown)+" answers are to no question on the form")
	}
	rep := &Report{
		FormID: f.ID, Title: f.Title, Issuer: f.Issuer, Specialty: f.Specialty,
		Version: f.Version, TwoWeekWait: f.TwoWeekWait,
		Results: make([]Result, 0, len(f.Questions)),
	}
	for _, q := range f.Questions {
		res := Result{Question: q}
		if raw, ok := a[q.ID]; ok {
			ans, f := normalise(q, raw)
			p.addFault(answerPath(q.ID), f)
			res.Answer = ans
		}
		switch {
		case q.Maps != "" && holds(r, q.Maps):
			res.Status, res.Source = StatusAnswered, q.Maps
		case res.Answer != "":
			res.Status, res.Source = StatusAnswered, SourceReferrer
		case q.Gate:
			res.Status, res.Why = StatusNotNeeded, WhyGate
		case q.Administrative:
			res.Status, res.Why = StatusNotNeeded, WhyAdministrative
		default:
			res.Status = StatusOpen
		}
		rep.Results = append(rep.Results, res)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return rep, nil
}

// Section returns what the report adds to the letter: the form's id, title
// and issuer, whether it is a two-week-wait form, every answer the
// referrer gave as question and answer pairs in the form's order, and the
// labels of the required questions still open, which the letter lists as
// not available at the time of referral. A nil report gives an empty
// section.
func (rep *Report) Section() referral.FormSection {
	if rep == nil {
		return referral.FormSection{}
	}
	s := referral.FormSection{ID: rep.FormID, Title: rep.Title, Issuer: rep.Issuer, TwoWeekWait: rep.TwoWeekWait}
	for _, res := range rep.Results {
		if res.Answer != "" {
			s.Answers = append(s.Answers, referral.FormAnswer{
				QuestionID: res.Question.ID, Question: res.Question.Label, Answer: res.Answer,
			})
		}
		if res.Status == StatusOpen && res.Question.Required {
			s.Unavailable = append(s.Unavailable, res.Question.Label)
		}
	}
	return s
}

// Count returns how many questions have status s.
func (rep *Report) Count(s Status) int {
	if rep == nil {
		return 0
	}
	n := 0
	for _, res := range rep.Results {
		if res.Status == s {
			n++
		}
	}
	return n
}

// Summary is the report in one line of counts, for the referrer before
// sending: "9 answered, 10 open (7 required), 3 not needed". It holds no
// patient data.
func (rep *Report) Summary() string {
	required := 0
	for _, q := range rep.Open() {
		if q.Required {
			required++
		}
	}
	return fmt.Sprintf("%d answered, %d open (%d required), %d not needed",
		rep.Count(StatusAnswered), rep.Count(StatusOpen), required, rep.Count(StatusNotNeeded))
}

// Open returns the questions nothing answers, for the referrer to consider
// before sending. The letter lists the required ones as not available at
// the time of referral, by label only.
func (rep *Report) Open() []Question {
	if rep == nil {
		return nil
	}
	var qs []Question
	for _, res := range rep.Results {
		if res.Status == StatusOpen {
			qs = append(qs, res.Question)
		}
	}
	return qs
}
