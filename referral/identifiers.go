package referral

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	gmcPattern         = regexp.MustCompile(`^\d{7}$`)
	nmcPattern         = regexp.MustCompile(`^\d{2}[A-Z]\d{4}[A-Z]$`)
	hcpcPattern        = regexp.MustCompile(`^[A-Z]{2}\d{4,6}$`)
	odsPracticePattern = regexp.MustCompile(`^[A-Z]\d{5}$`)
	postcodePattern    = regexp.MustCompile(`^(GIR 0AA|[A-PR-UWYZ](\d[\dA-HJKSTUW]?|[A-HK-Y]\d[\dABEHMNPRVWXY]?) \d[ABD-HJLNP-UW-Z]{2})$`)
	ukPhonePattern     = regexp.MustCompile(`^0\d{9,10}$`)
)

// ValidGMCNumber reports whether s is a GMC reference number: 7 digits.
func ValidGMCNumber(s string) bool { return gmcPattern.MatchString(s) }

// ValidNMCPin reports whether s is an NMC PIN such as 12A3456B.
func ValidNMCPin(s string) bool { return nmcPattern.MatchString(s) }

// ValidHCPCNumber reports whether s is an HCPC registration number: a
// two-letter profession prefix and 4 to 6 digits, such as PA123456.
func ValidHCPCNumber(s string) bool { return hcpcPattern.MatchString(s) }

// ValidPracticeODSCode reports whether s is a GP practice ODS code: a letter
// and five digits, such as A81001.
func ValidPracticeODSCode(s string) bool { return odsPracticePattern.MatchString(s) }

// ValidGMPCode reports whether s is a GP (GMP) code: G, six digits and a
// check digit. The check digit is the last digit of the sum of the last
// digits of the products of the six digits with weights 1,3,7,1,3,7.
func ValidGMPCode(s string) bool {
	if len(s) != 8 || s[0] != 'G' {
		return false
	}
	weights := [6]int{1, 3, 7, 1, 3, 7}
	sum := 0
	for i := 1; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if i < 7 {
			sum += (int(s[i]-'0') * weights[i-1]) % 10
		}
	}
	return int(s[7]-'0') == sum%10
}

// NormalizePostcode upper-cases s and puts one space before the inward
// part (the last three characters): "ls14ab" becomes "LS1 4AB".
func NormalizePostcode(s string) string {
	// Build the result on the stack for a postcode's length, and return s
	// itself when it is already in that form. White space goes first, so
	// that bytes it parted are read as one text, as before.
	var buf [16]byte
	b := buf[:0]
	ascii := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			b = append(b, s[i:i+n]...)
			ascii = ascii && r < utf8.RuneSelf
		}
		i += n
	}
	if !ascii {
		b = append(b[:0], strings.ToUpper(string(b))...)
	}
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	if n := len(b); n >= 5 && n <= 7 {
		b = append(b[:n-3], ' ', b[n-3], b[n-2], b[n-1])
	}
	if string(b) == s {
		return s
	}
	return string(b)
}

// ValidPostcode reports whether s, once normalised, is a UK postcode of the
// BS 7666 form.
func ValidPostcode(s string) bool { return postcodePattern.MatchString(NormalizePostcode(s)) }

// ValidUKPhone reports whether s is a UK phone number: 10 or 11 digits
// starting 0, or +44 and the number without its 0. Spaces, hyphens and
// brackets are allowed.
func ValidUKPhone(s string) bool {
	d := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '(', ')':
			return -1
		}
		return r
	}, s)
	if strings.HasPrefix(d, "+44") {
		d = "0" + strings.TrimPrefix(d[3:], "0")
	}
	return ukPhonePattern.MatchString(d)
}
