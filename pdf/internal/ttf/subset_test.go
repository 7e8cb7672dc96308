package ttf

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// codesOf puts the distinct runes of text on codes from 33, as a code
// page does.
func codesOf(text string) *[256]rune {
	var codes [256]rune
	seen := map[rune]bool{}
	c := 33
	for _, r := range text {
		if !seen[r] && c < 256 {
			seen[r] = true
			codes[c] = r
			c++
		}
	}
	return &codes
}

// TestSubsetFont checks that a cut is small, that its hinting is gone,
// its checksums are right, its (1,0) cmap and OS/2 say what it holds.
// internal/conformance reads the cuts the renderer embeds for the same
// characters back with golang.org/x/image/font/sfnt, an independent
// parser, and checks that every code draws its character's glyph with the
// whole font's outline and advance, through both cmaps (TestFontPrograms).
func TestSubsetFont(t *testing.T) {
	sets := map[string]string{
		"ascii":    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
		"names":    "Zoë Siobhán Ó Súilleabháin Łukasz Zieliński Nguyễn Ольга Ἀθῆναι",
		"symbols":  "“quoted” – — … • € £ ° µ ± ≤ ≥ → ½ ™ ‰",
		"composed": "ǺǻǼǽǾǿȘșȚț", // composite glyphs in Liberation Sans
		"single":   "x",
	}
	for name, ttf := range map[string][]byte{"regular": liberationsansregular.TTF, "bold": liberationsansbold.TTF} {
		orig, err := NewFace(ttf, "LiberationSans", func(r rune) bool { return r < 0x20 })
		require.NoError(t, err)
		for set, text := range sets {
			t.Run(name+"/"+set, func(t *testing.T) {
				codes := codesOf(text + "\uFFFF") // U+FFFF: not in the font
				cut, err := Subset(ttf, codes)
				require.NoError(t, err)
				assert.Less(t, len(cut), len(ttf)/4)
				tables, err := parseTables(cut)
				require.NoError(t, err)
				for _, tag := range []string{"fpgm", "prep", "cvt ", "gasp", "GSUB", "GPOS", "kern"} {
					assert.NotContains(t, tables.tables, tag)
				}
				if set == "single" {
					assert.Equal(t, 2, numGlyphs(t, cut), ".notdef and x")
				}
				assertChecksums(t, cut)
				assertMacCmap(t, cut, orig.M.Has, codes)
				// OS/2 says what the cut is: characters 0xF000 plus the
				// codes, in the Symbol code page.
				os2 := tables.tables["OS/2"]
				require.GreaterOrEqual(t, len(os2), 92)
				assert.Equal(t, uint16(0xf021), binary.BigEndian.Uint16(os2[64:]), "usFirstCharIndex")
				last := 0
				for c, r := range codes {
					if r != 0 && r != 0xffff {
						last = c
					}
				}
				assert.Equal(t, uint16(0xf000+last), binary.BigEndian.Uint16(os2[66:]), "usLastCharIndex")
				assert.Equal(t, uint32(1<<31), binary.BigEndian.Uint32(os2[78:]), "ulCodePageRange1: Symbol")
				assert.Zero(t, binary.BigEndian.Uint32(os2[82:]))
			})
		}
	}
}

// assertMacCmap checks that the (1,0) cmap gives a glyph to each code
// that has a character the font has, none to the others, and a glyph of
// its own to each. That it is the glyph the (3,0) cmap gives, and that the
// glyph is the whole font's, is checked with golang.org/x/image, an
// independent parser, on the programs as embedded, in internal/conformance
// (TestFontPrograms), a module of its own.
func assertMacCmap(t *testing.T, ttf []byte, has func(rune) bool, codes *[256]rune) {
	t.Helper()
	tables, err := parseTables(ttf)
	require.NoError(t, err)
	cmap := tables.tables["cmap"]
	var mac []byte
	for i := range int(binary.BigEndian.Uint16(cmap[2:])) {
		rec := cmap[4+8*i:]
		if binary.BigEndian.Uint16(rec) == 1 && binary.BigEndian.Uint16(rec[2:]) == 0 {
			mac = cmap[binary.BigEndian.Uint32(rec[4:]):]
		}
	}
	require.NotNil(t, mac, "a (1,0) cmap")
	require.Equal(t, uint16(0), binary.BigEndian.Uint16(mac), "format 0")
	require.GreaterOrEqual(t, len(mac), 6+256)
	seen := map[byte]bool{}
	for c, r := range codes {
		g := mac[6+c]
		if r == 0 || !has(r) {
			assert.Zero(t, g, "code %d has no character", c)
			continue
		}
		assert.NotZero(t, g, "code %d (%q)", c, r)
		assert.False(t, seen[g], "code %d (%q): glyph %d twice", c, r, g)
		seen[g] = true
	}
}

// numGlyphs is maxp's count of glyphs.
func numGlyphs(t *testing.T, ttf []byte) int {
	t.Helper()
	tables, err := parseTables(ttf)
	require.NoError(t, err)
	maxp := tables.tables["maxp"]
	require.GreaterOrEqual(t, len(maxp), 6)
	return int(binary.BigEndian.Uint16(maxp[4:]))
}

// assertChecksums checks each table's checksum and the head table's
// adjustment, which golang.org/x/image does not.
func assertChecksums(t *testing.T, ttf []byte) {
	t.Helper()
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	for i := range n {
		rec := ttf[12+16*i:]
		tag := string(rec[:4])
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		table := bytes.Clone(ttf[off : off+length])
		if tag == "head" {
			binary.BigEndian.PutUint32(table[8:], 0)
		}
		assert.Equal(t, binary.BigEndian.Uint32(rec[4:]), checksum(table), "checksum of %s", tag)
	}
	assert.Equal(t, uint32(0xb1b0afba), checksum(ttf), "checkSumAdjustment")
}

// TestSubsetFontMalformed: a damaged font is an error, never a panic.
func TestSubsetFontMalformed(t *testing.T) {
	ttf := liberationsansregular.TTF
	for _, n := range []int{0, 4, 12, 100, 400, 4000, len(ttf) / 3, len(ttf) / 2, len(ttf) - 1} {
		assert.NotPanics(t, func() { _, _ = Subset(ttf[:n], codesOf("Hello Łukasz")) }, "cut at %d", n)
	}
	bad := append([]byte(nil), ttf...)
	for i := 200; i < len(bad); i += 997 {
		bad[i] ^= 0xff
	}
	assert.NotPanics(t, func() { _, _ = Subset(bad, codesOf("Hello Łukasz")) })
}
