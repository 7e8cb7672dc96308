package pdf

import (
	"testing"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// TestSubsetFont reads cuts back with golang.org/x/image/font/sfnt, an
// independent parser, and checks that every rune asked for keeps its
// outline and advance, and that the hinting is gone.
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
				cut, err := subsetFont(ttf, []rune(text+"\uFFFF"))
				require.NoError(t, err)
				assert.Less(t, len(cut), len(ttf)/4)
				f, err := sfnt.Parse(cut)
				require.NoError(t, err, "the cut must parse")
				tables, err := parseTables(cut)
				require.NoError(t, err)
				for _, tag := range []string{"fpgm", "prep", "cvt ", "gasp", "GSUB", "GPOS", "kern"} {
					assert.NotContains(t, tables.tables, tag)
				}
				assertSameGlyphs(t, orig, f, []rune(text))
				if set == "single" {
					assert.Equal(t, 2, f.NumGlyphs(), ".notdef and x")
				}
			})
		}
	}
}

// assertSameGlyphs checks that every rune has the same outline and advance
// in cut as in orig.
func assertSameGlyphs(t *testing.T, orig, cut *sfnt.Font, runes []rune) {
	t.Helper()
	var ob, cb sfnt.Buffer
	ppem := fixed.I(1000)
	for _, r := range runes {
		og, err := orig.GlyphIndex(&ob, r)
		require.NoError(t, err)
		cg, err := cut.GlyphIndex(&cb, r)
		require.NoError(t, err)
		require.NotZero(t, cg, "rune %q", r)
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

// TestSubsetFontMalformed: a damaged font is an error, never a panic.
func TestSubsetFontMalformed(t *testing.T) {
	ttf := liberationsansregular.TTF
	for _, n := range []int{0, 4, 12, 100, 400, 4000, len(ttf) / 3, len(ttf) / 2, len(ttf) - 1} {
		assert.NotPanics(t, func() { _, _ = subsetFont(ttf[:n], []rune("Hello Łukasz")) }, "cut at %d", n)
	}
	bad := append([]byte(nil), ttf...)
	for i := 200; i < len(bad); i += 997 {
		bad[i] ^= 0xff
	}
	assert.NotPanics(t, func() { _, _ = subsetFont(bad, []rune("Hello Łukasz")) })
}
