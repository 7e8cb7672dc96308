package proforma

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/refletter/refletter/referral"
)

// Answers are the referrer's answers to a form's questions, by question id.
// Each answer must suit its question's kind: "yes" or "no", a date as
// "YYYY-MM-DD", a decimal number, or one of the question's choices.
type Answers map[string]string

// LoadAnswers reads answers from a JSON object of question id to answer
// string, such as {"lesion-site": "Left forearm", "fit-done": "yes"}. It is
// strict: anything but an object of strings, a duplicate id, or trailing
// data is an error. Which ids and answers fit a form is checked by Check.
// Errors name the question id, never the answer.
func LoadAnswers(r io.Reader) (Answers, error) {
	b, err := readAll(r, "answers")
	if err != nil {
		return nil, err
	}
	raw, bad := oneValue(b, "answers")
	if bad != nil {
		return nil, Errors{*bad}
	}
	var p problems
	ms, ok := members(raw, "answers", &p)
	if !ok {
		return nil, p.err()
	}
	if len(ms) > maxQuestions {
		p.add("answers", referral.RuleMaxItems, fmt.Sprintf("more than %d answers", maxQuestions))
		return nil, p.err()
	}
	a := make(Answers, len(ms))
	for _, m := range ms {
		if !idPattern.MatchString(m.key) {
			// No question has such an id; the key is not repeated.
			p.add("answers", RuleUnknownQuestion, "the "+nthKey(m.n)+" is not a question id")
			continue
		}
		at := answerPath(m.key)
		s, ok := asString(m.value, at, &p)
		if !ok {
			continue
		}
		if p.addFault(at, textProblem(s)) {
			continue
		}
		a[m.key] = s
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return a, nil
}

// answerPath names the answer to question id, an id of idPattern, in an
// error.
func answerPath(id string) string { return "answers." + id }

var numberPattern = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]+)?$`)

// normalise returns answer a to q as the letter prints it, or the fault
// saying why it does not fit q. The fault's message never repeats a.
func normalise(q Question, a string) (string, fault) {
	if f := textProblem(a); f.msg != "" {
		return "", f
	}
	s := strings.TrimSpace(a)
	if s == "" {
		return "", fault{referral.RuleBlank, "is empty: leave out a question you do not answer"}
	}
	switch q.Kind {
	case KindYesNo:
		switch strings.ToLower(s) {
		case "yes":
			return "Yes", fault{}
		case "no":
			return "No", fault{}
		}
		return "", fault{referral.RuleOneOf, "must be yes or no"}
	case KindDate:
		d, err := referral.ParseDate(s)
		if err != nil {
			return "", fault{referral.RuleDate, "must be a real date in YYYY-MM-DD form"}
		}
		return d.Long(), fault{}
	case KindNumber:
		if !numberPattern.MatchString(s) {
			return "", fault{RuleNumber, "must be a number, such as 12 or 7.5"}
		}
		return s, fault{}
	case KindChoice:
		for _, c := range q.Choices {
			if strings.EqualFold(strings.TrimSpace(c), s) {
				return strings.TrimSpace(c), fault{}
			}
		}
		return "", fault{referral.RuleOneOf, "must be one of the question's choices"}
	}
	return s, fault{}
}
