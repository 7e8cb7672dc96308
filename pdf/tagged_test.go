package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
	"github.com/refletter/refletter/pdf/internal/pdfread"
	"github.com/refletter/refletter/referral"
)

// These tests read the structure of the PDFs back with poppler's pdfinfo,
// a reader outside the project, rather than with the code that wrote it,
// and its alternative text with pdfread.

// structNode is an element of the structure as pdfinfo -struct-text
// prints it.
type structNode struct {
	role  string
	attrs string // attribute lines, such as "/Scope /Column"
	text  string // the element's own text
	kids  []*structNode
}

// all returns the node and those below it, in order.
func (n *structNode) all() []*structNode {
	out := []*structNode{n}
	for _, k := range n.kids {
		out = append(out, k.all()...)
	}
	return out
}

// allText is the text of the node and those below it, in order.
func (n *structNode) allText() string {
	var b strings.Builder
	for _, m := range n.all() {
		b.WriteString(m.text)
	}
	return normSpace(b.String())
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

var (
	structLine = regexp.MustCompile(`^( *)([A-Za-z0-9]+)(:| \(block\)| \(inline\))?$`)
	textLine   = regexp.MustCompile(`^ *"(.*)"$`)
)

// readStructure runs pdfinfo -struct-text on pdf and returns the
// structure's root, checking that the PDF says it is tagged.
func readStructure(t *testing.T, pdf []byte) *structNode {
	t.Helper()
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		t.Skip("pdfinfo (poppler-utils) is not installed; .ci/run installs it")
	}
	path := filepath.Join(t.TempDir(), "letter.pdf")
	require.NoError(t, os.WriteFile(path, pdf, 0o600))
	info, err := exec.Command(bin, path).CombinedOutput()
	require.NoError(t, err, "%s", info)
	assert.Regexp(t, `(?m)^Tagged: +yes$`, string(info))
	out, err := exec.Command(bin, "-struct-text", path).Output()
	require.NoError(t, err)
	root := &structNode{role: "(root)"}
	stack := []*structNode{root}
	depth := []int{-1}
	var last *structNode
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if m := textLine.FindStringSubmatch(line); m != nil {
			require.NotNil(t, last, "text before any element: %q", line)
			last.text += m[1]
			continue
		}
		if m := structLine.FindStringSubmatch(line); m != nil {
			ind := len(m[1])
			for depth[len(depth)-1] >= ind {
				stack, depth = stack[:len(stack)-1], depth[:len(depth)-1]
			}
			n := &structNode{role: m[2]}
			parent := stack[len(stack)-1]
			parent.kids = append(parent.kids, n)
			stack, depth = append(stack, n), append(depth, ind)
			last = n
			continue
		}
		require.NotNil(t, last, "attribute before any element: %q", line)
		last.attrs += strings.TrimSpace(line) + "\n"
	}
	require.Len(t, root.kids, 1, "one Document element")
	require.Equal(t, "Document", root.kids[0].role)
	return root.kids[0]
}

// assertLetterText checks that got, the structure's text, is the
// letter's text in reading order and nothing else. The letterhead's
// address is on one line, joined by commas, when it fits, and one line
// each when it does not.
func assertLetterText(t *testing.T, l *referral.Letter, got string, msg ...any) {
	t.Helper()
	if got == letterText(l, ", ") {
		return
	}
	assert.Equal(t, letterText(l, " "), got, msg...)
}

// letterText is the text of the letter's blocks, in reading order: what
// the structure must hold, and nothing else, with the letterhead's
// address lines joined by sep.
func letterText(l *referral.Letter, sep string) string {
	var parts []string
	add := func(s ...string) { parts = append(parts, s...) }
	for _, blk := range l.Blocks {
		switch v := blk.(type) {
		case *referral.Letterhead:
			add(v.Name)
			add(strings.Join(v.Lines, sep))
			for _, d := range v.Details {
				add(d.Key, d.Value)
			}
		case *referral.Addressee:
			add(v.Lines...)
		case *referral.Heading:
			add(v.Text)
		case *referral.Paragraph:
			add(v.Text)
		case *referral.Notice:
			add(v.Title)
			add(v.Lines...)
		case *referral.Summary:
			add(v.Title)
			for _, it := range v.Items {
				add(it.Key, it.Value)
			}
		case *referral.KeyValueList:
			for _, it := range v.Items {
				add(it.Key, it.Value)
			}
		case *referral.Table:
			add(v.Header...)
			for _, r := range v.Rows {
				add(r...)
			}
		case *referral.StatementBox:
			add(v.Title)
			add(v.Paragraphs...)
			add(v.Citation)
		case *referral.Signature:
			add(v.Closing)
			add(v.Lines...)
		case *referral.CopyList:
			add(v.Lines...)
		}
	}
	return normSpace(norm.NFC.String(strings.Join(parts, " ")))
}

// TestTaggedStructure: every testdata letter is tagged; its structure,
// read by poppler, holds the letter's text in reading order and nothing
// else (no page furniture); headings are H1/H2 and tables have header
// cells with a scope and a data cell for every cell of every row.
func TestTaggedStructure(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	for _, f := range letterFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			l := composeFile(t, f)
			pdf, _ := render(t, r, l)
			doc := readStructure(t, pdf)
			assertLetterText(t, l, doc.allText(), "the structure holds the letter's text, in order")
			assert.NotContains(t, doc.allText(), "Page 1 of", "page furniture is an artifact")
			assert.NotContains(t, doc.allText(), normSpace(l.Meta.Confidentiality))

			var h1, h2 []string
			var tables []*structNode
			for _, n := range doc.all() {
				switch n.role {
				case "H1":
					h1 = append(h1, n.allText())
				case "H2":
					h2 = append(h2, n.allText())
				case "Table":
					tables = append(tables, n)
				}
			}
			var wantH2 []string
			var wantTables []*referral.Table
			for _, blk := range l.Blocks {
				switch v := blk.(type) {
				case *referral.Letterhead:
					assert.Equal(t, []string{normSpace(v.Name)}, h1, "the practice's name is the one H1")
				case *referral.Heading:
					wantH2 = append(wantH2, normSpace(v.Text))
				case *referral.Notice:
					wantH2 = append(wantH2, normSpace(v.Title))
				case *referral.Summary:
					wantH2 = append(wantH2, normSpace(v.Title))
				case *referral.StatementBox:
					wantH2 = append(wantH2, normSpace(v.Title))
				case *referral.Table:
					wantTables = append(wantTables, v)
				}
			}
			assert.Equal(t, wantH2, h2, "headings")
			require.Len(t, tables, len(wantTables))
			for i, tab := range tables {
				assertTable(t, wantTables[i], tab)
			}
		})
	}
}

// assertTable checks a table read back against the letter's.
func assertTable(t *testing.T, want *referral.Table, got *structNode) {
	t.Helper()
	require.Len(t, got.kids, len(want.Rows)+1, "a header row and each row")
	for i, tr := range got.kids {
		require.Equal(t, "TR", tr.role)
		cells := want.Header
		role := "TH"
		if i > 0 {
			cells, role = want.Rows[i-1], "TD"
		}
		require.Len(t, tr.kids, len(want.Header), "row %d", i)
		for j, c := range tr.kids {
			assert.Equal(t, role, c.role, "row %d cell %d", i, j)
			w := ""
			if j < len(cells) {
				w = normSpace(cells[j])
			}
			assert.Equal(t, w, c.allText(), "row %d cell %d", i, j)
			if role == "TH" {
				assert.Contains(t, c.attrs, "/Scope /Column")
			}
		}
	}
}

// TestTaggedImages: a logo and a signature are Figures with alternative
// text naming what they are; their text around them keeps its order.
func TestTaggedImages(t *testing.T) {
	png := pngBytes(t, 300, 120, false)
	r, err := NewRenderer(WithLogo(png), WithSignature(png))
	require.NoError(t, err)
	l := handLetter()
	pdf, _ := render(t, r, l)
	validate(t, pdf)
	doc := readStructure(t, pdf)
	var figs []*structNode
	for _, n := range doc.all() {
		if n.role == "Figure" {
			figs = append(figs, n)
		}
	}
	require.Len(t, figs, 2)
	assertLetterText(t, l, doc.allText())
	// pdfinfo does not print alternative text: pdfread reads it (and
	// internal/conformance with pdfcpu).
	assert.Equal(t, []string{"Logo of Ashgrove Surgery", "Signature of Dr Łukasz Nowak"}, figureAlts(t, pdf))
}

// figureAlts walks the structure tree and returns the alternative text of
// each Figure that has marked content, in order.
func figureAlts(t *testing.T, pdf []byte) []string {
	t.Helper()
	f, err := pdfread.Read(pdf)
	require.NoError(t, err)
	root, ok := f.Get(f.Catalog()["StructTreeRoot"]).(pdfread.Dict)
	require.True(t, ok, "a structure tree")
	var alts []string
	var walk func(o any, depth int)
	walk = func(o any, depth int) {
		require.Less(t, depth, 50)
		switch v := f.Get(o).(type) {
		case []any:
			for _, k := range v {
				walk(k, depth+1)
			}
		case pdfread.Dict:
			if v["S"] == pdfread.Name("Figure") {
				require.NotNil(t, v["K"], "a Figure has content")
				alt, ok := pdfread.Text(f.Get(v["Alt"]))
				require.True(t, ok, "a Figure has alternative text")
				alts = append(alts, alt)
			}
			if k, ok := v["K"]; ok {
				walk(k, depth+1)
			}
		}
	}
	walk(root["K"], 0)
	return alts
}

// TestTaggedCatalog: the document says it is marked, its language, that
// viewers show its title, and that each page's tab order is its structure.
func TestTaggedCatalog(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, _ := render(t, r, handLetter())
	s := string(pdf)
	assert.Contains(t, s, "/MarkInfo <</Marked true>>")
	assert.Contains(t, s, "/Lang (en-GB)")
	assert.Contains(t, s, "/ViewerPreferences <</DisplayDocTitle true>>")
	pages := strings.Count(s, "<</Type /Page\n")
	require.Greater(t, pages, 1)
	assert.Equal(t, pages, strings.Count(s, "/Tabs /S\n"))
	assert.Equal(t, pages, strings.Count(s, "/StructParents "))
	assert.NotContains(t, s, "pdfuaid", "no PDF/UA claim")
	assert.NotContains(t, s, "pdfaid", "no PDF/A claim")
}

// TestMarkedContent: every piece of text drawn is in exactly one
// marked-content sequence; the page furniture (and only it, with a
// repeated table header) is an artifact.
func TestMarkedContent(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	for _, f := range letterFiles(t) {
		l := composeFile(t, f)
		pdf, _ := render(t, r, l)
		doc := readPDF(t, pdf)
		lay, err := r.layout(l, newCleaner(r.fs, l.Meta.Patient.Name), pdfobj.NewTree())
		require.NoError(t, err)
		footTop := (r.cfg.margin + lay.footer.h) / ptToMM // from the page's foot, in pt
		heads := map[string]bool{}                        // table header cells, repeated after a break
		for _, blk := range l.Blocks {
			if v, ok := blk.(*referral.Table); ok {
				for _, h := range v.Header {
					heads[h] = true
				}
			}
		}
		for i, page := range doc.pages {
			require.NotEmpty(t, page)
			for _, run := range page {
				require.Equal(t, 1, run.marks, "%s page %d: %q", filepath.Base(f), i+1, run.text)
				switch {
				case run.y < footTop:
					assert.True(t, run.artifact, "%s page %d: furniture %q", filepath.Base(f), i+1, run.text)
				case run.artifact:
					assert.True(t, i > 0 && run.bold && heads[run.text], "%s page %d: %q is an artifact", filepath.Base(f), i+1, run.text)
				}
			}
		}
	}
}

// TestTaggedRenderAll: a document of several letters has one structure
// tree spanning them all: poppler reads the letters' text in order, each
// part's letterhead its own H1, and no part's page furniture. Each part
// keeps its own page size rules: a standard letter followed by its
// large-print copy.
func TestTaggedRenderAll(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	reply, original := replyAndOriginal(t, "dermatology-eczema", true)
	letter := composeFile(t, filepath.Join(referralsDir, "msk-knee-osteoarthritis.json"))
	large := patientCopy(t, "msk-knee-osteoarthritis")
	require.Equal(t, 18.0, large.Meta.TextSize)
	for _, tc := range []struct {
		name  string
		parts []*referral.Letter
	}{
		{"reply and original", []*referral.Letter{reply, original}},
		{"letter and large print copy", []*referral.Letter{letter, large}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := r.RenderAll(&buf, tc.parts...)
			require.NoError(t, err)
			validate(t, buf.Bytes())
			doc := readStructure(t, buf.Bytes())
			var want, got []string
			pages := 0
			for _, l := range tc.parts {
				want = append(want, normSpace(l.Blocks[0].(*referral.Letterhead).Name))
				var one bytes.Buffer
				_, err := r.Render(&one, l)
				require.NoError(t, err)
				pages += strings.Count(one.String(), "<</Type /Page\n")
			}
			for _, n := range doc.all() {
				if n.role == "H1" {
					got = append(got, n.allText())
				}
			}
			assert.Equal(t, want, got, "each part's letterhead is an H1, in order")
			all := &referral.Letter{}
			for _, l := range tc.parts {
				all.Blocks = append(all.Blocks, l.Blocks...)
			}
			assertLetterText(t, all, doc.allText(), "the structure holds every part's text, in order")
			assert.NotContains(t, doc.allText(), "Page 1 of", "page furniture is an artifact")
			assert.Equal(t, pages, strings.Count(buf.String(), "/StructParents "), "every page of every part has its marked content")
		})
	}
}
