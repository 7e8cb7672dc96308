package pdf

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
	"github.com/refletter/refletter/referral"
)

// TestMixedScripts: a line whose characters fall on several code pages is
// drawn as one run a page, the runs meet exactly, and the line reads back
// whole, in the body and in the footer of every page.
func TestMixedScripts(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	line := "β-blocker ≤ 5 µg, CRP ≥ 10 → raised; €20 “quoted” — Nguyễn, Dvořák, Gülşen, Ольга Петрова, Ἀθῆναι; ½ tablet; x² (a)\\b"
	l := handLetter()
	l.Meta.Patient.Name = "Mr Łukasz Zieliński-Петров"
	i := blockIndex(t, l, "history", &referral.Paragraph{})
	l.Blocks[i] = &referral.Paragraph{Text: line, Path: "history"}
	pdf, ws := render(t, r, l)
	assert.Empty(t, ws, "every character is in the font")
	validate(t, pdf)
	doc := readPDF(t, pdf)
	var runs []string
	for _, run := range doc.body(0) {
		runs = append(runs, run.text)
	}
	assert.Contains(t, runs, "β-blocker ≤ 5 µg, CRP ≥ 10 → raised; €20 “quoted” — Nguyễn, Dvořák, Gülşen, Ольга Петрова,",
		"the paragraph's first line, whole")
	assert.Contains(t, runs, "Ἀθῆναι; ½ tablet; x² (a)\\b", "its second line")
	for p := range doc.pages {
		assert.Contains(t, doc.footer(p), "Mr Łukasz Zieliński-Петров · Date of birth", "page %d", p+1)
	}
	names := regexp.MustCompile(`/BaseFont /([A-Z]{6})\+`).FindAllSubmatch(pdf, -1)
	require.Greater(t, len(names), 4)
	seen := map[string]bool{}
	for _, n := range names {
		assert.False(t, seen[string(n[1])], "subset tag %s used twice", n[1])
		seen[string(n[1])] = true
	}
	// A cut for each code page the letter uses, not the whole font (215 KB
	// compressed a face).
	assert.Less(t, len(pdf), 120_000)
	t.Logf("%d bytes", len(pdf))
}

// TestTextRuns: the drawer starts a new run only where the code page
// changes, and places each run where a viewer ends the text before it:
// by the widths the PDF gives each code, in whole thousandths of an em.
// (internal/conformance checks those widths against the font's own, with
// golang.org/x/image.)
func TestTextRuns(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	const text = "|||||||||| Dr Łukasz Nowak"
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	cuts := make([]*[256]rune, 2)
	widths := make([]*[256]int, 2) // by code page and code, as the fonts give /Widths
	for _, pg := range []int{0, 1} {
		font, err := fs.faces[bold].font(fs.pages, bold, pg, runeSet(text))
		require.NoError(t, err)
		widths[pg] = font.Widths
		p.AddFontFromBytes(pageFamily(pg), "B", pdfobj.StandIn(standIn(bold, pg)), nil)
		cuts[pg] = font.Codes
	}
	p.AddPage()
	d := &drawer{c: fpdfCanvas{p: p, family: pageFamily}, fs: fs, pages: fs.pages, fresh: true}
	d.cuts[bold] = cuts
	d.text(20, 30, bold, 10, inkColour, text, true)
	require.NoError(t, d.err)
	require.NoError(t, p.Error())
	var out bytes.Buffer
	require.NoError(t, p.Output(&out))
	tj := regexp.MustCompile(`BT ([0-9.]+) [0-9.]+ Td \(([^)]*)\) Tj ET`).FindAllStringSubmatch(out.String(), -1)
	require.Len(t, tj, 3, "before Ł, Ł, after Ł")

	viewer := func(s string) float64 { // pt at 10 pt, as a viewer adds it up
		w := 0
		for _, r := range s {
			pg, code, ok := fs.pages.Lookup(r)
			require.True(t, ok, "%q", r)
			require.Positive(t, widths[pg][code], "%q", r)
			w += widths[pg][code]
		}
		return float64(w) * 10 / 1000
	}
	x0 := 20 / ptToMM
	wantX := []float64{x0, x0 + viewer("|||||||||| Dr "), x0 + viewer("|||||||||| Dr Ł")}
	for i, s := range tj {
		x, err := strconv.ParseFloat(s[1], 64)
		require.NoError(t, err)
		assert.InDelta(t, wantX[i], x, 0.006, "run %d starts where the text before it ends", i)
	}
	assert.Equal(t, "|||||||||| Dr ", tj[0][2])
	assert.Equal(t, "ukasz Nowak", tj[2][2])
	_, code, _ := fs.pages.Lookup('Ł')
	assert.Equal(t, string([]byte{code}), tj[1][2])

	// Text whose characters the embedded cut lacks is an error, not a
	// blank: "ń" is on page 1, whose cut here holds only what text uses.
	d.text(20, 40, bold, 10, inkColour, "Zieliński", true)
	assert.ErrorIs(t, d.err, ErrPDF)
}

// TestFinish: page streams come out compressed, each font gains a
// ToUnicode CMap, and the cross-reference reads back.
func TestFinish(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, _ := render(t, r, handLetter())
	validate(t, pdf)
	streams := regexp.MustCompile(`(?s)<</Filter /FlateDecode /Length (\d+)>>\nstream\n`).FindAllSubmatchIndex(pdf, -1)
	require.GreaterOrEqual(t, len(streams), 2, "a page stream for each page")
	for _, s := range streams {
		n, err := strconv.Atoi(string(pdf[s[2]:s[3]]))
		require.NoError(t, err)
		zr, err := zlib.NewReader(bytes.NewReader(pdf[s[1] : s[1]+n]))
		require.NoError(t, err)
		content, err := io.ReadAll(zr)
		require.NoError(t, err)
		if !bytes.HasPrefix(content, []byte("/CIDInit")) { // else a ToUnicode CMap
			assert.Contains(t, string(content), " Tj ET")
		}
		assert.Equal(t, "\nendstream", string(pdf[s[1]+n:s[1]+n+10]))
	}
	assert.False(t, regexp.MustCompile(`<</Length \d+>>\nstream`).Match(pdf), "no stream is left unfiltered")
	fonts := regexp.MustCompile(`<</Type /Font\n`).FindAllIndex(pdf, -1)
	withMap := regexp.MustCompile(`<</Type /Font\n[^>]*/FontDescriptor \d+ 0 R\n/ToUnicode \d+ 0 R\n>>`).FindAllIndex(pdf, -1)
	assert.NotEmpty(t, fonts)
	assert.Len(t, withMap, len(fonts), "every font has a ToUnicode CMap")
	assert.NotContains(t, string(pdf), "/Encoding", "the fonts are symbolic, with no encoding")
	assert.NotContains(t, string(pdf), "/Type1", "every stand-in is replaced")
	assert.NotContains(t, string(pdf), "refletter-", "no stand-in is named")
}
