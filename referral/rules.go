package referral

import (
	"slices"
	"strings"
)

// A stringRule is a rule for a string field, named by its tag in the
// field's validate struct tag. It carries the JSON Schema that says the
// same, so that the schema is generated from the rules Validate runs.
type stringRule struct {
	tag     string
	valid   func(string) bool // nil for a rule of the validator package
	message string
	// pattern accepts the input forms the rule accepts, in the regular
	// expression syntax common to JSON Schema (ECMA-262) and Go.
	pattern string
	// format is the JSON Schema format that names the rule, if any.
	format string
	// beyond is what the rule checks that pattern cannot, in words; empty
	// when pattern accepts exactly what the rule accepts.
	beyond string
}

// stringRules are the string rules of the struct tags, besides the
// validator package's required, omitempty, oneof, min, max and
// required_if, which the schema reads from the tags themselves. A new tag
// needs an entry here: the schema's generator (TestSchemaInStep) fails on
// a tag it does not know.
var stringRules = []stringRule{
	{tag: RuleNHSNumber, valid: func(s string) bool { return NHSNumber(s).Valid() },
		message: "must be a 10-digit NHS number",
		pattern: `^[ -]*(?:[0-9][ -]*){10}$`,
		beyond:  "the Modulus 11 check digit of an NHS number, and that it is not one digit repeated (such as 0000000000)"},
	{tag: RulePostcode, valid: ValidPostcode, message: "is not a valid UK postcode",
		pattern: postcodeInputPattern},
	{tag: RuleGMC, valid: ValidGMCNumber, message: "must be a 7-digit GMC number",
		pattern: gmcPattern},
	{tag: RuleNMCPin, valid: ValidNMCPin, message: "must be an NMC PIN: two digits, a letter, four digits and a letter",
		pattern: nmcPattern},
	{tag: RuleHCPC, valid: ValidHCPCNumber, message: "must be an HCPC registration number: two letters and 4 to 6 digits",
		pattern: hcpcPattern},
	{tag: RuleODSPractice, valid: ValidPracticeODSCode, message: "must be a GP practice ODS code: a letter and five digits",
		pattern: odsPracticePattern},
	{tag: RuleEmail, message: "is not a valid email address",
		pattern: `^[^@ ]+@[^@ ]+\.[^@ ]+$`, format: "email",
		beyond: "the full syntax of an email address"},
	{tag: RuleUKPhone, valid: ValidUKPhone, message: "is not a valid UK phone number",
		pattern: `^[ ()-]*(?:0[ ()-]*(?:[0-9][ ()-]*){9,10}|\+[ ()-]*4[ ()-]*4[ ()-]*(?:0[ ()-]*(?:[0-9][ ()-]*){9,10}|[1-9][ ()-]*(?:[0-9][ ()-]*){8,9}))$`},
	{tag: RuleUBRN, valid: func(s string) bool { return UBRN(s).Valid() },
		message: "must be a 12-digit e-RS UBRN", pattern: `^[ -]*(?:[0-9][ -]*){12}$`},
	{tag: "gmp", valid: ValidGMPCode, message: "must be a GP code: G, six digits and a check digit",
		pattern: `^G[0-9]{7}$`, beyond: "the check digit of a GP code"},
}

// controlRanges are the characters no text may hold: C0 and C1 control
// characters other than tab and newline, DEL, and the bidirectional
// embedding, override and isolate controls, which reorder the text around
// them as displayed (a name shown backwards).
var controlRanges = [][2]rune{
	{0x00, 0x08}, {0x0b, 0x1f}, {0x7f, 0x9f}, {0x202a, 0x202e}, {0x2066, 0x2069},
}

// formatRanges are the Unicode format characters (category Cf): zero-width
// characters, text-direction marks, the byte-order mark, the soft hyphen,
// tags. None shows on its own.
var formatRanges = [][2]rune{
	{0xad, 0xad}, {0x600, 0x605}, {0x61c, 0x61c}, {0x6dd, 0x6dd}, {0x70f, 0x70f}, {0x890, 0x891},
	{0x8e2, 0x8e2}, {0x180e, 0x180e}, {0x200b, 0x200f}, {0x202a, 0x202e}, {0x2060, 0x2064},
	{0x2066, 0x206f}, {0xfeff, 0xfeff}, {0xfff9, 0xfffb}, {0x110bd, 0x110bd}, {0x110cd, 0x110cd},
	{0x13430, 0x1343f}, {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a}, {0xe0001, 0xe0001}, {0xe0020, 0xe007f},
}

// invisibleRanges are the characters that show nothing on their own:
// control characters, white space (non-breaking spaces included), format
// characters, the combining grapheme joiner and the fillers that print
// blank (Hangul fillers, the blank Braille pattern). A text of these alone
// is blank.
var invisibleRanges = slices.Concat([][2]rune{
	{0x00, 0x20}, {0x7f, 0xa0}, {0x34f, 0x34f}, {0x115f, 0x1160}, {0x1680, 0x1680},
	{0x2000, 0x200a}, {0x2028, 0x2029}, {0x202f, 0x202f}, {0x205f, 0x205f}, {0x2800, 0x2800},
	{0x3000, 0x3000}, {0x3164, 0x3164}, {0xffa0, 0xffa0},
}, formatRanges)

// notInNameRanges are the characters a name may not hold besides those of
// controlRanges: line breaks, the tab, the combining grapheme joiner and
// the format characters.
var notInNameRanges = slices.Concat([][2]rune{
	{'\t', '\n'}, {'\r', '\r'}, {0x85, 0x85}, {0x34f, 0x34f}, {0x2028, 0x2029},
}, formatRanges)

// inRanges reports whether r lies in one of ranges.
func inRanges(r rune, ranges [][2]rune) bool {
	for _, rr := range ranges {
		if r >= rr[0] && r <= rr[1] {
			return true
		}
	}
	return false
}

// hasControl reports whether s holds a character of controlRanges.
func hasControl(s string) bool {
	for _, r := range s {
		if r >= 0x20 && r < 0x7f {
			continue // printable ASCII, most of any text
		}
		if inRanges(r, controlRanges) {
			return true
		}
	}
	return false
}

// postcodeInputPattern accepts what ValidPostcode accepts: a postcode in
// any case, with white space anywhere. It is the form ValidPostcode checks
// with the space left out, lower case added, and white space allowed
// around every character.
var postcodeInputPattern = func() string {
	const ws = "[\t\n \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*"
	class := func(c string) string { // c is a class body of upper-case letters and digits
		return "[" + c + strings.ToLower(strings.ReplaceAll(c, "0-9", "")) + "]" + ws
	}
	L, D := class, class("0-9")
	inward := D + "(?:" + L("ABD-HJLNP-UW-Z") + "){2}"
	outward := L("A-PR-UWYZ") + "(?:" + D + "(?:" + L("0-9A-HJKSTUW") + ")?|" +
		L("A-HK-Y") + D + "(?:" + L("0-9ABEHMNPRVWXY") + ")?)"
	gir := L("G") + L("I") + L("R") + "0" + ws + L("A") + L("A")
	return "^" + ws + "(?:" + gir + "|" + outward + inward + ")$"
}()
