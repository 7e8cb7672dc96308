package pdf

import (
	"bytes"
	"compress/zlib"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/font/sfnt"
)

func runeSet(s string) map[rune]struct{} {
	m := map[rune]struct{}{}
	for _, r := range s {
		m[r] = struct{}{}
	}
	return m
}

// TestFontPrograms: every code page's program, as embedded, draws each of
// its codes with the whole font's glyph for the code's character, and
// gives its width as PDF wants it.
func TestFontPrograms(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	for st := range numStyles {
		f := fs.faces[st]
		orig, err := sfnt.Parse(f.ttf)
		require.NoError(t, err)
		all := func(rune) bool { return true }
		for pg := range fs.pages.runes {
			// Page 0's program is cut once; the others per letter, here
			// whole, so that every character of every page is checked.
			prog, err := f.newProgram(fs.pages, st, pg, all)
			require.NoError(t, err)
			if pg == 0 {
				once, err := f.program(fs.pages, st, 0, nil)
				require.NoError(t, err)
				assert.Equal(t, prog, once)
				again, err := f.program(fs.pages, st, 0, nil)
				require.NoError(t, err)
				assert.Same(t, once, again, "page 0 is cut once")
				t.Logf("style %d: page 0 cut %d bytes, %d compressed", st, prog.size, len(prog.z))
				assert.Less(t, len(prog.z), 16_000, "page 0 compressed")
			}
			zr, err := zlib.NewReader(bytes.NewReader(prog.z))
			require.NoError(t, err)
			ttf, err := io.ReadAll(zr)
			require.NoError(t, err)
			require.Len(t, ttf, prog.size)
			cut, err := sfnt.Parse(ttf)
			require.NoError(t, err)
			assertSameGlyphs(t, orig, cut, &prog.codes)
			assertMacCmap(t, ttf, cut, &prog.codes)
			assertChecksums(t, ttf)
			for c, r := range fs.pages.runes[pg] {
				if r != 0 && f.m.has(r) {
					assert.Equal(t, r, prog.codes[c])
					assert.Equal(t, f.m.em(float64(f.m.adv[r])), f.widths[pg][c], "width of %q", r)
				} else {
					assert.Zero(t, prog.codes[c])
					assert.Zero(t, f.widths[pg][c])
				}
			}
		}
		// A letter's own cut of a later page holds what it uses.
		prog, err := f.program(fs.pages, st, 1, runeSet("Łukasz Zieliński"))
		require.NoError(t, err)
		var got []rune
		for _, r := range prog.codes {
			if r != 0 {
				got = append(got, r)
			}
		}
		assert.ElementsMatch(t, []rune("Łń"), got)
		assert.Less(t, len(prog.z), 3_000)
		_, err = f.program(fs.pages, st, len(fs.pages.runes), nil)
		assert.Error(t, err)

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
		p, c, ok := cp.lookup(r)
		require.Equal(t, has, ok, "rune U+%04X", r)
		if !ok {
			continue
		}
		if p == 0 {
			assert.GreaterOrEqual(t, c, byte(32))
		} else {
			assert.Greater(t, c, byte(32), "code 32 is only ever a space")
		}
		assert.Equal(t, r, cp.runes[p][c])
		key := [2]int{p, int(c)}
		require.NotContains(t, seen, key, "rune U+%04X shares a code with U+%04X", r, seen[key])
		seen[key] = r
	}
	t.Logf("%d characters on %d code pages", len(seen), len(cp.runes))
	for r := rune(' '); r <= '~'; r++ {
		p, c, _ := cp.lookup(r)
		assert.Equal(t, [2]int{0, int(r)}, [2]int{p, int(c)}, "ASCII keeps its codes")
	}
	for _, r := range "é£°µ½–—‘’“”•…€≤≥→" {
		p, _, _ := cp.lookup(r)
		assert.Zero(t, p, "%q is on page 0", r)
	}
	assert.Equal(t, []int{0, 1}, cp.pagesOf(runeSet("Łukasz")))
	assert.Equal(t, []int{0}, cp.pagesOf(runeSet("Siobhán Ó Súilleabháin, 5 µg")))
}
