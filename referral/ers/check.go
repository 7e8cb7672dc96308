package ers

import (
	"fmt"
	"regexp"
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

var (
	reUBRN      = regexp.MustCompile(`^[0-9]{12}$`)
	reSDSUser   = regexp.MustCompile(`^[0-9]{12}$`)
	reServiceID = regexp.MustCompile(`^[0-9]{1,12}$`)
	reSCTID     = regexp.MustCompile(`^[0-9]{1,18}$`)
	reCode      = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,100}$`)
	reODS       = regexp.MustCompile(`^[A-Z0-9]{3,9}$`)
	reETag      = regexp.MustCompile(`^W/"[0-9]+"$`)
	reBinary    = regexp.MustCompile(`^Binary/[A-Za-z0-9.\-]{1,64}$`)
	rePostcode  = regexp.MustCompile(`^(GIR 0AA|[A-PR-UWYZ]([0-9][0-9A-HJKSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?) [0-9][ABD-HJLNP-UW-Z]{2})$`)
)

// normalisePostcode upper-cases p and puts one space before the inward part
// (the last three characters).
func normalisePostcode(p string) string {
	s := strings.ToUpper(strings.Join(strings.Fields(p), ""))
	if len(s) < 5 {
		return s
	}
	return s[:len(s)-3] + " " + s[len(s)-3:]
}

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
	if !reCode.MatchString(k.Code) {
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
