package referral

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestNoPanics calls every exported function and method with odd inputs:
// zero values, nil pointers, random strings and partly filled referrals.
func TestNoPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	randomString := func() string {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteRune(rune(rng.IntN(0x3000)))
		}
		return b.String()
	}
	inputs := []string{"", " ", "\x00", "\xff\xfe", "9990000018", "G3472185", "LS1 4AB", "2ww", "2026-02-29", "+44", "((", "-"}
	for range 200 {
		inputs = append(inputs, randomString())
	}
	dates := []Date{{}, NewDate(2026, 2, 30), NewDate(1, 1, 1), NewDate(9999, 12, 31), DateOf(time.Time{})}
	for _, s := range inputs {
		assert.NotPanics(t, func() {
			_, _ = Decode(strings.NewReader(s))
			_ = ParseNHSNumber(s).Valid()
			_ = ParseNHSNumber(s).String()
			_ = NHSNumber(s).String()
			_ = ParsePriority(s).ERSCode()
			_, _ = ParseDate(s)
			_ = NormalizePostcode(s)
			_ = ValidPostcode(s) || ValidUKPhone(s) || ValidGMPCode(s) || ValidGMCNumber(s) ||
				ValidNMCPin(s) || ValidHCPCNumber(s) || ValidPracticeODSCode(s)
			_ = salutation(s)
			_ = sinceText(s) + sexText(s)
			_ = wrapLine(s, 10)
		})
	}
	for _, d := range dates {
		for _, e := range dates {
			assert.NotPanics(t, func() {
				_, _, _, _ = d.Long(), d.String(), d.Valid(), d.IsZero()
				_, _, _ = d.YearsTo(e), d.Before(e), d.AddYears(-130)
				_, _ = d.MarshalJSON()
				_ = ageText(d, e)
				_ = monthsBetween(d, e)
			})
		}
	}
	// Referrals with every combination of parts set to zero.
	full := fullReferral(t)
	v := reflect.ValueOf(full).Elem()
	for i := 0; i < v.NumField(); i++ {
		r := fullReferral(t)
		f := reflect.ValueOf(r).Elem().Field(i)
		f.Set(reflect.Zero(f.Type()))
		assert.NotPanics(t, func() {
			_ = r.Validate()
			_ = Decide(r)
			if l, err := Compose(r); err == nil {
				_ = l.WriteText(&bytes.Buffer{})
			}
		}, v.Type().Field(i).Name)
	}
	assert.NotPanics(t, func() {
		var r *Referral
		_ = r.Validate()
		_ = Decide(nil)
		_, _ = Compose(nil)
		_, _ = Compose(&Referral{}, nil, WithClock(nil), WithProforma(nil))
		_ = (&Referral{}).Validate()
		_ = (&Referral{}).CopyToPatient()
		_ = (*Letter)(nil).WriteText(&bytes.Buffer{})
		_ = (&Letter{Blocks: []Block{nil, &Table{Header: []string{"a"}, Rows: [][]string{{"x", "y", "z"}}}}}).WriteText(&bytes.Buffer{})
		_ = (&TwoWeekWaitError{}).Handoff()
		_ = (&TwoWeekWaitError{}).Error()
		_ = FieldErrors{}.Error()
	})
}
