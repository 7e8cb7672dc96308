package ers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func BenchmarkCreateReferral(b *testing.B) {
	h := twoWeekWaitHandoff(b)
	crit := cardiology()
	r, err := CreateFor(h, crit, "11002", "51002", "61002")
	if err != nil {
		b.Fatal(err)
	}
	r.PathwayStart = time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	now := r.PathwayStart.Add(time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		req, err := NewCreateRequest(r, now)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseServices(b *testing.B) {
	body, err := os.ReadFile(filepath.Join(examples, "patientServiceSearch/responses/FetchServiceListWithSingleService.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseServices(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientCreateReferral is one A011 round trip to a local server.
func BenchmarkClientCreateReferral(b *testing.B) {
	body, err := os.ReadFile(filepath.Join(examples, "createReferral/responses/ReferralRequest.json"))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `W/"1"`)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	c, err := NewClient(Config{BaseURL: srv.URL,
		Tokens:  TokenFunc(func(context.Context) (string, error) { return "t", nil }),
		ODSCode: "A81001", BusinessFunction: ReferringClinician}, WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	req, err := NewCreateRequest(CreateParams{NHSNumber: exNHSNumber, Criteria: cardiology(), Services: []string{"11002"}}, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.CreateReferral(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
