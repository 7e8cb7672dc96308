package deflate_test

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/deflate"
)

// roundTrip checks that z is a zlib stream of want.
func roundTrip(t testing.TB, want, z []byte) {
	t.Helper()
	got, err := inflate(t, z)
	require.NoError(t, err)
	if !bytes.Equal(want, got) {
		require.Failf(t, "round trip", "got %d bytes, want %d; first difference at %d",
			len(got), len(want), firstDiff(want, got))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestRoundTrip(t *testing.T) {
	random := randomBytes(100_000, 1)
	// A random 20 KB, then text, then the same 20 KB again: too far back
	// for a match, so the window's limit is tested.
	far := append(append(append([]byte{}, random[:20_000]...), pageContent(20_000, 3)...), random[:20_000]...)
	allBytes := make([]byte, 0, 512)
	for i := range 512 {
		allBytes = append(allBytes, byte(i), byte(255-i))
	}
	tests := []struct {
		name string
		data []byte
		max  int // the most the stream may take, if not 0
	}{
		{"empty", nil, 8},
		{"one byte", []byte{'x'}, 9},
		{"four bytes", []byte("BT 5"), 12},
		{"short", []byte("BT /F1 12 Tf 56.69 774.61 Td (Dear Dr Jones) Tj ET\n"), 0},
		{"all byte values", allBytes, 0},
		{"zeros", make([]byte, 200_000), 200_000 / 100},
		{"one byte repeated", bytes.Repeat([]byte{'a'}, 70_000), 70_000 / 100},
		{"short period", bytes.Repeat([]byte("BT ET\n"), 30_000), 180_000 / 100},
		{"period 258", bytes.Repeat(randomBytes(258, 2), 300), 258*300/50 + 258},
		{"random", random, len(random) + len(random)/1000 + 64},
		{"random, 1 MB", randomBytes(1<<20, 3), 1<<20 + 1<<20/1000 + 64},
		{"match beyond window", far, 0},
		{"long text", pageContent(200_000, 4), 200_000 / 3},
	}
	for _, s := range append(pdfSamples(t), otherSamples(t)...) {
		tests = append(tests, struct {
			name string
			data []byte
			max  int
		}{s.name, s.data, 0})
	}
	var e deflate.Encoder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := deflate.Append(nil, tt.data)
			roundTrip(t, tt.data, z)
			if tt.max > 0 {
				assert.LessOrEqual(t, len(z), tt.max)
			}
			// The same bytes after a prefix, from an Encoder that has
			// compressed other things.
			prefix := []byte("prefix")
			z2 := e.Append(prefix, tt.data)
			assert.Equal(t, "prefix", string(z2[:len(prefix)]))
			assert.Equal(t, z, z2[len(prefix):], "a used Encoder writes what a new one does")
		})
	}
}

// TestSize checks that the streams are not much larger than
// compress/zlib's at level 1, and says how they compare.
func TestSize(t *testing.T) {
	for _, s := range append(pdfSamples(t), otherSamples(t)...) {
		ours, std := len(deflate.Append(nil, s.data)), len(zlib1(t, s.data))
		t.Logf("%-10s %6d bytes: %6d, zlib level 1 %6d (%+.1f%%)", s.name, len(s.data), ours, std, 100*float64(ours-std)/float64(std))
		assert.Less(t, ours, len(s.data), s.name)
		assert.LessOrEqual(t, float64(ours), 1.1*float64(std), s.name)
	}
}

// TestPieces checks that pieces compress as their concatenation, split
// at every place, with empty pieces around them.
func TestPieces(t *testing.T) {
	src := pageContent(600, 5)
	var e deflate.Encoder
	for i := 0; i <= len(src); i++ {
		for _, pieces := range [][][]byte{
			{src[:i], src[i:]},
			{nil, src[:i], nil, src[i:], nil},
			{src[:i/2], src[i/2 : i], src[i:]},
		} {
			roundTrip(t, src, e.Append(nil, pieces...))
		}
	}
	roundTrip(t, nil, deflate.Append(nil, nil, []byte{}, nil))
	roundTrip(t, nil, deflate.Append(nil))
}

// TestLongPiece checks a piece longer than is matched as one.
func TestLongPiece(t *testing.T) {
	old := deflate.SetMaxSegment(1000)
	defer deflate.SetMaxSegment(old)
	for _, src := range [][]byte{pageContent(10_000, 6), randomBytes(5000, 7), make([]byte, 3001)} {
		roundTrip(t, src, deflate.Append(nil, src[:10], src[10:]))
	}
}

// TestBaseWraps checks an Encoder whose positions are about to leave the
// table's range: it starts again, with its old entries gone.
func TestBaseWraps(t *testing.T) {
	src := pageContent(5000, 8)
	var fresh deflate.Encoder
	want := fresh.Append(nil, src)
	var e deflate.Encoder
	e.Append(nil, src) // fill the table
	e.SetBase(math.MaxInt32 - 1<<29 + 1)
	assert.Equal(t, want, e.Append(nil, src))
	assert.Equal(t, 1+len(src), e.Base())
	e.Append(nil, src)
	assert.Equal(t, 1+2*len(src), e.Base())
}

// TestStoredBlocks checks that input that does not compress is stored,
// block by block, and that compressible input after it still compresses.
func TestStoredBlocks(t *testing.T) {
	random := randomBytes(3*deflate.BlockSize, 9)
	text := pageContent(3*deflate.BlockSize, 10)
	z := deflate.Append(nil, random, text)
	roundTrip(t, append(append([]byte{}, random...), text...), z)
	zText := deflate.Append(nil, text)
	// Stored blocks cost 5 bytes each, and the text compresses as alone.
	assert.LessOrEqual(t, len(z), len(random)+5*4+len(zText))
	// The first block's header says stored, not final: 3 bits 000.
	assert.Equal(t, byte(0), z[2]&7)
}

func TestDeterministic(t *testing.T) {
	src := pageContent(20_000, 11)
	first := deflate.Append(nil, src)
	for i := range 3 {
		var e deflate.Encoder
		e.Append(nil, randomBytes(50_000, uint64(i)))
		assert.Equal(t, first, e.Append(nil, src))
		assert.Equal(t, first, deflate.Append(nil, src))
	}
}

// TestConcurrent compresses on many goroutines at once (run with -race).
func TestConcurrent(t *testing.T) {
	srcs := [][]byte{pageContent(3000, 12), pageContent(12_000, 13), cmap(4000), randomBytes(9000, 14)}
	want := make([][]byte, len(srcs))
	for i, s := range srcs {
		want[i] = deflate.Append(nil, s)
	}
	var wg sync.WaitGroup
	got := make([][]byte, 16*len(srcs))
	for g := range got {
		wg.Go(func() {
			for range 20 {
				got[g] = deflate.Append(got[g][:0], srcs[g%len(srcs)])
			}
		})
	}
	wg.Wait()
	for g := range got {
		assert.Equal(t, want[g%len(srcs)], got[g])
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte(""), uint16(0))
	f.Add([]byte("BT 56.69 774.61 Td (Dear Dr Jones, Dear Dr Jones) Tj ET\n"), uint16(20))
	f.Add(bytes.Repeat([]byte{0}, 1000), uint16(500))
	f.Add(pageContent(2000, 15), uint16(1000))
	f.Add([]byte(strings.Repeat("abcabcabd", 40)), uint16(7))
	f.Fuzz(func(t *testing.T, src []byte, at uint16) {
		i := int(at) % (len(src) + 1)
		z := deflate.Append(nil, src[:i], src[i:])
		roundTrip(t, src, z)
		assert.Equal(t, z, deflate.Append(nil, src[:i], src[i:]))
		// Never much larger than stored.
		assert.LessOrEqual(t, len(z), len(src)+11+5*(len(src)/deflate.BlockSize+2), fmt.Sprint(len(src)))
		if at%8 == 0 && len(src) > 0 {
			// Several blocks and matches as far back as they go.
			big := bytes.Repeat(src, 3*deflate.BlockSize/len(src)+1)
			roundTrip(t, big, deflate.Append(nil, big))
		}
	})
}
