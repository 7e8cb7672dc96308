package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

// probe is one request of the contract test, and what it should get.
type probe struct {
	method, path string
	contentType  string
	accept       string
	body         []byte
	busy         bool // every render slot taken
	status       int
}

// probes makes every status each route documents, and the 404 and 405
// every path gives. A new route or status adds a row here.
func probes(t *testing.T) []probe {
	good := mustFile(t, goodFile)
	tww := mustFile(t, twwFile)
	copyDue := mustFile(t, "../../testdata/referrals/ophthalmology-wet-amd.json")       // copies.patient true
	noCopy := mustFile(t, "../../testdata/referrals/paediatrics-faltering-growth.json") // no copy
	big := append(append([]byte(`{"history": "`), bytes.Repeat([]byte("a"), 1<<20)...), `"}`...)
	var ps []probe
	for _, path := range []string{"/v1/letters", "/v1/route"} {
		ps = append(ps,
			probe{method: "POST", path: path, contentType: "application/json", body: []byte("{"), status: 400},
			probe{method: "POST", path: path, contentType: "application/json", body: big, status: 413},
			probe{method: "POST", path: path, contentType: "text/plain", body: good, status: 415},
			probe{method: "POST", path: path, contentType: "application/json", body: []byte(`{"priority": "routine"}`), status: 422},
			probe{method: "GET", path: path, status: 405},
		)
	}
	reply := replyBody(t, goodFile, string(mustFile(t, returnedFile)))
	twwReply := replyBody(t, twwFile, string(mustFile(t, returnedFile)))
	bigReply := append(append([]byte(`{"referral": "`), bytes.Repeat([]byte("a"), 3<<20)...), `"}`...)
	bigReferral := []byte(`{"returned": {}, "referral": ` + string(big) + `}`)
	const replies = "/v1/replies"
	ps = append(ps,
		probe{method: "POST", path: replies, contentType: "application/json", body: reply, status: 200},
		probe{method: "POST", path: replies, contentType: "application/json", accept: "text/plain", body: reply, status: 200},
		probe{method: "POST", path: replies + "?original=false", contentType: "application/json", body: reply, status: 200},
		probe{method: "POST", path: replies, contentType: "application/json", body: []byte(`{"referral": {`), status: 400},
		probe{method: "POST", path: replies, contentType: "application/json", accept: "application/json", body: reply, status: 406},
		probe{method: "POST", path: replies, contentType: "application/json", body: twwReply, status: 409},
		probe{method: "POST", path: replies, contentType: "application/json", body: bigReply, status: 413},
		probe{method: "POST", path: replies, contentType: "application/json", body: bigReferral, status: 413},
		probe{method: "POST", path: replies, contentType: "text/plain", body: reply, status: 415},
		probe{method: "POST", path: replies, contentType: "application/json", body: []byte(`{"referral": {}, "returned": {}}`), status: 422},
		probe{method: "POST", path: replies, contentType: "application/json", body: reply, busy: true, status: 503},
		probe{method: "GET", path: replies, status: 405},
	)
	ps = append(ps,
		probe{method: "POST", path: "/v1/letters", contentType: "application/json", body: good, status: 200},
		probe{method: "POST", path: "/v1/letters", contentType: "application/json", accept: "text/plain", body: good, status: 200},
		probe{method: "POST", path: "/v1/letters", contentType: "application/json", accept: "application/json", body: good, status: 406},
		probe{method: "POST", path: "/v1/letters", contentType: "application/json", body: tww, status: 409},
		probe{method: "POST", path: "/v1/letters", contentType: "application/json", body: good, busy: true, status: 503},
		probe{method: "POST", path: "/v1/letters?copy=patient", contentType: "application/json", body: copyDue, status: 200},
		probe{method: "POST", path: "/v1/letters?copy=patient", contentType: "application/json", accept: "text/plain", body: copyDue, status: 200},
		probe{method: "POST", path: "/v1/letters?copy=patient", contentType: "application/json", body: noCopy, status: 422},
		probe{method: "POST", path: "/v1/letters?copy=gp", contentType: "application/json", body: copyDue, status: 400},
		probe{method: "POST", path: "/v1/route", contentType: "application/json", body: good, status: 200},
		probe{method: "POST", path: "/v1/route", contentType: "application/json", body: tww, status: 200},
		probe{method: "GET", path: "/v1/schema", status: 200},
		probe{method: "GET", path: "/v1/openapi.json", status: 200},
		probe{method: "GET", path: "/healthz", status: 200},
		probe{method: "POST", path: "/healthz", status: 405},
		probe{method: "GET", path: "/v2/letters", status: 404},
	)
	return ps
}

// untested lists the documented statuses no probe can make, and why.
var untested = map[string]string{
	"POST /v1/letters 500": "a referral that validates always composes and renders",
	"POST /v1/replies 500": "a reply request that validates always composes and renders",
}

// requestSchemas is the schema of each route's request body.
var requestSchemas = map[string]string{
	"POST /v1/letters": "#/components/schemas/Referral",
	"POST /v1/route":   "#/components/schemas/Referral",
	"POST /v1/replies": "#/components/schemas/ReplyRequest",
}

// TestOpenAPI checks the OpenAPI document against the handler: its
// operations are the routes, its request schemas are referral.JSONSchema()
// and, for a reply, referral.ReturnedJSONSchema() beside it, every answer
// the handler gives has its status, media type and headers documented,
// and every documented status and query parameter is used by some request.
func TestOpenAPI(t *testing.T) {
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	h := newHandler(r)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/openapi.json", nil))
	require.Equal(t, 200, rec.Code)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	assert.Equal(t, "3.1.0", doc["openapi"])

	// The request schemas are the referral package's.
	for ref, schema := range map[string][]byte{
		"#/components/schemas/Referral": referral.JSONSchema(),
		"#/components/schemas/Returned": referral.ReturnedJSONSchema(),
	} {
		var want any
		require.NoError(t, json.Unmarshal(schema, &want))
		assert.Equal(t, want, lookup(t, doc, ref), ref)
	}
	replyRequest := resolve(t, doc, map[string]any{"$ref": "#/components/schemas/ReplyRequest"})
	assert.ElementsMatch(t, []any{"referral", "returned"}, replyRequest["required"])
	assert.Equal(t, false, replyRequest["additionalProperties"])
	props := replyRequest["properties"].(map[string]any)
	assert.Len(t, props, 2)
	assert.Equal(t, "#/components/schemas/Referral", props["referral"].(map[string]any)["$ref"])
	assert.Equal(t, "#/components/schemas/Returned", props["returned"].(map[string]any)["$ref"])

	// The operations are the routes.
	paths := doc["paths"].(map[string]any)
	var documented, served []string
	for path, item := range paths {
		for method := range item.(map[string]any) {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	for _, rt := range routes {
		served = append(served, rt.method+" "+rt.path)
	}
	assert.ElementsMatch(t, served, documented)

	operation := func(method, path string) map[string]any {
		item, _ := paths[path].(map[string]any)
		op, _ := item[strings.ToLower(method)].(map[string]any)
		return op
	}
	// Each operation that takes a body takes its documented schema.
	for _, rt := range routes {
		op := operation(rt.method, rt.path)
		var got any
		if rb, ok := op["requestBody"]; ok {
			rb := resolve(t, doc, rb)
			got = rb["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["$ref"]
		}
		if want, ok := requestSchemas[rt.method+" "+rt.path]; ok {
			assert.Equal(t, want, got, rt.path)
		} else {
			assert.Nil(t, got, "%s takes no body", rt.path)
		}
	}

	responses := doc["components"].(map[string]any)["responses"].(map[string]any)
	covered := map[string]bool{}
	for _, p := range probes(t) {
		h := newHandler(r)
		if p.busy {
			h.slots = make(chan struct{}, 1)
			h.slots <- struct{}{}
			h.queueWait = time.Millisecond
		}
		req := httptest.NewRequest(p.method, p.path, bytes.NewReader(p.body))
		path := req.URL.Path
		if p.contentType != "" {
			req.Header.Set("Content-Type", p.contentType)
		}
		if p.accept != "" {
			req.Header.Set("Accept", p.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		name := p.method + " " + path + " " + strconv.Itoa(p.status)
		require.Equal(t, p.status, rec.Code, p.method+" "+p.path)
		media, _, err := mime.ParseMediaType(rec.Header().Get("Content-Type"))
		require.NoError(t, err, name)

		var resp map[string]any
		switch op := operation(p.method, path); {
		case op != nil:
			resp = resolve(t, doc, op["responses"].(map[string]any)[strconv.Itoa(p.status)])
			covered[name] = true
			for q := range req.URL.Query() {
				covered[p.method+" "+path+" ?"+q] = true
			}
		case p.status == 404:
			resp = responses["NotFound"].(map[string]any)
		case p.status == 405:
			resp = responses["MethodNotAllowed"].(map[string]any)
		}
		require.NotNil(t, resp, "%s is not documented", name)
		assert.Contains(t, resp["content"], media, "%s answers %s, which is not documented", name, media)
		if hs, ok := resp["headers"].(map[string]any); ok {
			for header := range hs {
				if header == warningHeader {
					continue // only when there are warnings
				}
				assert.NotEmpty(t, rec.Header().Get(header), "%s: documented header %s missing", name, header)
			}
		}
	}
	for path, item := range paths {
		for method, op := range item.(map[string]any) {
			op := op.(map[string]any)
			for status := range op["responses"].(map[string]any) {
				name := strings.ToUpper(method) + " " + path + " " + status
				if untested[name] == "" {
					assert.True(t, covered[name], "no probe gives %s", name)
				}
			}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				if p := resolve(t, doc, p); p["in"] == "query" {
					name := strings.ToUpper(method) + " " + path + " ?" + p["name"].(string)
					assert.True(t, covered[name], "no probe uses %s", name)
				}
			}
		}
	}
}

// resolve follows a local $ref.
func resolve(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "%v is not an object", v)
	if ref, ok := m["$ref"].(string); ok {
		return lookup(t, doc, ref).(map[string]any)
	}
	return m
}

func lookup(t *testing.T, doc map[string]any, ref string) any {
	t.Helper()
	require.True(t, strings.HasPrefix(ref, "#/"), ref)
	var v any = doc
	for _, part := range strings.Split(ref[2:], "/") {
		m, ok := v.(map[string]any)
		require.True(t, ok, ref)
		v, ok = m[part]
		require.True(t, ok, "%s does not resolve", ref)
	}
	return v
}

// TestProblemTypesDocumented: every problem type URI is an anchor of a
// heading in docs/problems.md.
func TestProblemTypesDocumented(t *testing.T) {
	f, err := os.Open("../../docs/problems.md")
	require.NoError(t, err)
	defer f.Close()
	anchors := map[string]bool{}
	nonSlug := regexp.MustCompile(`[^a-z0-9 -]`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if h, ok := strings.CutPrefix(sc.Text(), "## "); ok {
			anchors[strings.ReplaceAll(nonSlug.ReplaceAllString(strings.ToLower(h), ""), " ", "-")] = true
		}
	}
	require.NoError(t, sc.Err())
	for _, typ := range problemTypes {
		base, anchor, ok := strings.Cut(typ, "#")
		require.True(t, ok, typ)
		assert.Equal(t, "https://github.com/refletter/refletter/blob/main/docs/problems.md", base)
		assert.True(t, anchors[anchor], "docs/problems.md has no heading for %s", anchor)
	}
}
