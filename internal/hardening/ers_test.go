package hardening

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
	"github.com/refletter/refletter/referral/ers"
)

// ersCall is one client operation, ready to send.
type ersCall struct {
	name string
	call func(ctx context.Context, c *ers.Client) error
}

// ersCalls builds every request the client sends, from the handoff of a
// two-week-wait referral of testdata.
func ersCalls(t *testing.T) []ersCall {
	t.Helper()
	ref, err := decodeAndValidate(mustRead(t, "../../testdata/referrals/2ww-breast.json"))
	require.NoError(t, err)
	rt := referral.Decide(ref)
	require.Equal(t, referral.PathERS, rt.Path)
	h := rt.Handoff
	criteria := ers.Criteria{Specialty: &referral.Coding{System: "https://fhir.nhs.uk/STU3/CodeSystem/SPECIALTY-1", Code: "BREAST_SURGERY"}}
	sp, err := ers.SearchFor(h, criteria)
	require.NoError(t, err)
	search, err := ers.NewSearchRequest(sp)
	require.NoError(t, err)
	cp, err := ers.CreateFor(h, criteria, "12345")
	require.NoError(t, err)
	create, err := ers.NewCreateRequest(cp, time.Now())
	require.NoError(t, err)
	letters, err := ers.NewLetterRequest(ers.Document{Location: "Binary/abc-123", Indexed: time.Now()})
	require.NoError(t, err)
	return []ersCall{
		{"A004 CodeSystem", func(ctx context.Context, c *ers.Client) error {
			_, err := c.CodeSystem(ctx, ers.CodeSystemSpecialty)
			return err
		}},
		{"A010 SearchServices", func(ctx context.Context, c *ers.Client) error {
			_, err := c.SearchServices(ctx, search)
			return err
		}},
		{"A011 CreateReferral", func(ctx context.Context, c *ers.Client) error {
			_, err := c.CreateReferral(ctx, create)
			return err
		}},
		{"A020 UploadFile", func(ctx context.Context, c *ers.Client) error {
			_, err := c.UploadFile(ctx, ers.File{Name: "summary.pdf", ContentType: "application/pdf",
				Data: []byte("%PDF-1.4 not really"), ReferralID: "000000070000"})
			return err
		}},
		{"A012 AttachLetters", func(ctx context.Context, c *ers.Client) error {
			_, err := c.AttachLetters(ctx, "000000070000", `W/"1"`, letters)
			return err
		}},
	}
}

// ersClient returns a client of a loopback server running h, and the
// token source tokens (nil for a fixed token).
// A handler that hangs returns when the request's context is done, or
// when release is closed, at the end of the test.
func ersClient(t *testing.T, h func(w http.ResponseWriter, r *http.Request, release <-chan struct{}), tokens ers.TokenSource) *ers.Client {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the body, so that the server watches the connection and
		// ends the request's context when the client goes.
		io.Copy(io.Discard, r.Body)
		h(w, r, release)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	if tokens == nil {
		tokens = ers.TokenFunc(func(context.Context) (string, error) { return "test-token", nil })
	}
	c, err := ers.NewClient(ers.Config{
		BaseURL:          srv.URL + "/referrals/FHIR",
		Tokens:           tokens,
		ODSCode:          "A81001",
		BusinessFunction: ers.ReferringClinician,
	}, ers.WithHTTPClient(srv.Client()))
	require.NoError(t, err)
	return c
}

// The ways a stand-in for eRS can hang.
var ersHangs = []struct {
	name    string
	handler func(w http.ResponseWriter, r *http.Request, release <-chan struct{})
	tokens  ers.TokenSource
}{
	{"no answer", func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}, nil},
	{"headers then a stalled body", func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		w.Header().Set("Content-Type", "application/fhir+json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"resourceType": "Ref`))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}, nil},
	{"a token source that blocks", func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		w.WriteHeader(http.StatusTeapot)
	}, ers.TokenFunc(func(ctx context.Context) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	})},
}

// TestERSContext: every eRS client call returns promptly, with an error
// matching context.DeadlineExceeded or context.Canceled, when its context
// times out or is cancelled while eRS (or the token source) hangs: before
// the answer, or in the middle of its body.
func TestERSContext(t *testing.T) {
	const wait = 100 * time.Millisecond
	const prompt = 2 * time.Second
	calls := ersCalls(t)
	for _, hang := range ersHangs {
		t.Run(hang.name, func(t *testing.T) {
			c := ersClient(t, hang.handler, hang.tokens)
			for _, call := range calls {
				for _, mode := range []struct {
					name string
					ctx  func() (context.Context, context.CancelFunc)
					want error
				}{
					{"deadline", func() (context.Context, context.CancelFunc) {
						return context.WithTimeout(context.Background(), wait)
					}, context.DeadlineExceeded},
					{"cancel", func() (context.Context, context.CancelFunc) {
						ctx, cancel := context.WithCancel(context.Background())
						time.AfterFunc(wait, cancel)
						return ctx, cancel
					}, context.Canceled},
				} {
					t.Run(call.name+"/"+mode.name, func(t *testing.T) {
						// The clock starts before the context's timer, so
						// that the wait is all inside elapsed.
						start := time.Now()
						ctx, cancel := mode.ctx()
						defer cancel()
						err := within(t, caseTimeout, func() error { return call.call(ctx, c) })
						elapsed := time.Since(start)
						require.Error(t, err)
						assert.True(t, errors.Is(err, mode.want), "error %q (%T) does not match %v", err, err, mode.want)
						assert.GreaterOrEqual(t, elapsed, wait)
						assert.Less(t, elapsed, prompt, "the call returned late")
						assert.NotContains(t, err.Error(), "000000070000", "the error holds the UBRN")
					})
				}
			}
		})
	}
}
