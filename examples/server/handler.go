package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

// Problem types, as RFC 9457 problem+json "type" URIs.
const (
	problemBase        = "https://github.com/refletter/refletter/problems/"
	problemInvalid     = problemBase + "invalid-referral"
	problemTwoWeekWait = problemBase + "two-week-wait"
	problemTooLarge    = problemBase + "too-large"
	problemMediaType   = problemBase + "unsupported-media-type"
	problemInternal    = problemBase + "internal"
	problemBadCopy     = problemBase + "bad-copy"
	problemNoCopy      = problemBase + "no-patient-copy"
)

// problem is an RFC 9457 problem document.
type problem struct {
	Type    string                `json:"type"`
	Title   string                `json:"title"`
	Status  int                   `json:"status"`
	Detail  string                `json:"detail,omitempty"`
	Errors  []referral.FieldError `json:"errors,omitempty"`
	Handoff *referral.Handoff     `json:"handoff,omitempty"`
}

type handler struct {
	pdf *pdf.Renderer
}

func newHandler(r *pdf.Renderer) http.Handler {
	h := &handler{pdf: r}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/letters", h.letters)
	mux.HandleFunc("POST /v1/route", h.route)
	mux.HandleFunc("GET /v1/schema", h.schema)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	return mux
}

// decode reads the request's referral, answering the client itself on
// failure (415, 413, 422).
func (h *handler) decode(w http.ResponseWriter, r *http.Request) (*referral.Referral, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeProblem(w, problem{Type: problemMediaType, Title: "Send the referral as application/json", Status: http.StatusUnsupportedMediaType})
		return nil, false
	}
	body := http.MaxBytesReader(w, r.Body, referral.MaxDocumentBytes)
	ref, err := referral.Decode(body)
	var mbe *http.MaxBytesError
	var fes referral.FieldErrors
	switch {
	case err == nil:
		return ref, true
	case errors.As(err, &mbe), errors.Is(err, referral.ErrTooLarge):
		writeProblem(w, problem{Type: problemTooLarge, Title: "The referral is larger than 1 MiB", Status: http.StatusRequestEntityTooLarge})
	case errors.As(err, &fes):
		writeProblem(w, invalid(fes))
	default:
		writeProblem(w, problem{Type: problemInvalid, Title: "The request body could not be read", Status: http.StatusBadRequest})
	}
	return nil, false
}

func invalid(fes referral.FieldErrors) problem {
	return problem{Type: problemInvalid, Title: "The referral is not valid", Status: http.StatusUnprocessableEntity, Errors: fes}
}

func (h *handler) letters(w http.ResponseWriter, r *http.Request) {
	ref, ok := h.decode(w, r)
	if !ok {
		return
	}
	var opts []referral.Option
	switch r.URL.Query().Get("copy") {
	case "":
	case "patient": // the patient's copy, in large print when asked
		opts = append(opts, referral.ForPatient())
	default:
		writeProblem(w, problem{Type: problemBadCopy, Title: "copy must be patient", Status: http.StatusBadRequest})
		return
	}
	letter, err := referral.Compose(ref, opts...)
	var fes referral.FieldErrors
	var tw *referral.TwoWeekWaitError
	switch {
	case errors.Is(err, referral.ErrNoPatientCopy):
		writeProblem(w, problem{Type: problemNoCopy, Title: "The referral gives the patient no copy (copies.patient)",
			Status: http.StatusUnprocessableEntity})
		return
	case errors.As(err, &fes):
		writeProblem(w, invalid(fes))
		return
	case errors.As(err, &tw):
		writeProblem(w, problem{Type: problemTwoWeekWait, Title: "Two-week-wait case: refer through the NHS e-Referral Service",
			Status: http.StatusConflict, Detail: strings.Join(tw.Route.Reasons, "; "), Handoff: tw.Handoff()})
		return
	case err != nil:
		writeProblem(w, problem{Type: problemInternal, Title: "The letter could not be composed", Status: http.StatusInternalServerError})
		return
	}
	var buf bytes.Buffer
	if wantsText(r.Header.Get("Accept")) {
		if err := letter.WriteText(&buf); err != nil {
			writeProblem(w, problem{Type: problemInternal, Title: "The letter could not be written", Status: http.StatusInternalServerError})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		warns, err := h.pdf.Render(&buf, letter)
		if err != nil {
			writeProblem(w, problem{Type: problemInternal, Title: "The letter could not be rendered", Status: http.StatusInternalServerError})
			return
		}
		for _, wn := range warns {
			w.Header().Add("Refletter-Warning", wn.Field+": "+wn.Message)
		}
		w.Header().Set("Content-Type", "application/pdf")
	}
	w.Write(buf.Bytes())
}

// wantsText reports whether an Accept header prefers text/plain to PDF.
func wantsText(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "text/plain":
			return true
		case "application/pdf":
			return false
		}
	}
	return false
}

// routeAnswer is the route decision, with the validation errors a letter
// would meet.
type routeAnswer struct {
	referral.Route
	Errors []referral.FieldError `json:"errors"`
}

func (h *handler) route(w http.ResponseWriter, r *http.Request) {
	ref, ok := h.decode(w, r)
	if !ok {
		return
	}
	ans := routeAnswer{Route: referral.Decide(ref), Errors: []referral.FieldError{}}
	var fes referral.FieldErrors
	if errors.As(ref.Validate(), &fes) {
		ans.Errors = fes
	}
	writeJSON(w, "application/json", http.StatusOK, ans)
}

func (h *handler) schema(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/schema+json")
	w.Write(referral.JSONSchema())
}

func writeProblem(w http.ResponseWriter, p problem) {
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

// accessLog logs method, path, status and duration of each request, and
// nothing else: no body, query or header that could hold patient data. The
// path of a request no route matched is not logged either: a client may
// have put anything in it.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		path := "-"
		if r.Pattern != "" {
			path = r.URL.Path
		}
		log.Info("request", "method", r.Method, "path", path, "status", sw.status, "duration", time.Since(start).Round(time.Microsecond))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
