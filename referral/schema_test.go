package referral

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/invopop/jsonschema"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// generateSchema reflects the JSON Schema from the Go types and their doc
// comments.
func generateSchema(t *testing.T) []byte {
	t.Helper()
	r := &jsonschema.Reflector{
		BaseSchemaID:   "https://github.com/refletter/refletter/referral",
		ExpandedStruct: true,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			switch t {
			case reflect.TypeFor[Date]():
				return &jsonschema.Schema{Type: "string", Format: "date", Description: "A date as YYYY-MM-DD."}
			case reflect.TypeFor[NHSNumber]():
				return &jsonschema.Schema{Type: "string", Pattern: `^[0-9][0-9 -]{8,14}[0-9]$`,
					Description: "A 10-digit NHS number; spaces and hyphens are allowed."}
			case reflect.TypeFor[Priority]():
				return &jsonschema.Schema{Type: "string", Examples: []any{"routine", "urgent", "two-week-wait"},
					Description: "routine, urgent or two-week-wait; for two-week wait also 2ww, usc, urgent-suspected-cancer or TWO_WEEK_WAIT, in any case."}
			case reflect.TypeFor[State]():
				return &jsonschema.Schema{Type: "string", Enum: []any{"recorded", "unknown"}}
			case reflect.TypeFor[PatientCopyKind]():
				return &jsonschema.Schema{Type: "string", Enum: []any{"standard", "large-print", "easy-read", "braille", "audio", "email", "other"}}
			case reflect.TypeFor[RequestKind]():
				return &jsonschema.Schema{Type: "string", Enum: []any{"diagnosis", "advice", "treatment", "procedure", "other"}}
			}
			return nil
		},
	}
	require.NoError(t, r.AddGoComments("github.com/refletter/refletter/referral", "./"))
	s := r.Reflect(&Referral{})
	s.Title = "refletter referral"
	b, err := json.MarshalIndent(s, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}

// TestSchemaInStep regenerates the schema and compares it with the
// checked-in file. Refresh with: go test ./referral -update
func TestSchemaInStep(t *testing.T) {
	got := generateSchema(t)
	if *update {
		require.NoError(t, os.WriteFile("referral.schema.json", got, 0o644))
		return
	}
	assert.Equal(t, string(got), string(JSONSchema()), "referral.schema.json is stale: run go test ./referral -update")
}

// TestSchemaAcceptsExamples validates every example referral against the
// schema, and checks that it rejects what Decode rejects.
func TestSchemaAcceptsExamples(t *testing.T) {
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(JSONSchema()))
	require.NoError(t, err)
	c := sjs.NewCompiler()
	require.NoError(t, c.AddResource("referral.schema.json", doc))
	sch, err := c.Compile("referral.schema.json")
	require.NoError(t, err)

	files := testdataFiles(t, "referrals/*.json")
	require.NotEmpty(t, files)
	for _, f := range files {
		v, err := sjs.UnmarshalJSON(bytes.NewReader(mustRead(t, f)))
		require.NoError(t, err)
		assert.NoError(t, sch.Validate(v), f)
	}
	var full any
	require.NoError(t, json.Unmarshal([]byte(fullJSON), &full))
	assert.NoError(t, sch.Validate(full))
	full.(map[string]any)["unknownField"] = 1
	assert.Error(t, sch.Validate(full))
}
