package pdfobj

import (
	"bytes"
	"compress/zlib"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompressAfterCollection checks that compressing a letter's stream
// after garbage collections makes no new compressor (package deflate's
// Encoder is about 140 KB), and that every level writes zlib of the
// input.
func TestCompressAfterCollection(t *testing.T) {
	src := bytes.Repeat([]byte("BT 56.69 785.20 Td (Referral) Tj ET\n"), 200)
	for _, level := range []int{pageLevel, zlib.BestCompression} {
		_, err := Compress(nil, src, level)
		require.NoError(t, err)
		runtime.GC()
		runtime.GC() // two collections empty a sync.Pool
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		z, err := Compress(make([]byte, 0, len(src)), src, level)
		runtime.ReadMemStats(&after)
		require.NoError(t, err)
		if level == pageLevel {
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "a new compressor was made")
		}
		r, err := zlib.NewReader(bytes.NewReader(z))
		require.NoError(t, err)
		got, err := io.ReadAll(r)
		require.NoError(t, err)
		assert.Equal(t, src, got)
	}
}

func TestCompressLevel(t *testing.T) {
	for _, level := range []int{-1, 0, 10} {
		_, err := Compress(nil, []byte("x"), level)
		assert.Error(t, err, "level %d", level)
	}
}

// TestScratchKept: Finish's buffers are kept for the next, cleared, unless
// a long letter grew them too large.
func TestScratchKept(t *testing.T) {
	for len(scratches) > 0 {
		<-scratches
	}
	sc := getScratch()
	sc.page = append(sc.page, "Ms Siobhán Ó Súilleabháin"...)
	sc.release()
	again := getScratch()
	require.Same(t, sc, again, "an idle scratch is reused")
	assert.Empty(t, again.page)
	assert.Equal(t, make([]byte, 16), again.page[:16], "what the letter left is cleared")

	again.objs = make([]byte, 0, maxScratch+1)
	again.release()
	assert.Empty(t, scratches, "a scratch grown too large is not kept")
}
