package pdf

import (
	"compress/zlib"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runeSet(s string) map[rune]struct{} {
	m := map[rune]struct{}{}
	for _, r := range s {
		m[r] = struct{}{}
	}
	return m
}

// TestFontPrograms: page 0 is cut once per face, whole; a letter's own
// cut of a later page holds just what it uses; the faces show what the
// letter's scripts need and nothing drawn backwards or invisible. The cuts
// themselves are checked glyph by glyph in package ttf.
func TestFontPrograms(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	for st := range numStyles {
		f := fs.faces[st]
		whole, err := f.NewProgram(fs.pages, int(st), 0, func(rune) bool { return true }, zlib.BestCompression)
		require.NoError(t, err)
		once, err := f.program(fs.pages, st, 0, nil)
		require.NoError(t, err)
		assert.Equal(t, whole, once)
		again, err := f.program(fs.pages, st, 0, nil)
		require.NoError(t, err)
		assert.Same(t, once, again, "page 0 is cut once")
		t.Logf("style %d: page 0 cut %d bytes, %d compressed", st, once.Size, len(once.Z))
		assert.Less(t, len(once.Z), 16_000, "page 0 compressed")

		prog, err := f.program(fs.pages, st, 1, runeSet("Łukasz Zieliński"))
		require.NoError(t, err)
		var got []rune
		for _, r := range prog.Codes {
			if r != 0 {
				got = append(got, r)
			}
		}
		assert.ElementsMatch(t, []rune("Łń"), got)
		assert.Less(t, len(prog.Z), 3_000)
		_, err = f.program(fs.pages, st, len(fs.pages.Runes), nil)
		assert.Error(t, err)

		// Page 0's font is made once; a letter's own is made for it.
		f0, err := f.font(fs.pages, st, 0, nil)
		require.NoError(t, err)
		again0, err := f.font(fs.pages, st, 0, runeSet("abc"))
		require.NoError(t, err)
		assert.Same(t, f0, again0)
		assert.Same(t, &once.Codes, f0.Codes)
		f1, err := f.font(fs.pages, st, 1, runeSet("Łukasz Zieliński"))
		require.NoError(t, err)
		assert.Equal(t, prog.Codes, *f1.Codes)
		assert.Equal(t, prog.Name, f1.Name)
		assert.Same(t, &f.Widths[1], f1.Widths)

		for _, r := range "Zoë Siobhán Ó Súilleabháin µ≤ Nguyễn β∑Ольга" {
			assert.True(t, f.m.has(r), "rune %q", r)
		}
		assert.False(t, f.m.has('😀'))
		assert.False(t, f.m.has('中'))
		assert.False(t, f.m.has('ש'), "Hebrew is treated as unprintable")
		assert.False(t, f.m.has('\x07'))
	}
	assert.Equal(t, "[?]", fs.marker)
}

func TestCodePages(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	cp := fs.pages
	// Every character either face can show has exactly one code.
	seen := map[[2]int]rune{}
	for r := rune(0); r < 0x10000; r++ {
		has := fs.faces[regular].m.has(r) || fs.faces[bold].m.has(r)
		p, c, ok := cp.Lookup(r)
		require.Equal(t, has, ok, "rune U+%04X", r)
		if !ok {
			continue
		}
		if p == 0 {
			assert.GreaterOrEqual(t, c, byte(32))
		} else {
			assert.Greater(t, c, byte(32), "code 32 is only ever a space")
		}
		assert.Equal(t, r, cp.Runes[p][c])
		key := [2]int{p, int(c)}
		require.NotContains(t, seen, key, "rune U+%04X shares a code with U+%04X", r, seen[key])
		seen[key] = r
	}
	t.Logf("%d characters on %d code pages", len(seen), len(cp.Runes))
	for r := rune(' '); r <= '~'; r++ {
		p, c, _ := cp.Lookup(r)
		assert.Equal(t, [2]int{0, int(r)}, [2]int{p, int(c)}, "ASCII keeps its codes")
	}
	for _, r := range "é£°µ½–—‘’“”•…€≤≥→" {
		p, _, _ := cp.Lookup(r)
		assert.Zero(t, p, "%q is on page 0", r)
	}
	assert.Equal(t, []int{0, 1}, cp.PagesOf(runeSet("Łukasz")))
	assert.Equal(t, []int{0}, cp.PagesOf(runeSet("Siobhán Ó Súilleabháin, 5 µg")))
}
