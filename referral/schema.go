package referral

import _ "embed"

//go:embed referral.schema.json
var schema []byte

// JSONSchema returns the JSON Schema (draft 2020-12) of the referral's
// JSON form, generated from the Go types. Decode is stricter than the
// schema: it also checks what a schema cannot, such as repeated keys.
func JSONSchema() []byte {
	return append([]byte(nil), schema...)
}
