package edits

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNear(t *testing.T) {
	assert.ElementsMatch(t, []string{"ab", "b", "a", "xab", "xb", "axb", "ax", "abx"}, Near("ab", []string{"x"}))
	assert.Equal(t, []string{"", "x"}, Near("", []string{"x"}))
}
