package referral

import (
	"strconv"
	"strings"
)

// FieldError is one failing field: its JSON path ("patient.nhsNumber",
// "investigations[2].date"), the rule it breaks, and a plain message. It
// never holds the field's value.
type FieldError struct {
	Path    string `json:"path"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Error returns "path: message".
func (e FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// FieldErrors lists every failing field of a referral at once. Validate and
// Decode return it; reach it with errors.As.
type FieldErrors []FieldError

// Error joins the field errors, one per line.
func (es FieldErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

func pathIndex(p string, i int) string { return p + "[" + strconv.Itoa(i) + "]" }
