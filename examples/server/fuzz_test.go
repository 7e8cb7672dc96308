package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/refletter/refletter/pdf"
)

// FuzzHandler posts arbitrary bodies to every route: the server answers
// with one of its documented statuses, never panics, and its problem
// documents are valid JSON.
func FuzzHandler(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/referrals/*.json")
	for _, p := range files[:min(len(files), 4)] {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b, uint8(0), true)
		}
	}
	f.Add([]byte(`{"priority": " 2ww "}`), uint8(1), false)
	f.Add([]byte(`{`), uint8(2), false)
	r, err := pdf.NewRenderer()
	if err != nil {
		f.Fatal(err)
	}
	h := newHandler(r)
	allowed := map[int]bool{200: true, 400: true, 409: true, 413: true, 415: true, 422: true, 503: true}
	f.Fuzz(func(t *testing.T, body []byte, route uint8, text bool) {
		path := []string{"/v1/letters", "/v1/route", "/v1/letters"}[int(route)%3]
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
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

// FuzzNegotiate: any Accept header gives one of the offers or none, and
// never panics.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "text/plain;q=0, application/pdf", "*/*;q=0.5", "text/*;q=1.0;level=1", ";;,", "a/b;q=NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		switch got := negotiate(accept, mediaPDF, mediaText); got {
		case "", mediaPDF, mediaText:
		default:
			t.Fatalf("negotiate(%q) = %q", accept, got)
		}
	})
}
