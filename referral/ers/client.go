package ers

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// BusinessFunction is the eRS role the user acts in, sent as
// NHSD-eRS-Business-Function.
type BusinessFunction string

// The referrer roles this package acts in.
const (
	ReferringClinician      BusinessFunction = "REFERRING_CLINICIAN"
	ReferringClinicianAdmin BusinessFunction = "REFERRING_CLINICIAN_ADMIN"
)

// TokenSource gives the bearer token for a call: a CIS2 user access token
// that the integrator obtains and refreshes. This package never handles
// credentials beyond sending the token.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// TokenFunc adapts a function to a TokenSource.
type TokenFunc func(ctx context.Context) (string, error)

// Token calls f.
func (f TokenFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

// Config is what every client must be given: where the API is, who calls
// it and in what role. These settings are required, so they are fields of
// one struct, checked together by NewClient, rather than options that
// could be forgotten or positional strings that could be swapped; the
// optional settings are Options (WithHTTPClient, WithClock), as in the
// library's other packages.
type Config struct {
	// BaseURL is the eRS FHIR API root, such as
	// https://sandbox.api.service.nhs.uk/referrals/FHIR. It is https, or
	// http to a loopback address (for tests).
	BaseURL string
	// Tokens gives the bearer token for each call.
	Tokens TokenSource
	// ODSCode is the user's organisation, sent as
	// NHSD-End-User-Organisation-ODS.
	ODSCode string
	// BusinessFunction is ReferringClinician or ReferringClinicianAdmin.
	BusinessFunction BusinessFunction
}

// An Option changes an optional setting of a client. Options are values:
// make them with WithHTTPClient and WithClock and pass them to NewClient.
type Option interface {
	apply(*Client)
}

type optionFunc func(*Client)

func (f optionFunc) apply(c *Client) { f(c) }

// WithHTTPClient sends the requests with hc. Without it (or with nil) the
// client uses http.DefaultClient, which has no timeout of its own: give
// each call a context deadline. hc's transport is used as it is, but
// redirects are never followed: a POST is never sent twice.
func WithHTTPClient(hc *http.Client) Option {
	return optionFunc(func(c *Client) {
		if hc != nil {
			c.hc = hc
		}
	})
}

// WithClock sets the clock that gives the time Submit records as each
// document's indexed time. Without it (or with nil) the client uses
// time.Now.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(c *Client) {
		if now != nil {
			c.now = now
		}
	})
}

// Client calls the eRS FHIR STU3 API as a referrer. It is safe for
// concurrent use. It never retries: a failed call is returned to the
// caller, who decides (a repeated create would make a second referral).
type Client struct {
	base   string
	hc     *http.Client
	tokens TokenSource
	ods    string
	fn     BusinessFunction
	now    func() time.Time
}

// NewClient checks cfg and returns a client with opts applied. A bad or
// missing field of cfg is an error wrapping ErrConfig that names it.
func NewClient(cfg Config, opts ...Option) (*Client, error) {
	bad := func(field, why string) error { return fmt.Errorf("%w: %s: %s", ErrConfig, field, why) }
	u, err := url.Parse(cfg.BaseURL)
	switch {
	case err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return nil, bad("BaseURL", "must be an absolute URL with no query, fragment or user")
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return nil, bad("BaseURL", "must be https (http only to a loopback address)")
	}
	if cfg.Tokens == nil {
		return nil, bad("Tokens", "a token source is required")
	}
	if !isODS(cfg.ODSCode) {
		return nil, bad("ODSCode", "an ODS code is 3 to 9 capital letters and digits")
	}
	if cfg.BusinessFunction != ReferringClinician && cfg.BusinessFunction != ReferringClinicianAdmin {
		return nil, bad("BusinessFunction", "must be REFERRING_CLINICIAN or REFERRING_CLINICIAN_ADMIN")
	}
	c := &Client{
		base:   strings.TrimRight(u.String(), "/"),
		hc:     http.DefaultClient,
		tokens: cfg.Tokens,
		ods:    cfg.ODSCode,
		fn:     cfg.BusinessFunction,
		now:    time.Now,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	noRedirect := *c.hc
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = &noRedirect
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type correlationKey struct{}

// WithCorrelationID returns a context whose calls send id as
// X-Correlation-ID. Without it each call sends a new random id.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, correlationKey{}, id)
}

func correlationID(ctx context.Context) (string, error) {
	if id, ok := ctx.Value(correlationKey{}).(string); ok && id != "" {
		if hasControl(id) || len(id) > 200 {
			return "", fmt.Errorf("%w: correlation id: must be at most 200 characters with no control characters", ErrInvalidRequest)
		}
		return id, nil
	}
	return newUUID()
}

// newUUID returns a random (version 4) UUID.
func newUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("ers: correlation id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// maxAnswer bounds what is read of an answer.
const maxAnswer = 32 << 20

const fhirJSON = "application/fhir+json"

// call is one request to eRS.
type call struct {
	op          string
	method      string
	path        string // below the base URL, already escaped
	body        []byte
	contentType string
	header      http.Header // extra headers
}

// answer is a 2xx answer.
type answer struct {
	header http.Header
	body   []byte
}

// do sends c once. A non-2xx answer is an *APIError; transport errors are
// wrapped without the URL, which may hold a UBRN.
func (cl *Client) do(ctx context.Context, c call) (*answer, error) {
	cid, err := correlationID(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := cl.tokens.Token(ctx)
	if err != nil {
		return nil, fmt.Errorf("ers: %s: token: %w", c.op, err)
	}
	if tok == "" || hasControl(tok) {
		return nil, fmt.Errorf("ers: %s: token: %w", c.op, errors.New("the token source gave an empty or malformed token"))
	}
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, cl.base+c.path, body)
	if err != nil {
		return nil, fmt.Errorf("ers: %s: %w", c.op, unwrapURL(err))
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("NHSD-End-User-Organisation-ODS", cl.ods)
	req.Header.Set("NHSD-eRS-Business-Function", string(cl.fn))
	req.Header.Set("X-Correlation-ID", cid)
	req.Header.Set("Accept", fhirJSON)
	if c.body != nil {
		req.Header.Set("Content-Type", c.contentType)
	}
	for k, vs := range c.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := cl.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("ers: %s: %w", c.op, unwrapURL(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, fmt.Errorf("ers: %s: reading the answer: %w", c.op, unwrapURL(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &APIError{Operation: c.op, Status: resp.StatusCode, Codes: outcomeCodes(b), CorrelationID: cid}
	}
	if len(b) > maxAnswer {
		return nil, fmt.Errorf("%w: %s: the answer is larger than %d bytes", ErrBadResponse, c.op, maxAnswer)
	}
	return &answer{header: resp.Header, body: b}, nil
}

// unwrapURL drops the *url.Error layer, whose message holds the URL.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// outcomeCodes returns the eRS error codes of an OperationOutcome body, or
// nil when the body is not one. Only plain upper-case codes are kept.
func outcomeCodes(b []byte) []string {
	var oo operationOutcome
	if json.Unmarshal(b, &oo) != nil || oo.ResourceType != "OperationOutcome" {
		return nil
	}
	var codes []string
	for _, is := range oo.Issue {
		for _, k := range is.Details.Coding {
			if isUpperCode(k.Code) {
				codes = append(codes, k.Code)
			}
		}
	}
	return codes
}

func marshal(op string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("ers: %s: %w", op, err)
	}
	return b, nil
}

func nilRequest(op string) error {
	var ch checker
	ch.fail("request", "required", "build the request with its constructor first")
	return ch.err(op)
}

// SearchServices sends an A010 patient service search and returns the
// services found, in the order eRS gives.
func (cl *Client) SearchServices(ctx context.Context, req *SearchRequest) ([]Service, error) {
	if req == nil {
		return nil, nilRequest(opSearch)
	}
	b, err := marshal(opSearch, req)
	if err != nil {
		return nil, err
	}
	a, err := cl.do(ctx, call{op: opSearch, method: http.MethodPost,
		path: "/STU3/HealthcareService/$ers.searchHealthcareServicesForPatient", body: b, contentType: fhirJSON})
	if err != nil {
		return nil, err
	}
	return parseServices(a.body)
}

// CreateReferral sends an A011 create referral and returns the new
// referral's UBRN and ETag. If eRS created the referral but sent no usable
// ETag, the UBRN is returned with an error wrapping ErrBadResponse.
func (cl *Client) CreateReferral(ctx context.Context, req *CreateRequest) (Created, error) {
	if req == nil {
		return Created{}, nilRequest(opCreate)
	}
	b, err := marshal(opCreate, req)
	if err != nil {
		return Created{}, err
	}
	a, err := cl.do(ctx, call{op: opCreate, method: http.MethodPost,
		path: "/STU3/ReferralRequest/$ers.createReferral", body: b, contentType: fhirJSON})
	if err != nil {
		return Created{}, err
	}
	return parseCreated(a.body, a.header.Get("ETag"))
}

// AttachLetters sends an A012 maintain referral letter for the referral
// ubrn at version etag (If-Match), and returns the referral's new ETag, or
// "" when eRS sends none. The request must hold every attachment the
// referral is to keep: A012 replaces the whole set.
func (cl *Client) AttachLetters(ctx context.Context, ubrn, etag string, req *LetterRequest) (string, error) {
	var ch checker
	if !isUBRN(ubrn) {
		ch.fail("ubrn", "ubrn", "a UBRN is 12 digits")
	}
	if !isETag(etag) {
		ch.fail("etag", "etag", `must be the referral's version as eRS gave it, such as W/"1"`)
	}
	if req == nil {
		ch.fail("request", "required", "build the request with NewLetterRequest first")
	}
	if err := ch.err(opLetter); err != nil {
		return "", err
	}
	b, err := marshal(opLetter, req)
	if err != nil {
		return "", err
	}
	a, err := cl.do(ctx, call{op: opLetter, method: http.MethodPost,
		path: "/STU3/ReferralRequest/" + ubrn + "/$ers.maintainReferralLetter", body: b, contentType: fhirJSON,
		header: http.Header{"If-Match": {etag}}})
	if err != nil {
		return "", err
	}
	if e := a.header.Get("ETag"); isETag(e) {
		return e, nil
	}
	return "", nil
}

const opCodeSystem = "A004 read code system"

// CodeSystem reads an eRS code system (A004), such as CodeSystemSpecialty
// or CodeSystemClinicType, so that codes are looked up, not hard-coded.
func (cl *Client) CodeSystem(ctx context.Context, id string) (*CodeSystem, error) {
	if !isCodeSystemID(id) {
		var ch checker
		ch.fail("id", "codesystem", "a code system id is capital letters, digits and '-', such as SPECIALTY")
		return nil, ch.err(opCodeSystem)
	}
	a, err := cl.do(ctx, call{op: opCodeSystem, method: http.MethodGet, path: "/STU3/CodeSystem/" + id})
	if err != nil {
		return nil, err
	}
	return parseCodeSystem(a.body)
}
