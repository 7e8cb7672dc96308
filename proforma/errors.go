package proforma

import (
	"errors"
	"strings"
)

// Problem is one thing wrong with a form definition or a set of answers:
// where it is, which rule it breaks and what is wrong. It never holds an
// answer's value.
type Problem struct {
	// Path is the place ("questions[3].maps", "answers.fit-result"), or ""
	// for the whole document.
	Path string
	// Rule names the rule broken, for a program to act on: one of the
	// Rule constants of this package, or referral's rule of the same
	// meaning (referral.RuleRequired, RuleType, RuleOneOf, RuleDate,
	// RuleBlank, RuleMaxLength, RuleMaxItems, RuleControlChars,
	// RuleEncoding, RuleSyntax, RuleTrailingData, RuleUnknownField or
	// RuleDuplicate).
	Rule string
	// Message says what is wrong, for a person to read.
	Message string
}

// Rules only forms and answers have, as Problem.Rule names them.
const (
	// RuleID: a form or question id that is not 1 to 64 letters, digits,
	// '.', '_' or '-', starting with a letter or digit.
	RuleID = "id"
	// RuleDuplicateID: a question id used by an earlier question.
	RuleDuplicateID = "duplicate-id"
	// RuleChoicesRequired: a choice question with no choices.
	RuleChoicesRequired = "choices-required"
	// RuleChoicesNotAllowed: choices on a question that is not a choice
	// question.
	RuleChoicesNotAllowed = "choices-not-allowed"
	// RuleDuplicateChoice: a choice given twice in one question, ignoring
	// case and surrounding space.
	RuleDuplicateChoice = "duplicate-choice"
	// RuleMaps: a maps path that is not a referral field.
	RuleMaps = "maps"
	// RuleGateAdministrative: a question marked both a gate and an
	// administrative item.
	RuleGateAdministrative = "gate-administrative"
	// RuleNumber: an answer to a number question that is not a decimal
	// number.
	RuleNumber = "number"
	// RuleUnknownQuestion: answers to questions the form does not have, or
	// under a key that cannot be a question id.
	RuleUnknownQuestion = "unknown-question"
)

// Error returns "path: message".
func (p Problem) Error() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Errors lists every problem found at once. Load, LoadAnswers and Check
// return it; reach it with errors.As.
type Errors []Problem

// Error joins the problems, one per line.
func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// ErrTooLarge is wrapped by the error Load and LoadAnswers return for input
// over MaxSize.
var ErrTooLarge = errors.New("proforma: input is larger than 1 MiB")

// MaxSize is the largest form definition or answers file read, in bytes.
const MaxSize = 1 << 20

// Limits on what a form or an answer may hold, as for a referral.
const (
	maxQuestions = 200
	maxText      = 20000
	maxChoices   = 200
)

// problems collects Problems. Places whose value had the wrong type are
// also recorded as broken, so that later checks of the same place (which
// would only see a zero value) stay quiet.
type problems struct {
	list   Errors
	broken []string
}

func (p *problems) add(path, rule, msg string) {
	p.list = append(p.list, Problem{Path: path, Rule: rule, Message: msg})
}

// addFault adds f at path, unless f is the zero fault.
func (p *problems) addFault(path string, f fault) bool {
	if f.msg == "" {
		return false
	}
	p.add(path, f.rule, f.msg)
	return true
}

func (p *problems) breaks(path, rule, msg string) {
	p.add(path, rule, msg)
	p.broken = append(p.broken, path)
}

// isBroken reports whether path is, or is inside, a broken place.
func (p *problems) isBroken(path string) bool {
	for _, b := range p.broken {
		if path == b || strings.HasPrefix(path, b+".") || strings.HasPrefix(path, b+"[") {
			return true
		}
	}
	return false
}

// fault is a rule broken and its message, or the zero fault for none.
type fault struct{ rule, msg string }

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return p.list
}
