package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
)

const returnedFile = "../../testdata/returned/dermatology-eczema.json"

func replyBody(t *testing.T, referralFile, returned string) []byte {
	t.Helper()
	return []byte(`{"referral": ` + string(mustFile(t, referralFile)) + `, "returned": ` + returned + `}`)
}

func TestReplies(t *testing.T) {
	srv, logs := testServer(t)
	url := srv.URL + "/v1/replies"
	good := replyBody(t, goodFile, string(mustFile(t, returnedFile)))

	resp := post(t, url, "application/json", "", good)
	withOriginal := read(t, resp)
	require.Equal(t, 200, resp.StatusCode, string(withOriginal))
	assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
	assert.True(t, bytes.HasPrefix(withOriginal, []byte("%PDF-1.")))

	resp = post(t, url+"?original=false", "application/json", "", good)
	alone := read(t, resp)
	require.Equal(t, 200, resp.StatusCode)
	assert.Greater(t, len(withOriginal), len(alone), "the original letter is appended by default")

	resp = post(t, url, "application/json", "text/plain", good)
	text := string(read(t, resp))
	require.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, text, "Dear Colleague,")
	assert.Contains(t, text, "Enclosure: the original referral letter of 18 November 2026")

	valid := `{"date": "2026-11-20", "by": "Clinic", "reason": "Wrong form"}`
	tests := []struct {
		name   string
		body   string
		status int
		paths  []string // path/rule of each field error
	}{
		{"not an object", `[]`, 422, []string{"/syntax"}},
		{"truncated", `{"referral": {`, 422, []string{"/syntax"}},
		{"unknown key", `{"referral": {}, "returned": {}, "Zoë Kowalczyk": 1}`, 422, []string{"/unknown-field"}},
		{"duplicate", `{"returned": {}, "returned": {}}`, 422, []string{"returned/duplicate-field"}},
		{"trailing data", `{"referral": {}, "returned": {}} {}`, 422, []string{"/trailing-data"}},
		{"both missing", `{}`, 422, []string{"referral/required", "returned/required"}},
		{"null returned", string(replyBody(t, goodFile, `null`)), 422, []string{"returned/required"}},
		{"returned malformed", string(replyBody(t, goodFile, `{"date": 1, "by": "Zoë", "reason": "x"}`)), 422, []string{"returned.date/type"}},
		{"returned invalid", string(replyBody(t, goodFile, `{"date": "2026-11-20", "by": "", "reason": "Zoë", "ubrn": "Zoë"}`)), 422,
			[]string{"returned.by/required", "returned.ubrn/ubrn"}},
		{"referral invalid", strings.Replace(string(replyBody(t, goodFile, valid)), "999 000 0018", "999 000 0019", 1), 422,
			[]string{"referral.patient.nhsNumber/nhsnumber"}},
		{"referral malformed", `{"referral": {"priority": 1}, "returned": ` + valid + `}`, 422, []string{"referral.priority/type"}},
		{"two-week wait", string(replyBody(t, twwFile, valid)), 409, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, url, "application/json", "", []byte(tt.body))
			body := read(t, resp)
			assert.Equal(t, tt.status, resp.StatusCode, string(body))
			assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
			var p problem
			require.NoError(t, json.Unmarshal(body, &p))
			var got []string
			for _, fe := range p.Errors {
				got = append(got, fe.Path+"/"+fe.Rule)
			}
			if tt.status == 409 {
				require.NotNil(t, p.Handoff)
				assert.Equal(t, "TWO_WEEK_WAIT", p.Handoff.PriorityCode)
			} else {
				assert.ElementsMatch(t, tt.paths, got)
			}
			assert.NotContains(t, string(body), "Zoë")
		})
	}

	resp = post(t, url, "text/plain", "", good)
	read(t, resp)
	assert.Equal(t, 415, resp.StatusCode)
	resp = post(t, url, "application/json", "", append(append([]byte(`{"referral": "`), bytes.Repeat([]byte("x"), 3<<20)...), `"}`...))
	read(t, resp)
	assert.Equal(t, 413, resp.StatusCode)
	resp = post(t, url, "application/json", "", []byte(`{"referral": "`+strings.Repeat("x", 1<<20+10)+`", "returned": {}}`))
	read(t, resp)
	assert.Equal(t, 413, resp.StatusCode)

	assert.NotContains(t, logs.String(), "Ferreira")
	assert.NotContains(t, logs.String(), "Zoë")
	assert.Contains(t, logs.String(), "path=/v1/replies")
}

// FuzzReplies posts arbitrary bodies to /v1/replies: the server answers
// with one of its documented statuses and never panics.
func FuzzReplies(f *testing.F) {
	f.Add([]byte(`{"referral": {}, "returned": {}}`), false)
	f.Add([]byte(`{"returned": {"date": "2026-11-20", "by": "x", "reason": "y", "copies": {"lmc": {"name": "z"}}}}`), true)
	f.Add([]byte(`{"referral": null, "referral": 1}`), false)
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
