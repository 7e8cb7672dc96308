package referral

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/invopop/jsonschema"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ubrnPattern is the pattern of the ubrn rule: 12 digits, with spaces or
// hyphens anywhere.
var ubrnPattern = func() string {
	for _, r := range stringRules {
		if r.tag == RuleUBRN {
			return r.pattern
		}
	}
	panic("no ubrn rule")
}()

// generateReturnedSchema makes the schema of Returned as generateSchema
// makes the referral's, then adds the rules Validate checks in code.
func generateReturnedSchema(t *testing.T) []byte {
	t.Helper()
	s := reflectSchema(t, &Returned{})
	s.Title = "refletter returned referral"

	// The date is required: null or "" is no date.
	date, ok := s.Properties.Get("date")
	require.True(t, ok)
	*date = jsonschema.Schema{Ref: "#/$defs/date", Description: date.Description}
	s.Required = append([]string{"date"}, s.Required...)

	ubrn, ok := s.Properties.Get("ubrn")
	require.True(t, ok)
	require.Len(t, ubrn.AnyOf, 2)
	ubrn.AnyOf[1].AnyOf = []*jsonschema.Schema{{Const: ""}, {Pattern: ubrnPattern}}

	beyond := []string{"that the date is not after today", "that it is not before the referral's date (ComposeReply)"}
	for _, rule := range []string{RuleDuplicate, RuleEncoding, RuleTrailingData} {
		beyond = append(beyond, beyondSchema[rule])
	}
	s.Description = "A referral returned to the practice unaccepted, in the JSON form referral.DecodeReturned reads. " +
		"Validate checks every rule of this schema, and besides: " + strings.Join(beyond, "; ") +
		". An optional field may be null, read as left out."
	return encodeSchema(t, s)
}

// TestReturnedSchemaInStep regenerates the schema and compares it with
// the checked-in file. Refresh with: go test ./referral -update
func TestReturnedSchemaInStep(t *testing.T) {
	got := generateReturnedSchema(t)
	if *update {
		require.NoError(t, os.WriteFile("returned.schema.json", got, 0o644))
		return
	}
	assert.Equal(t, string(got), string(ReturnedJSONSchema()), "returned.schema.json is stale: run go test ./referral -update")
}

// TestReturnedSchema: the schema accepts every returned document of
// testdata and refuses, as DecodeReturned and Validate do, each broken
// variant; what they accept, it accepts.
func TestReturnedSchema(t *testing.T) {
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(ReturnedJSONSchema()))
	require.NoError(t, err)
	c := sjs.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource("returned.schema.json", doc))
	sch, err := c.Compile("returned.schema.json")
	require.NoError(t, err)

	files := testdataFiles(t, "returned/*.json")
	require.NotEmpty(t, files)
	for _, f := range files {
		v, err := sjs.UnmarshalJSON(bytes.NewReader(mustRead(t, f)))
		require.NoError(t, err)
		assert.NoError(t, sch.Validate(v), f)
	}

	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	base := mustRead(t, "../testdata/returned/dermatology-eczema.json")
	tests := []struct {
		name   string
		change func(d map[string]any)
		valid  bool
	}{
		{name: "as given", change: func(map[string]any) {}, valid: true},
		{name: "optional fields null", change: func(d map[string]any) {
			d["reference"], d["ubrn"], d["address"], d["copies"] = nil, nil, nil, nil
		}, valid: true},
		{name: "optional fields left out", change: func(d map[string]any) {
			for _, k := range []string{"reference", "ubrn", "address", "copies"} {
				delete(d, k)
			}
		}, valid: true},
		{name: "UBRN run together", change: func(d map[string]any) { d["ubrn"] = "000040001234" }, valid: true},
		{name: "UBRN with hyphens", change: func(d map[string]any) { d["ubrn"] = "0000-4000-1234" }, valid: true},
		{name: "UBRN empty", change: func(d map[string]any) { d["ubrn"] = "" }, valid: true},
		{name: "no date", change: func(d map[string]any) { delete(d, "date") }},
		{name: "null date", change: func(d map[string]any) { d["date"] = nil }},
		{name: "empty date", change: func(d map[string]any) { d["date"] = "" }},
		{name: "30 February", change: func(d map[string]any) { d["date"] = "2026-02-30" }},
		{name: "UK date", change: func(d map[string]any) { d["date"] = "20/11/2026" }},
		{name: "no by", change: func(d map[string]any) { delete(d, "by") }},
		{name: "blank by", change: func(d map[string]any) { d["by"] = " \u200b\t" }},
		{name: "empty reason", change: func(d map[string]any) { d["reason"] = "" }},
		{name: "reason of 20,001 characters", change: func(d map[string]any) { d["reason"] = strings.Repeat("x", MaxTextLength+1) }},
		{name: "bell in the reference", change: func(d map[string]any) { d["reference"] = "DRH\a1" }},
		{name: "UBRN of 11 digits", change: func(d map[string]any) { d["ubrn"] = "0000 4000 123" }},
		{name: "UBRN with a letter", change: func(d map[string]any) { d["ubrn"] = "0000 4000 123X" }},
		{name: "UBRN as a number", change: func(d map[string]any) { d["ubrn"] = 400012345678 }},
		{name: "bad postcode", change: func(d map[string]any) { obj(d, "address")["postcode"] = "XYZ" }},
		{name: "copy without a name", change: func(d map[string]any) { delete(obj(d, "copies", "lmc"), "name") }},
		{name: "unknown copy", change: func(d map[string]any) { obj(d, "copies")["patient"] = map[string]any{"name": "x"} }},
		{name: "unknown field", change: func(d map[string]any) { d["urgency"] = "high" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d map[string]any
			require.NoError(t, json.Unmarshal(base, &d))
			tt.change(d)
			data, err := json.Marshal(d)
			require.NoError(t, err)
			ret, err := DecodeReturned(bytes.NewReader(data))
			if err == nil {
				err = ret.validateAt(now)
			}
			v, jerr := sjs.UnmarshalJSON(bytes.NewReader(data))
			require.NoError(t, jerr)
			serr := sch.Validate(v)
			if tt.valid {
				assert.NoError(t, err)
				assert.NoError(t, serr)
			} else {
				assert.Error(t, err, "Validate accepts it")
				assert.Error(t, serr, "the schema accepts it")
			}
		})
	}
}

// TestUBRNPattern: the schema's UBRN pattern accepts exactly what
// UBRN.Valid accepts.
func TestUBRNPattern(t *testing.T) {
	re := regexp.MustCompile(ubrnPattern)
	for _, s := range []string{"000040001234", "0000 4000 1234", "0000-4000-1234", " 0-0-0-0-4-0-0-0-1-2-3-4 ",
		"", "00004000123", "0000400012345", "0000 4000 123X", "０００040001234", "0000\t4000\t1234", "UBRN"} {
		assert.Equal(t, UBRN(s).Valid(), re.MatchString(s), "%q", s)
	}
}
