package ers

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests below run against NHS Digital's own e-RS sandbox server
// (Node.js), which answers 200/201 only to bodies equal to its example
// requests. They start it once, on loopback, from the folder named by
// REFLETTER_ERS_SANDBOX (default: shared/ers-sandbox beside the
// repository), and stop it by its pid when the tests end. Without Node.js
// they skip, unless REFLETTER_REQUIRE_SANDBOX is set (as .ci/run sets it),
// when they fail.

var sandbox struct {
	once sync.Once
	url  string
	pid  int
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopSandbox()
	os.Exit(code)
}

func sandboxDir() string {
	if d := os.Getenv("REFLETTER_ERS_SANDBOX"); d != "" {
		return d
	}
	// shared/ beside the repository, or beside the folder of worktrees.
	for _, up := range []string{"../../..", "../../../.."} {
		d := filepath.Join(up, "shared", "ers-sandbox")
		if _, err := os.Stat(filepath.Join(d, "start.sh")); err == nil {
			return d
		}
	}
	return filepath.Join("..", "..", "..", "shared", "ers-sandbox")
}

func startSandbox() {
	dir := sandboxDir()
	for _, tool := range []string{"node", "npm", "curl", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			sandbox.err = fmt.Errorf("%s is not installed", tool)
			return
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "start.sh")); err != nil {
		sandbox.err = fmt.Errorf("no sandbox at %s: %w", dir, err)
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		sandbox.err = err
		return
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(dir, "start.sh"), strconv.Itoa(port))
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		sandbox.err = fmt.Errorf("start.sh: %w: %s", err, stderr.String())
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	var lines []string
	for sc.Scan() {
		lines = append(lines, strings.TrimSpace(sc.Text()))
	}
	if len(lines) < 2 {
		sandbox.err = fmt.Errorf("start.sh printed %q, not a pid and a folder", out)
		return
	}
	pid, err := strconv.Atoi(lines[0])
	if err != nil || pid <= 1 {
		sandbox.err = fmt.Errorf("start.sh printed no pid: %q", out)
		return
	}
	sandbox.pid, sandbox.dir = pid, lines[1]
	sandbox.url = fmt.Sprintf("http://127.0.0.1:%d/FHIR", port)
}

func stopSandbox() {
	if sandbox.pid > 0 {
		syscall.Kill(sandbox.pid, syscall.SIGTERM)
		sandbox.pid = 0
	}
	if d := sandbox.dir; d != "" && strings.HasPrefix(d, os.TempDir()) {
		os.RemoveAll(d)
	}
}

// sandboxClient returns a client of the sandbox acting as fn, sending its
// requests through rt when rt is not nil.
func sandboxClient(t *testing.T, fn BusinessFunction, rt http.RoundTripper) *Client {
	t.Helper()
	sandbox.once.Do(startSandbox)
	if sandbox.err != nil {
		if os.Getenv("REFLETTER_REQUIRE_SANDBOX") != "" {
			t.Fatalf("the e-RS sandbox is required but did not start: %v", sandbox.err)
		}
		t.Skipf("the e-RS sandbox did not start (set REFLETTER_REQUIRE_SANDBOX to make this a failure): %v", sandbox.err)
	}
	cl, err := NewClient(Config{
		BaseURL:          sandbox.url,
		Tokens:           TokenFunc(func(context.Context) (string, error) { return "sandbox-token", nil }),
		ODSCode:          "A81001",
		BusinessFunction: fn,
	}, WithHTTPClient(&http.Client{Transport: rt, Timeout: 30 * time.Second}))
	require.NoError(t, err)
	return cl
}

// setHeader is a transport that overrides one request header: it sends what
// this package's own checks would never let through, to see e-RS refuse it.
type setHeader struct{ name, value string }

func (s setHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(s.name, s.value)
	return http.DefaultTransport.RoundTrip(r)
}

func exampleByFile(t *testing.T, file string) exampleRequest {
	t.Helper()
	for _, e := range exampleRequests {
		if e.file == file {
			return e
		}
	}
	t.Fatalf("no example %s", file)
	return exampleRequest{}
}

func businessFunction(e exampleRequest) BusinessFunction {
	if e.admin {
		return ReferringClinicianAdmin
	}
	return ReferringClinician
}

// TestSandboxExamples sends every example request, built from its inputs,
// to the sandbox, which accepts only bodies equal to its examples.
func TestSandboxExamples(t *testing.T) {
	ctx := context.Background()
	for _, e := range exampleRequests {
		t.Run(filepath.Base(e.file), func(t *testing.T) {
			cl := sandboxClient(t, businessFunction(e), nil)
			body, err := e.build()
			require.NoError(t, err)
			switch req := body.(type) {
			case *SearchRequest:
				services, err := cl.SearchServices(ctx, req)
				require.NoError(t, err)
				if strings.HasSuffix(e.file, "RcSearchByClinicalTerm.json") {
					assert.Empty(t, services)
					return
				}
				require.NotEmpty(t, services)
				for _, s := range services {
					assert.NotEmpty(t, s.ID)
				}
			case *CreateRequest:
				created, err := cl.CreateReferral(ctx, req)
				require.NoError(t, err)
				assert.Equal(t, Created{UBRN: "000000070000", ETag: `W/"1"`}, created)
			case *LetterRequest:
				ubrn := "000000070000"
				if strings.Contains(e.file, "Multiple") {
					ubrn = "000000070001"
				}
				etag, err := cl.AttachLetters(ctx, ubrn, `W/"1"`, req)
				require.NoError(t, err)
				assert.Equal(t, `W/"5"`, etag)
			default:
				t.Fatalf("no call for %T", body)
			}
		})
	}
}

// TestSandboxWaitTimes reads the wait times of the sandbox's answers, given
// as a number of days or as a code.
func TestSandboxWaitTimes(t *testing.T) {
	cl := sandboxClient(t, ReferringClinician, nil)
	req, err := exampleByFile(t, "patientServiceSearch/requests/RcMinimal.json").build()
	require.NoError(t, err)
	services, err := cl.SearchServices(context.Background(), req.(*SearchRequest))
	require.NoError(t, err)
	require.NotEmpty(t, services)
	for _, s := range services {
		require.NotNil(t, s.WaitTime, s.ID)
		assert.Equal(t, "LIMITED_AVAILABILITY", s.WaitTime.Code, s.ID)
	}

	cl = sandboxClient(t, ReferringClinicianAdmin, nil)
	for _, e := range exampleRequests {
		if strings.HasSuffix(e.file, "RcaWithIWT.json") {
			req, err := e.build()
			require.NoError(t, err)
			services, err := cl.SearchServices(context.Background(), req.(*SearchRequest))
			require.NoError(t, err)
			require.Len(t, services, 1)
			assert.Equal(t, &WaitTime{Days: 10}, services[0].WaitTime)
		}
	}
}

func TestSandboxCodeSystem(t *testing.T) {
	cl := sandboxClient(t, ReferringClinician, nil)
	cs, err := cl.CodeSystem(context.Background(), CodeSystemSpecialty)
	require.NoError(t, err)
	assert.Equal(t, exSpecialtySystem, cs.URL)
	c, err := cs.Find("allergy")
	require.NoError(t, err)
	assert.Equal(t, "ALLERGY", c.Code)
	assert.Len(t, cs.Concepts, 4)
}

func TestSandboxUpload(t *testing.T) {
	cl := sandboxClient(t, ReferringClinician, nil)
	loc, err := cl.UploadFile(context.Background(), File{Name: "letter.pdf", ContentType: "application/pdf",
		Data: []byte("%PDF-1.4 test"), ReferralID: "000000070000"})
	require.NoError(t, err)
	assert.Equal(t, "Binary/19eb7224-dff3-4730-a5cb-67eac811f1a5", loc)
	for _, ct := range []string{"text/xml", "text/rtf"} {
		_, err := cl.UploadFile(context.Background(), File{Name: "letter." + strings.TrimPrefix(ct, "text/"),
			ContentType: ct, Data: []byte("x"), ReferralID: "000000070000"})
		assert.NoError(t, err, ct)
	}
}

// TestSandboxRefusals: each refusal of e-RS reaches the caller as an
// *APIError with its status.
func TestSandboxRefusals(t *testing.T) {
	ctx := context.Background()
	search, err := exampleByFile(t, "patientServiceSearch/requests/RcMinimal.json").build()
	require.NoError(t, err)
	create, err := NewCreateRequest(CreateParams{NHSNumber: exNHSNumber, Criteria: cardiology(), Services: []string{"99999"}}, examplesNow)
	require.NoError(t, err)
	tests := []struct {
		name   string
		rt     http.RoundTripper
		call   func(cl *Client) error
		status int
		code   string
	}{
		{"403 wrong business function", setHeader{"NHSD-eRS-Business-Function", "SERVICE_PROVIDER_CLINICIAN"},
			func(cl *Client) error { _, err := cl.SearchServices(ctx, search.(*SearchRequest)); return err }, 403, ""},
		{"415 wrong upload type", setHeader{"Content-Type", "application/xml"}, func(cl *Client) error {
			_, err := cl.UploadFile(ctx, File{Name: "a.xml", ContentType: "text/xml", Data: []byte("<a/>"), ReferralID: "000000070000"})
			return err
		}, 415, ""},
		{"422 any other body", nil,
			func(cl *Client) error { _, err := cl.CreateReferral(ctx, create); return err }, 422, "SANDBOX_ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := sandboxClient(t, ReferringClinician, tt.rt)
			err := tt.call(cl)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.Status)
			if tt.code != "" {
				assert.True(t, apiErr.Has(tt.code), apiErr.Codes)
			}
		})
	}
}

// TestSandboxSubmit runs the one call against the sandbox: it creates the
// referral and uploads the letter, but the sandbox refuses the attach (its
// A012 example names another file), and the error says what exists.
func TestSandboxSubmit(t *testing.T) {
	cl := sandboxClient(t, ReferringClinician, nil)
	req, err := exampleByFile(t, "createReferral/requests/MinimalRequest.json").build()
	require.NoError(t, err)
	require.IsType(t, &CreateRequest{}, req)
	_, err = cl.Submit(context.Background(), req.(*CreateRequest), Upload{Name: "letter.pdf", ContentType: "application/pdf",
		Data: []byte("%PDF-1.4 test"), Description: "Referral letter"})
	var se *SubmitError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, StepAttach, se.Step)
	assert.Equal(t, "000000070000", se.UBRN)
	assert.Equal(t, []string{"Binary/19eb7224-dff3-4730-a5cb-67eac811f1a5"}, se.Uploaded)
	var apiErr *APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, 422, apiErr.Status)
	assert.Contains(t, err.Error(), "the referral was created in e-RS")
	assert.NotContains(t, err.Error(), "000000070000")
	b, _ := json.Marshal(se.Uploaded)
	assert.NotEmpty(t, b)
}
