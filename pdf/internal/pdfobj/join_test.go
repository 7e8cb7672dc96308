package pdfobj

import (
	"bytes"
	"compress/zlib"
	"hash/adler32"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJoin: a joined stream is zlib of its data and its tail's, and a
// tail made once ends many streams.
func TestJoin(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 140_000) // more than two stored blocks hold
	for i := range noise {
		noise[i] = byte(rng.IntN(256))
	}
	text := bytes.Repeat([]byte("endcmap CMapName currentdict /CMap defineresource pop "), 40)
	tail, err := NewTail(text)
	require.NoError(t, err)
	empty, err := NewTail(nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		data []byte
		tail Tail
	}{
		{"nothing", nil, Tail{}},
		{"stored", []byte("abc"), Tail{}},
		{"tail", nil, tail},
		{"both", []byte("abc"), tail},
		{"empty tail", []byte("abc"), empty},
		{"long", noise, tail},
		{"a block's worth", noise[:maxStored], Tail{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := append(append([]byte{}, tc.data...), tc.tail.data...)
			z := Join([]byte("kept"), tc.data, tc.tail)
			require.True(t, bytes.HasPrefix(z, []byte("kept")), "appends to dst")
			got := inflate(t, z[4:])
			assert.True(t, bytes.Equal(want, got), "%d bytes joined, %d read back", len(want), len(got))
		})
	}
	assert.Less(t, len(tail.z), len(text)/10, "a tail is compressed")
}

// TestAdler32Combine: the checksum of joined data from its parts' is the
// checksum of the whole.
func TestAdler32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range [][2]int{{0, 0}, {0, 5}, {5, 0}, {1, 1}, {100, 65521}, {70_000, 140_000}, {3, 65520}} {
		a, b := make([]byte, n[0]), make([]byte, n[1])
		for _, s := range [][]byte{a, b} {
			for i := range s {
				s[i] = byte(rng.IntN(256))
			}
		}
		whole := adler32.Checksum(append(append([]byte{}, a...), b...))
		assert.Equal(t, whole, adler32Combine(adler32.Checksum(a), adler32.Checksum(b), len(b)), "%v", n)
	}
	all := bytes.Repeat([]byte{0xff}, 200_000)
	assert.Equal(t, adler32.Checksum(all), adler32Combine(adler32.Checksum(all[:123]), adler32.Checksum(all[123:]), len(all)-123))
}

// inflate decodes zlib data, checking its checksum.
func inflate(t testing.TB, z []byte) []byte {
	t.Helper()
	r, err := zlib.NewReader(bytes.NewReader(z))
	require.NoError(t, err)
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return b
}
