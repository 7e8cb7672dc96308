package ttf

import (
	"bytes"
	"compress/zlib"
	"io"
	"testing"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrograms: every code page's program, as embedded, is whole, gives
// a glyph to each of its codes and gives its width as PDF wants it.
// internal/conformance checks, with golang.org/x/image, that each glyph is
// the whole font's for the code's character (TestFontPrograms).
func TestPrograms(t *testing.T) {
	var faces []*Face
	for _, data := range [][]byte{liberationsansregular.TTF, liberationsansbold.TTF} {
		f, err := NewFace(data, "LiberationSans", func(r rune) bool { return r < 0x20 })
		require.NoError(t, err)
		faces = append(faces, f)
	}
	cp := NewCodePages(func(r rune) bool { return faces[0].M.Has(r) || faces[1].M.Has(r) })
	for st, f := range faces {
		f.SetWidths(cp)
		for pg := range cp.Runes {
			prog, err := f.NewProgram(cp, st, pg, func(rune) bool { return true }, zlib.BestCompression)
			require.NoError(t, err)
			zr, err := zlib.NewReader(bytes.NewReader(prog.Z))
			require.NoError(t, err)
			ttf, err := io.ReadAll(zr)
			require.NoError(t, err)
			require.Len(t, ttf, prog.Size)
			assertMacCmap(t, ttf, f.M.Has, &prog.Codes)
			assertChecksums(t, ttf)
			assert.Equal(t, 'A'+byte(st), prog.Name[4], "the subset tag names the face")
			assert.Equal(t, 'A'+byte(pg), prog.Name[5], "and the page")
			for c, r := range cp.Runes[pg] {
				if r != 0 && f.M.Has(r) {
					assert.Equal(t, r, prog.Codes[c])
					assert.Equal(t, f.M.Em(float64(f.M.Adv[r])), f.Widths[pg][c], "width of %q", r)
				} else {
					assert.Zero(t, prog.Codes[c])
					assert.Zero(t, f.Widths[pg][c])
				}
			}
		}
		_, err := f.NewProgram(cp, st, len(cp.Runes), func(rune) bool { return true }, zlib.BestCompression)
		assert.Error(t, err)
		_, err = f.Cut(cp, st, -1, func(rune) bool { return true })
		assert.Error(t, err)
		assert.False(t, f.M.Has('\x07'), "skipped runes count as missing")
	}
}

// TestCut: a letter's quick cut is the cut NewProgram compresses whole,
// byte for byte once inflated, and larger by what compressing its own
// tables would save.
func TestCut(t *testing.T) {
	f, err := NewFace(liberationsansregular.TTF, "LiberationSans", nil)
	require.NoError(t, err)
	cp := NewCodePages(f.M.Has)
	f.SetWidths(cp)
	for _, text := range []string{"Łukasz Zieliński", "ł", "Ольга Петрова", "ǺǻǼǽǾǿ"} {
		keep := map[rune]bool{}
		page := -1
		for _, r := range text {
			if pg, _, _ := cp.Lookup(r); pg > 0 {
				page, keep[r] = pg, true
			}
		}
		require.Positive(t, page, "%s", text)
		whole, err := f.NewProgram(cp, 0, page, func(r rune) bool { return keep[r] }, zlib.BestCompression)
		require.NoError(t, err)
		quick, err := f.Cut(cp, 0, page, func(r rune) bool { return keep[r] })
		require.NoError(t, err)
		assert.Equal(t, inflate(t, whole.Z), inflate(t, quick.Z), "%s", text)
		assert.Equal(t, whole.Name, quick.Name)
		assert.Equal(t, whole.Size, quick.Size)
		assert.Equal(t, whole.Codes, quick.Codes)
		assert.Len(t, keep, countCodes(&quick.Codes))
		assert.Less(t, len(quick.Z), whole.Size, "the name table is compressed")
		t.Logf("%s: %d bytes, %d compressed whole, %d quick", text, whole.Size, len(whole.Z), len(quick.Z))
	}
}

func countCodes(codes *[256]rune) int {
	n := 0
	for _, r := range codes {
		if r != 0 {
			n++
		}
	}
	return n
}

func inflate(t *testing.T, z []byte) []byte {
	t.Helper()
	zr, err := zlib.NewReader(bytes.NewReader(z))
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	return b
}
