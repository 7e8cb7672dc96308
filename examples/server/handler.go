package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/refletter/refletter/examples/internal/printable"
	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

// route is one operation of the API. The mux, the access log and the
// OpenAPI test all walk routes: a new operation is one row here and one
// path in openapi.json.
type route struct {
	method, path string
	serve        func(*handler, http.ResponseWriter, *http.Request)
}

var routes = []route{
	{http.MethodPost, "/v1/letters", (*handler).letters},
	{http.MethodPost, "/v1/route", (*handler).route},
	{http.MethodPost, "/v1/replies", (*handler).replies},
	{http.MethodGet, "/v1/schema", (*handler).schema},
	{http.MethodGet, "/v1/openapi.json", (*handler).openapi},
	{http.MethodGet, "/healthz", (*handler).health},
}

// Media types of a letter.
const (
	mediaPDF  = "application/pdf"
	mediaText = "text/plain"
)

// warningHeader carries each warning on a letter, one header a warning:
// "PATH: MESSAGE (CODE)". Decide's warnings come first, then the PDF
// renderer's (code "character-replaced"). A warning never holds patient
// data.
const warningHeader = "Refletter-Warning"

// handler serves the API. Renders (composing and writing a letter) run at
// most cap(slots) at once; a request waits up to queueWait for a slot,
// then gets 503 with Retry-After.
type handler struct {
	mux       *http.ServeMux
	pdf       *pdf.Renderer
	slots     chan struct{}
	queueWait time.Duration
}

func newHandler(r *pdf.Renderer) *handler {
	h := &handler{mux: http.NewServeMux(), pdf: r,
		slots: make(chan struct{}, 2*runtime.GOMAXPROCS(0)), queueWait: 2 * time.Second}
	allow := map[string][]string{}
	for _, rt := range routes {
		h.mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) { rt.serve(h, w, r) })
		allow[rt.path] = append(allow[rt.path], rt.method)
		if rt.method == http.MethodGet {
			allow[rt.path] = append(allow[rt.path], http.MethodHead)
		}
	}
	for path, methods := range allow {
		h.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			writeProblem(w, problem{Type: problemMethod, Title: "The method is not allowed here", Status: http.StatusMethodNotAllowed})
		})
	}
	h.mux.HandleFunc(notFoundPattern, func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, problem{Type: problemNotFound, Title: "There is nothing at this path", Status: http.StatusNotFound})
	})
	return h
}

// notFoundPattern catches every request no route matches.
const notFoundPattern = "/"

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// decode reads the request's referral, answering the client itself on
// failure: 415 not sent as JSON, 413 too large, 400 not JSON at all, 422 not
// a referral.
func (h *handler) decode(w http.ResponseWriter, r *http.Request) (*referral.Referral, bool) {
	data, ok := readBody(w, r, referral.MaxDocumentBytes, "The referral is larger than 1 MiB")
	if !ok {
		return nil, false
	}
	ref, err := referral.Decode(bytes.NewReader(data))
	if err != nil {
		decodeFailed(w, err, invalid)
		return nil, false
	}
	return ref, true
}

// readBody reads a request body sent as JSON, of at most limit bytes,
// answering the client itself on failure: 415 not sent as JSON, 413 over
// the limit (with the title tooLarge), 400 not read.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, tooLarge string) ([]byte, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeProblem(w, problem{Type: problemMediaType, Title: "Send the body as application/json", Status: http.StatusUnsupportedMediaType})
		return nil, false
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return data, true
	case errors.As(err, &mbe):
		writeProblem(w, problem{Type: problemTooLarge, Title: tooLarge, Status: http.StatusRequestEntityTooLarge})
	default:
		writeProblem(w, problem{Type: problemNotJSON, Title: "The request body could not be read", Status: http.StatusBadRequest})
	}
	return nil, false
}

// decodeFailed answers the client for err, from decoding a request: 413 a
// document over 1 MiB, 400 a body that is not JSON at all, 422 JSON that
// is not what the route takes (the problem inv makes).
func decodeFailed(w http.ResponseWriter, err error, inv func(referral.FieldErrors) problem) {
	var fes referral.FieldErrors
	switch {
	case errors.Is(err, referral.ErrTooLarge):
		writeProblem(w, problem{Type: problemTooLarge, Title: "A document of the request is larger than 1 MiB", Status: http.StatusRequestEntityTooLarge})
	case errors.As(err, &fes) && notJSON(fes):
		writeProblem(w, problem{Type: problemNotJSON, Title: "The request body is not JSON", Status: http.StatusBadRequest, Errors: fes})
	case errors.As(err, &fes):
		writeProblem(w, inv(fes))
	default:
		writeProblem(w, problem{Type: problemNotJSON, Title: "The request body could not be read", Status: http.StatusBadRequest})
	}
}

// notJSON reports whether Decode's errors say the body is not a JSON
// document at all, rather than a document that is not a referral.
func notJSON(fes referral.FieldErrors) bool {
	for _, fe := range fes {
		switch fe.Rule {
		case referral.RuleSyntax, referral.RuleTrailingData, referral.RuleEncoding:
			return true
		}
	}
	return false
}

func invalid(fes referral.FieldErrors) problem {
	return problem{Type: problemInvalid, Title: "The referral is not valid", Status: http.StatusUnprocessableEntity, Errors: fes}
}

// composeFailed answers the client for err, from composing a letter: 422
// invalid input (the problem inv makes), 409 a two-week-wait case, with the
// handoff for the nation's suspected-cancer route (e-RS in England), and
// 500 otherwise.
func composeFailed(w http.ResponseWriter, err error, inv func(referral.FieldErrors) problem) {
	var fes referral.FieldErrors
	var tw *referral.TwoWeekWaitError
	switch {
	case errors.As(err, &fes):
		writeProblem(w, inv(fes))
	case errors.As(err, &tw):
		writeProblem(w, problem{Type: problemTwoWeekWait, Title: "Two-week-wait case: refer through " + tw.Handoff().Via,
			Status: http.StatusConflict, Detail: strings.Join(tw.Route.Reasons, "; "), Handoff: tw.Handoff()})
	default:
		writeProblem(w, problem{Type: problemInternal, Title: "The letter could not be composed", Status: http.StatusInternalServerError})
	}
}

func (h *handler) letters(w http.ResponseWriter, r *http.Request) {
	// Every answer here may hold patient data: no cache keeps it.
	w.Header().Set("Cache-Control", "no-store")
	media := negotiate(r.Header.Get("Accept"), mediaPDF, mediaText)
	if media == "" {
		writeProblem(w, notAcceptable)
		return
	}
	name := "referral-letter"
	var opts []referral.Option
	switch r.URL.Query().Get("copy") {
	case "":
	case "patient": // the patient's copy, in large print when asked
		name = "patient-copy"
		opts = append(opts, referral.ForPatient())
	default:
		writeProblem(w, problem{Type: problemBadCopy, Title: "The copy parameter must be patient", Status: http.StatusBadRequest})
		return
	}
	ref, ok := h.decode(w, r)
	if !ok {
		return
	}
	if !h.acquire(w, r) {
		return
	}
	defer h.release()
	letter, err := referral.Compose(ref, opts...)
	if errors.Is(err, referral.ErrNoPatientCopy) {
		writeProblem(w, problem{Type: problemNoCopy, Title: "The referral gives the patient no copy (copies.patient)",
			Status: http.StatusUnprocessableEntity})
		return
	}
	if err != nil {
		composeFailed(w, err, invalid)
		return
	}
	h.write(w, r, media, letterSet{name: name, letters: []*referral.Letter{letter},
		warnings: referral.Decide(ref).Warnings, field: func(f string) string { return f }})
}

var notAcceptable = problem{Type: problemNotAcceptable, Title: "The letter is offered as application/pdf or text/plain only", Status: http.StatusNotAcceptable}

// letterSet is the answer of a route that writes letters.
type letterSet struct {
	// name is the file name offered, without extension: a fixed name,
	// never patient data.
	name    string
	letters []*referral.Letter
	// warnings are Decide's on the referral.
	warnings []referral.Warning
	// field gives the path in the request of a letter's field, as Decide
	// and the PDF renderer name it.
	field func(string) string
}

// write answers with set's letters, one after another, as media: one PDF
// in which each letter keeps its own page furniture, or their text with a
// form feed between letters. Decide's warnings, then the PDF renderer's,
// go in Refletter-Warning headers, escaped. A client that has gone gets
// nothing: the access log says 499.
func (h *handler) write(w http.ResponseWriter, r *http.Request, media string, set letterSet) {
	var warnings []string
	for _, wn := range set.warnings {
		warnings = append(warnings, set.field(wn.Path)+": "+wn.Message+" ("+wn.Code+")")
	}
	if r.Context().Err() != nil {
		return
	}
	var buf bytes.Buffer
	ext := ".txt"
	if media == mediaText {
		for i, l := range set.letters {
			if i > 0 {
				buf.WriteString("\f\n")
			}
			if err := l.WriteText(&buf); err != nil {
				writeProblem(w, problem{Type: problemInternal, Title: "The letter could not be written", Status: http.StatusInternalServerError})
				return
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		pws, err := h.pdf.RenderAll(&buf, set.letters...)
		if err != nil {
			writeProblem(w, problem{Type: problemInternal, Title: "The letter could not be rendered", Status: http.StatusInternalServerError})
			return
		}
		for _, wn := range pws {
			warnings = append(warnings, set.field(wn.Path)+": "+wn.Message+" ("+wn.Code+")")
		}
		w.Header().Set("Content-Type", mediaPDF)
		ext = ".pdf"
	}
	if r.Context().Err() != nil {
		return
	}
	for _, s := range warnings {
		w.Header().Add(warningHeader, printable.String(s))
	}
	w.Header().Set("Content-Disposition", `inline; filename="`+set.name+ext+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// acquire takes a render slot, waiting up to queueWait. It answers the
// client itself (503) when none frees in time, and returns false.
func (h *handler) acquire(w http.ResponseWriter, r *http.Request) bool {
	select {
	case h.slots <- struct{}{}:
		return true
	default:
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.queueWait)
	defer cancel()
	select {
	case h.slots <- struct{}{}:
		return true
	case <-ctx.Done():
	}
	if r.Context().Err() != nil {
		return false // the client has gone
	}
	w.Header().Set("Retry-After", "1")
	writeProblem(w, problem{Type: problemBusy, Title: "The server is busy: try again shortly", Status: http.StatusServiceUnavailable})
	return false
}

func (h *handler) release() { <-h.slots }

func (h *handler) route(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store") // the handoff holds patient data
	ref, ok := h.decode(w, r)
	if !ok {
		return
	}
	var fes referral.FieldErrors
	if errors.As(ref.Validate(), &fes) {
		writeProblem(w, invalid(fes))
		return
	}
	writeJSON(w, "application/json", http.StatusOK, referral.Decide(ref))
}

func (h *handler) schema(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/schema+json")
	w.Write(referral.JSONSchema())
}

func (h *handler) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDocument())
}

func (h *handler) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}
