package pdfobj

import (
	"bytes"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfread"
)

// taggedPDF is fpdf's uncompressed output for pages of marked text, with
// the tree that describes it.
func taggedPDF(t *testing.T, pages int) ([]byte, *Tree) {
	t.Helper()
	tree := NewTree()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	p.SetCatalogSort(true)
	p.SetLang("en-GB")
	p.SetFont("Helvetica", "", 10)
	para := tree.Add("P", 0)
	fig := tree.Add("Figure", 0)
	tree.Elems[fig].Alt = "Logo of Café (Leeds)"
	tree.Add("H2", 0) // no content: left out
	for pg := range pages {
		p.AddPage()
		p.RawWriteStr("/P <</MCID 0>> BDC")
		p.Text(20, 20, "text")
		p.RawWriteStr("EMC")
		tree.Elems[para].Kids = append(tree.Elems[para].Kids, Kid{Page: pg, MCID: 0})
		if pg == 0 {
			p.RawWriteStr("/Figure <</MCID 1>> BDC")
			p.Rect(20, 30, 10, 10, "F")
			p.RawWriteStr("EMC")
			tree.Elems[fig].Kids = append(tree.Elems[fig].Kids, Kid{Page: 0, MCID: 1})
		}
	}
	tree.Pages = pages
	var raw bytes.Buffer
	require.NoError(t, p.Output(&raw))
	return raw.Bytes(), tree
}

// TestFinishTagged: a tagged PDF gains the catalog and page entries, its
// structure in an object stream, and a cross-reference stream that
// pdfread reads back, structure tree and all; marked content not in the tree exactly once is an error.
func TestFinishTagged(t *testing.T) {
	raw, tree := taggedPDF(t, 2)
	out, err := Finish(raw, nil, tree, nil)
	require.NoError(t, err)
	f := validate(t, out)
	cat := f.Catalog()
	root, ok := f.Get(cat["StructTreeRoot"]).(pdfread.Dict)
	require.True(t, ok, "the catalog holds the structure tree")
	assert.Equal(t, pdfread.Name("StructTreeRoot"), root["Type"])
	doc, ok := f.Get(root["K"]).(pdfread.Dict)
	require.True(t, ok)
	assert.Equal(t, pdfread.Name("Document"), doc["S"])
	kids, ok := doc["K"].([]any)
	require.True(t, ok)
	require.Len(t, kids, 2, "P and Figure")
	fig, ok := f.Get(kids[1]).(pdfread.Dict)
	require.True(t, ok)
	alt, ok := pdfread.Text(fig["Alt"])
	require.True(t, ok)
	assert.Equal(t, "Logo of Café (Leeds)", alt)
	_, ok = f.Get(root["ParentTree"]).(pdfread.Dict)
	assert.True(t, ok, "a parent tree")
	pages, err := f.Pages()
	require.NoError(t, err)
	for i, pg := range pages {
		assert.Equal(t, i, pg.Dict["StructParents"], "page %d", i+1)
		assert.Equal(t, pdfread.Name("S"), pg.Dict["Tabs"], "page %d", i+1)
	}
	s := string(out)
	assert.True(t, strings.HasPrefix(s, "%PDF-1.5\n"))
	assert.Contains(t, s, "/MarkInfo <</Marked true>>")
	assert.Contains(t, s, "/ViewerPreferences <</DisplayDocTitle true>>")
	assert.Equal(t, 2, strings.Count(s, "/Tabs /S\n"))
	assert.Contains(t, s, "/Type /ObjStm")
	assert.Contains(t, s, "/Type /XRef")
	assert.NotContains(t, s, "\nxref\n", "no classic cross-reference table")

	b, offs, err := tree.structure([]byte("before"), nil, 100, []int{3, 5})
	require.NoError(t, err)
	require.Len(t, offs, 5, "root, parent tree, Document, P, Figure (the empty H2 is left out)")
	assert.Equal(t, len("before"), offs[0])
	var objs []string
	for i, off := range offs {
		end := len(b)
		if i+1 < len(offs) {
			end = offs[i+1]
		}
		require.Equal(t, byte('\n'), b[end-1], "object %d ends in a newline", i)
		objs = append(objs, string(b[off:end-1]))
	}
	assert.Equal(t, "<</Nums [0 [103 0 R 104 0 R]\n1 [103 0 R]\n]>>", objs[1])
	assert.Equal(t, "<</S /Document /P 100 0 R /K [103 0 R 104 0 R]>>", objs[2])
	assert.Equal(t, "<</S /P /P 102 0 R /Pg 3 0 R /K [0 <</Type /MCR /Pg 5 0 R /MCID 0>>]>>", objs[3])
	assert.Contains(t, objs[4], "/Alt <FEFF004C006F0067006F0020006F0066002000430061006600E900200028004C00650065006400730029>", "é in UTF-16")

	for name, bad := range map[string]func(*Tree){
		"MCID twice":     func(t *Tree) { t.Elems[2].Kids = append(t.Elems[2].Kids, Kid{Page: 0, MCID: 0}) },
		"MCID missing":   func(t *Tree) { t.Elems[1].Kids[0].MCID = 1 },
		"no such page":   func(t *Tree) { t.Elems[1].Kids[0].Page = 7 },
		"pages miscount": func(t *Tree) { t.Pages = 3 },
		"negative MCID":  func(t *Tree) { t.Elems[1].Kids[0].MCID = -1 },
		"negative page":  func(t *Tree) { t.Elems[1].Kids[0].Page = -1 },
	} {
		raw, tree := taggedPDF(t, 2)
		bad(tree)
		_, err := Finish(raw, nil, tree, nil)
		assert.ErrorIs(t, err, ErrLayout, name)
	}
}

func TestAppendText(t *testing.T) {
	assert.Equal(t, `(a \(b\) \\ c)`, string(appendText(nil, `a (b) \ c`)))
	assert.Equal(t, "<FEFF00E9>", string(appendText(nil, "é")))
	assert.Equal(t, "<FEFF000A>", string(appendText(nil, "\n")), "control characters in hex")
	assert.Equal(t, "<FEFFD83DDE00>", string(appendText(nil, "😀")), "UTF-16 surrogates")
	assert.Equal(t, "<FEFF0061FFFD>", string(appendText(nil, "a\xff")), "invalid UTF-8 as U+FFFD")
}
