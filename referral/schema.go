package referral

import _ "embed"

//go:embed referral.schema.json
var schema []byte

// JSONSchema returns the JSON Schema (draft 2020-12) of the referral's
// JSON form, generated from the Go types and the rules Validate applies.
// It refuses every document that breaks a rule a JSON Schema can express:
// required fields (with a visible character), enumerations, the
// priority and its aliases, the shapes of identifiers, dates, phones and
// emails, text lengths, list lengths, control characters, a request of
// kind "other" without its detail, a referrer with no registration number.
// Its description names what only Validate and Decode check, such as the
// NHS number's check digit, the date of birth against the letter date,
// and repeated keys.
func JSONSchema() []byte {
	return append([]byte(nil), schema...)
}
