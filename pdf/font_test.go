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

func TestFontPrograms(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	english := "Zoë, Siobhán Ó Súilleabháin: “quoted” – 5 µg/L ≤ 10, 37.5 °C, £20, €10 • ½"
	for st := range numStyles {
		f := fs.faces[st]
		t.Logf("style %d: tier 0 %d bytes (%d compressed), tier 1 %d bytes (%d compressed)",
			st, f.tiers[0].size, len(f.tiers[0].z), f.tiers[1].size, len(f.tiers[1].z))
		assert.Less(t, f.tiers[0].size, f.tiers[1].size)
		assert.Less(t, len(f.tiers[0].z), 16_000, "tier 0 compressed")
		assert.Less(t, len(f.tiers[1].z), 24_000, "tier 1 compressed")

		// The programs embedded in every letter draw each character of
		// their code pages exactly as the whole font does.
		orig, err := sfnt.Parse(f.ttf)
		require.NoError(t, err)
		var runes []rune
		for i, tier := range f.tiers {
			for _, r := range fs.pages.runes[i] {
				if r != 0 && f.m.has(r) {
					runes = append(runes, r)
				}
			}
			zr, err := zlib.NewReader(bytes.NewReader(tier.z))
			require.NoError(t, err)
			ttf, err := io.ReadAll(zr)
			require.NoError(t, err)
			require.Len(t, ttf, tier.size)
			cut, err := sfnt.Parse(ttf)
			require.NoError(t, err)
			assertSameGlyphs(t, orig, cut, runes)
		}

		prog, err := f.programFor(fs.pages, st, runeSet(english))
		require.NoError(t, err)
		assert.Same(t, f.tiers[0], prog, "English text, Irish names and clinical symbols are on page 0")
		prog, err = f.programFor(fs.pages, st, runeSet(english+" Łukasz Zieliński, Dvořák, Gülşen"))
		require.NoError(t, err)
		assert.Same(t, f.tiers[1], prog, "Latin Extended-A is on page 1")
		prog, err = f.programFor(fs.pages, st, runeSet("Ольга, β-blocker, Nguyễn"))
		require.NoError(t, err)
		assert.NotContains(t, f.tiers, prog, "a letter beyond the tiers gets a cut of its own")
		assert.Less(t, prog.size, f.tiers[0].size)

		for _, r := range english + "Nguyễn β∑Ольга" {
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
		assert.GreaterOrEqual(t, c, byte(32))
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
	assert.Regexp(t, `^127 /uni00A0 /uni00A1 `, cp.differences(0))
	assert.Regexp(t, `^32 /uni01`, cp.differences(1), "page 1 goes on with Latin Extended-A")
}
