package ttf

import (
	"compress/zlib"
	"testing"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/stretchr/testify/require"
)

// BenchmarkSetup measures the steps of loading the font family, which a
// fresh process does before its first letter.
func BenchmarkSetup(b *testing.B) {
	var faces [2]*Face
	for i, data := range [][]byte{liberationsansregular.TTF, liberationsansbold.TTF} {
		f, err := NewFace(data, "LiberationSans", nil)
		require.NoError(b, err)
		faces[i] = f
	}
	b.Run("faces", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range [][]byte{liberationsansregular.TTF, liberationsansbold.TTF} {
				_, err := NewFace(data, "LiberationSans", nil)
				require.NoError(b, err)
			}
		}
	})
	b.Run("codepages", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NewCodePages(faces[0].M, faces[1].M)
		}
	})
	cp := NewCodePages(faces[0].M, faces[1].M)
	b.Run("page0", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for st, f := range faces {
				_, err := f.NewProgram(cp, st, 0, func(rune) bool { return true }, zlib.BestCompression)
				require.NoError(b, err)
			}
		}
	})
}
