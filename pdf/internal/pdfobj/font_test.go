package pdfobj

import (
	"bytes"
	"compress/zlib"
	"regexp"
	"strings"
	"sync"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfread"
)

// testProgram stands in for a compressed TrueType program.
var testProgram = []byte("a TrueType program, of a sort")

// testFont is a font of codes 'a' to 'c' (widths 500, 510, 520) and 200
// (U+0142), with a made-up program.
func testFont(t testing.TB) *Font {
	t.Helper()
	codes := &[256]rune{'a': 'a', 'b': 'b', 'c': 'c', 200: 'ł'}
	widths := &[256]int{'a': 500, 'b': 510, 'c': 520, 'd': 999, 200: 222}
	z, err := Compress(nil, testProgram, zlib.BestSpeed)
	require.NoError(t, err)
	cmap, err := ToUnicode(codes, false)
	require.NoError(t, err)
	return &Font{Name: "ABCDAB+Test-Bold", Codes: codes, Widths: widths, Program: z, Length1: len(testProgram), CMap: cmap,
		Desc: Descriptor{Ascent: 905, Descent: -212, CapHeight: 729, Flags: 4, BBox: [4]int{-10, -20, 1000, 900}, StemV: 80}}
}

// standInPDF is fpdf's uncompressed output for a page of text in the
// stand-in named name.
func standInPDF(t *testing.T, name, text string) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	p.AddFontFromBytes("test", "B", StandIn(name), nil)
	require.NoError(t, p.Error())
	p.AddPage()
	p.SetFont("test", "B", 10)
	p.Text(20, 20, text)
	var raw bytes.Buffer
	require.NoError(t, p.Output(&raw))
	return raw.Bytes()
}

// TestFinishFont: Finish writes the whole font in its stand-in's place:
// a TrueType font whose widths, descriptor, program and CMap are the
// Font's, with no trace of the stand-in, whether or not the PDF is
// tagged, and the same for concurrent documents sharing the Font.
func TestFinishFont(t *testing.T) {
	const name = "refletter-1-3"
	raw := standInPDF(t, name, "abc")
	for _, tagged := range []bool{false, true} {
		f := testFont(t)
		var tree *Tree
		if tagged {
			tree = NewTree()
			tree.Add("P", 0)
			tree.Pages = 1
		}
		out, err := Finish(raw, map[string]*Font{name: f}, tree, nil)
		require.NoError(t, err)
		file := validate(t, out)
		assert.NotContains(t, string(out), name)
		assert.NotContains(t, string(out), "/Type1")
		assert.NotContains(t, string(out), "/Encoding")

		pages, err := file.Pages()
		require.NoError(t, err)
		require.Len(t, pages, 1)
		fonts, ok := file.Get(pages[0].Resources["Font"]).(pdfread.Dict)
		require.True(t, ok)
		require.Len(t, fonts, 1)
		for _, ref := range fonts {
			fd, ok := file.Get(ref).(pdfread.Dict)
			require.True(t, ok)
			assert.Equal(t, pdfread.Name("Font"), fd["Type"])
			assert.Equal(t, pdfread.Name("TrueType"), fd["Subtype"])
			assert.Equal(t, pdfread.Name("ABCDAB+Test-Bold"), fd["BaseFont"])
			assert.Equal(t, 'a', rune(file.Get(fd["FirstChar"]).(int)), "from the first code with a character")
			assert.Equal(t, 200, file.Get(fd["LastChar"]).(int), "to the last")
			ws, ok := file.Get(fd["Widths"]).([]any)
			require.True(t, ok)
			require.Len(t, ws, 200-'a'+1)
			assert.Equal(t, []any{500, 510, 520, 0}, ws[:4], "codes without a character have no width")
			assert.Equal(t, 222, ws[len(ws)-1])

			desc, ok := file.Get(fd["FontDescriptor"]).(pdfread.Dict)
			require.True(t, ok)
			assert.Equal(t, pdfread.Name("ABCDAB+Test-Bold"), desc["FontName"])
			for k, v := range map[pdfread.Name]any{"Flags": 4, "Ascent": 905, "Descent": -212, "CapHeight": 729,
				"ItalicAngle": 0, "StemV": 80, "FontBBox": []any{-10, -20, 1000, 900}} {
				assert.Equal(t, v, file.Get(desc[k]), "/%s", k)
			}
			prog, ok := file.Get(desc["FontFile2"]).(*pdfread.Stream)
			require.True(t, ok)
			assert.Equal(t, testProgram, prog.Data)
			assert.Equal(t, len(testProgram), file.Get(prog.Dict["Length1"]))

			cmap, ok := file.Get(fd["ToUnicode"]).(*pdfread.Stream)
			require.True(t, ok)
			assert.Contains(t, string(cmap.Data), "4 beginbfchar\n<61> <0061>\n<62> <0062>\n<63> <0063>\n<C8> <0142>\nendbfchar\n")
		}

		// Concurrent documents share the font's objects' text.
		var wg sync.WaitGroup
		outs := make([][]byte, 4)
		for i := range outs {
			wg.Go(func() {
				o, err := Finish(raw, map[string]*Font{name: f}, nil, nil)
				assert.NoError(t, err)
				outs[i] = o
			})
		}
		wg.Wait()
		if !tagged {
			for _, o := range outs {
				assert.Equal(t, out, o)
			}
		}
	}
}

// TestFinishFontErrors: a font Finish cannot write whole, or a stand-in
// not as fpdf writes it, is an error rather than a damaged PDF.
func TestFinishFontErrors(t *testing.T) {
	const name = "refletter-0-1"
	raw := standInPDF(t, name, "abc")
	for _, tc := range []struct {
		name string
		pdf  []byte
		edit func(*Font)
	}{
		{"no codes", raw, func(f *Font) { f.Codes = nil }},
		{"no widths", raw, func(f *Font) { f.Widths = nil }},
		{"no program", raw, func(f *Font) { f.Program = nil }},
		{"no CMap", raw, func(f *Font) { f.CMap = nil }},
		{"no name", raw, func(f *Font) { f.Name = "" }},
		{"another stand-in", standInPDF(t, "refletter-0-2", "abc"), func(*Font) {}},
		{"a stand-in with more", bytes.Replace(raw, []byte("/Subtype /Type1\n"), []byte("/Subtype /Type1\n/FirstChar 32\n"), 1), func(*Font) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := testFont(t)
			tc.edit(f)
			_, err := Finish(tc.pdf, map[string]*Font{name: f}, nil, nil)
			assert.ErrorIs(t, err, ErrLayout)
		})
	}
}

// TestToUnicode: both ways of compressing give the same CMap, which maps
// each code with a character, in blocks of at most 100.
func TestToUnicode(t *testing.T) {
	var codes [256]rune
	for c := 32; c < 256; c++ {
		codes[c] = rune(0x400 + c)
	}
	codes[40] = 0
	hard, err := ToUnicode(&codes, true)
	require.NoError(t, err)
	quick, err := ToUnicode(&codes, false)
	require.NoError(t, err)
	cmap := inflate(t, hard)
	assert.Equal(t, cmap, inflate(t, quick))
	assert.Less(t, len(hard), len(quick))
	s := string(cmap)
	assert.True(t, strings.HasPrefix(s, cmapHead+"100 beginbfchar\n<20> <0420>\n"), s[:400])
	assert.True(t, strings.HasSuffix(s, "<FF> <04FF>\nendbfchar\n"+cmapTail))
	assert.Equal(t, []string{"100", "100", "23"}, flat(regexp.MustCompile(`(\d+) beginbfchar`).FindAllStringSubmatch(s, -1)))
	assert.Len(t, regexp.MustCompile(`<[0-9A-F]{2}> <[0-9A-F]{4}>\n`).FindAllString(s, -1), 223)
	assert.NotContains(t, s, "<28> ", "code 40 has no character")
}

func flat(m [][]string) []string {
	var out []string
	for _, s := range m {
		out = append(out, s[1])
	}
	return out
}
