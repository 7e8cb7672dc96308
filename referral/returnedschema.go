package referral

import _ "embed"

//go:embed returned.schema.json
var returnedSchema []byte

// ReturnedJSONSchema returns the JSON Schema (draft 2020-12) of a Returned
// document's JSON form, generated as JSONSchema's is. It refuses what
// DecodeReturned and Validate refuse for a rule a JSON Schema can express:
// unknown fields, a missing or unreal date, a blank by or reason, a UBRN
// that is not 12 digits, and the rules of addresses, texts and copies. Its
// description names what only DecodeReturned, Validate and ComposeReply
// check: a date after today, a date before the referral's, and repeated
// keys.
func ReturnedJSONSchema() []byte {
	return append([]byte(nil), returnedSchema...)
}
