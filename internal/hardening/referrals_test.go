package hardening

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errorPath reads the path of a CLI error line "refer: path: message"; a
// line with no path (a whole-document error) gives "-".
var errorPath = regexp.MustCompile(`^refer: ([A-Za-z][A-Za-z0-9]*(\[[0-9]+\])?(\.[A-Za-z][A-Za-z0-9]*(\[[0-9]+\])?)*): `)

func cliErrorPaths(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if m := errorPath.FindStringSubmatch(l); m != nil {
			out[i] = m[1]
		} else {
			out[i] = "-"
		}
	}
	return out
}

// wantPaths returns the paths of "path rule" lines.
func wantPaths(want []string) []string {
	out := make([]string, len(want))
	for i, l := range want {
		out[i] = l[:max(strings.LastIndexByte(l, ' '), 0)]
	}
	return out
}

// TestInvalidReferrals re-checks every referral document at the top of
// testdata/invalid, in process and through the refer command: the errors
// are exactly the .want lines; the command exits 2 with one stderr line
// per error, writes nothing to stdout and leaves no file; nothing said
// holds a patient field.
func TestInvalidReferrals(t *testing.T) {
	cs := cases(t, invalidDir, ".json")
	require.GreaterOrEqual(t, len(cs), 60)
	for _, c := range cs {
		t.Run(c.name, func(t *testing.T) {
			doc := c.input(t)
			vals := patientValues(doc)
			err := within(t, caseTimeout, func() error {
				_, err := decodeAndValidate(doc)
				return err
			})
			require.Error(t, err)
			assert.ElementsMatch(t, c.want, pathRules(err))
			assertNoPatientData(t, "the error", err.Error(), vals)

			out := t.TempDir()
			for _, format := range []string{"pdf", "text"} {
				res := refer(t, out, "-format", format, "-o", filepath.Join(out, "letter"), c.inputPath(t, ".json"))
				assert.Equal(t, 2, res.code, res.stderr)
				assert.Empty(t, res.stdout)
				errs, warnings := stderrLines(res.stderr)
				assert.ElementsMatch(t, wantPaths(c.want), cliErrorPaths(errs), res.stderr)
				for _, w := range warnings {
					assert.Regexp(t, `^warning: [A-Za-z.\[\]0-9]+: [^:]+ \([a-z-]+\)$`, w)
				}
				assertNoPatientData(t, "stderr", res.stderr, vals)
				assertDirEmpty(t, out)
			}
		})
	}
}
