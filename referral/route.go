package referral

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
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
	// Path is PathLetter or PathERS. It is empty only when Decide was
	// given no referral: there is then nothing to route, and a caller
	// must not treat the empty Path as the letter path.
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
	// Code says what kind of warning it is: one of the Warn constants.
	Code string `json:"code"`
	// Path is the JSON path of the field the warning is about, if any.
	Path string `json:"path,omitempty"`
	// Message says what to look at, in plain words.
	Message string `json:"message"`
}

// String returns the warning as "PATH: MESSAGE (CODE)", or
// "MESSAGE (CODE)" when it has no path.
func (w Warning) String() string {
	s := w.Message + " (" + w.Code + ")"
	if w.Path != "" {
		s = w.Path + ": " + s
	}
	return s
}

// Warning codes.
const (
	WarnPossibleCancer    = "possible-suspected-cancer"
	WarnRecommendedMissed = "recommended-field-missing"
	WarnNoPriorityReason  = "priority-reason-missing"
	// WarnNationInferred: practice.nation was not given, so it was
	// inferred; the message names the rule used.
	WarnNationInferred = "nation-inferred"
	// WarnNationCheck: practice.nation is given, but the ODS code or
	// postcode places the practice in another nation; the message names
	// both, since the statement and the route follow the nation given.
	WarnNationCheck = "nation-check"
	// WarnStatementNotApplicable: the practice is outside England, so the
	// default statement, which cites England's regulations, is left out.
	WarnStatementNotApplicable = "statement-not-applicable"
	// WarnPatientCopyNotStated: copies.patient is not given, so the
	// patient gets no copy; the referrer should say whether they do.
	WarnPatientCopyNotStated = "patient-copy-not-stated"
	// WarnPatientCopyCheck: the patient gets a copy of a letter that holds
	// a safeguarding concern, a risk or a carer's details; the referrer
	// should check that the copy cannot cause harm.
	WarnPatientCopyCheck = "patient-copy-check"
)

// Decide chooses the path for r: the eRS path when the priority is two-week
// wait, the recipient is a suspected-cancer service, or a two-week-wait
// proforma is in use (WithProforma); the letter path otherwise. It is pure
// and cheap, and does not validate r. WithProforma's answers are checked
// for wording that suggests suspected cancer, as the referral's free text
// is. Of the other options, WithStatement and WithoutStatement count too:
// they silence the statement-not-applicable warning for a practice
// outside England.
//
// Decide(nil) refuses without panicking: its Route has an empty Path, no
// Handoff, and the reason "no referral given".
func Decide(r *Referral, opts ...Option) Route {
	return decide(r, settingsOf(opts), true)
}

// decide is Decide; Compose calls it without the warnings it has no use for.
func decide(r *Referral, s settings, withWarnings bool) Route {
	if r == nil {
		return Route{Reasons: []string{"no referral given"}, Warnings: []Warning{}}
	}
	rt := Route{Path: PathLetter, Reasons: []string{}, Warnings: []Warning{}}
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
		rt.Handoff.Summary += formSummary(s.form)
		if withWarnings {
			rt.Warnings = append(rt.Warnings, nationWarnings(r, s, false)...)
		}
		return rt
	}
	rt.Reasons = append(rt.Reasons, "not a two-week-wait case: a letter is appropriate")
	if withWarnings {
		rt.Warnings = append(warnings(r), nationWarnings(r, s, true)...)
		if s.form != nil {
			// The answers to a local form are the referrer's free text too.
			for _, a := range s.form.Answers {
				if hasCancerCue(a.Answer) {
					rt.Warnings = append(rt.Warnings, Warning{Code: WarnPossibleCancer, Path: "answers." + a.QuestionID,
						Message: "wording suggests suspected cancer; consider whether this is a two-week-wait referral, which must go through eRS"})
				}
			}
		}
	}
	return rt
}

// nationWarnings says when the practice's nation was inferred, and, for a
// letter, when the default statement is left out because the practice is
// outside England.
func nationWarnings(r *Referral, s settings, letter bool) []Warning {
	var ws []Warning
	n, rule := r.Practice.EffectiveNation()
	if rule != "" {
		ws = append(ws, Warning{Code: WarnNationInferred, Path: "practice.nation",
			Message: "not given, so taken as " + n.Name() + " because " + rule})
	} else {
		p := r.Practice
		p.Nation = ""
		if m, why := p.EffectiveNation(); m != n && why != ruleDefaultEn {
			ws = append(ws, Warning{Code: WarnNationCheck, Path: "practice.nation",
				Message: "given as " + n.Name() + ", but " + why + ", which places it in " + m.Name() +
					": check the nation, since the statement and the route follow it"})
		}
	}
	if letter && n != NationEngland && s.statement == nil && !s.noStatement {
		ws = append(ws, Warning{Code: WarnStatementNotApplicable, Path: "practice.nation",
			Message: "the default statement cites England's GP contract regulations, so it is left out for a practice in " +
				n.Name() + "; pass your own with WithStatement"})
	}
	return ws
}

// Cancer cues: wording that suggests suspected cancer. Text is matched
// word by word after folding case: white space of any kind (non-breaking
// spaces, line breaks) and punctuation break words, invisible marks
// (zero-width, soft hyphen) are ignored, and "?" is a word of its own.
//
// A word warns when it starts with (or, for the names of cancers, holds)
// one of cancerStems; "mass" or "masses" warns except in "body mass",
// "muscle mass", "bone mass" and "mass index", or within three words
// after "no", "nil" or "without" ("no palpable masses", the commonest
// finding of an examination); "ca" warns after "?", "query", "possible",
// "likely" or "suspected"; and so do the phrases of cancerPhrases.
// Otherwise negation is not parsed: "no family history of cancer" and
// "no red flags" warn. A warning costs the referrer a glance, a missed cue
// a two-week-wait pathway.
var (
	// cancerStems are matched at the start of a word.
	cancerStems = []string{"cancer", "malignan", "tumour", "tumor", "neoplas", "metasta", "2ww", "usc", "ng12",
		"fasttrack", "redflag"}
	// cancerNames are matched anywhere in a word: adenocarcinoma, osteosarcoma.
	cancerNames = []string{"carcinoma", "melanoma", "lymphoma", "sarcoma", "leukaemia", "leukemia", "myeloma"}
	// cancerPhrases are runs of words; "|" separates the spellings of a word.
	cancerPhrases = [][]string{
		{"two|2", "week|weeks|wk", "wait|waits"},
		{"2", "ww"},
		{"ng", "12"},
		{"red", "flag|flags"},
		{"fast", "track|tracked|tracking"},
		{"urgent", "suspected"},
		{"rapid", "access"},
	}
	// cancerQualifiers make "ca" a cue.
	cancerQualifiers = []string{"?", "query", "possible", "likely", "suspected", "suspect", "suspicious"}
)

// oneOf reports whether w is one of the "|"-separated spellings alts,
// without allocating: it runs for every word of every free text.
func oneOf(alts, w string) bool {
	for {
		a, rest, more := strings.Cut(alts, "|")
		if a == w {
			return true
		}
		if !more {
			return false
		}
		alts = rest
	}
}

// cueWords splits texts into lower-case words for cue matching. Its
// buffers serve text after text: the words of one text are cut from one
// string.
type cueWords struct {
	buf   []byte // the words of the text, one after another
	ends  []int  // where each word ends in buf
	words []string
}

// split returns the words of s, valid until the next call.
func (c *cueWords) split(s string) []string {
	if cap(c.buf) < len(s) {
		c.buf = make([]byte, 0, len(s)) // about the size of the words
	}
	c.buf, c.ends = c.buf[:0], c.ends[:0]
	flush := func() {
		if n := len(c.buf); n > 0 && (len(c.ends) == 0 || c.ends[len(c.ends)-1] < n) {
			c.ends = append(c.ends, n)
		}
	}
	for _, r := range s {
		r = unicode.ToLower(r) // strings.ToLower, a character at a time
		switch {
		case unicode.Is(unicode.Cf, r):
			// zero-width and direction marks inside a word join it
		case r == '?':
			flush()
			c.buf = append(c.buf, '?')
			flush()
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			c.buf = utf8.AppendRune(c.buf, r)
		default:
			flush()
		}
	}
	flush()
	all := string(c.buf)
	c.words = c.words[:0]
	start := 0
	for _, end := range c.ends {
		c.words = append(c.words, all[start:end])
		start = end
	}
	return c.words
}

func hasCancerCue(s string) bool {
	var c cueWords
	return c.hasCancerCue(s)
}

func (c *cueWords) hasCancerCue(s string) bool {
	words := c.split(s)
	for i, w := range words {
		for _, c := range cancerStems {
			if strings.HasPrefix(w, c) {
				return true
			}
		}
		for _, c := range cancerNames {
			if strings.Contains(w, c) {
				return true
			}
		}
		prev, next := "", ""
		if i > 0 {
			prev = words[i-1]
		}
		if i+1 < len(words) {
			next = words[i+1]
		}
		if (w == "mass" || w == "masses") && prev != "body" && prev != "muscle" && prev != "bone" && next != "index" &&
			!slices.ContainsFunc(words[max(0, i-3):i], func(w string) bool { return w == "no" || w == "nil" || w == "without" }) {
			return true
		}
		if w == "ca" && slices.Contains(cancerQualifiers, prev) {
			return true
		}
		if w == "?ca" {
			return true
		}
	phrases:
		for _, ph := range cancerPhrases {
			if i+len(ph) > len(words) {
				continue
			}
			for k, alts := range ph {
				if !oneOf(alts, words[i+k]) {
					continue phrases
				}
			}
			return true
		}
	}
	return false
}

func warnings(r *Referral) []Warning {
	ws := []Warning{}
	var cues cueWords
	possibleCancer := func(path string) Warning {
		return Warning{Code: WarnPossibleCancer, Path: path,
			Message: "wording suggests suspected cancer; consider whether this is a two-week-wait referral, which must go through eRS"}
	}
	for _, t := range [...]struct{ path, text string }{
		{"reason", r.Reason}, {"request.detail", r.Request.Detail}, {"history", r.History},
		{"examination", r.Examination}, {"managementSoFar", r.ManagementSoFar},
		{"priorityReason", r.PriorityReason},
	} {
		if cues.hasCancerCue(t.text) {
			ws = append(ws, possibleCancer(t.path))
		}
	}
	for i, inv := range r.Investigations {
		for _, t := range [...]struct{ field, text string }{{".result", inv.Result}, {".comment", inv.Comment}} {
			if cues.hasCancerCue(t.text) {
				ws = append(ws, possibleCancer(pathIndex("investigations", i)+t.field))
			}
		}
	}
	for _, t := range [...]struct{ path, text string }{{"recipient.service", r.Recipient.Service}, {"recipient.specialty", r.Recipient.Specialty}} {
		if cues.hasCancerCue(t.text) {
			ws = append(ws, Warning{Code: WarnPossibleCancer, Path: t.path,
				Message: "the service suggests suspected cancer; if it is a two-week-wait service, mark it so (suspectedCancer), since such a referral must go through eRS"})
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
	ws = append(ws, patientFormatWarnings(r)...)
	missing("practice.email", r.Practice.Email == "")
	missing("examination", strings.TrimSpace(r.Examination) == "")
	missing("investigations", len(r.Investigations) == 0)
	missing("managementSoFar", strings.TrimSpace(r.ManagementSoFar) == "")
	missing("patientView", r.PatientView == nil ||
		(r.PatientView.Informed == nil && r.PatientView.Agrees == nil && r.PatientView.Concerns == ""))
	ws = append(ws, patientCopyWarnings(r)...)
	return ws
}

// patientCopyWarnings warns when the patient copy is not stated, and when
// a copy goes to the patient with content that could cause harm if read
// by someone else or by the patient unprepared.
func patientCopyWarnings(r *Referral) []Warning {
	switch {
	case r.Copies == nil || r.Copies.Patient == nil:
		return []Warning{{Code: WarnPatientCopyNotStated, Path: "copies.patient",
			Message: "whether the patient gets a copy is not stated, so no copy will be sent to the patient"}}
	case !*r.Copies.Patient:
		return nil
	}
	var paths []string
	if s := r.Safety; s != nil {
		for _, f := range []struct{ path, text string }{
			{"safety.safeguarding", s.Safeguarding}, {"safety.riskToSelf", s.RiskToSelf},
			{"safety.riskToOthers", s.RiskToOthers}, {"safety.riskToStaff", s.RiskToStaff},
		} {
			if strings.TrimSpace(f.text) != "" {
				paths = append(paths, f.path)
			}
		}
	}
	if r.Communication != nil && r.Communication.Carer != nil {
		paths = append(paths, "communication.carer")
	}
	var ws []Warning
	for _, p := range paths {
		ws = append(ws, Warning{Code: WarnPatientCopyCheck, Path: p,
			Message: "the patient gets a copy of a letter holding this; check that a copy cannot cause harm"})
	}
	return ws
}
