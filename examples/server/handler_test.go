package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
)

const (
	goodFile = "../../testdata/referrals/dermatology-eczema.json"
	twwFile  = "../../testdata/referrals/2ww-breast.json"
)

func testServer(t *testing.T) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	var logs bytes.Buffer
	srv := httptest.NewServer(accessLog(slog.New(slog.NewTextHandler(&logs, nil)), newHandler(r)))
	t.Cleanup(srv.Close)
	return srv, &logs
}

func post(t *testing.T, url, contentType, accept string, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return resp
}

func read(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}

func mustFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

func TestLetters(t *testing.T) {
	srv, logs := testServer(t)
	good := mustFile(t, goodFile)
	url := srv.URL + "/v1/letters"

	resp := post(t, url, "application/json", "", good)
	body := read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
	assert.True(t, bytes.HasPrefix(body, []byte("%PDF-1.")))

	resp = post(t, url, "application/json; charset=utf-8", "text/plain", good)
	body = read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, string(body), "About this referral")

	var doc map[string]any
	require.NoError(t, json.Unmarshal(good, &doc))
	doc["patient"].(map[string]any)["nhsNumber"] = "9990000019"
	bad, _ := json.Marshal(doc)
	resp = post(t, url, "application/json", "", bad)
	body = read(t, resp)
	assert.Equal(t, 422, resp.StatusCode)
	assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	var p problem
	require.NoError(t, json.Unmarshal(body, &p))
	require.Len(t, p.Errors, 1)
	assert.Equal(t, "patient.nhsNumber", p.Errors[0].Path)
	assert.Equal(t, "nhsnumber", p.Errors[0].Rule)
	assert.NotContains(t, string(body), "9990000019")

	resp = post(t, url, "application/json", "", []byte(`{"priority": `))
	assert.Equal(t, 422, resp.StatusCode)
	read(t, resp)

	resp = post(t, url, "application/json", "", mustFile(t, twwFile))
	body = read(t, resp)
	assert.Equal(t, 409, resp.StatusCode)
	require.NoError(t, json.Unmarshal(body, &p))
	assert.Equal(t, problemTwoWeekWait, p.Type)
	require.NotNil(t, p.Handoff)
	assert.Equal(t, "TWO_WEEK_WAIT", p.Handoff.PriorityCode)

	big := append([]byte(`{"history": "`), bytes.Repeat([]byte("a"), 1<<20)...)
	resp = post(t, url, "application/json", "", append(big, `"}`...))
	read(t, resp)
	assert.Equal(t, 413, resp.StatusCode)

	for _, ct := range []string{"", "text/plain", "application/xml", "multipart/form-data; boundary=x"} {
		resp = post(t, url, ct, "", good)
		read(t, resp)
		assert.Equal(t, 415, resp.StatusCode, ct)
	}

	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		req, _ := http.NewRequest(m, url, nil)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		read(t, resp)
		assert.Equal(t, 405, resp.StatusCode, m)
		assert.Contains(t, resp.Header.Get("Allow"), "POST")
	}

	// The access log has method, path, status and duration; no patient data.
	log := logs.String()
	assert.Contains(t, log, "method=POST path=/v1/letters status=422")
	assert.Contains(t, log, "status=409")
	for _, secret := range []string{"9990000019", "nhsNumber", "Dear"} {
		assert.NotContains(t, log, secret)
	}
}

func TestRouteSchemaHealth(t *testing.T) {
	srv, logs := testServer(t)
	resp := post(t, srv.URL+"/v1/route", "application/json", "", mustFile(t, twwFile))
	body := read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	var ans struct {
		Path    string          `json:"path"`
		Handoff json.RawMessage `json:"handoff"`
		Errors  []any           `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(body, &ans))
	assert.Equal(t, "ers", ans.Path)
	assert.NotEmpty(t, ans.Handoff)
	assert.Empty(t, ans.Errors)

	resp = post(t, srv.URL+"/v1/route", "application/json", "", []byte(`{"priority": "routine"}`))
	body = read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	require.NoError(t, json.Unmarshal(body, &ans))
	assert.Equal(t, "letter", ans.Path)
	assert.NotEmpty(t, ans.Errors)

	resp, err := http.Get(srv.URL + "/v1/schema")
	require.NoError(t, err)
	body = read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "application/schema+json", resp.Header.Get("Content-Type"))
	assert.True(t, json.Valid(body))

	resp, err = http.Get(srv.URL + "/healthz")
	require.NoError(t, err)
	assert.Equal(t, "ok\n", string(read(t, resp)))

	resp, err = http.Get(srv.URL + "/patients/Siobhan")
	require.NoError(t, err)
	read(t, resp)
	assert.Equal(t, 404, resp.StatusCode)
	assert.NotContains(t, logs.String(), "Siobhan", "an unmatched path is not logged")
}

func TestWantsText(t *testing.T) {
	for accept, want := range map[string]bool{
		"": false, "text/plain": true, "application/pdf": false, "application/pdf, text/plain": false,
		"text/plain;q=0.9, application/pdf": true, "*/*": false, "text/html": false,
	} {
		assert.Equal(t, want, wantsText(accept), accept)
	}
}
