package ers

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMEShowsExample keeps the README's e-RS code the body of Example,
// which runs as a test.
func TestREADMEShowsExample(t *testing.T) {
	src, err := os.ReadFile("example_test.go")
	require.NoError(t, err)
	s := string(src)
	start := strings.Index(s, "func Example() {\n")
	require.GreaterOrEqual(t, start, 0)
	s = s[start+len("func Example() {\n"):]
	end := strings.Index(s, "\t// Output:")
	require.GreaterOrEqual(t, end, 0)
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(s[:end], "\n"), "\n") {
		lines = append(lines, strings.TrimPrefix(l, "\t"))
	}
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), "```go\n"+strings.Join(lines, "\n")+"\n```",
		"copy the body of Example in example_test.go into the README's e-RS section")
}
