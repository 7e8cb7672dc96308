package main

import (
	"encoding/json"
	"net/http"

	"github.com/refletter/refletter/examples/internal/printable"
	"github.com/refletter/refletter/referral"
)

// problemBase is where the problem types are explained: each type is an
// anchor of docs/problems.md in the repository.
const problemBase = "https://github.com/refletter/refletter/blob/main/docs/problems.md#"

// Problem types, as RFC 9457 problem+json "type" URIs.
const (
	problemNotJSON       = problemBase + "not-json"
	problemInvalid       = problemBase + "invalid-referral"
	problemInvalidReply  = problemBase + "invalid-reply-request"
	problemTwoWeekWait   = problemBase + "two-week-wait"
	problemTooLarge      = problemBase + "too-large"
	problemMediaType     = problemBase + "unsupported-media-type"
	problemNotAcceptable = problemBase + "not-acceptable"
	problemNotFound      = problemBase + "not-found"
	problemMethod        = problemBase + "method-not-allowed"
	problemBusy          = problemBase + "busy"
	problemInternal      = problemBase + "internal"
	problemBadCopy       = problemBase + "bad-copy"
	problemNoCopy        = problemBase + "no-patient-copy"
)

// problemTypes lists every problem type the server answers with.
var problemTypes = []string{problemNotJSON, problemInvalid, problemInvalidReply, problemTwoWeekWait, problemTooLarge,
	problemMediaType, problemNotAcceptable, problemNotFound, problemMethod, problemBusy, problemInternal,
	problemBadCopy, problemNoCopy}

// problem is an RFC 9457 problem document.
type problem struct {
	Type    string                `json:"type"`
	Title   string                `json:"title"`
	Status  int                   `json:"status"`
	Detail  string                `json:"detail,omitempty"`
	Errors  []referral.FieldError `json:"errors,omitempty"`
	Handoff *referral.Handoff     `json:"handoff,omitempty"`
}

// writeProblem answers with p. Field error paths and messages are escaped:
// JSON escapes C0 control characters but not C1 or bidirectional marks,
// which a terminal showing the body would act on.
func writeProblem(w http.ResponseWriter, p problem) {
	if len(p.Errors) > 0 {
		fes := make([]referral.FieldError, len(p.Errors))
		for i, fe := range p.Errors {
			fes[i] = referral.FieldError{Path: printable.String(fe.Path), Rule: printable.String(fe.Rule), Message: printable.String(fe.Message)}
		}
		p.Errors = fes
	}
	writeJSON(w, "application/problem+json", p.Status, p)
}

func writeJSON(w http.ResponseWriter, contentType string, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
