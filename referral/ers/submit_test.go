package ers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeERS answers like e-RS, failing the step named fail ("create",
// "upload2" for the second upload, "attach") with a 500.
func fakeERS(fail string) http.HandlerFunc {
	var uploads atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case strings.HasSuffix(p, "$ers.createReferral"):
			if fail == "create" {
				answerWith(500, outcome("SERVICE_UNAVAILABLE"))(w, r)
				return
			}
			answerWith(201, []byte(`{"resourceType":"ReferralRequest","id":"000000070000"}`), "ETag", `W/"1"`)(w, r)
		case strings.HasSuffix(p, "/Binary"):
			n := uploads.Add(1)
			if fail == "upload2" && n == 2 {
				answerWith(500, outcome("SERVICE_UNAVAILABLE"))(w, r)
				return
			}
			answerWith(201, nil, "Location", "Binary/file-"+string(rune('0'+n)))(w, r)
		case strings.HasSuffix(p, "$ers.maintainReferralLetter"):
			if fail == "attach" || r.Header.Get("If-Match") != `W/"1"` {
				answerWith(412, outcome("VERSION_MISMATCH"))(w, r)
				return
			}
			answerWith(200, []byte(`{"resourceType":"ReferralRequest","id":"000000070000"}`), "ETag", `W/"2"`)(w, r)
		default:
			w.WriteHeader(404)
		}
	}
}

func submitRequest(t *testing.T) *CreateRequest {
	t.Helper()
	req, err := NewCreateRequest(CreateParams{NHSNumber: exNHSNumber, Criteria: cardiology(), Services: []string{"11002"}}, examplesNow)
	require.NoError(t, err)
	return req
}

var submitFiles = []Upload{
	{Name: "letter.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4"), Description: "Referral letter"},
	{Name: "ecg.png", ContentType: "image/png", Data: []byte("png"), Description: "ECG"},
}

func TestSubmit(t *testing.T) {
	cl, rec := server(t, fakeERS(""))
	got, err := cl.Submit(context.Background(), submitRequest(t), submitFiles...)
	require.NoError(t, err)
	assert.Equal(t, Submitted{UBRN: "000000070000", ETag: `W/"2"`, Locations: []string{"Binary/file-1", "Binary/file-2"}}, got)
	calls := rec.all()
	require.Len(t, calls, 4)
	assert.True(t, strings.HasSuffix(calls[0].path, "createReferral"))
	for _, c := range calls[1:3] {
		assert.Equal(t, "000000070000", c.header.Get("NHSD-eRS-Referral-ID"))
	}
	// A012 attaches every file, in order.
	body := string(calls[3].body)
	assert.Less(t, strings.Index(body, "Binary/file-1"), strings.Index(body, "Binary/file-2"))
	assert.Contains(t, body, "Referral letter")
}

// TestSubmitClock: the documents Submit attaches are indexed at the time
// of the client's clock; a nil option changes nothing.
func TestSubmitClock(t *testing.T) {
	at := time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)
	cl, rec := server(t, fakeERS(""), nil, WithClock(func() time.Time { return at }))
	_, err := cl.Submit(context.Background(), submitRequest(t), submitFiles...)
	require.NoError(t, err)
	calls := rec.all()
	require.Len(t, calls, 4)
	assert.Equal(t, 2, strings.Count(string(calls[3].body), `"2026-11-21T09:30:00.000000+00:00"`), string(calls[3].body))
}

// TestSubmitStops: Submit stops at the first failure, never retries, and
// says which step failed and what exists in e-RS.
func TestSubmitStops(t *testing.T) {
	tests := []struct {
		fail     string
		step     string
		ubrn     string
		uploaded []string
		calls    int
		says     string
	}{
		{"create", StepCreate, "", nil, 1, "nothing was created in e-RS"},
		{"upload2", StepUpload, "000000070000", []string{"Binary/file-1"}, 3, "(file 2): the referral was created in e-RS (see UBRN) and 1 file(s) uploaded but not attached"},
		{"attach", StepAttach, "000000070000", []string{"Binary/file-1", "Binary/file-2"}, 4, "2 file(s) uploaded but not attached"},
	}
	for _, tt := range tests {
		t.Run(tt.fail, func(t *testing.T) {
			cl, rec := server(t, fakeERS(tt.fail))
			got, err := cl.Submit(context.Background(), submitRequest(t), submitFiles...)
			assert.Zero(t, got)
			var se *SubmitError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.step, se.Step)
			assert.Equal(t, tt.ubrn, se.UBRN)
			assert.Equal(t, tt.uploaded, se.Uploaded)
			var apiErr *APIError
			assert.True(t, errors.As(err, &apiErr))
			assert.Contains(t, err.Error(), tt.says)
			assert.NotContains(t, err.Error(), "000000070000")
			assert.Len(t, rec.all(), tt.calls, "no retries")
		})
	}
}

// TestSubmitChecksFirst: a bad file or no file is refused before anything
// is sent, so nothing is created in e-RS.
func TestSubmitChecksFirst(t *testing.T) {
	cl, rec := server(t, fakeERS(""))
	bad := append([]Upload{}, submitFiles...)
	bad[1].ContentType = "application/xml"
	for name, files := range map[string][]Upload{"bad type": bad, "no files": nil} {
		_, err := cl.Submit(context.Background(), submitRequest(t), files...)
		var se *SubmitError
		require.ErrorAs(t, err, &se, name)
		assert.Empty(t, se.UBRN, name)
	}
	_, err := cl.Submit(context.Background(), nil, submitFiles...)
	assert.ErrorIs(t, err, ErrInvalidRequest)
	assert.Empty(t, rec.all())
}
