package referral

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSyntaxErrorPosition: a syntax error names the line and column of the
// byte at fault, counting from 1.
func TestSyntaxErrorPosition(t *testing.T) {
	for doc, want := range map[string]string{
		"x":                     "line 1, column 1",
		"  x":                   "line 1, column 3",
		`{"reason": x}`:         "line 1, column 12",
		"{\n  \"reason\": x}":   "line 2, column 13",
		"{\"reason\"\n\n: tru}": "line 3, column 6",
		`{"reason": "a"}}`:      "line 1, column 16",
	} {
		_, err := Decode(strings.NewReader(doc))
		var fes FieldErrors
		require.True(t, errors.As(err, &fes), "%q: %v", doc, err)
		require.Len(t, fes, 1)
		assert.Equal(t, "malformed JSON at "+want, fes[0].Message, "%q", doc)
	}
}
