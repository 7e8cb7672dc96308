package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/refletter/refletter/referral"
)

// maxReplyBytes bounds the body of POST /v1/replies: two documents of at
// most 1 MiB each, and the object around them.
const maxReplyBytes = 2*referral.MaxDocumentBytes + 1024

// replies answers POST /v1/replies, {"referral": {...}, "returned": {...}}:
// the reply to a returned referral, followed by the original letter unless
// the query says original=false, as PDF or text as Accept prefers. It
// follows the rules of /v1/letters; field paths start "referral." or
// "returned.", as do the warnings' paths.
func (h *handler) replies(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	media := negotiate(r.Header.Get("Accept"), mediaPDF, mediaText)
	if media == "" {
		writeProblem(w, notAcceptable)
		return
	}
	ref, ret, ok := h.decodeReply(w, r)
	if !ok {
		return
	}
	h.answer(w, r, media, func() (letterSet, *problem) {
		reply, err := referral.ComposeReply(ref, ret)
		if err != nil {
			return letterSet{}, composeProblem(err, invalidReply)
		}
		set := letterSet{name: "referral-reply", letters: []*referral.Letter{reply},
			warnings: referral.Decide(ref).Warnings, field: replyField}
		if withOriginal(r) {
			original, err := referral.Compose(ref)
			if err != nil {
				return letterSet{}, composeProblem(err, func(fes referral.FieldErrors) problem { return invalidReply(under("referral.", fes)) })
			}
			set.letters = append(set.letters, original)
		}
		return set, nil
	})
}

// withOriginal reports whether the reply's answer includes the original
// letter: unless the query parameter original is false (or 0, f, F, FALSE,
// False). A value that is not a boolean keeps it: more, not less.
func withOriginal(r *http.Request) bool {
	keep, err := strconv.ParseBool(r.URL.Query().Get("original"))
	return keep || err != nil
}

// replyField gives the path in a reply request of a letter's field: the
// returned document's fields are named "returned...." already; the
// referral's are put under "referral".
func replyField(f string) string {
	if f == "returned" || strings.HasPrefix(f, "returned.") || strings.HasPrefix(f, "returned[") {
		return f
	}
	return strings.TrimSuffix("referral."+f, ".")
}

// under returns fes with their paths put under prefix ("referral."): a
// document's own paths become paths in the request.
func under(prefix string, fes referral.FieldErrors) referral.FieldErrors {
	out := make(referral.FieldErrors, len(fes))
	for i, fe := range fes {
		fe.Path = strings.TrimSuffix(prefix+fe.Path, ".")
		out[i] = fe
	}
	return out
}

func invalidReply(fes referral.FieldErrors) problem {
	return problem{Type: problemInvalidReply, Title: "The reply request is not valid", Status: http.StatusUnprocessableEntity, Errors: fes}
}

// decodeReply reads the request of POST /v1/replies, answering the client
// itself on failure as decode does, with every failing field of both
// documents at once.
func (h *handler) decodeReply(w http.ResponseWriter, r *http.Request) (*referral.Referral, *referral.Returned, bool) {
	data, ok := readBody(w, r, maxReplyBytes, "The request is larger than 2 MiB")
	if !ok {
		return nil, nil, false
	}
	req, err := splitReplyRequest(data)
	if err != nil {
		decodeFailed(w, err, invalidReply)
		return nil, nil, false
	}
	var fes referral.FieldErrors
	// add keeps the field errors of err, named in the request, and
	// reports whether it was no other error.
	add := func(prefix string, err error) bool {
		var these referral.FieldErrors
		if err != nil && !errors.As(err, &these) {
			decodeFailed(w, err, invalidReply)
			return false
		}
		fes = append(fes, under(prefix, these)...)
		return true
	}
	ref, err := referral.Decode(bytes.NewReader(req.referral))
	if !add("referral.", err) {
		return nil, nil, false
	}
	ret, err := referral.DecodeReturned(bytes.NewReader(req.returned))
	if !add("returned.", err) {
		return nil, nil, false
	}
	if len(fes) > 0 {
		decodeFailed(w, fes, invalidReply)
		return nil, nil, false
	}
	return ref, ret, true
}

// replyRequest is the body of POST /v1/replies, its two documents still
// in JSON.
type replyRequest struct {
	referral, returned []byte
}

// splitReplyRequest reads the request object strictly, as Decode reads a
// referral: exactly the keys "referral" and "returned", once each, not
// null, and nothing after the object. Its errors are FieldErrors naming
// neither a value nor an unknown key. The values are walked token by
// token, so a deeply nested document reaches Decode, which names it.
func splitReplyRequest(data []byte) (replyRequest, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return replyRequest{}, referral.FieldErrors{{Rule: referral.RuleEncoding, Message: "the request is not valid UTF-8"}}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	malformed := func() (replyRequest, error) { return replyRequest{}, referral.FieldErrors{syntaxError(data)} }
	var req replyRequest
	var fes referral.FieldErrors
	// Unknown keys make one error, and a repeated key one error each,
	// however many there are: the answer stays small.
	firstUnknown, unknown := 0, 0
	repeated := map[string]bool{}
	tok, err := dec.Token()
	if err != nil {
		return malformed()
	}
	if tok != json.Delim('{') {
		if skip(dec, tok) != nil {
			return malformed()
		}
		fes = append(fes, referral.FieldError{Rule: referral.RuleType, Message: `must be an object: {"referral": ..., "returned": ...}`})
	} else {
		for n := 1; dec.More(); n++ {
			tok, err := dec.Token()
			if err != nil {
				return malformed()
			}
			start := dec.InputOffset()
			if err := skipValue(dec); err != nil {
				return malformed()
			}
			// From the end of the key to the end of the value: the colon,
			// white space, the value.
			raw := bytes.TrimLeft(data[start:dec.InputOffset()], " \t\r\n:")
			var dst *[]byte
			switch key, _ := tok.(string); key {
			case "referral":
				dst = &req.referral
			case "returned":
				dst = &req.returned
			default:
				if unknown++; unknown == 1 {
					firstUnknown = n
				}
				continue
			}
			if *dst != nil {
				repeated[tok.(string)] = true
				continue
			}
			*dst = raw
		}
		if _, err := dec.Token(); err != nil {
			return malformed()
		}
	}
	if unknown > 0 {
		msg := fmt.Sprintf("unknown field (key %d of the request", firstUnknown)
		if unknown > 1 {
			msg += fmt.Sprintf(", and %d more", unknown-1)
		}
		fes = append(fes, referral.FieldError{Rule: referral.RuleUnknownField,
			Message: msg + `): the request holds only "referral" and "returned"`})
	}
	for _, key := range []string{"referral", "returned"} {
		if repeated[key] {
			fes = append(fes, referral.FieldError{Path: key, Rule: referral.RuleDuplicate, Message: "appears more than once"})
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return malformed()
		}
		return replyRequest{}, referral.FieldErrors{{Rule: referral.RuleTrailingData, Message: "there is data after the request object"}}
	}
	if tok == json.Delim('{') {
		for _, part := range []struct {
			name string
			raw  []byte
		}{{"referral", req.referral}, {"returned", req.returned}} {
			if part.raw == nil || string(part.raw) == "null" {
				fes = append(fes, referral.FieldError{Path: part.name, Rule: referral.RuleRequired, Message: "is required"})
			}
		}
	}
	if len(fes) > 0 {
		return replyRequest{}, fes
	}
	return req, nil
}

// skipValue consumes the next JSON value whole.
func skipValue(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	return skip(dec, tok)
}

// skip consumes the rest of a value whose first token was tok, one token
// at a time: no depth limit applies.
func skip(dec *json.Decoder, tok json.Token) error {
	for depth := 0; ; {
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
		var err error
		if tok, err = dec.Token(); err != nil {
			return err
		}
	}
}

// syntaxError names where data, which is not JSON, breaks: the line and
// column of the byte at fault, never the byte.
func syntaxError(data []byte) referral.FieldError {
	var raw json.RawMessage
	var se *json.SyntaxError
	if errors.As(json.Unmarshal(data, &raw), &se) && se.Offset > 0 {
		before := data[:min(se.Offset-1, int64(len(data)))]
		line := bytes.Count(before, []byte("\n")) + 1
		col := len(before) - bytes.LastIndexByte(before, '\n')
		return referral.FieldError{Rule: referral.RuleSyntax, Message: fmt.Sprintf("malformed JSON at line %d, column %d", line, col)}
	}
	return referral.FieldError{Rule: referral.RuleSyntax, Message: "malformed or truncated JSON"}
}
