package ers

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/internal/edits"
)

// TestIdentifierShapes: each identifier check accepts exactly what the
// regular expression it stands for matches, on good values and on every
// value one edit away from them (a character changed, inserted or
// removed).
func TestIdentifierShapes(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		check   func(string) bool
		seeds   []string
	}{
		{"UBRN", `^[0-9]{12}$`, isUBRN, []string{"000000070000"}},
		{"SDS user", `^[0-9]{12}$`, isSDSUser, []string{"021600556514"}},
		{"service", `^[0-9]{1,12}$`, isServiceID, []string{"1", "11002", "123456789012"}},
		{"SCTID", `^[0-9]{1,18}$`, isSCTID, []string{"1", "22298006", "123456789012345678"}},
		{"code", `^[A-Za-z0-9_.\-]{1,100}$`, isCode, []string{"a", "CARDIOLOGY", "x.y-z_1", strings.Repeat("a", 99), strings.Repeat("Z", 100)}},
		{"ODS", `^[A-Z0-9]{3,9}$`, isODS, []string{"R69", "A81001", "RR8ABCDEF"}},
		{"ETag", `^W/"[0-9]+"$`, isETag, []string{`W/"1"`, `W/"12"`}},
		{"Binary", `^Binary/[A-Za-z0-9.\-]{1,64}$`, isBinaryRef, []string{"Binary/a", "Binary/abc-1.2", "Binary/" + strings.Repeat("b", 63), "Binary/" + strings.Repeat("c", 64)}},
		{"code system", `^[A-Z][A-Z0-9-]{0,63}$`, isCodeSystemID, []string{"P", "SPECIALTY", "CLINIC-TYPE", "A" + strings.Repeat("-", 62), "A" + strings.Repeat("9", 63)}},
		{"upper code", `^[A-Z][A-Z0-9_]{0,63}$`, isUpperCode, []string{"N", "NEED_TO_ADD_LATER", "A" + strings.Repeat("_", 62), "A" + strings.Repeat("9", 63)}},
	}
	// The edges of every class the expressions name, and some besides.
	alphabet := []string{"0", "9", "A", "Z", "a", "z", "_", ".", "-", "/", ":", "@", "[", "`", "{", `"`, "W", "B", " ", "\x00", "é", "\xff", "٣"}
	for _, tt := range tests {
		re := regexp.MustCompile(tt.pattern)
		n := 0
		for _, seed := range tt.seeds {
			require.True(t, re.MatchString(seed), "%s: seed %q", tt.name, seed)
			near := edits.Near(seed, alphabet)
			for _, s := range near {
				if re.MatchString(s) {
					n++
				}
				assert.Equal(t, re.MatchString(s), tt.check(s), "%s: %q", tt.name, s)
			}
		}
		assert.Greater(t, n, 5, "%s: the edits reach other good values", tt.name)
	}
}
