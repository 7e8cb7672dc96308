package hardening

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const problemBase = "https://github.com/refletter/refletter/blob/main/docs/problems.md#"

// httpCase is a request of testdata/invalid/http.
type httpCase struct {
	method, path string
	header       http.Header
	body         []byte
}

// parseHTTPCase reads the request format of testdata/invalid/http: a line
// "METHOD PATH", header lines, a blank line, then the body: literal text,
// or one line "@FILE" (relative to the folder) or "@RECIPE" (as a .gen
// file's line).
func parseHTTPCase(t *testing.T, c catCase) httpCase {
	t.Helper()
	b, err := os.ReadFile(c.file)
	require.NoError(t, err)
	head, body, found := strings.Cut(string(b), "\n\n")
	require.True(t, found, "%s: no blank line after the headers", c.file)
	lines := strings.Split(head, "\n")
	method, path, ok := strings.Cut(lines[0], " ")
	require.True(t, ok, "%s: first line is METHOD PATH", c.file)
	hc := httpCase{method: method, path: path, header: http.Header{}}
	for _, l := range lines[1:] {
		k, v, ok := strings.Cut(l, ":")
		require.True(t, ok, "%s: header line %q", c.file, l)
		hc.header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if ref, ok := strings.CutPrefix(body, "@"); ok && !strings.Contains(strings.TrimSpace(ref), "\n") {
		ref = strings.TrimSpace(ref)
		if f := strings.Fields(ref); len(f) > 1 {
			hc.body = generateFrom(t, c.dir, ref)
		} else {
			hc.body, err = os.ReadFile(filepath.Join(c.dir, ref))
			require.NoError(t, err)
		}
	} else {
		hc.body = []byte(body)
	}
	return hc
}

// TestHTTPRequests sends every request of testdata/invalid/http to a
// running example server: each gets exactly the .want status, content
// type, problem type, field errors and route; no answer but a letter holds
// a patient field (a two-week-wait answer's handoff is for eRS and is left
// out of the check); the access log holds no patient field and one line
// per request.
func TestHTTPRequests(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	client := &http.Client{Timeout: caseTimeout, Transport: &http.Transport{DisableCompression: true}}
	var allValues []string
	cs := cases(t, filepath.Join(invalidDir, "http"), ".txt")
	for _, c := range cs {
		t.Run(c.name, func(t *testing.T) {
			hc := parseHTTPCase(t, c)
			vals := patientValues(hc.body)
			// A reply request holds the referral under "referral".
			var reply struct{ Referral json.RawMessage }
			if json.Unmarshal(hc.body, &reply) == nil && reply.Referral != nil {
				vals = append(vals, patientValues(reply.Referral)...)
			}
			allValues = append(allValues, vals...)
			req, err := http.NewRequest(hc.method, s.url(hc.path), bytes.NewReader(hc.body))
			require.NoError(t, err)
			req.Header = hc.header
			resp, err := client.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)

			var wantErrors []string
			for _, l := range c.want {
				kind, arg, _ := strings.Cut(l, " ")
				switch kind {
				case "status":
					assert.Equal(t, arg, strconv.Itoa(resp.StatusCode), "%s", body)
				case "content-type":
					assert.Equal(t, arg, resp.Header.Get("Content-Type"))
				case "problem":
					var p struct {
						Type   string `json:"type"`
						Status int    `json:"status"`
					}
					require.NoError(t, json.Unmarshal(body, &p), "%s", body)
					assert.Equal(t, problemBase+arg, p.Type)
					assert.Equal(t, resp.StatusCode, p.Status)
				case "error":
					wantErrors = append(wantErrors, arg)
				case "route":
					var r struct {
						Path string `json:"path"`
					}
					require.NoError(t, json.Unmarshal(body, &r), "%s", body)
					assert.Equal(t, arg, r.Path)
				default:
					t.Fatalf("unknown .want line %q", l)
				}
			}
			if strings.Contains(resp.Header.Get("Content-Type"), "json") && resp.StatusCode != http.StatusOK {
				var p struct {
					Errors []struct{ Path, Rule string } `json:"errors"`
				}
				require.NoError(t, json.Unmarshal(body, &p), "%s", body)
				var got []string
				for _, e := range p.Errors {
					if e.Path == "" {
						e.Path = "-"
					}
					got = append(got, e.Path+" "+e.Rule)
				}
				assert.ElementsMatch(t, wantErrors, got)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" && !strings.HasPrefix(ct, "text/plain") || resp.StatusCode != http.StatusOK {
				assertNoPatientData(t, "the answer", string(withoutHandoff(t, body)), vals)
			}
			for _, w := range resp.Header.Values("Refletter-Warning") {
				assertNoPatientData(t, "a warning header", w, vals)
			}
		})
	}
	require.Equal(t, 0, s.stop(t, caseTimeout))
	log := s.logText()
	assertNoPatientData(t, "the server log", log, allValues)
	assert.Equal(t, len(cs), strings.Count(log, "msg=request "), "one access log line per request:\n%s", log)
}

// withoutHandoff returns a JSON answer without its "handoff" member.
func withoutHandoff(t *testing.T, body []byte) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || m["handoff"] == nil {
		return body
	}
	delete(m, "handoff")
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}
