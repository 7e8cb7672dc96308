package conformance

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/refletter/refletter/referral"
)

var bfchar = regexp.MustCompile(`<([0-9A-F]{2})> <([0-9A-F]{4})>`)

// TestEmbeddedGlyphs: in every font of every page, each code draws
// Liberation Sans's glyph for the character the font's ToUnicode CMap
// gives it, and its /Widths entry is that glyph's advance, in whole
// thousandths of an em: what a reader sees, and where a viewer places the
// text after it, is what the text says. The embedded programs are read with
// golang.org/x/image, through their (3,0) cmap, as a viewer reads them.
func TestEmbeddedGlyphs(t *testing.T) {
	mixed := referralJSON(t, "dermatology-eczema")
	mixed["history"] = "β-blocker ≤ 5 µg, CRP ≥ 10 → raised; €20 “quoted” — Nguyễn, Dvořák, Gülşen, Ольга Петрова, Ἀθῆναι; ½ tablet; x² (a)\\b"
	mixed["patient"].(map[string]any)["familyName"] = "Zieliński-Петров"
	letters := map[string]*referral.Letter{
		"mixed scripts": compose(t, mixed),
		"large print":   compose(t, referralJSON(t, "ophthalmology-wet-amd"), referral.ForPatient()),
	}
	for _, name := range letterNames(t) {
		letters[name] = compose(t, referralJSON(t, name))
	}
	checked := map[string]bool{} // font programs already checked, by their bytes and codes
	codes := 0
	for name, l := range letters {
		t.Run(name, func(t *testing.T) {
			b, _ := render(t, l)
			ctx := conforms(t, b)
			for pg := 1; pg <= ctx.PageCount; pg++ {
				codes += checkPageFonts(t, ctx, pg, checked)
			}
		})
	}
	assert.Greater(t, codes, 200, "codes checked")
}

// checkPageFonts checks every font of a page and returns how many codes
// it checked.
func checkPageFonts(t *testing.T, ctx *model.Context, page int, checked map[string]bool) int {
	t.Helper()
	d, _, inh, err := ctx.PageDict(page, false)
	require.NoError(t, err)
	res := d.DictEntry("Resources")
	if res == nil && inh != nil {
		res = inh.Resources
	}
	require.NotNil(t, res, "page %d has resources", page)
	fo, ok := res.Find("Font")
	require.True(t, ok, "page %d has fonts", page)
	fonts, err := ctx.DereferenceDict(fo)
	require.NoError(t, err)
	n := 0
	for name, ref := range fonts {
		fd, err := ctx.DereferenceDict(ref)
		require.NoError(t, err)
		base := fd.NameEntry("BaseFont")
		require.NotNil(t, base)
		var runes [256]rune
		var widths [256]float64
		to, ok := fd.Find("ToUnicode")
		require.True(t, ok, "font %s has no ToUnicode CMap", name)
		sd, _, err := ctx.DereferenceStreamDict(to)
		require.NoError(t, err)
		require.NoError(t, sd.Decode())
		for _, m := range bfchar.FindAllStringSubmatch(string(sd.Content), -1) {
			c, _ := strconv.ParseUint(m[1], 16, 8)
			r, _ := strconv.ParseUint(m[2], 16, 16)
			runes[c] = rune(r)
		}
		ws, err := ctx.DereferenceArray(fd["Widths"])
		require.NoError(t, err)
		first := fd.IntEntry("FirstChar")
		require.NotNil(t, first)
		for i, o := range ws {
			w, err := ctx.DereferenceNumber(o)
			require.NoError(t, err)
			widths[*first+i] = w
		}
		desc, err := ctx.DereferenceDict(fd["FontDescriptor"])
		require.NoError(t, err)
		prog, _, err := ctx.DereferenceStreamDict(desc["FontFile2"])
		require.NoError(t, err)
		require.NoError(t, prog.Decode())
		key := string(prog.Content) + string(runes[:]) + strconv.Itoa(len(ws))
		if checked[key] {
			continue
		}
		n += checkGlyphs(t, prog.Content, strings.HasSuffix(*base, "-Bold"), &runes, &widths)
		checked[key] = true
	}
	return n
}

// checkGlyphs compares an embedded program with Liberation Sans.
func checkGlyphs(t *testing.T, program []byte, bold bool, runes *[256]rune, widths *[256]float64) int {
	t.Helper()
	cut, err := sfnt.Parse(program)
	require.NoError(t, err)
	ttf := liberationsansregular.TTF
	if bold {
		ttf = liberationsansbold.TTF
	}
	lib, err := sfnt.Parse(ttf)
	require.NoError(t, err)
	var cb, lb sfnt.Buffer
	upem := float64(lib.UnitsPerEm())
	ppem := fixed.Int26_6(upem * 64)
	n := 0
	for c, r := range runes {
		if r == 0 {
			continue
		}
		lg, err := lib.GlyphIndex(&lb, r)
		require.NoError(t, err)
		cg, err := cut.GlyphIndex(&cb, rune(0xf000+c))
		require.NoError(t, err)
		require.NotZero(t, cg, "code %d has no glyph", c)
		want, err := lib.LoadGlyph(&lb, lg, ppem, nil)
		require.NoError(t, err)
		wantSegs := append(sfnt.Segments{}, want...)
		got, err := cut.LoadGlyph(&cb, cg, ppem, nil)
		require.NoError(t, err)
		require.Equal(t, wantSegs, append(sfnt.Segments{}, got...), "code %d does not draw %q", c, r)
		adv, err := lib.GlyphAdvance(&lb, lg, ppem, font.HintingNone)
		require.NoError(t, err)
		require.Equal(t, math.Round(float64(adv)/64*1000/upem), widths[c], "width of code %d (%q)", c, r)
		cadv, err := cut.GlyphAdvance(&cb, cg, ppem, font.HintingNone)
		require.NoError(t, err)
		require.Equal(t, adv, cadv, "the program's advance of code %d (%q)", c, r)
		n++
	}
	checkProgram(t, program, cut)
	return n
}

// checkProgram checks what golang.org/x/image does not: the (1,0) cmap
// maps each code to the glyph the (3,0) cmap gives it at 0xF000 plus the
// code, each table's checksum and the head table's adjustment are right,
// and the hinting is gone.
func checkProgram(t *testing.T, program []byte, cut *sfnt.Font) {
	t.Helper()
	require.Greater(t, len(program), 12)
	tables := map[string][]byte{}
	for i := range int(binary.BigEndian.Uint16(program[4:])) {
		rec := program[12+16*i:]
		tag := string(rec[:4])
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		require.LessOrEqual(t, uint64(off)+uint64(length), uint64(len(program)), "table %s", tag)
		table := bytes.Clone(program[off : off+length])
		tables[tag] = table
		if tag == "head" {
			binary.BigEndian.PutUint32(table[8:], 0)
		}
		assert.Equal(t, binary.BigEndian.Uint32(rec[4:]), checksum(table), "checksum of %s", tag)
	}
	assert.Equal(t, uint32(0xb1b0afba), checksum(program), "checkSumAdjustment")
	for _, tag := range []string{"fpgm", "prep", "cvt ", "gasp", "GSUB", "GPOS", "kern"} {
		assert.NotContains(t, tables, tag)
	}
	cmap := tables["cmap"]
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
	var b sfnt.Buffer
	for c := range 256 {
		g, err := cut.GlyphIndex(&b, rune(0xf000+c))
		require.NoError(t, err)
		assert.Equal(t, int(g), int(mac[6+c]), "code %d", c)
	}
}

// checksum is the TrueType table checksum: the sum of big-endian words.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

// TestFontPrograms: letters whose text, regular and bold, is a set of
// characters (ASCII, names with diacritics and other scripts, symbols,
// composite glyphs, one letter, and every character Liberation Sans has)
// embed programs that draw each with Liberation Sans's glyph and advance.
func TestFontPrograms(t *testing.T) {
	lib, err := sfnt.Parse(liberationsansregular.TTF)
	require.NoError(t, err)
	var b sfnt.Buffer
	var every []rune
	for r := rune(0x21); r < 0x10000; r++ {
		if g, err := lib.GlyphIndex(&b, r); err == nil && g != 0 && !unicode.Is(unicode.Hebrew, r) && unicode.IsGraphic(r) {
			every = append(every, r)
		}
	}
	require.Greater(t, len(every), 2000)
	sets := []struct{ name, text string }{
		{"ascii", " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"},
		{"names", "Zoë Siobhán Ó Súilleabháin Łukasz Zieliński Nguyễn Ольга Ἀθῆναι"},
		{"symbols", "“quoted” – — … • € £ ° µ ± ≤ ≥ → ½ ™ ‰"},
		{"composed", "ǺǻǼǽǾǿȘșȚț"}, // composite glyphs in Liberation Sans
		{"single", "x"},
		{"every character", string(every)},
	}
	checked := map[string]bool{}
	for _, set := range sets {
		for _, strong := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/bold=%v", set.name, strong), func(t *testing.T) {
				l := &referral.Letter{Blocks: []referral.Block{&referral.Paragraph{Text: set.text, Strong: strong}}}
				pdfBytes, ws := render(t, l)
				ctx := conforms(t, pdfBytes)
				codes := 0
				for pg := 1; pg <= ctx.PageCount; pg++ {
					codes += checkPageFonts(t, ctx, pg, checked)
				}
				if set.name == "every character" {
					assert.Empty(t, ws)
					// Normalisation composes some characters and combining
					// marks, so not every one is a code of its own.
					assert.Greater(t, codes, 1800, "the font's characters")
				}
			})
		}
	}
}
