package referral

import "strings"

// UBRN is the Unique Booking Reference Number of an NHS e-Referral Service
// referral: 12 digits. Spaces and hyphens are allowed in input; String
// prints it in groups of four, as "0000 0007 0000".
type UBRN string

// digits returns u without the spaces and hyphens it may be written with.
func (u UBRN) digits() string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, string(u))
}

// Valid reports whether u is 12 digits once spaces and hyphens are removed.
func (u UBRN) Valid() bool {
	d := u.digits()
	return len(d) == 12 && strings.Trim(d, "0123456789") == ""
}

// String returns a valid UBRN in groups of four digits, and any other value
// unchanged.
func (u UBRN) String() string {
	if !u.Valid() {
		return string(u)
	}
	d := u.digits()
	return d[:4] + " " + d[4:8] + " " + d[8:]
}
