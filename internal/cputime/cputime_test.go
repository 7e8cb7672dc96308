package cputime

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsed(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("not read on this system")
	}
	a, ok := Used()
	require.True(t, ok)
	x := 0
	for i := range 50_000_000 {
		x += i % 7
	}
	b, ok := Used()
	require.True(t, ok)
	assert.Greater(t, b, a, "spinning used CPU time (%d)", x)
}
