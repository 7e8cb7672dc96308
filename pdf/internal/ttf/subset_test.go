package ttf

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
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

// TestSubsetFont reads cuts back with golang.org/x/image/font/sfnt, an
// independent parser, and checks that every code draws its character's
// glyph with the whole font's outline and advance, through both cmaps, and
// that the hinting is gone and the checksums are right.
func TestSubsetFont(t *testing.T) {
	sets := map[string]string{
		"ascii":    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
		"names":    "Zoë Siobhán Ó Súilleabháin Łukasz Zieliński Nguyễn Ольга Ἀθῆναι",
		"symbols":  "“quoted” – — … • € £ ° µ ± ≤ ≥ → ½ ™ ‰",
		"composed": "ǺǻǼǽǾǿȘșȚț", // composite glyphs in Liberation Sans
		"single":   "x",
	}
	for name, ttf := range map[string][]byte{"regular": liberationsansregular.TTF, "bold": liberationsansbold.TTF} {
		orig, err := sfnt.Parse(ttf)
		require.NoError(t, err)
		for set, text := range sets {
			t.Run(name+"/"+set, func(t *testing.T) {
				codes := codesOf(text + "\uFFFF") // U+FFFF: not in the font
				cut, err := Subset(ttf, codes)
				require.NoError(t, err)
				assert.Less(t, len(cut), len(ttf)/4)
				f, err := sfnt.Parse(cut)
				require.NoError(t, err, "the cut must parse")
				tables, err := parseTables(cut)
				require.NoError(t, err)
				for _, tag := range []string{"fpgm", "prep", "cvt ", "gasp", "GSUB", "GPOS", "kern"} {
					assert.NotContains(t, tables.tables, tag)
				}
				assertSameGlyphs(t, orig, f, codes)
				if set == "single" {
					assert.Equal(t, 2, f.NumGlyphs(), ".notdef and x")
				}
				assertChecksums(t, cut)
				assertMacCmap(t, cut, f, codes)
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

// assertSameGlyphs checks that every code of codes draws its rune's glyph
// in cut (through the (3,0) cmap, at 0xF000 plus the code, and the (1,0)
// cmap) with the same outline and advance as in orig.
func assertSameGlyphs(t *testing.T, orig, cut *sfnt.Font, codes *[256]rune) {
	t.Helper()
	var ob, cb sfnt.Buffer
	ppem := fixed.I(1000)
	for c, r := range codes {
		og, err := orig.GlyphIndex(&ob, r)
		require.NoError(t, err)
		if r == 0 || og == 0 {
			continue
		}
		cg, err := cut.GlyphIndex(&cb, rune(0xf000+c))
		require.NoError(t, err)
		require.NotZero(t, cg, "code %d (%q)", c, r)
		oa, err := orig.GlyphAdvance(&ob, og, ppem, font.HintingNone)
		require.NoError(t, err)
		ca, err := cut.GlyphAdvance(&cb, cg, ppem, font.HintingNone)
		require.NoError(t, err)
		assert.Equal(t, oa, ca, "advance of %q", r)
		os, err := orig.LoadGlyph(&ob, og, ppem, nil)
		require.NoError(t, err)
		osegs := append(sfnt.Segments{}, os...)
		cs, err := cut.LoadGlyph(&cb, cg, ppem, nil)
		require.NoError(t, err)
		assert.Equal(t, osegs, append(sfnt.Segments{}, cs...), "outline of %q", r)
	}
}

// assertMacCmap checks that the (1,0) cmap maps each code to the glyph
// the (3,0) cmap gives for it.
func assertMacCmap(t *testing.T, ttf []byte, f *sfnt.Font, codes *[256]rune) {
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
	var b sfnt.Buffer
	for c := range codes {
		g, err := f.GlyphIndex(&b, rune(0xf000+c))
		require.NoError(t, err)
		assert.Equal(t, int(g), int(mac[6+c]), "code %d", c)
	}
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
