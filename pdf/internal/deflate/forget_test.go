package deflate

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIdleKeepsNothing: an Encoder that Append keeps for the next call
// holds none of the bytes it compressed.
func TestIdleKeepsNothing(t *testing.T) {
	for len(idle) > 0 {
		<-idle
	}
	secret := bytes.Repeat([]byte("Ms Siobhán Ó Súilleabháin 943 476 5919\n"), 600) // two blocks
	Append(nil, secret, []byte("short last piece"))
	require.Len(t, idle, 1)
	e := <-idle
	for i, tok := range e.tokens {
		if tok != 0 {
			t.Fatalf("token %d is kept", i)
		}
	}
}
