package ers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/refletter/refletter/referral"
)

// Errors found before anything is sent. Match them with errors.Is.
var (
	// ErrInvalidRequest is wrapped by every *RequestError: a request input
	// failed its checks and no body was built.
	ErrInvalidRequest = errors.New("ers: invalid request")
	// ErrFileTooLarge: an upload is over MaxFileSize.
	ErrFileTooLarge = errors.New("ers: file is larger than eRS accepts (5 MB)")
	// ErrContentType: an upload's content type is not one eRS accepts, or
	// does not match the file name's extension.
	ErrContentType = errors.New("ers: content type not accepted by eRS for this file")
	// ErrFileName: an upload's file name is missing, too long, has no
	// extension, or holds a path separator or control character.
	ErrFileName = errors.New("ers: file name is not safe to send")
	// ErrConfig: a Config given to NewClient is incomplete or malformed.
	ErrConfig = errors.New("ers: invalid client configuration")
	// ErrBadResponse: eRS answered 2xx but the answer lacks what the
	// operation promises (a UBRN, an ETag, a Location) or is not readable.
	ErrBadResponse = errors.New("ers: unexpected answer from eRS")
	// ErrNoConcept: no concept in a code system has the display text.
	ErrNoConcept = errors.New("ers: no concept with that display text")
	// ErrAmbiguousConcept: more than one concept has the display text.
	ErrAmbiguousConcept = errors.New("ers: more than one concept with that display text")
)

// RequestError lists every failing field of a request input. It wraps
// ErrInvalidRequest and its Fields, so errors.As with a
// *referral.FieldErrors reaches them too. It never holds a value.
type RequestError struct {
	// Operation is the eRS operation, such as "A011 create referral".
	Operation string
	Fields    referral.FieldErrors
}

// Error returns the operation and each failing field with its rule.
func (e *RequestError) Error() string {
	var b strings.Builder
	b.WriteString("ers: ")
	b.WriteString(e.Operation)
	b.WriteString(": invalid request: ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Error())
	}
	return b.String()
}

// Unwrap returns ErrInvalidRequest and the field errors.
func (e *RequestError) Unwrap() []error { return []error{ErrInvalidRequest, e.Fields} }

// APIError is a non-2xx answer from eRS. It carries the HTTP status and the
// eRS error codes of the OperationOutcome (issue[].details.coding[].code,
// such as NO_REG_GP_PRACTICE or FILE_SIZE_ERROR). The outcome's free-text
// diagnostics are never read: they may repeat patient data.
type APIError struct {
	// Operation is the eRS operation, such as "A011 create referral".
	Operation string
	// Status is the HTTP status code.
	Status int
	// Codes are the eRS error codes, in the order given. Codes that are not
	// plain upper-case identifiers are left out.
	Codes []string
	// CorrelationID is the X-Correlation-ID sent with the request: quote it
	// to the eRS service desk.
	CorrelationID string
}

// Error returns the operation, the status and the codes.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("ers: ")
	b.WriteString(e.Operation)
	b.WriteString(": HTTP ")
	b.WriteString(strconv.Itoa(e.Status))
	if t := http.StatusText(e.Status); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	if len(e.Codes) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(e.Codes, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// Has reports whether eRS gave the error code.
func (e *APIError) Has(code string) bool {
	for _, c := range e.Codes {
		if c == code {
			return true
		}
	}
	return false
}
