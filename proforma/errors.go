package proforma

import (
	"errors"
	"strings"
)

// Problem is one thing wrong with a form definition or a set of answers:
// where it is ("questions[3].maps", "answers.fit-result") and what is wrong.
// It never holds an answer's value.
type Problem struct {
	Path    string
	Message string
}

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

func (p *problems) add(path, msg string) { p.list = append(p.list, Problem{Path: path, Message: msg}) }

func (p *problems) breaks(path, msg string) {
	p.add(path, msg)
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

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return p.list
}
