package referral

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The patterns of the registration numbers and the practice code, in the
// syntax JSON Schema and Go share: the schema gives them, and the checks
// below accept exactly what they match (TestSchemaPatterns). The checks
// are plain functions: compiling the patterns cost each process more than
// a letter's checks do.
const (
	gmcPattern         = `^\d{7}$`
	nmcPattern         = `^\d{2}[A-Z]\d{4}[A-Z]$`
	hcpcPattern        = `^[A-Z]{2}\d{4,6}$`
	odsPracticePattern = `^[A-Z]\d{5}$`
)

// ValidGMCNumber reports whether s is a GMC reference number: 7 digits.
func ValidGMCNumber(s string) bool { return len(s) == 7 && digits(s) }

// ValidNMCPin reports whether s is an NMC PIN such as 12A3456B.
func ValidNMCPin(s string) bool {
	return len(s) == 8 && digits(s[:2]) && upper(s[2]) && digits(s[3:7]) && upper(s[7])
}

// ValidHCPCNumber reports whether s is an HCPC registration number: a
// two-letter profession prefix and 4 to 6 digits, such as PA123456.
func ValidHCPCNumber(s string) bool {
	return len(s) >= 6 && len(s) <= 8 && upper(s[0]) && upper(s[1]) && digits(s[2:])
}

// ValidPracticeODSCode reports whether s is a GP practice ODS code: a letter
// and five digits, such as A81001.
func ValidPracticeODSCode(s string) bool { return len(s) == 6 && upper(s[0]) && digits(s[1:]) }

// digits reports whether s is ASCII digits only.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func upper(c byte) bool { return 'A' <= c && c <= 'Z' }

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
// BS 7666 form: GIR 0AA, or an outward code of the forms A9, A99, A9A, AA9,
// AA99 or AA9A, a space, and an inward code of a digit and two letters,
// each letter from those its place allows.
func ValidPostcode(s string) bool {
	s = NormalizePostcode(s)
	if s == "GIR 0AA" {
		return true
	}
	out, in, ok := strings.Cut(s, " ")
	if !ok || len(in) != 3 || !digits(in[:1]) || !inSet(in[1], inwardLetters) || !inSet(in[2], inwardLetters) ||
		len(out) < 2 || len(out) > 4 || !inSet(out[0], areaFirst) {
		return false
	}
	if digits(out[1:2]) { // A9, A99, A9A
		return len(out) == 2 || len(out) == 3 && (digits(out[2:]) || inSet(out[2], afterA9))
	}
	// AA9, AA99, AA9A
	return len(out) >= 3 && inSet(out[1], areaSecond) && digits(out[2:3]) &&
		(len(out) == 3 || digits(out[3:]) || inSet(out[3], afterAA9))
}

// The letters each place of a postcode allows.
const (
	areaFirst     = "ABCDEFGHIJKLMNOPRSTUWYZ" // not Q, V, X
	areaSecond    = "ABCDEFGHKLMNOPQRSTUVWXY" // not I, J, Z
	afterA9       = "ABCDEFGHJKSTUW"
	afterAA9      = "ABEHMNPRVWXY"
	inwardLetters = "ABDEFGHJLNPQRSTUWXYZ" // not C, I, K, M, O, V
)

func inSet(c byte, set string) bool { return strings.IndexByte(set, c) >= 0 }

// ValidUKPhone reports whether s is a UK phone number: 10 or 11 digits
// starting 0, or +44 and the number without its 0. Spaces, hyphens and
// brackets are allowed.
func ValidUKPhone(s string) bool {
	d := phoneDigits(s)
	return (len(d) == 10 || len(d) == 11) && d[0] == '0' && digits(d)
}

// phoneDigits is s without spaces, hyphens and brackets, and with +44
// read as 0.
func phoneDigits(s string) string {
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
	return d
}
