package ttf

import (
	"compress/zlib"
	"strconv"
	"testing"

	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/stretchr/testify/require"
)

// BenchmarkCut cuts a letter's own font: the Polish letters of a name,
// quickly as a letter does (Cut), and compressed whole at each level.
func BenchmarkCut(b *testing.B) {
	f, err := NewFace(liberationsansregular.TTF, "LiberationSans", nil)
	require.NoError(b, err)
	cp := NewCodePages(f.M)
	f.SetWidths(cp)
	keep := map[rune]bool{}
	page := -1
	for _, r := range "ŁłŚśŻżĄąĘęŃń" {
		pg, _, ok := cp.Lookup(r)
		require.True(b, ok)
		require.True(b, page < 0 || pg == page, "the runes span pages")
		page, keep[r] = pg, true
	}
	b.Run("quick", func(b *testing.B) {
		b.ReportAllocs()
		var size int
		for b.Loop() {
			p, err := f.Cut(cp, 0, page, func(r rune) bool { return keep[r] })
			if err != nil {
				b.Fatal(err)
			}
			size = len(p.Z)
		}
		b.ReportMetric(float64(size), "z-bytes")
	})
	for _, level := range []int{zlib.BestSpeed, 6, zlib.BestCompression} {
		b.Run("level"+strconv.Itoa(level), func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				p, err := f.NewProgram(cp, 0, page, func(r rune) bool { return keep[r] }, level)
				if err != nil {
					b.Fatal(err)
				}
				size = len(p.Z)
			}
			b.ReportMetric(float64(size), "z-bytes")
		})
	}
}
