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
// then gets 503 with Retry-After. A request's body is read and decoded
// before it waits, and its answer sent after its slot is given back.
type handler struct {
	mux       *http.ServeMux
	pdf       *pdf.Renderer
	slots     chan struct{}
	queueWait time.Duration
	bufs      bufferPool
}

func newHandler(r *pdf.Renderer) *handler {
	n := 2 * runtime.GOMAXPROCS(0)
	h := &handler{mux: http.NewServeMux(), pdf: r,
		slots: make(chan struct{}, n), queueWait: 2 * time.Second,
		bufs: bufferPool{free: make(chan *bytes.Buffer, 2*n)}}
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

// composeProblem is the answer for err, from composing a letter: 422
// invalid input (the problem inv makes), 409 a two-week-wait case, with the
// handoff for the nation's suspected-cancer route (e-RS in England), and
// 500 otherwise.
func composeProblem(err error, inv func(referral.FieldErrors) problem) *problem {
	var fes referral.FieldErrors
	var tw *referral.TwoWeekWaitError
	var p problem
	switch {
	case errors.As(err, &fes):
		p = inv(fes)
	case errors.As(err, &tw):
		p = problem{Type: problemTwoWeekWait, Title: "Two-week-wait case: refer through " + tw.Handoff().Via,
			Status: http.StatusConflict, Detail: strings.Join(tw.Route.Reasons, "; "), Handoff: tw.Handoff()}
	default:
		p = problem{Type: problemInternal, Title: "The letter could not be composed", Status: http.StatusInternalServerError}
	}
	return &p
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
	h.answer(w, r, media, func() (letterSet, *problem) {
		letter, err := referral.Compose(ref, opts...)
		if errors.Is(err, referral.ErrNoPatientCopy) {
			return letterSet{}, &problem{Type: problemNoCopy, Title: "The referral gives the patient no copy (copies.patient)",
				Status: http.StatusUnprocessableEntity}
		}
		if err != nil {
			return letterSet{}, composeProblem(err, invalid)
		}
		return letterSet{name: name, letters: []*referral.Letter{letter},
			warnings: referral.Decide(ref).Warnings, field: func(f string) string { return f }}, nil
	})
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

// rendered is a letter set written out, ready to send: the body as media,
// or the problem met on the way. A zero rendered sends nothing (the
// client has gone).
type rendered struct {
	problem  *problem
	media    string // mediaPDF or mediaText
	name     string // the file name offered, with extension
	body     *bytes.Buffer
	warnings []string // Refletter-Warning headers, not yet escaped
}

// answer composes a route's letters (compose, which returns a letter set
// or the problem to answer with) and writes them out as media while it
// holds a render slot, then sends them once it has given the slot back, so
// that a client slow to read its answer never holds a slot.
func (h *handler) answer(w http.ResponseWriter, r *http.Request, media string, compose func() (letterSet, *problem)) {
	if !h.acquire(w, r) {
		return
	}
	out := func() rendered {
		defer h.release()
		set, p := compose()
		if p != nil {
			return rendered{problem: p}
		}
		return h.render(r, media, set)
	}()
	h.send(w, r, out)
}

// render writes set's letters, one after another, as media: one PDF in
// which each letter keeps its own page furniture, or their text with a
// form feed between letters. Decide's warnings come first, then the PDF
// renderer's. Nothing is rendered for a client that has gone.
func (h *handler) render(r *http.Request, media string, set letterSet) rendered {
	if r.Context().Err() != nil {
		return rendered{}
	}
	out := rendered{media: media, body: h.bufs.get()}
	for _, wn := range set.warnings {
		out.warnings = append(out.warnings, set.field(wn.Path)+": "+wn.Message+" ("+wn.Code+")")
	}
	if media == mediaText {
		for i, l := range set.letters {
			if i > 0 {
				out.body.WriteString("\f\n")
			}
			if err := l.WriteText(out.body); err != nil {
				h.bufs.put(out.body)
				return rendered{problem: &problem{Type: problemInternal, Title: "The letter could not be written", Status: http.StatusInternalServerError}}
			}
		}
		out.name = set.name + ".txt"
		return out
	}
	pws, err := h.pdf.RenderAll(out.body, set.letters...)
	if err != nil {
		h.bufs.put(out.body)
		return rendered{problem: &problem{Type: problemInternal, Title: "The letter could not be rendered", Status: http.StatusInternalServerError}}
	}
	for _, wn := range pws {
		out.warnings = append(out.warnings, set.field(wn.Path)+": "+wn.Message+" ("+wn.Code+")")
	}
	out.name = set.name + ".pdf"
	return out
}

// send answers with out: its problem, or its body with the warnings in
// Refletter-Warning headers, escaped. A client that has gone gets nothing:
// the access log says 499.
func (h *handler) send(w http.ResponseWriter, r *http.Request, out rendered) {
	if out.body != nil {
		defer h.bufs.put(out.body)
	}
	if out.problem != nil {
		writeProblem(w, *out.problem)
		return
	}
	if out.body == nil || r.Context().Err() != nil {
		return
	}
	for _, s := range out.warnings {
		w.Header().Add(warningHeader, printable.String(s))
	}
	if out.media == mediaText {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", mediaPDF)
	}
	w.Header().Set("Content-Disposition", `inline; filename="`+out.name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(out.body.Len()))
	w.Write(out.body.Bytes())
}

// acquire takes a render slot, waiting up to queueWait. It answers the
// client itself (503) when none frees in time, and returns false. Waiting
// requests take the slots in the order they began to wait: a channel's
// blocked senders are served first in, first out, and a freed slot goes
// to the first of them rather than to a request that has just come.
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

// maxKeptBuffer is the largest render buffer kept for reuse, in bytes: a
// letter of a few pages is tens of KiB.
const maxKeptBuffer = 1 << 20

// bufferPool keeps up to cap(free) render buffers, each of at most
// maxKeptBuffer bytes, so that a letter's PDF does not cost a new buffer.
// Unlike a sync.Pool, a garbage collection does not empty it.
type bufferPool struct{ free chan *bytes.Buffer }

func (p bufferPool) get() *bytes.Buffer {
	select {
	case b := <-p.free:
		return b
	default:
		return new(bytes.Buffer)
	}
}

// put gives b back; the caller no longer uses it, nor any slice of it.
func (p bufferPool) put(b *bytes.Buffer) {
	if b.Cap() > maxKeptBuffer {
		return
	}
	b.Reset()
	clear(b.AvailableBuffer()[:b.Cap()]) // an idle buffer keeps no letter
	select {
	case p.free <- b:
	default:
	}
}

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
