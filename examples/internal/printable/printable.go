// Package printable makes text safe to print for the example tools: no
// terminal control sequence, line break or bidirectional mark in a path,
// field name or message reaches a terminal, a log or a report file.
package printable

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// String returns s with every character that is not printable (control
// characters, line and paragraph separators, format characters such as
// bidirectional and zero-width marks, invalid UTF-8) written as a Go
// escape (\x1b, \u202e). A backslash is doubled, so an escape in the
// output always stands for one in s. Printable text, accented letters
// included, is unchanged.
func String(s string) string {
	if isPrintable(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case r == '\\':
			b.WriteString(`\\`)
		case printableRune(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		}
		i += n
	}
	return b.String()
}

func isPrintable(s string) bool {
	for _, r := range s {
		if r == '\\' || r == utf8.RuneError || !printableRune(r) {
			return false
		}
	}
	return true
}

func printableRune(r rune) bool { return r == ' ' || strconv.IsPrint(r) }
