package printable

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"patient.nhsNumber":     "patient.nhsNumber",
		"José Ferreira":         "José Ferreira",
		"a\x1b]0;pwned\x07b":    `a\x1b]0;pwned\ab`,
		"line\nforged: ok\r":    `line\nforged: ok\r`,
		"csi\u009b31m":          `csi\u009b31m`,
		"rtl\u202eevil":         `rtl\u202eevil`,
		"zero\u200bwidth\ufeff": `zero\u200bwidth\ufeff`,
		"sep\u2028x":            `sep\u2028x`,
		"bad\xffutf8":           `bad\xffutf8`,
		`back\x1b`:              `back\\x1b`,
		"tab\there":             `tab\there`,
		"":                      "",
	} {
		assert.Equal(t, want, String(in), "%q", in)
	}
}

func FuzzString(f *testing.F) {
	f.Add("a\x1b[2J\u202e\xff\\")
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		for _, r := range out {
			if !printableRune(r) {
				t.Fatalf("%q printed as %q holds %U", s, out, r)
			}
		}
	})
}
