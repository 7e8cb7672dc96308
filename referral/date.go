package referral

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date with no time of day, written in JSON as
// "YYYY-MM-DD". A string that is not a real date decodes without error but
// is reported by Validate, so that every failing field is listed at once.
type Date struct {
	t       time.Time
	set     bool // t holds a real date (0001-01-01 included)
	invalid bool // a string that is not a real date was given
}

// NewDate returns the date y-m-d. It does not normalise: NewDate(2026, 2, 30)
// is not a valid date.
func NewDate(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || t.Month() != m || t.Day() != d {
		return Date{invalid: true}
	}
	return Date{t: t, set: true}
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// ParseDate parses "YYYY-MM-DD". The error never repeats the input.
func ParseDate(s string) (Date, error) {
	if len(s) != len(time.DateOnly) {
		return Date{}, errParseDate // time.Parse would refuse it, at more cost
	}
	t, err := time.Parse(time.DateOnly, s)
	var b [len(time.DateOnly)]byte
	if err != nil || string(t.AppendFormat(b[:0], time.DateOnly)) != s {
		return Date{}, errParseDate
	}
	return Date{t: t, set: true}, nil
}

var (
	errBadDate   = fmt.Errorf("not a real date in YYYY-MM-DD form")
	errParseDate = fmt.Errorf("referral: %w", errBadDate) // ParseDate's error
)

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return !d.set && !d.invalid }

// Valid reports whether the date is set and real.
func (d Date) Valid() bool { return d.set && !d.invalid }

// Time returns the date as midnight UTC.
func (d Date) Time() time.Time { return d.t }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// String returns "YYYY-MM-DD", or "" when unset or invalid.
func (d Date) String() string {
	if !d.Valid() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Long returns the date as a UK letter prints it: "21 November 2026".
func (d Date) Long() string {
	if !d.Valid() {
		return ""
	}
	return d.t.Format("2 January 2006")
}

// YearsTo returns the whole years from d to e: an age at date e.
func (d Date) YearsTo(e Date) int {
	y := e.t.Year() - d.t.Year()
	if e.t.Month() < d.t.Month() || (e.t.Month() == d.t.Month() && e.t.Day() < d.t.Day()) {
		y--
	}
	return y
}

// AddYears returns d moved by n years (29 February becomes 1 March).
func (d Date) AddYears(n int) Date {
	return Date{t: d.t.AddDate(n, 0, 0), set: d.set, invalid: d.invalid}
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date {
	return Date{t: d.t.AddDate(0, 0, n), set: d.set, invalid: d.invalid}
}

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD". Any other string gives an invalid date
// that Validate reports; a non-string is a decoding error.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	d.setText(s)
	return nil
}

// setText sets d from the text of a JSON string, as UnmarshalJSON does.
func (d *Date) setText(s string) {
	if s == "" {
		*d = Date{}
		return
	}
	p, err := ParseDate(s)
	if err != nil {
		*d = Date{invalid: true}
		return
	}
	*d = p
}
