package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/refletter/refletter/referral"
)

const problemInvalidReply = problemBase + "invalid-reply-request"

// replyRequest is the body of POST /v1/replies, its two documents still
// in JSON.
type replyRequest struct {
	referral, returned json.RawMessage
}

// replies answers POST /v1/replies, {"referral": {...}, "returned": {...}}:
// the reply to a returned referral, as PDF with the original letter
// appended (unless the query says original=false), or as text when Accept
// asks for it. Errors are as for /v1/letters, with field paths starting
// "referral." or "returned.".
func (h *handler) replies(w http.ResponseWriter, r *http.Request) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeProblem(w, problem{Type: problemMediaType, Title: "Send the request as application/json", Status: http.StatusUnsupportedMediaType})
		return
	}
	// Two documents of at most 1 MiB each, and the object around them.
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 2*referral.MaxDocumentBytes+1024))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		writeProblem(w, problem{Type: problemTooLarge, Title: "The request is larger than 2 MiB", Status: http.StatusRequestEntityTooLarge})
		return
	case err != nil:
		writeProblem(w, problem{Type: problemInvalidReply, Title: "The request body could not be read", Status: http.StatusBadRequest})
		return
	}
	req, fes := splitReplyRequest(data)
	if fes != nil {
		writeProblem(w, invalidReply(fes))
		return
	}
	ref, err := referral.Decode(bytes.NewReader(req.referral))
	if err != nil {
		h.replyDecodeError(w, "referral.", err)
		return
	}
	ret, err := referral.DecodeReturned(bytes.NewReader(req.returned))
	if err != nil {
		h.replyDecodeError(w, "returned.", err)
		return
	}
	reply, err := referral.ComposeReply(ref, ret)
	if !h.composed(w, err) {
		return
	}
	var buf bytes.Buffer
	if negotiate(r.Header.Get("Accept"), mediaPDF, mediaText) == mediaText {
		if err := reply.WriteText(&buf); err != nil {
			writeProblem(w, problem{Type: problemInternal, Title: "The reply could not be written", Status: http.StatusInternalServerError})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(buf.Bytes())
		return
	}
	letters := []*referral.Letter{reply}
	if r.URL.Query().Get("original") != "false" {
		original, err := referral.Compose(ref)
		if !h.composed(w, err) {
			return
		}
		letters = append(letters, original)
	}
	warns, err := h.pdf.RenderAll(&buf, letters...)
	if err != nil {
		writeProblem(w, problem{Type: problemInternal, Title: "The reply could not be rendered", Status: http.StatusInternalServerError})
		return
	}
	for _, wn := range warns {
		w.Header().Add("Refletter-Warning", wn.Field+": "+wn.Message)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Write(buf.Bytes())
}

// composed answers the client when err, from ComposeReply or Compose, is
// not nil, and reports whether all is well.
func (h *handler) composed(w http.ResponseWriter, err error) bool {
	var fes referral.FieldErrors
	var tw *referral.TwoWeekWaitError
	switch {
	case err == nil:
		return true
	case errors.As(err, &fes):
		writeProblem(w, invalidReply(fes))
	case errors.As(err, &tw):
		writeProblem(w, problem{Type: problemTwoWeekWait, Title: "Two-week-wait case: refer through the NHS e-Referral Service",
			Status: http.StatusConflict, Detail: strings.Join(tw.Route.Reasons, "; "), Handoff: tw.Handoff()})
	default:
		writeProblem(w, problem{Type: problemInternal, Title: "The reply could not be composed", Status: http.StatusInternalServerError})
	}
	return false
}

func (h *handler) replyDecodeError(w http.ResponseWriter, prefix string, err error) {
	var fes referral.FieldErrors
	switch {
	case errors.Is(err, referral.ErrTooLarge):
		writeProblem(w, problem{Type: problemTooLarge, Title: "A document of the request is larger than 1 MiB", Status: http.StatusRequestEntityTooLarge})
	case errors.As(err, &fes):
		for i := range fes {
			fes[i].Path = strings.TrimSuffix(prefix+fes[i].Path, ".")
		}
		writeProblem(w, invalidReply(fes))
	default:
		writeProblem(w, problem{Type: problemInvalidReply, Title: "The request body could not be read", Status: http.StatusBadRequest})
	}
}

func invalidReply(fes referral.FieldErrors) problem {
	return problem{Type: problemInvalidReply, Title: "The reply request is not valid", Status: http.StatusUnprocessableEntity, Errors: fes}
}

// splitReplyRequest reads the request object strictly: exactly the keys
// "referral" and "returned", once each, and nothing after the object.
// Its errors name neither a value nor an unknown key.
func splitReplyRequest(data []byte) (replyRequest, referral.FieldErrors) {
	var req replyRequest
	bad := func(path, rule, msg string) (replyRequest, referral.FieldErrors) {
		return replyRequest{}, referral.FieldErrors{{Path: path, Rule: rule, Message: msg}}
	}
	malformed := func() (replyRequest, referral.FieldErrors) {
		return bad("", referral.RuleSyntax, "the request is not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return malformed()
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return malformed()
		}
		var dst *json.RawMessage
		switch key, _ := tok.(string); key {
		case "referral":
			dst = &req.referral
		case "returned":
			dst = &req.returned
		default:
			return bad("", referral.RuleUnknownField, `the request may hold only "referral" and "returned"`)
		}
		if *dst != nil {
			return bad(tok.(string), referral.RuleDuplicate, "appears more than once")
		}
		if err := dec.Decode(dst); err != nil {
			return malformed()
		}
	}
	if _, err := dec.Token(); err != nil {
		return malformed()
	}
	if _, err := dec.Token(); err != io.EOF {
		return bad("", referral.RuleTrailingData, "there is data after the request object")
	}
	var fes referral.FieldErrors
	for _, part := range []struct {
		name string
		raw  json.RawMessage
	}{{"referral", req.referral}, {"returned", req.returned}} {
		if part.raw == nil || string(part.raw) == "null" {
			fes = append(fes, referral.FieldError{Path: part.name, Rule: referral.RuleRequired, Message: "is required"})
		}
	}
	return req, fes
}
