package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
)

const returnedFile = "../../testdata/returned/dermatology-eczema.json"

func replyBody(t *testing.T, referralFile, returned string) []byte {
	t.Helper()
	return []byte(`{"referral": ` + string(mustFile(t, referralFile)) + `, "returned": ` + returned + `}`)
}

// TestReplies: the reply comes as PDF or text, with the original letter
// after it unless original=false, never cached and named without patient
// data; a two-week-wait referral gets no reply.
func TestReplies(t *testing.T) {
	srv, logs := testServer(t)
	url := srv.URL + "/v1/replies"
	good := replyBody(t, goodFile, string(mustFile(t, returnedFile)))

	answer := func(query, accept string, body []byte) (*http.Response, []byte) {
		t.Helper()
		resp := post(t, url+query, "application/json", accept, body)
		b := read(t, resp)
		require.Equal(t, 200, resp.StatusCode, string(b))
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
		return resp, b
	}
	filename := func(resp *http.Response) string {
		t.Helper()
		_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
		require.NoError(t, err)
		return params["filename"]
	}

	resp, withOriginal := answer("", "", good)
	assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
	assert.Equal(t, "referral-reply.pdf", filename(resp))
	assert.True(t, bytes.HasPrefix(withOriginal, []byte("%PDF-1.")))
	_, alone := answer("?original=false", "", good)
	assert.True(t, bytes.HasPrefix(alone, []byte("%PDF-1.")))
	assert.Greater(t, len(withOriginal), len(alone)+1000, "the original letter is appended by default")
	_, kept := answer("?original=maybe", "", good)
	assert.Greater(t, len(kept), len(alone)+1000, "a value that is not a boolean keeps the original")

	resp, text := answer("", "text/plain", good)
	assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, "referral-reply.txt", filename(resp))
	reply, original, found := strings.Cut(string(text), "\f\n")
	require.True(t, found, "a form feed between the reply and the original")
	assert.Contains(t, reply, "Dear Colleague,")
	assert.Contains(t, reply, "Enclosure: the original referral letter of 18 November 2026")
	assert.Contains(t, original, "About this referral")
	assert.NotContains(t, reply, "About this referral")

	_, text = answer("?original=0", "text/plain;q=0.9, application/pdf;q=0.1", append([]byte("\xef\xbb\xbf"), good...))
	assert.Contains(t, string(text), "Dear Colleague,")
	assert.NotContains(t, string(text), "\f", "original=0 is the reply alone")

	// A two-week-wait referral gets 409 with the handoff for eRS, and no
	// reply, in every form asked for.
	tww := replyBody(t, twwFile, string(mustFile(t, returnedFile)))
	for _, c := range []struct{ query, accept string }{{"", ""}, {"?original=false", ""}, {"", "text/plain"}} {
		resp := post(t, url+c.query, "application/json", c.accept, tww)
		assert.Equal(t, 409, resp.StatusCode, c)
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"), "the handoff holds patient data")
		assert.Empty(t, resp.Header.Get("Content-Disposition"), "no reply")
		p := decodeProblem(t, resp)
		assert.Equal(t, problemTwoWeekWait, p.Type)
		require.NotNil(t, p.Handoff, c)
		assert.Equal(t, "TWO_WEEK_WAIT", p.Handoff.PriorityCode)
	}

	assert.NotContains(t, logs.String(), "Ferreira")
	assert.Contains(t, logs.String(), "method=POST path=/v1/replies status=200")
	assert.Contains(t, logs.String(), "method=POST path=/v1/replies status=409")
}

// TestRepliesErrors: each bad request gets its status and problem type,
// with every failing field named by its path in the request; no answer
// holds a value or an unknown key of the request.
func TestRepliesErrors(t *testing.T) {
	srv, logs := testServer(t)
	url := srv.URL + "/v1/replies"
	valid := `{"date": "2026-11-20", "by": "Clinic", "reason": "Wrong form"}`
	withReferral := func(returned string) string { return string(replyBody(t, goodFile, returned)) }
	deep := `{"referral": {"pastHistory": [` + strings.Repeat("[", 200000) + strings.Repeat("]", 200000) + `]}, "returned": ` + valid + `}`
	tests := []struct {
		name   string
		body   string
		status int
		errors []string // path/rule of each field error
	}{
		{"empty", ``, 400, []string{"/syntax"}},
		{"truncated", `{"referral": {`, 400, []string{"/syntax"}},
		{"not JSON", `Zoë Kowalczyk`, 400, []string{"/syntax"}},
		{"trailing data", `{"referral": {}, "returned": {}} {}`, 400, []string{"/trailing-data"}},
		{"trailing garbage", `{"referral": {}, "returned": {}} Zoë`, 400, []string{"/syntax"}},
		{"not UTF-8", "{\"referral\": {\"history\": \"Zo\xeb\"}, \"returned\": {}}", 400, []string{"/utf8"}},
		{"a list", `[]`, 422, []string{"/type"}},
		{"a string", `"Zoë Kowalczyk"`, 422, []string{"/type"}},
		{"unknown key", `{"referral": {}, "returned": {}, "Zoë Kowalczyk 9990000018": 1}`, 422, []string{"/unknown-field"}},
		{"duplicate", `{"returned": {}, "returned": {}}`, 422, []string{"returned/duplicate-field", "referral/required"}},
		{"many unknown and repeated keys", `{"Zoë": 1, "referral": {}, "x": [], "returned": {}, "returned": 1, "returned": 2, "y": {}}`, 422,
			[]string{"/unknown-field", "returned/duplicate-field"}},
		{"both missing", `{}`, 422, []string{"referral/required", "returned/required"}},
		{"null returned", withReferral(`null`), 422, []string{"returned/required"}},
		{"returned malformed", withReferral(`{"date": 1, "by": "Zoë", "reason": "x"}`), 422, []string{"returned.date/type"}},
		{"both malformed", `{"referral": {"priority": 1}, "returned": {"date": 1, "by": "Zoë", "reason": "x"}}`, 422,
			[]string{"referral.priority/type", "returned.date/type"}},
		{"returned invalid", withReferral(`{"date": "2026-11-20", "by": "", "reason": "Zoë", "ubrn": "Zoë"}`), 422,
			[]string{"returned.by/required", "returned.ubrn/ubrn"}},
		{"returned before the referral", withReferral(`{"date": "2026-11-01", "by": "Zoë", "reason": "Zoë"}`), 422,
			[]string{"returned.date/date-order"}},
		{"referral invalid", strings.Replace(withReferral(valid), "999 000 0018", "999 000 0019", 1), 422,
			[]string{"referral.patient.nhsNumber/nhsnumber"}},
		{"deep nesting", deep, 422, []string{"referral.pastHistory[0]/type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, url, "application/json", "", []byte(tt.body))
			assert.Equal(t, tt.status, resp.StatusCode)
			p := decodeProblem(t, resp)
			want := problemInvalidReply
			if tt.status == 400 {
				want = problemNotJSON
			}
			assert.Equal(t, want, p.Type)
			var got []string
			for _, fe := range p.Errors {
				got = append(got, fe.Path+"/"+fe.Rule)
				for _, s := range []string{fe.Path, fe.Message} {
					assert.NotContains(t, s, "Zo")
					assert.NotContains(t, s, "9990000018")
				}
			}
			assert.ElementsMatch(t, tt.errors, got)
		})
	}

	resp := post(t, url, "application/json", "", []byte(`{"a": 1, "referral": {}, "b": 2, "c": 3, "returned": {}}`))
	p := decodeProblem(t, resp)
	require.Len(t, p.Errors, 1)
	assert.Equal(t, `unknown field (key 1 of the request, and 2 more): the request holds only "referral" and "returned"`, p.Errors[0].Message)

	resp = post(t, url, "text/plain", "", replyBody(t, goodFile, valid))
	assert.Equal(t, 415, resp.StatusCode)
	assert.Equal(t, problemMediaType, decodeProblem(t, resp).Type)
	resp = post(t, url, "application/json", "application/json", replyBody(t, goodFile, valid))
	assert.Equal(t, 406, resp.StatusCode)
	assert.Equal(t, problemNotAcceptable, decodeProblem(t, resp).Type)
	resp = post(t, url, "application/json", "", append(append([]byte(`{"referral": "`), bytes.Repeat([]byte("x"), 3<<20)...), `"}`...))
	assert.Equal(t, 413, resp.StatusCode)
	assert.Equal(t, problemTooLarge, decodeProblem(t, resp).Type)
	resp = post(t, url, "application/json", "", []byte(`{"referral": "`+strings.Repeat("x", 1<<20+10)+`", "returned": {}}`))
	assert.Equal(t, 413, resp.StatusCode, "one document over 1 MiB")
	assert.Equal(t, problemTooLarge, decodeProblem(t, resp).Type)

	assert.NotContains(t, logs.String(), "Zo")
	assert.Contains(t, logs.String(), "method=POST path=/v1/replies status=422")
}

// TestRepliesWarnings: Decide's warnings on the referral and the PDF
// renderer's on both letters come in Refletter-Warning headers, named by
// their paths in the request, printable, without patient data.
func TestRepliesWarnings(t *testing.T) {
	srv, _ := testServer(t)
	ref := variant(t, func(doc map[string]any) {
		doc["history"] = "Itchy rash for a year, Siobhan says 💔."
		delete(doc, "examination")
	})
	var ret map[string]any
	require.NoError(t, json.Unmarshal(mustFile(t, returnedFile), &ret))
	ret["reason"] = "Form not used 📋"
	retJSON, err := json.Marshal(ret)
	require.NoError(t, err)
	body := []byte(`{"referral": ` + string(ref) + `, "returned": ` + string(retJSON) + `}`)

	tests := []struct {
		query, accept string
		want, not     []string // warnings given, and not given
	}{
		{"", "", []string{"referral.examination: recommended field is empty (recommended-field-missing)",
			`referral.history: 1 character the font cannot show replaced by "[?]" (character-replaced)`,
			`returned.reason: 1 character the font cannot show replaced by "[?]" (character-replaced)`}, nil},
		{"?original=false", "", []string{"referral.examination: recommended field is empty (recommended-field-missing)",
			"returned.reason: "}, []string{"referral.history: "}},
		{"", "text/plain", []string{"referral.examination: recommended field is empty (recommended-field-missing)"},
			[]string{"(character-replaced)"}},
	}
	for _, tt := range tests {
		resp := post(t, srv.URL+"/v1/replies"+tt.query, "application/json", tt.accept, body)
		read(t, resp)
		require.Equal(t, 200, resp.StatusCode)
		got := resp.Header.Values(warningHeader)
		all := strings.Join(got, "\n")
		for _, w := range tt.want {
			assert.Contains(t, all, w, tt)
		}
		for _, w := range tt.not {
			assert.NotContains(t, all, w, tt)
		}
		for _, w := range got {
			assert.NotContains(t, w, "Siobhan")
			assert.Equal(t, -1, strings.IndexFunc(w, func(r rune) bool { return !unicode.IsPrint(r) }), w)
		}
		for _, w := range got {
			if strings.HasSuffix(w, "(character-replaced)") {
				assert.True(t, strings.HasPrefix(w, "referral.") || strings.HasPrefix(w, "returned."), w)
			}
		}
	}
}

func TestReplyField(t *testing.T) {
	for f, want := range map[string]string{
		"":                  "referral",
		"history":           "referral.history",
		"investigations[3]": "referral.investigations[3]",
		"returned":          "returned",
		"returned.reason":   "returned.reason",
		"returnedBy":        "referral.returnedBy",
	} {
		assert.Equal(t, want, replyField(f), f)
	}
}

// TestRepliesBusyAndGone: replies share the render slots of letters (503
// with Retry-After when none frees), and a client that has gone gets
// nothing and is logged as 499.
func TestRepliesBusyAndGone(t *testing.T) {
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	var logs bytes.Buffer
	h := newHandler(r)
	srv := accessLog(slog.New(slog.NewTextHandler(&logs, nil)), h)
	body := replyBody(t, goodFile, string(mustFile(t, returnedFile)))
	serve := func(ctx context.Context) *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/v1/replies", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}

	h.slots = make(chan struct{}, 1)
	h.queueWait = time.Millisecond
	h.slots <- struct{}{} // a render in progress
	rec := serve(context.Background())
	assert.Equal(t, 503, rec.Code)
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))
	assert.Contains(t, rec.Body.String(), problemBusy)
	h.release()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec = serve(ctx)
	assert.Empty(t, rec.Body.Bytes(), "nothing rendered")
	assert.Empty(t, rec.Header().Get("Content-Type"))
	assert.Contains(t, logs.String(), "method=POST path=/v1/replies status=499")
	assert.Empty(t, h.slots, "the slot is given back")

	rec = serve(context.Background())
	assert.Equal(t, 200, rec.Code)
	assert.Empty(t, h.slots, "the slot is given back")
}

// FuzzReplies posts arbitrary bodies to /v1/replies: the server answers
// with one of its documented statuses and never panics.
func FuzzReplies(f *testing.F) {
	f.Add([]byte(`{"referral": {}, "returned": {}}`), false)
	f.Add([]byte(`{"returned": {"date": "2026-11-20", "by": "x", "reason": "y", "copies": {"lmc": {"name": "z"}}}}`), true)
	f.Add([]byte(`{"referral": null, "referral": 1}`), false)
	f.Add([]byte(`[[[[{"referral": []}]]]] {`), false)
	r, err := pdf.NewRenderer()
	if err != nil {
		f.Fatal(err)
	}
	h := newHandler(r)
	allowed := map[int]bool{200: true, 400: true, 409: true, 413: true, 415: true, 422: true}
	f.Fuzz(func(t *testing.T, body []byte, text bool) {
		req := httptest.NewRequest(http.MethodPost, "/v1/replies", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if text {
			req.Header.Set("Accept", "text/plain")
		}
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { defer close(done); h.ServeHTTP(rec, req) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("the handler did not answer within 20 seconds")
		}
		if !allowed[rec.Code] {
			t.Fatalf("status %d", rec.Code)
		}
		if rec.Header().Get("Content-Type") == "application/problem+json" && !json.Valid(rec.Body.Bytes()) {
			t.Fatal("a problem document that is not JSON")
		}
	})
}
