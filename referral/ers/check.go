package ers

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/refletter/refletter/referral"
)

// checker collects every failing field of a request input, so one error
// lists them all. Messages name the field and the rule, never the value.
type checker struct {
	errs referral.FieldErrors
}

func (c *checker) fail(path, rule, msg string) {
	c.errs = append(c.errs, referral.FieldError{Path: path, Rule: rule, Message: msg})
}

// err returns nil, or a *RequestError for op holding the field errors.
func (c *checker) err(op string) error {
	if len(c.errs) == 0 {
		return nil
	}
	return &RequestError{Operation: op, Fields: c.errs}
}

// The identifiers eRS takes, checked by shape. They are plain functions:
// the regular expressions they replace, with their bounded repeats, took
// most of a millisecond to compile as every process using the package
// started. TestIdentifierShapes holds those expressions and checks that
// each function accepts exactly what its expression matches.

// isUBRN: 12 digits.
func isUBRN(s string) bool { return span(s, 12, 12, isDigit) }

// isSDSUser: an SDS user ID, 12 digits.
func isSDSUser(s string) bool { return span(s, 12, 12, isDigit) }

// isServiceID: 1 to 12 digits.
func isServiceID(s string) bool { return span(s, 1, 12, isDigit) }

// isSCTID: a SNOMED CT identifier, 1 to 18 digits.
func isSCTID(s string) bool { return span(s, 1, 18, isDigit) }

// isCode: 1 to 100 letters, digits, underscores, dots and hyphens.
func isCode(s string) bool {
	return span(s, 1, 100, func(c byte) bool { return isAlnum(c) || c == '_' || c == '.' || c == '-' })
}

// isODS: an ODS code, 3 to 9 capital letters and digits.
func isODS(s string) bool {
	return span(s, 3, 9, func(c byte) bool { return isUpper(c) || isDigit(c) })
}

// isETag: a weak ETag of a version number, W/"3".
func isETag(s string) bool {
	v, ok := strings.CutPrefix(s, `W/"`)
	v, ok2 := strings.CutSuffix(v, `"`)
	return ok && ok2 && span(v, 1, len(v), isDigit)
}

// isBinaryRef: Binary/ and 1 to 64 letters, digits, dots and hyphens.
func isBinaryRef(s string) bool {
	v, ok := strings.CutPrefix(s, "Binary/")
	return ok && span(v, 1, 64, func(c byte) bool { return isAlnum(c) || c == '.' || c == '-' })
}

// isCodeSystemID: a capital letter, then up to 63 capital letters, digits
// and hyphens.
func isCodeSystemID(s string) bool {
	return s != "" && isUpper(s[0]) && span(s[1:], 0, 63, func(c byte) bool { return isUpper(c) || isDigit(c) || c == '-' })
}

// isUpperCode: a capital letter, then up to 63 capital letters, digits and
// underscores.
func isUpperCode(s string) bool {
	return s != "" && isUpper(s[0]) && span(s[1:], 0, 63, func(c byte) bool { return isUpper(c) || isDigit(c) || c == '_' })
}

// span reports whether s is min to max bytes, each one ok accepts.
func span(s string, min, max int, ok func(byte) bool) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isUpper(c) || 'a' <= c && c <= 'z' }

// checkNHSNumber checks n at path and returns its digits.
func (c *checker) checkNHSNumber(path string, n referral.NHSNumber) string {
	d := referral.ParseNHSNumber(string(n))
	switch {
	case d == "":
		c.fail(path, "required", "an NHS number is required")
	case !d.Valid():
		c.fail(path, "nhsnumber", "not a valid NHS number (10 digits with a correct check digit)")
	}
	return string(d)
}

func (c *checker) checkCoding(path string, k *referral.Coding) {
	if k == nil {
		return
	}
	if strings.TrimSpace(k.System) == "" || hasControl(k.System) || len(k.System) > 300 {
		c.fail(path+".system", "required", "a code system URL is required (from the code system read with A004)")
	}
	if !isCode(k.Code) {
		c.fail(path+".code", "code", "a code of 1 to 100 letters, digits, '_', '.' or '-' is required")
	}
}

// hasControl reports whether s holds a control character.
func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// hasTextControl reports whether s holds a control character other than
// newline and tab.
func hasTextControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\t'
	}) >= 0
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }
