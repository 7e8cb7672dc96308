package referral

import (
	"encoding/json"
	"strings"
)

// NHSNumber is a 10-digit NHS number. Decode and ParseNHSNumber store its
// digits alone. A value built in Go may keep the spaces or hyphens it was
// written with, as in NHSNumber("999 000 0026"): Valid and String ignore
// them, and so do Validate, Compose and the Handoff, which carries the
// digits alone. String prints the 3-3-4 form.
type NHSNumber string

// ParseNHSNumber removes spaces and hyphens from s. It does not check the
// number: use Valid.
func ParseNHSNumber(s string) NHSNumber {
	return NHSNumber(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s))
}

// Valid reports whether n, without its spaces and hyphens, is 10 digits
// whose last is the Modulus 11 check digit of the first nine, and not one
// digit repeated (0000000000 and 5555555555 pass the check but are no
// one's number).
func (n NHSNumber) Valid() bool {
	n = ParseNHSNumber(string(n))
	if len(n) != 10 || n.repeated() {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := n[i]
		if c < '0' || c > '9' {
			return false
		}
		if i < 9 {
			sum += int(c-'0') * (10 - i)
		}
	}
	check := 11 - sum%11
	switch check {
	case 11:
		check = 0
	case 10:
		return false
	}
	return int(n[9]-'0') == check
}

// String returns the number as "943 476 5919" when, without its spaces and
// hyphens, it is 10 characters long, and unchanged otherwise.
func (n NHSNumber) String() string {
	d := ParseNHSNumber(string(n))
	if len(d) != 10 {
		return string(n)
	}
	return string(d[:3]) + " " + string(d[3:6]) + " " + string(d[6:])
}

// UnmarshalJSON reads a string, removing spaces and hyphens.
func (n *NHSNumber) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	n.setText(s)
	return nil
}

// setText sets n from the text of a JSON string, as UnmarshalJSON does.
func (n *NHSNumber) setText(s string) { *n = ParseNHSNumber(s) }

// repeated reports whether n is ten of one digit.
func (n NHSNumber) repeated() bool {
	return len(n) == 10 && n[0] >= '0' && n[0] <= '9' && strings.Count(string(n), string(n[:1])) == 10
}
