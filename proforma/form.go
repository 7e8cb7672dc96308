package proforma

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/refletter/refletter/referral"
)

// Form is a local referral form: who issues it, and its questions in the
// order the form prints them. Load reads one from its JSON definition.
type Form struct {
	// ID names the form in answers files and reports ("derm-lesion").
	ID string `json:"id"`
	// Title is the form's name as printed on it, such as
	// "Dermatology Skin Lesion Referral Form".
	Title string `json:"title"`
	// Issuer is the ICB or trust that issues the form.
	Issuer    string `json:"issuer"`
	Specialty string `json:"specialty,omitempty"`
	// Version is the form's version date.
	Version referral.Date `json:"version,omitzero"`
	// TwoWeekWait marks a suspected-cancer (two-week-wait) form. A referral
	// made against one takes the eRS path, never a letter.
	TwoWeekWait bool       `json:"twoWeekWait,omitempty"`
	Questions   []Question `json:"questions"`
}

// Question is one question on a form.
type Question struct {
	// ID is unique within the form: letters, digits, '.', '_' and '-'.
	ID string `json:"id"`
	// Label is the question as the form prints it.
	Label string `json:"label"`
	Kind  Kind   `json:"kind"`
	// Choices are the allowed answers of a KindChoice question.
	Choices []string `json:"choices,omitempty"`
	// Required records that the form marks the question required.
	Required bool `json:"required,omitempty"`
	// Maps is the referral field that answers the question, as a JSON path
	// ("patient.nhsNumber", "investigations"), or "" when none does.
	Maps string `json:"maps,omitempty"`
	// Gate marks a precondition the service imposes (a treatment tried for
	// six weeks, a test done first) rather than information needed for
	// safe triage.
	Gate bool `json:"gate,omitempty"`
	// Administrative marks an item the letter's letterhead and signature
	// cover, such as the practice stamp.
	Administrative bool `json:"administrative,omitempty"`
}

// Kind is the kind of answer a question takes.
type Kind string

// The kinds of question.
const (
	KindText   Kind = "text"   // any text
	KindYesNo  Kind = "yes-no" // "yes" or "no"
	KindDate   Kind = "date"   // "YYYY-MM-DD"
	KindNumber Kind = "number" // a decimal number such as "12" or "-0.5"
	KindChoice Kind = "choice" // one of the question's Choices
)

// Valid reports whether k is one of the five kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindText, KindYesNo, KindDate, KindNumber, KindChoice:
		return true
	}
	return false
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Load reads a form definition (see the package documentation for the
// format). It is strict: unknown or duplicate keys, wrong types, trailing
// data, an unknown kind, a choice question without choices, duplicate
// question ids, a maps path that is not a referral field, and a form with
// no questions are all errors. Every problem is listed at once in an
// Errors, each naming its place ("questions[3].maps"). Input over MaxSize
// gives an error wrapping ErrTooLarge.
func Load(r io.Reader) (*Form, error) {
	b, err := readAll(r, "form")
	if err != nil {
		return nil, err
	}
	raw, bad := oneValue(b, "form")
	if bad != nil {
		return nil, Errors{*bad}
	}
	var p problems
	f := decodeForm(raw, &p)
	if f == nil {
		return nil, p.err()
	}
	// Add what Validate finds, except where a value of the wrong type was
	// left out.
	for _, e := range f.problems() {
		if !p.isBroken(e.Path) {
			p.list = append(p.list, e)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return f, nil
}

func decodeForm(raw json.RawMessage, p *problems) *Form {
	ms, ok := members(raw, "", p)
	if !ok {
		return nil
	}
	f := &Form{}
	for _, m := range ms {
		switch m.key {
		case "id":
			f.ID, _ = asString(m.value, "id", p)
		case "title":
			f.Title, _ = asString(m.value, "title", p)
		case "issuer":
			f.Issuer, _ = asString(m.value, "issuer", p)
		case "specialty":
			f.Specialty, _ = asString(m.value, "specialty", p)
		case "version":
			if s, ok := asString(m.value, "version", p); ok {
				d, err := referral.ParseDate(s)
				if err != nil {
					p.breaks("version", referral.RuleDate, "must be a real date in YYYY-MM-DD form")
				}
				f.Version = d
			}
		case "twoWeekWait":
			f.TwoWeekWait, _ = asBool(m.value, "twoWeekWait", p)
		case "questions":
			qs, ok := asArray(m.value, "questions", p)
			if !ok {
				continue
			}
			if f.Questions == nil {
				f.Questions = make([]Question, 0, len(qs))
			}
			for i, q := range qs {
				f.Questions = append(f.Questions, decodeQuestion(q, "questions["+strconv.Itoa(i)+"]", p))
			}
		default:
			p.add("", referral.RuleUnknownField, "unknown field ("+nthKey(m.n)+")")
		}
	}
	return f
}

func decodeQuestion(raw json.RawMessage, path string, p *problems) Question {
	var q Question
	ms, ok := members(raw, path, p)
	if !ok {
		return q
	}
	for _, m := range ms {
		at := path + "." + m.key
		switch m.key {
		case "id":
			q.ID, _ = asString(m.value, at, p)
		case "label":
			q.Label, _ = asString(m.value, at, p)
		case "kind":
			if s, ok := asString(m.value, at, p); ok {
				q.Kind = Kind(s)
			}
		case "choices":
			cs, ok := asArray(m.value, at, p)
			if !ok {
				continue
			}
			q.Choices = make([]string, 0, len(cs))
			for i, c := range cs {
				s, _ := asString(c, at+"["+strconv.Itoa(i)+"]", p)
				q.Choices = append(q.Choices, s)
			}
		case "required":
			q.Required, _ = asBool(m.value, at, p)
		case "maps":
			q.Maps, _ = asString(m.value, at, p)
		case "gate":
			q.Gate, _ = asBool(m.value, at, p)
		case "administrative":
			q.Administrative, _ = asBool(m.value, at, p)
		default:
			p.add(path, referral.RuleUnknownField, "unknown field ("+nthKey(m.n)+")")
		}
	}
	return q
}

// Validate reports what is wrong with f, as Load does for a definition: it
// is for forms built in Go. It returns nil or an Errors.
func (f *Form) Validate() error {
	if f == nil {
		return Errors{{Rule: referral.RuleRequired, Message: "no form given"}}
	}
	if ps := f.problems(); len(ps) > 0 {
		return ps
	}
	return nil
}

func (f *Form) problems() Errors {
	var p problems
	text := func(path, s string, required bool) {
		if required && strings.TrimSpace(s) == "" {
			p.add(path, referral.RuleRequired, "required")
			return
		}
		p.addFault(path, textProblem(s))
	}
	if f.ID != "" && !idPattern.MatchString(f.ID) {
		p.add("id", RuleID, "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	} else {
		text("id", f.ID, true)
	}
	text("title", f.Title, true)
	text("issuer", f.Issuer, true)
	text("specialty", f.Specialty, false)
	if !f.Version.IsZero() && !f.Version.Valid() {
		p.add("version", referral.RuleDate, "must be a real date in YYYY-MM-DD form")
	}
	switch {
	case len(f.Questions) == 0:
		p.add("questions", referral.RuleRequired, "the form has no questions")
	case len(f.Questions) > maxQuestions:
		p.add("questions", referral.RuleMaxItems, fmt.Sprintf("more than %d questions", maxQuestions))
	}
	first := map[string]int{}
	for i, q := range f.Questions {
		at := "questions[" + strconv.Itoa(i) + "]"
		switch {
		case q.ID == "":
			p.add(at+".id", referral.RuleRequired, "required")
		case !idPattern.MatchString(q.ID):
			p.add(at+".id", RuleID, "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
		default:
			if j, dup := first[q.ID]; dup {
				p.add(at+".id", RuleDuplicateID, fmt.Sprintf("duplicate question id (also questions[%d])", j))
			} else {
				first[q.ID] = i
			}
		}
		text(at+".label", q.Label, true)
		switch {
		case q.Kind == "":
			p.add(at+".kind", referral.RuleRequired, "required")
		case !q.Kind.Valid():
			p.add(at+".kind", referral.RuleOneOf, "must be one of text, yes-no, date, number, choice")
		case q.Kind == KindChoice && len(q.Choices) == 0:
			p.add(at+".choices", RuleChoicesRequired, "a choice question needs its choices")
		case q.Kind != KindChoice && len(q.Choices) > 0:
			p.add(at+".choices", RuleChoicesNotAllowed, "only a choice question has choices")
		}
		if len(q.Choices) > maxChoices {
			p.add(at+".choices", referral.RuleMaxItems, fmt.Sprintf("more than %d choices", maxChoices))
		}
		seen := map[string]bool{}
		for j, c := range q.Choices {
			cat := at + ".choices[" + strconv.Itoa(j) + "]"
			text(cat, c, true)
			k := strings.ToLower(strings.TrimSpace(c))
			if seen[k] && k != "" {
				p.add(cat, RuleDuplicateChoice, "duplicate choice")
			}
			seen[k] = true
		}
		if q.Maps != "" && !ValidPath(q.Maps) {
			msg := "no such referral field"
			if s := suggest(q.Maps); s != "" {
				msg += " (did you mean " + s + "?)"
			}
			p.add(at+".maps", RuleMaps, msg)
		}
		if q.Gate && q.Administrative {
			p.add(at, RuleGateAdministrative, "a question is a gate or an administrative item, not both")
		}
	}
	return p.list
}

// Question returns the question with the given id.
func (f *Form) Question(id string) (Question, bool) {
	if f == nil {
		return Question{}, false
	}
	for _, q := range f.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}
