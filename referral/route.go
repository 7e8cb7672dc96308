package referral

import (
	"strings"
)

// Path is where a referral goes: a letter, or the NHS e-Referral Service.
type Path string

// The paths.
const (
	PathLetter Path = "letter"
	PathERS    Path = "ers"
)

// Route is the decision Decide makes.
type Route struct {
	Path Path `json:"path"`
	// Reasons say why the path was taken, in plain words.
	Reasons []string `json:"reasons"`
	// Warnings never block; the referrer decides.
	Warnings []Warning `json:"warnings"`
	// Handoff is set on the eRS path: what the eRS request needs.
	Handoff *Handoff `json:"handoff,omitempty"`
}

// Warning is something the referrer should look at. It names a field and
// never repeats its value.
type Warning struct {
	Code    string `json:"code"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// Warning codes.
const (
	WarnPossibleCancer    = "possible-suspected-cancer"
	WarnRecommendedMissed = "recommended-field-missing"
	WarnNoPriorityReason  = "priority-reason-missing"
)

// Decide chooses the path for r: the eRS path when the priority is two-week
// wait, the recipient is a suspected-cancer service, or a two-week-wait
// proforma is in use (WithProforma); the letter path otherwise. It is pure
// and cheap, and does not validate r. Options other than WithProforma are
// ignored.
func Decide(r *Referral, opts ...Option) Route {
	return decide(r, settingsOf(opts), true)
}

// decide is Decide; Compose calls it without the warnings it has no use for.
func decide(r *Referral, s settings, withWarnings bool) Route {
	rt := Route{Path: PathLetter, Reasons: []string{}, Warnings: []Warning{}}
	if r == nil {
		rt.Reasons = append(rt.Reasons, "no referral given")
		return rt
	}
	if r.Priority.canonical() == PriorityTwoWeekWait {
		rt.Reasons = append(rt.Reasons, "the priority is two-week wait (urgent suspected cancer)")
	}
	if r.Recipient.SuspectedCancer {
		rt.Reasons = append(rt.Reasons, "the recipient is a suspected-cancer (two-week-wait) service")
	}
	if s.form != nil && s.form.TwoWeekWait {
		rt.Reasons = append(rt.Reasons, "the local form in use is a two-week-wait form")
	}
	if len(rt.Reasons) > 0 {
		rt.Path = PathERS
		rt.Handoff = newHandoff(r)
		return rt
	}
	rt.Reasons = append(rt.Reasons, "not a two-week-wait case: a letter is appropriate")
	if withWarnings {
		rt.Warnings = warnings(r)
	}
	return rt
}

// cancerCues are phrases that suggest suspected cancer in free text.
var cancerCues = []string{
	"suspected cancer", "suspicion of cancer", "suspicious of cancer", "query cancer",
	"?cancer", "? cancer", "?malignan", "? malignan", "malignancy", "2ww", "two week wait",
	"two-week wait", "two-week-wait", "ng12", "rapid access", "red flag", "urgent suspected",
}

func warnings(r *Referral) []Warning {
	ws := []Warning{}
	texts := []struct{ path, text string }{
		{"reason", r.Reason}, {"request.detail", r.Request.Detail}, {"history", r.History},
		{"examination", r.Examination}, {"managementSoFar", r.ManagementSoFar},
		{"priorityReason", r.PriorityReason},
	}
	for i, inv := range r.Investigations {
		texts = append(texts, struct{ path, text string }{pathIndex("investigations", i) + ".result", inv.Result})
		texts = append(texts, struct{ path, text string }{pathIndex("investigations", i) + ".comment", inv.Comment})
	}
	for _, t := range texts {
		if hasCancerCue(t.text) {
			ws = append(ws, Warning{Code: WarnPossibleCancer, Path: t.path,
				Message: "wording suggests suspected cancer: consider whether this is a two-week-wait referral, which must go through eRS"})
		}
	}
	if r.Priority.canonical() != PriorityRoutine && strings.TrimSpace(r.PriorityReason) == "" {
		ws = append(ws, Warning{Code: WarnNoPriorityReason, Path: "priorityReason",
			Message: "a non-routine referral should say why it is not routine"})
	}
	missing := func(path string, empty bool) {
		if empty {
			ws = append(ws, Warning{Code: WarnRecommendedMissed, Path: path, Message: "recommended field is empty"})
		}
	}
	ws = append(ws, patientCopyWarnings(r)...)
	missing("practice.email", r.Practice.Email == "")
	missing("examination", strings.TrimSpace(r.Examination) == "")
	missing("investigations", len(r.Investigations) == 0)
	missing("managementSoFar", strings.TrimSpace(r.ManagementSoFar) == "")
	missing("patientView", r.PatientView == nil ||
		(r.PatientView.Informed == nil && r.PatientView.Agrees == nil && r.PatientView.Concerns == ""))
	return ws
}

func hasCancerCue(s string) bool {
	if s == "" {
		return false
	}
	l := strings.ToLower(s)
	for _, c := range cancerCues {
		if strings.Contains(l, c) {
			return true
		}
	}
	return false
}
