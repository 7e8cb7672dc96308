package safety

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testRef is how SAFETY.md names a test: `dir.TestName`, where dir is the
// package's folder from the module root (referral, examples/server).
var testRef = regexp.MustCompile("`([a-z][a-z0-9/]*)\\.((?:Test|Fuzz|Example)[A-Za-z0-9_]*)`")

// TestSafetyCaseNamesRealTests fails when SAFETY.md names a test that does
// not exist, and when a hazard in its log names no test at all.
func TestSafetyCaseNamesRealTests(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "SAFETY.md"))
	require.NoError(t, err)

	refs := testRef.FindAllStringSubmatch(string(doc), -1)
	require.GreaterOrEqual(t, len(refs), 20, "the hazard log names its tests as `dir.TestName`")
	for _, ref := range refs {
		dir, name := ref[1], ref[2]
		assert.True(t, declares(t, filepath.Join(root, dir), name), "SAFETY.md names %s.%s, which does not exist", dir, name)
	}

	// Every hazard row (| H1 | ...) names at least one test.
	hazards := 0
	for _, line := range strings.Split(string(doc), "\n") {
		if !regexp.MustCompile(`^\| H\d+ `).MatchString(line) {
			continue
		}
		hazards++
		assert.Regexp(t, testRef, line, "hazard without a test: %.40s", line)
	}
	assert.GreaterOrEqual(t, hazards, 8)
}

// declares reports whether a _test.go file in dir declares func name.
func declares(t *testing.T, dir, name string) bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	require.NoError(t, err)
	decl := regexp.MustCompile(`(?m)^func ` + regexp.QuoteMeta(name) + `\(`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		if decl.Match(b) {
			return true
		}
	}
	return false
}

// TestDeclares: a test is found by its folder from the repository's root,
// in the root module or in a module nested in it (internal/conformance,
// whose tests `go test ./...` from the root does not run), and a name that
// no test declares is not.
func TestDeclares(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, tc := range []struct {
		dir, name string
		want      bool
	}{
		{"internal/safety", "TestDeclares", true},
		{"internal/conformance", "TestReferralsConform", true},
		{"internal/conformance", "TestNoSuchConformance", false},
		{"pdf", "TestRenderReferral", false}, // a prefix of a real name
		{"no/such/folder", "TestDeclares", false},
	} {
		assert.Equal(t, tc.want, declares(t, filepath.Join(root, tc.dir), tc.name), "%s.%s", tc.dir, tc.name)
	}
}
