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
	l.Blocks[i] = &referral.Paragraph{Text: line, Field: "history"}
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
	// Beyond the two tiers, the letter embeds a cut of its own, not the
	// whole font (215 KB compressed a face).
	assert.Less(t, len(pdf), 80_000)
}

// TestTextRuns: the drawer starts a new run only where the code page
// changes, and places each run where the text before it ends.
func TestTextRuns(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	for _, pg := range []int{0, 1} {
		prog := fs.faces[regular].tiers[1]
		def, err := fs.pages.definition(fs.faces[regular], pg, prog)
		require.NoError(t, err)
		p.AddFontFromBytes(pageFamily(pg), "", def, prog.z)
	}
	p.AddPage()
	d := &drawer{p: p, fs: fs, pages: fs.pages, fresh: true}
	d.text(20, 30, regular, 10, inkColour, "Dr Łukasz Nowak")
	require.NoError(t, d.err)
	require.NoError(t, p.Error())
	var out bytes.Buffer
	require.NoError(t, p.Output(&out))
	tj := regexp.MustCompile(`BT ([0-9.]+) [0-9.]+ Td \(([^)]*)\) Tj ET`).FindAllStringSubmatch(out.String(), -1)
	require.Len(t, tj, 3, "Dr , Ł, ukasz Nowak")
	m := fs.faces[regular].m
	wantX := []float64{20, 20 + m.width("Dr ", 10), 20 + m.width("Dr Ł", 10)}
	for i, s := range tj {
		x, err := strconv.ParseFloat(s[1], 64)
		require.NoError(t, err)
		assert.InDelta(t, wantX[i]/ptToMM, x, 0.006, "run %d starts where the text before it ends", i)
	}
	assert.Equal(t, "Dr ", tj[0][2])
	assert.Equal(t, "ukasz Nowak", tj[2][2])
	_, code, _ := fs.pages.lookup('Ł')
	assert.Equal(t, string([]byte{code}), tj[1][2])
}

// TestFinish: page streams come out compressed, each font gains a
// ToUnicode CMap, and pdfcpu accepts the cross-reference table.
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
	withMap := regexp.MustCompile(`<</Type /Font\n[^>]*/Encoding \d+ 0 R\n/ToUnicode \d+ 0 R\n>>`).FindAllIndex(pdf, -1)
	assert.NotEmpty(t, fonts)
	assert.Len(t, withMap, len(fonts), "every font has a ToUnicode CMap")
}

// TestFinishDamaged: output not laid out as fpdf lays it out is
// an error, never a panic or a damaged PDF.
func TestFinishDamaged(t *testing.T) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	p.AddPage()
	p.SetFont("Helvetica", "", 10)
	p.Text(20, 20, "endstream endobj xref startxref /Differences /Size 9")
	var raw bytes.Buffer
	require.NoError(t, p.Output(&raw))
	good, err := finish(raw.Bytes())
	require.NoError(t, err)
	validate(t, good)

	b := raw.Bytes()
	for n := 0; n < len(b); n += 7 {
		assert.NotPanics(t, func() {
			if out, err := finish(b[:n]); err == nil {
				t.Errorf("cut at %d: no error (%d bytes)", n, len(out))
			}
		})
	}
	for i := 0; i < len(b); i += 5 {
		bad := bytes.Clone(b)
		bad[i] ^= 0x5a
		assert.NotPanics(t, func() { _, _ = finish(bad) }, "byte %d changed", i)
	}
}
