package ers

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testToken = "test-cis2-token"

var reUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// seen is what a test server received.
type seen struct {
	method, path string
	header       http.Header
	body         []byte
}

// recorder holds what a test server received.
type recorder struct {
	mu   sync.Mutex
	seen []seen
}

func (r *recorder) add(s seen) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, s)
}

// all returns the requests received so far.
func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.seen...)
}

// server starts a test server that records each request and answers with
// reply. It returns a client for it and the recorder.
func server(t *testing.T, reply http.HandlerFunc, opts ...Option) (*Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rec.add(seen{method: r.Method, path: r.URL.EscapedPath(), header: r.Header.Clone(), body: b})
		reply(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{
		BaseURL:          srv.URL + "/referrals/FHIR/",
		Tokens:           TokenFunc(func(context.Context) (string, error) { return testToken, nil }),
		ODSCode:          "A81001",
		BusinessFunction: ReferringClinician,
	}, append([]Option{WithHTTPClient(srv.Client())}, opts...)...)
	require.NoError(t, err)
	return c, rec
}

func example(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examples, file))
	require.NoError(t, err)
	return b
}

// answer replies with status, headers (name, value pairs) and body.
func answerWith(status int, body []byte, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(kv); i += 2 {
			w.Header().Set(kv[i], kv[i+1])
		}
		if body != nil && w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", fhirJSON)
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

// assertHeaders checks the headers every call sends.
func assertHeaders(t *testing.T, h http.Header, contentType string) {
	t.Helper()
	assert.Equal(t, "Bearer "+testToken, h.Get("Authorization"))
	assert.Equal(t, "A81001", h.Get("NHSD-End-User-Organisation-ODS"))
	assert.Equal(t, "REFERRING_CLINICIAN", h.Get("NHSD-eRS-Business-Function"))
	assert.Regexp(t, reUUID, h.Get("X-Correlation-ID"))
	assert.Equal(t, contentType, h.Get("Content-Type"))
	assert.Equal(t, fhirJSON, h.Get("Accept"))
}

func jsonOf(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}

func TestSearchServices(t *testing.T) {
	c, got := server(t, answerWith(http.StatusOK, example(t, "patientServiceSearch/responses/FetchServiceListWithSingleService.json")))
	req, err := NewSearchRequest(SearchParams{NHSNumber: exNHSNumber, Criteria: cardiology()})
	require.NoError(t, err)

	services, err := c.SearchServices(context.Background(), req)
	require.NoError(t, err)

	require.Len(t, got.all(), 1)
	s := got.all()[0]
	assert.Equal(t, http.MethodPost, s.method)
	assert.Equal(t, "/referrals/FHIR/STU3/HealthcareService/$ers.searchHealthcareServicesForPatient", s.path)
	assertHeaders(t, s.header, fhirJSON)
	assert.Equal(t, asJSON(t, req), jsonOf(t, s.body))

	assert.Equal(t, []Service{{
		ID:                     "11002",
		Name:                   "Good Cardiology Business Service",
		Specialty:              "CARDIOLOGY",
		Location:               "R69",
		LocationName:           "Cicero-Clinic",
		WaitTime:               &WaitTime{Days: 10},
		DisplayProminently:     false,
		ReferralLetterRequired: true,
		BookableType:           "DIRECTLY_BOOKABLE",
		GenderTreated:          "MALE_AND_FEMALE",
		AppointmentTypes:       []string{"DIAGNOSTIC"},
		RequestFlowTypes:       []string{"APPOINTMENT_REQUEST"},
		NHSWebsite:             "https://www.nhs.uk/service-search/other-services/chooseandbook?serviceId=11002",
	}}, services)
}

func TestCreateReferral(t *testing.T) {
	c, got := server(t, answerWith(http.StatusCreated, example(t, "createReferral/responses/ReferralRequest.json"), "ETag", `W/"1"`))
	req, err := NewCreateRequest(CreateParams{NHSNumber: exNHSNumber, Criteria: cardiology(), Services: []string{"11002"}}, time.Now())
	require.NoError(t, err)

	created, err := c.CreateReferral(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, Created{UBRN: "000000070000", ETag: `W/"1"`}, created)

	require.Len(t, got.all(), 1)
	s := got.all()[0]
	assert.Equal(t, http.MethodPost, s.method)
	assert.Equal(t, "/referrals/FHIR/STU3/ReferralRequest/$ers.createReferral", s.path)
	assertHeaders(t, s.header, fhirJSON)
	assert.Equal(t, asJSON(t, req), jsonOf(t, s.body))
}

func TestCreateReferralKeepsUBRNWithoutETag(t *testing.T) {
	c, _ := server(t, answerWith(http.StatusCreated, example(t, "createReferral/responses/ReferralRequest.json")))
	req, err := NewCreateRequest(CreateParams{NHSNumber: exNHSNumber, Criteria: cardiology(), Services: []string{"11002"}}, time.Now())
	require.NoError(t, err)
	created, err := c.CreateReferral(context.Background(), req)
	assert.ErrorIs(t, err, ErrBadResponse)
	assert.Equal(t, "000000070000", created.UBRN, "a referral eRS made is never lost")
}

func TestCreateReferralBadAnswers(t *testing.T) {
	tests := map[string][]byte{
		"not JSON":          []byte("<html>"),
		"not a referral":    []byte(`{"resourceType":"OperationOutcome"}`),
		"UBRN not 12 digit": []byte(`{"resourceType":"ReferralRequest","id":"70000"}`),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			c, _ := server(t, answerWith(http.StatusCreated, body, "ETag", `W/"1"`))
			req, err := NewCreateRequest(CreateParams{NHSNumber: exNHSNumber, Criteria: cardiology(), Services: []string{"11002"}}, time.Now())
			require.NoError(t, err)
			_, err = c.CreateReferral(context.Background(), req)
			assert.ErrorIs(t, err, ErrBadResponse)
		})
	}
}

func TestAttachLetters(t *testing.T) {
	c, got := server(t, answerWith(http.StatusOK,
		example(t, "maintainReferralLetter/responses/ReferralRequestWithSingleDocumentReference.json"), "ETag", `W/"2"`))
	req, err := NewLetterRequest(
		Document{Location: "Binary/a7c98bb4-c0d0-4094-b26d-8dbd1677edc8", Indexed: time.Now()},
		Document{Location: "Binary/50f0c0d5-7ed1-4587-8fce-889c8685eb54", Indexed: time.Now(), Description: "Suspected cancer form"},
	)
	require.NoError(t, err)

	etag, err := c.AttachLetters(context.Background(), "000000070000", `W/"1"`, req)
	require.NoError(t, err)
	assert.Equal(t, `W/"2"`, etag)

	require.Len(t, got.all(), 1)
	s := got.all()[0]
	assert.Equal(t, http.MethodPost, s.method)
	assert.Equal(t, "/referrals/FHIR/STU3/ReferralRequest/000000070000/$ers.maintainReferralLetter", s.path)
	assertHeaders(t, s.header, fhirJSON)
	assert.Equal(t, `W/"1"`, s.header.Get("If-Match"))
	assert.Equal(t, asJSON(t, req), jsonOf(t, s.body))
}

func TestAttachLettersChecksBeforeSending(t *testing.T) {
	c, got := server(t, answerWith(http.StatusOK, nil))
	req, err := NewLetterRequest(Document{Location: "Binary/a1", Indexed: time.Now()})
	require.NoError(t, err)
	tests := []struct {
		name, ubrn, etag string
		req              *LetterRequest
		paths            []string
	}{
		{"bad UBRN", "0000-7000", `W/"1"`, req, []string{"ubrn"}},
		{"UBRN with a path", "000000070000/../x", `W/"1"`, req, []string{"ubrn"}},
		{"strong ETag", "000000070000", `"1"`, req, []string{"etag"}},
		{"no request", "000000070000", `W/"1"`, nil, []string{"request"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.AttachLetters(context.Background(), tt.ubrn, tt.etag, tt.req)
			assert.Equal(t, tt.paths, fieldPaths(t, err))
		})
	}
	assert.Empty(t, got.all())
}

func TestNilRequestsAreErrors(t *testing.T) {
	c, got := server(t, answerWith(http.StatusOK, nil))
	_, err := c.SearchServices(context.Background(), nil)
	assert.ErrorIs(t, err, ErrInvalidRequest)
	_, err = c.CreateReferral(context.Background(), nil)
	assert.ErrorIs(t, err, ErrInvalidRequest)
	assert.Empty(t, got.all())
}

func TestCodeSystem(t *testing.T) {
	c, got := server(t, answerWith(http.StatusOK, example(t, "getCodeSystem/responses/ClinicTypeCodeSystem.json")))
	cs, err := c.CodeSystem(context.Background(), CodeSystemClinicType)
	require.NoError(t, err)

	require.Len(t, got.all(), 1)
	s := got.all()[0]
	assert.Equal(t, http.MethodGet, s.method)
	assert.Equal(t, "/referrals/FHIR/STU3/CodeSystem/CLINIC-TYPE", s.path)
	assertHeaders(t, s.header, "")
	assert.Empty(t, s.body)

	assert.Equal(t, "CLINIC-TYPE", cs.ID)
	assert.Equal(t, "_baseUrl_/STU3/CodeSystem/CLINIC-TYPE", cs.URL)
	require.Len(t, cs.Concepts, 7)

	food, err := cs.Find("  food and DRUG allergy ")
	require.NoError(t, err)
	assert.Equal(t, "FOOD_AND_DRUG_ALLERGY", food.Code)
	assert.Equal(t, "ALLERGY", food.Specialty)
	assert.Equal(t, time.Date(2004, 6, 1, 0, 0, 0, 0, time.UTC), food.EffectiveFrom)
	assert.Equal(t, time.Date(2009, 3, 14, 0, 0, 0, 0, time.UTC), food.EffectiveTo)
	assert.False(t, food.ActiveAt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.True(t, food.ActiveAt(time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)))

	_, err = cs.Find("Cardiology")
	assert.ErrorIs(t, err, ErrNoConcept)

	audio := cs.ForSpecialty("AUDIOLOGICAL_MEDICINE")
	assert.Len(t, audio.Concepts, 3)
	assert.Len(t, cs.Concepts, 7, "ForSpecialty leaves cs alone")

	dup := &CodeSystem{ID: "X", Concepts: []Concept{{Code: "A", Display: "Breast"}, {Code: "B", Display: "breast"}}}
	_, err = dup.Find("BREAST")
	assert.ErrorIs(t, err, ErrAmbiguousConcept)

	active := cs.ActiveAt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	require.Len(t, active.Concepts, 1)
	assert.Equal(t, "ALLERGY_1", active.Concepts[0].Code)
	allergy, err := active.Find("Allergy")
	require.NoError(t, err)
	assert.Equal(t, "ALLERGY_1", allergy.Code)
	k, ok := cs.Lookup("ALLERGY_1")
	assert.True(t, ok)
	assert.Equal(t, "Allergy", k.Display)
}

func TestCodeSystemPriorityMatchesOnCode(t *testing.T) {
	c, _ := server(t, answerWith(http.StatusOK, example(t, "getCodeSystem/responses/PriorityCodeSystem.json")))
	cs, err := c.CodeSystem(context.Background(), CodeSystemPriority)
	require.NoError(t, err)
	k, ok := cs.Lookup(string(PriorityTwoWeekWait))
	require.True(t, ok)
	assert.Equal(t, "Two Week Wait", k.Display)
	for _, k := range cs.Concepts {
		assert.True(t, Priority(k.Code).Valid(), k.Code)
	}
}

func TestCodeSystemRejectsBadID(t *testing.T) {
	c, got := server(t, answerWith(http.StatusOK, nil))
	for _, id := range []string{"", "specialty", "SPECIALTY/../x", "SPECIALTY?x=1"} {
		_, err := c.CodeSystem(context.Background(), id)
		assert.ErrorIs(t, err, ErrInvalidRequest, id)
	}
	assert.Empty(t, got.all())
}

// outcome is an OperationOutcome whose diagnostics repeat patient data, as
// a real one may.
func outcome(codes ...string) []byte {
	type coding struct {
		System string `json:"system"`
		Code   string `json:"code"`
	}
	var issues []map[string]any
	for _, c := range codes {
		issues = append(issues, map[string]any{
			"severity":    "error",
			"code":        "business-rule",
			"diagnostics": "Patient 9912003888 (Mrs Test Patient, LS1 4AP) failed: " + c,
			"details":     map[string]any{"coding": []coding{{System: systemAPIErrorCode, Code: c}}},
		})
	}
	b, _ := json.Marshal(map[string]any{"resourceType": "OperationOutcome", "issue": issues})
	return b
}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		status int
		codes  []string
		call   func(*Client) error
	}{
		{http.StatusForbidden, []string{"NO_REG_GP_PRACTICE"}, func(c *Client) error {
			req, err := NewCreateRequest(CreateParams{NHSNumber: exNHSNumber, Criteria: cardiology(), Services: []string{"11002"}}, time.Now())
			if err != nil {
				return err
			}
			_, err = c.CreateReferral(context.Background(), req)
			return err
		}},
		{http.StatusRequestEntityTooLarge, []string{"FILE_SIZE_ERROR"}, func(c *Client) error {
			_, err := c.UploadFile(context.Background(), File{Name: "letter.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7"), ReferralID: "000000070000"})
			return err
		}},
		{http.StatusUnsupportedMediaType, []string{"UNSUPPORTED_MEDIA_TYPE"}, func(c *Client) error {
			req, err := NewSearchRequest(SearchParams{NHSNumber: exNHSNumber, Criteria: cardiology()})
			if err != nil {
				return err
			}
			_, err = c.SearchServices(context.Background(), req)
			return err
		}},
		{http.StatusUnprocessableEntity, []string{"INAPPROPRIATE_VALUE", "DUPLICATE_SERVICE"}, func(c *Client) error {
			req, err := NewLetterRequest(Document{Location: "Binary/a1", Indexed: time.Now()})
			if err != nil {
				return err
			}
			_, err = c.AttachLetters(context.Background(), "000000070000", `W/"1"`, req)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			c, got := server(t, answerWith(tt.status, outcome(tt.codes...)))
			err := tt.call(c)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.Status)
			assert.Equal(t, tt.codes, ae.Codes)
			assert.True(t, ae.Has(tt.codes[0]))
			assert.False(t, ae.Has("SOMETHING_ELSE"))
			require.Len(t, got.all(), 1)
			assert.Equal(t, got.all()[0].header.Get("X-Correlation-ID"), ae.CorrelationID)
			for _, secret := range []string{"9912003888", "Test Patient", "LS1 4AP", "failed", "000000070000", testToken} {
				assert.NotContains(t, err.Error(), secret)
			}
			assert.Contains(t, err.Error(), tt.codes[0])
		})
	}
}

func TestAPIErrorWithoutOutcome(t *testing.T) {
	c, _ := server(t, answerWith(http.StatusBadGateway, []byte("<html>9912003888</html>"), "Content-Type", "text/html"))
	_, err := c.CodeSystem(context.Background(), CodeSystemSpecialty)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusBadGateway, ae.Status)
	assert.Empty(t, ae.Codes)
	assert.Equal(t, "ers: A004 read code system: HTTP 502 Bad Gateway", err.Error())
}

func TestOutcomeCodesDropsNonCodes(t *testing.T) {
	b := outcome("NO_REG_GP_PRACTICE", "9912003888", "Mrs Test", "lower_case", "")
	assert.Equal(t, []string{"NO_REG_GP_PRACTICE"}, outcomeCodes(b))
}

// TestNoAutomaticRetry: a failing POST is sent once, whatever the failure.
func TestNoAutomaticRetry(t *testing.T) {
	failures := map[string]http.HandlerFunc{
		"503":      answerWith(http.StatusServiceUnavailable, outcome("SERVICE_UNAVAILABLE"), "Retry-After", "1"),
		"500":      answerWith(http.StatusInternalServerError, nil),
		"429":      answerWith(http.StatusTooManyRequests, nil, "Retry-After", "0"),
		"redirect": answerWith(http.StatusTemporaryRedirect, nil, "Location", "/referrals/FHIR/STU3/ReferralRequest/$ers.createReferral"),
		"dropped connection": func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		},
	}
	for name, fail := range failures {
		t.Run(name, func(t *testing.T) {
			var calls atomic.Int32
			c, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				fail(w, r)
			})
			create, err := NewCreateRequest(CreateParams{NHSNumber: exNHSNumber, Criteria: cardiology(), Services: []string{"11002"}}, time.Now())
			require.NoError(t, err)
			_, err = c.CreateReferral(context.Background(), create)
			require.Error(t, err)
			assert.Equal(t, int32(1), calls.Load(), "A011 sent once")

			_, err = c.UploadFile(context.Background(), File{Name: "a.txt", ContentType: "text/plain", Data: []byte("x"), ReferralID: "000000070000"})
			require.Error(t, err)
			assert.Equal(t, int32(2), calls.Load(), "A020 sent once")

			letters, err := NewLetterRequest(Document{Location: "Binary/a1", Indexed: time.Now()})
			require.NoError(t, err)
			_, err = c.AttachLetters(context.Background(), "000000070000", `W/"1"`, letters)
			require.Error(t, err)
			assert.Equal(t, int32(3), calls.Load(), "A012 sent once")
			assert.NotContains(t, err.Error(), "000000070000", "no UBRN from the URL in the error")
		})
	}
}

func TestContextDeadline(t *testing.T) {
	release := make(chan struct{})
	c, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	letters, err := NewLetterRequest(Document{Location: "Binary/a1", Indexed: time.Now()})
	require.NoError(t, err)

	start := time.Now()
	_, err = c.AttachLetters(ctx, "000000070000", `W/"1"`, letters)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second, "the deadline ends the call")
	assert.NotContains(t, err.Error(), "000000070000")
	assert.NotContains(t, err.Error(), "http://")
}

func TestCorrelationID(t *testing.T) {
	c, got := server(t, answerWith(http.StatusOK, example(t, "getCodeSystem/responses/PriorityCodeSystem.json")))
	_, err := c.CodeSystem(context.Background(), CodeSystemPriority)
	require.NoError(t, err)
	_, err = c.CodeSystem(context.Background(), CodeSystemPriority)
	require.NoError(t, err)
	_, err = c.CodeSystem(WithCorrelationID(context.Background(), "my-trace-42"), CodeSystemPriority)
	require.NoError(t, err)
	require.Len(t, got.all(), 3)
	a, b := got.all()[0].header.Get("X-Correlation-ID"), got.all()[1].header.Get("X-Correlation-ID")
	assert.Regexp(t, reUUID, a)
	assert.NotEqual(t, a, b, "a new id per call")
	assert.Equal(t, "my-trace-42", got.all()[2].header.Get("X-Correlation-ID"))

	_, err = c.CodeSystem(WithCorrelationID(context.Background(), "bad\r\nX-Injected: 1"), CodeSystemPriority)
	assert.ErrorIs(t, err, ErrInvalidRequest)
	assert.Len(t, got.all(), 3)
}

func TestTokenSource(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer srv.Close()
	boom := errors.New("token expired")
	tests := map[string]TokenSource{
		"error":     TokenFunc(func(context.Context) (string, error) { return "", boom }),
		"empty":     TokenFunc(func(context.Context) (string, error) { return "", nil }),
		"malformed": TokenFunc(func(context.Context) (string, error) { return "abc\r\nX-Evil: 1", nil }),
	}
	for name, ts := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := NewClient(Config{BaseURL: srv.URL, Tokens: ts, ODSCode: "A81001", BusinessFunction: ReferringClinicianAdmin})
			require.NoError(t, err)
			_, err = c.CodeSystem(context.Background(), CodeSystemSpecialty)
			require.Error(t, err)
			if name == "error" {
				assert.ErrorIs(t, err, boom)
			}
			assert.NotContains(t, err.Error(), "abc")
		})
	}
	assert.Equal(t, int32(0), calls.Load(), "nothing is sent without a token")
}

func TestBusinessFunctionAdmin(t *testing.T) {
	var fn string
	body := example(t, "getCodeSystem/responses/PriorityCodeSystem.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fn = r.Header.Get("NHSD-eRS-Business-Function")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	c, err := NewClient(Config{BaseURL: srv.URL, Tokens: TokenFunc(func(context.Context) (string, error) { return "t", nil }),
		ODSCode: "A81001", BusinessFunction: ReferringClinicianAdmin})
	require.NoError(t, err)
	_, err = c.CodeSystem(context.Background(), CodeSystemPriority)
	require.NoError(t, err)
	assert.Equal(t, "REFERRING_CLINICIAN_ADMIN", fn)
}

func TestNewClientChecksConfig(t *testing.T) {
	tokens := TokenFunc(func(context.Context) (string, error) { return "t", nil })
	good := Config{BaseURL: "https://sandbox.api.service.nhs.uk/referrals/FHIR", Tokens: tokens, ODSCode: "A81001", BusinessFunction: ReferringClinician}
	_, err := NewClient(good)
	require.NoError(t, err)
	tests := []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{"no base URL", func(c *Config) { c.BaseURL = "" }, "BaseURL"},
		{"relative base URL", func(c *Config) { c.BaseURL = "/referrals/FHIR" }, "BaseURL"},
		{"plain http to a remote host", func(c *Config) { c.BaseURL = "http://api.service.nhs.uk/referrals/FHIR" }, "BaseURL"},
		{"query in base URL", func(c *Config) { c.BaseURL = "https://api.service.nhs.uk/?x=1" }, "BaseURL"},
		{"user in base URL", func(c *Config) { c.BaseURL = "https://u:p@api.service.nhs.uk/" }, "BaseURL"},
		{"no token source", func(c *Config) { c.Tokens = nil }, "Tokens"},
		{"no ODS code", func(c *Config) { c.ODSCode = "" }, "ODSCode"},
		{"ODS code with a newline", func(c *Config) { c.ODSCode = "A81001\n" }, "ODSCode"},
		{"provider role", func(c *Config) { c.BusinessFunction = "SERVICE_PROVIDER_CLINICIAN" }, "BusinessFunction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.edit(&cfg)
			c, err := NewClient(cfg)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, ErrConfig)
			assert.Contains(t, err.Error(), tt.field)
			assert.NotContains(t, err.Error(), "u:p")
		})
	}
}

func TestAnswerTooLarge(t *testing.T) {
	c, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(w, io.LimitReader(zeros{}, maxAnswer+10))
	})
	_, err := c.CodeSystem(context.Background(), CodeSystemSpecialty)
	assert.ErrorIs(t, err, ErrBadResponse)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestSearchServicesBadAnswers(t *testing.T) {
	tests := map[string]string{
		"not JSON":         "[",
		"not a List":       `{"resourceType":"Bundle"}`,
		"entry with no id": `{"resourceType":"List","entry":[{"item":{}}]}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			c, _ := server(t, answerWith(http.StatusOK, []byte(body)))
			req, err := NewSearchRequest(SearchParams{NHSNumber: exNHSNumber, Criteria: cardiology()})
			require.NoError(t, err)
			_, err = c.SearchServices(context.Background(), req)
			assert.ErrorIs(t, err, ErrBadResponse)
		})
	}
}

func TestClientIsSafeForConcurrentUse(t *testing.T) {
	var calls atomic.Int32
	body := example(t, "getCodeSystem/responses/SpecialtyCodeSystem.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	c, err := NewClient(Config{BaseURL: srv.URL, Tokens: TokenFunc(func(context.Context) (string, error) { return "t", nil }),
		ODSCode: "A81001", BusinessFunction: ReferringClinician})
	require.NoError(t, err)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := c.CodeSystem(context.Background(), CodeSystemSpecialty)
			errs <- err
		}()
	}
	for range 8 {
		assert.NoError(t, <-errs)
	}
	assert.Equal(t, int32(8), calls.Load())
}
