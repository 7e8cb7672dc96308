package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

const (
	goodFile = "../../testdata/referrals/dermatology-eczema.json"
	twwFile  = "../../testdata/referrals/2ww-breast.json"
)

func testServer(t *testing.T) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	var logs bytes.Buffer
	srv := httptest.NewServer(accessLog(slog.New(slog.NewTextHandler(&logs, nil)), newHandler(r)))
	t.Cleanup(srv.Close)
	return srv, &logs
}

func post(t *testing.T, url, contentType, accept string, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return resp
}

func read(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}

func mustFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

// variant returns the good referral changed by edit.
func variant(t *testing.T, edit func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(mustFile(t, goodFile), &doc))
	edit(doc)
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return b
}

func decodeProblem(t *testing.T, resp *http.Response) problem {
	t.Helper()
	body := read(t, resp)
	assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	var p problem
	require.NoError(t, json.Unmarshal(body, &p), string(body))
	assert.Equal(t, resp.StatusCode, p.Status)
	return p
}

func TestLetters(t *testing.T) {
	srv, logs := testServer(t)
	good := mustFile(t, goodFile)
	url := srv.URL + "/v1/letters"

	resp := post(t, url, "application/json", "", good)
	body := read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
	assert.True(t, bytes.HasPrefix(body, []byte("%PDF-1.")))

	resp = post(t, url, "application/json; charset=utf-8", "text/plain", good)
	body = read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, string(body), "About this referral")

	bad := variant(t, func(doc map[string]any) { doc["patient"].(map[string]any)["nhsNumber"] = "9990000019" })
	resp = post(t, url, "application/json", "", bad)
	assert.Equal(t, 422, resp.StatusCode)
	p := decodeProblem(t, resp)
	require.Len(t, p.Errors, 1)
	assert.Equal(t, "patient.nhsNumber", p.Errors[0].Path)
	assert.Equal(t, "nhsnumber", p.Errors[0].Rule)
	assert.NotContains(t, p.Errors[0].Message, "9990000019")

	resp = post(t, url, "application/json", "", mustFile(t, twwFile))
	assert.Equal(t, 409, resp.StatusCode)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"), "the handoff holds patient data")
	p = decodeProblem(t, resp)
	assert.Equal(t, problemTwoWeekWait, p.Type)
	require.NotNil(t, p.Handoff)
	assert.Equal(t, "TWO_WEEK_WAIT", p.Handoff.PriorityCode)
	assert.Contains(t, p.Title, "e-Referral Service")

	// Outside England the route named is the nation's own.
	var wales map[string]any
	require.NoError(t, json.Unmarshal(mustFile(t, twwFile), &wales))
	wales["practice"].(map[string]any)["nation"] = "wales"
	wb, err := json.Marshal(wales)
	require.NoError(t, err)
	resp = post(t, url, "application/json", "", wb)
	assert.Equal(t, 409, resp.StatusCode)
	p = decodeProblem(t, resp)
	assert.Contains(t, p.Title, "used in Wales (not e-RS)")
	assert.NotContains(t, p.Title, "e-Referral Service")

	big := append([]byte(`{"history": "`), bytes.Repeat([]byte("a"), 1<<20)...)
	resp = post(t, url, "application/json", "", append(big, `"}`...))
	assert.Equal(t, 413, resp.StatusCode)
	assert.Equal(t, problemTooLarge, decodeProblem(t, resp).Type)

	for _, ct := range []string{"", "text/plain", "application/xml", "multipart/form-data; boundary=x"} {
		resp = post(t, url, ct, "", good)
		assert.Equal(t, 415, resp.StatusCode, ct)
		assert.Equal(t, problemMediaType, decodeProblem(t, resp).Type)
	}

	// The access log has method, route, status and duration; no patient data.
	log := logs.String()
	assert.Contains(t, log, "method=POST path=/v1/letters status=422")
	assert.Contains(t, log, "status=409")
	for _, secret := range []string{"9990000019", "nhsNumber", "Dear"} {
		assert.NotContains(t, log, secret)
	}
}

// TestNotJSONIs400: a body that is not a JSON document is 400; JSON that
// is not a valid referral is 422, on both routes.
func TestNotJSONIs400(t *testing.T) {
	srv, _ := testServer(t)
	for _, path := range []string{"/v1/letters", "/v1/route"} {
		for body, want := range map[string]int{
			`{"priority": `:           400,
			`hello`:                   400,
			`x`:                       400,
			`{} {}`:                   400,
			"{\"reason\": \"\xff\"}":  400,
			`{"priority": "routine"}`: 422,
			`{"oops": 1}`:             422,
			`{"priority": 7}`:         422,
			`[]`:                      422,
		} {
			resp := post(t, srv.URL+path, "application/json", "", []byte(body))
			assert.Equal(t, want, resp.StatusCode, "%s %q", path, body)
			p := decodeProblem(t, resp)
			if want == 400 {
				assert.Equal(t, problemNotJSON, p.Type)
			} else {
				assert.Equal(t, problemInvalid, p.Type)
				assert.NotEmpty(t, p.Errors)
			}
		}
	}
}

// TestLetterHeaders: a letter is never cached and is named without
// patient data.
func TestLetterHeaders(t *testing.T) {
	srv, _ := testServer(t)
	for accept, name := range map[string]string{"": "referral-letter.pdf", "text/plain": "referral-letter.txt"} {
		resp := post(t, srv.URL+"/v1/letters", "application/json", accept, mustFile(t, goodFile))
		read(t, resp)
		require.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
		_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
		require.NoError(t, err)
		assert.Equal(t, name, params["filename"])
	}
}

// TestLetterWarnings: Decide's warnings come with the letter, one header a
// warning, in text and PDF alike, and hold no patient data.
func TestLetterWarnings(t *testing.T) {
	srv, _ := testServer(t)
	doc := variant(t, func(doc map[string]any) {
		doc["history"] = "Itchy rash for a year. Red flag: none I can see, Siobhan says."
		delete(doc, "examination")
	})
	for _, accept := range []string{"application/pdf", "text/plain"} {
		resp := post(t, srv.URL+"/v1/letters", "application/json", accept, doc)
		read(t, resp)
		require.Equal(t, 200, resp.StatusCode)
		got := resp.Header.Values(warningHeader)
		assert.Contains(t, got, "history: wording suggests suspected cancer; consider whether this is a two-week-wait referral, which must go through eRS (possible-suspected-cancer)", accept)
		assert.Contains(t, got, "examination: recommended field is empty (recommended-field-missing)", accept)
		for _, w := range got {
			assert.NotContains(t, w, "Siobhan")
		}
	}
	resp := post(t, srv.URL+"/v1/letters", "application/json", "", mustFile(t, goodFile))
	read(t, resp)
	for _, w := range resp.Header.Values(warningHeader) {
		assert.NotContains(t, w, "possible-suspected-cancer")
	}
}

// TestAccept: q-values are honoured; nothing acceptable is 406.
func TestAccept(t *testing.T) {
	srv, _ := testServer(t)
	for accept, want := range map[string]string{
		"":                                    "application/pdf",
		"*/*":                                 "application/pdf",
		"text/plain":                          "text/plain; charset=utf-8",
		"text/plain;q=0, application/pdf":     "application/pdf",
		"application/pdf;q=0.5, text/plain":   "text/plain; charset=utf-8",
		"text/*":                              "text/plain; charset=utf-8",
		"application/pdf;q=0, */*":            "text/plain; charset=utf-8",
		"application/json":                    "",
		"text/html, application/json;q=0.9":   "",
		"*/*;q=0":                             "",
		"application/pdf;q=0, text/plain;q=0": "",
	} {
		resp := post(t, srv.URL+"/v1/letters", "application/json", accept, mustFile(t, goodFile))
		if want == "" {
			assert.Equal(t, 406, resp.StatusCode, accept)
			assert.Equal(t, problemNotAcceptable, decodeProblem(t, resp).Type)
			continue
		}
		read(t, resp)
		assert.Equal(t, 200, resp.StatusCode, accept)
		assert.Equal(t, want, resp.Header.Get("Content-Type"), accept)
	}
}

func TestNegotiate(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                  "application/pdf",
		"text/plain":                        "text/plain",
		"application/pdf, text/plain":       "application/pdf",
		"text/plain;q=0.9, application/pdf": "application/pdf",
		"text/plain, application/pdf;q=0.9": "text/plain",
		"*/*":                               "application/pdf",
		"text/html":                         "",
		"text/plain;q=0":                    "",
		"*/*;q=0.1, application/pdf;q=0":    "text/plain",
		"TEXT/PLAIN":                        "text/plain",
		"text/plain;q=x, application/pdf":   "application/pdf",
		",,, ;;":                            "",
		"text/plain;q=NaN, application/pdf;q=0.5": "application/pdf",
	} {
		assert.Equal(t, want, negotiate(accept, "application/pdf", "text/plain"), accept)
	}
}

func TestRouteSchemaHealth(t *testing.T) {
	srv, logs := testServer(t)
	resp := post(t, srv.URL+"/v1/route", "application/json", "", mustFile(t, twwFile))
	body := read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	var ans struct {
		Path     string          `json:"path"`
		Handoff  json.RawMessage `json:"handoff"`
		Warnings []any           `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal(body, &ans))
	assert.Equal(t, "ers", ans.Path)
	assert.NotEmpty(t, ans.Handoff)

	// A letter's route carries Decide's warnings as a JSON part.
	resp = post(t, srv.URL+"/v1/route", "application/json", "", variant(t, func(doc map[string]any) { delete(doc, "examination") }))
	body = read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	require.NoError(t, json.Unmarshal(body, &ans))
	assert.Equal(t, "letter", ans.Path)
	assert.Contains(t, ans.Warnings, map[string]any{"code": "recommended-field-missing", "path": "examination", "message": "recommended field is empty"})

	// An invalid referral is 422: a client reading only "path" never goes ahead.
	resp = post(t, srv.URL+"/v1/route", "application/json", "", []byte(`{"priority": "routine"}`))
	assert.Equal(t, 422, resp.StatusCode)
	p := decodeProblem(t, resp)
	assert.Equal(t, problemInvalid, p.Type)
	assert.NotEmpty(t, p.Errors)

	resp, err := http.Get(srv.URL + "/v1/schema")
	require.NoError(t, err)
	body = read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "application/schema+json", resp.Header.Get("Content-Type"))
	assert.True(t, json.Valid(body))

	resp, err = http.Get(srv.URL + "/healthz")
	require.NoError(t, err)
	assert.Equal(t, "ok\n", string(read(t, resp)))

	resp, err = http.Get(srv.URL + "/patients/Siobhan")
	require.NoError(t, err)
	read(t, resp)
	assert.Equal(t, 404, resp.StatusCode)
	assert.NotContains(t, logs.String(), "Siobhan", "an unmatched path is not logged")
}

// TestNotFoundAndMethod: 404 and 405 are problem documents like the other
// errors, and 405 names the methods allowed.
func TestNotFoundAndMethod(t *testing.T) {
	srv, _ := testServer(t)
	for _, path := range []string{"/", "/v1", "/v1/letters/", "/v1/letters/x", "/nope"} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		assert.Equal(t, 404, resp.StatusCode, path)
		assert.Equal(t, problemNotFound, decodeProblem(t, resp).Type, path)
	}
	for _, c := range []struct{ method, path, allow string }{
		{http.MethodGet, "/v1/letters", "POST"},
		{http.MethodPut, "/v1/letters", "POST"},
		{http.MethodDelete, "/v1/route", "POST"},
		{http.MethodPost, "/v1/schema", "GET, HEAD"},
		{http.MethodPost, "/healthz", "GET, HEAD"},
	} {
		req, err := http.NewRequest(c.method, srv.URL+c.path, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		assert.Equal(t, 405, resp.StatusCode, c)
		assert.Equal(t, c.allow, resp.Header.Get("Allow"), c)
		assert.Equal(t, problemMethod, decodeProblem(t, resp).Type, c)
	}
}

// TestAccessLogRoute: the access log records the matched route pattern or
// "-", never the path or method token the client sent.
func TestAccessLogRoute(t *testing.T) {
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	var logs bytes.Buffer
	h := accessLog(slog.New(slog.NewTextHandler(&logs, nil)), newHandler(r))
	secret := "Jose Ferreira DOB 1981-05-09 NHS 9990000018"
	for _, c := range []struct{ method, target, want string }{
		{"GET", "/" + url.PathEscape(secret) + "/../../healthz", "method=GET path=/healthz status=307"},
		{"GET", "/" + url.PathEscape(secret), "method=GET path=- status=404"},
		{"GET", "/v1/letters?" + url.QueryEscape(secret), "method=GET path=/v1/letters status=405"},
		{"POST", "/healthz/" + url.PathEscape(secret), "method=POST path=- status=404"},
		{"JOSE", "/healthz", "method=- path=/healthz status=405"},
		{"GET", "/healthz", "method=GET path=/healthz status=200"},
	} {
		logs.Reset()
		req := httptest.NewRequest(c.method, c.target, nil)
		h.ServeHTTP(httptest.NewRecorder(), req)
		assert.Contains(t, logs.String(), c.want, c.target)
		for _, word := range []string{"Jose", "9990000018", "1981", "JOSE"} {
			assert.NotContains(t, logs.String(), word, c.target)
		}
	}
}

// TestClientGone: a request whose client has gone is not rendered, and is
// logged as 499.
func TestClientGone(t *testing.T) {
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	var logs bytes.Buffer
	h := accessLog(slog.New(slog.NewTextHandler(&logs, nil)), newHandler(r))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/v1/letters", bytes.NewReader(mustFile(t, goodFile)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Empty(t, rec.Body.Bytes(), "nothing rendered")
	assert.Empty(t, rec.Header().Get("Content-Type"))
	assert.Contains(t, logs.String(), "method=POST path=/v1/letters status=499")
}

// TestBusy: when every render slot is taken and none frees within the
// queue wait, the answer is 503 with Retry-After; once a slot frees,
// letters are served again.
func TestBusy(t *testing.T) {
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	h := newHandler(r)
	h.slots = make(chan struct{}, 1)
	h.queueWait = time.Millisecond
	h.slots <- struct{}{} // a render in progress
	serve := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/v1/letters", bytes.NewReader(mustFile(t, goodFile)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := serve()
	assert.Equal(t, 503, rec.Code)
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))
	assert.Contains(t, rec.Body.String(), problemBusy)
	h.release()
	rec = serve()
	assert.Equal(t, 200, rec.Code)
	assert.Empty(t, h.slots, "the slot is given back")
}

// blockingWriter is a client slow to read its answer: Write waits until
// unblock is closed, after telling wrote.
type blockingWriter struct {
	*httptest.ResponseRecorder
	wrote, unblock chan struct{}
}

func (w *blockingWriter) Write(b []byte) (int, error) {
	close(w.wrote)
	<-w.unblock
	return w.ResponseRecorder.Write(b)
}

// TestSlowClientHoldsNoSlot: a letter's render slot is given back before
// its answer is sent, so clients slow to read never keep others waiting.
func TestSlowClientHoldsNoSlot(t *testing.T) {
	for _, path := range []string{"/v1/letters", "/v1/replies"} {
		t.Run(path, func(t *testing.T) {
			r, err := pdf.NewRenderer()
			require.NoError(t, err)
			h := newHandler(r)
			h.slots = make(chan struct{}, 1)
			body := mustFile(t, goodFile)
			if path == "/v1/replies" {
				body = replyBody(t, goodFile, string(mustFile(t, returnedFile)))
			}
			req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			w := &blockingWriter{ResponseRecorder: httptest.NewRecorder(), wrote: make(chan struct{}), unblock: make(chan struct{})}
			done := make(chan struct{})
			go func() {
				defer close(done)
				h.ServeHTTP(w, req)
			}()
			<-w.wrote
			assert.Empty(t, h.slots, "the slot is given back before the answer is sent")
			close(w.unblock)
			<-done
			assert.Equal(t, 200, w.Code)
			assert.True(t, bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF-1.")))
		})
	}
}

// TestBuffersReused: a render buffer is reused for the next letter, and
// what one answer holds never reaches another, whatever their sizes.
func TestBuffersReused(t *testing.T) {
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	h := newHandler(r)
	serve := func(body []byte, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/v1/letters", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, 200, rec.Code)
		return rec
	}
	long := mustFile(t, goodFile)
	short := mustFile(t, "../../testdata/referrals/cardiology-palpitations.json")
	for _, accept := range []string{"text/plain", "application/pdf"} {
		want := serve(short, accept).Body.Bytes()
		big := serve(long, accept).Body.Bytes()
		require.Greater(t, len(big), len(want))
		require.Len(t, h.bufs.free, 1, "the buffer is kept")
		got := serve(short, accept)
		require.Len(t, h.bufs.free, 1, "the same buffer is used again")
		assert.Equal(t, want, got.Body.Bytes(), "the shorter letter alone")
		assert.Equal(t, strconv.Itoa(len(want)), got.Header().Get("Content-Length"))
		if accept == "text/plain" {
			assert.NotContains(t, got.Body.String(), "Ferreira", "nothing of the longer letter")
		}
	}
}

// TestBufferPool: the pool hands back the buffers it was given, emptied,
// keeps at most its capacity, and never a buffer over maxKeptBuffer.
func TestBufferPool(t *testing.T) {
	p := bufferPool{free: make(chan *bytes.Buffer, 2)}
	a, b, c := p.get(), p.get(), p.get()
	require.NotSame(t, a, b)
	a.WriteString("patient data")
	p.put(a)
	p.put(b)
	p.put(c) // over capacity: dropped
	assert.Len(t, p.free, 2)
	got := []*bytes.Buffer{p.get(), p.get()}
	assert.ElementsMatch(t, []*bytes.Buffer{a, b}, got)
	assert.Zero(t, a.Len(), "emptied")
	assert.NotSame(t, c, p.get(), "none kept beyond capacity")

	big := bytes.NewBuffer(make([]byte, 0, maxKeptBuffer+1))
	p.put(big)
	assert.Empty(t, p.free, "a buffer over maxKeptBuffer is not kept")
}

// TestProblemEscaped: field errors in a problem document are escaped, so
// no terminal control sequence or bidirectional mark reaches a client's
// terminal, even those JSON leaves raw (C1 controls, U+202E).
func TestProblemEscaped(t *testing.T) {
	rec := httptest.NewRecorder()
	writeProblem(rec, invalid(referral.FieldErrors{{Path: "patient.\u009b2J\x1b]0;x\x07\u202e", Rule: "unknown-field", Message: "is not a field\nforged"}}))
	body := strings.TrimSuffix(rec.Body.String(), "\n")
	for _, raw := range []string{"\u009b", "\x1b", "\x07", "\u202e", "\n"} {
		assert.NotContains(t, body, raw)
	}
	var p problem
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
	assert.Equal(t, `patient.\u009b2J\x1b]0;x\a\u202e`, p.Errors[0].Path)
	assert.Equal(t, `is not a field\nforged`, p.Errors[0].Message)
}
