package pdf

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

// want is a string of the letter tree that must reach the page. Most
// strings are drawn in one piece (wrapped, perhaps); a key and value of a
// list are drawn side by side, so their lines interleave and only the order
// of their words is kept.
type want struct {
	text   string
	whole  bool
	source string
}

// letterStrings walks the letter tree and lists every string in it.
func letterStrings(l *referral.Letter) []want {
	var ws []want
	add := func(whole bool, src string, ss ...string) {
		for _, s := range ss {
			if strings.TrimSpace(s) != "" {
				ws = append(ws, want{text: s, whole: whole, source: src})
			}
		}
	}
	for _, b := range l.Blocks {
		switch v := b.(type) {
		case *referral.Letterhead:
			add(true, v.Path, v.Name)
			add(true, v.Path, v.Lines...)
			for _, d := range v.Details {
				add(true, v.Path, d.Key, d.Value)
			}
		case *referral.Addressee:
			add(true, v.Path, v.Lines...)
		case *referral.Heading:
			add(true, v.Path, v.Text)
		case *referral.Paragraph:
			add(true, v.Path, v.Text)
		case *referral.Notice:
			add(true, v.Path, v.Title)
			add(true, v.Path, v.Lines...)
		case *referral.Summary:
			add(true, v.Path, v.Title)
			for _, it := range v.Items {
				add(false, v.Path, it.Key, it.Value)
			}
		case *referral.KeyValueList:
			for _, it := range v.Items {
				add(false, v.Path, it.Key, it.Value)
			}
		case *referral.Table:
			add(true, v.Path, v.Header...)
			for _, r := range v.Rows {
				add(true, v.Path, r...)
			}
		case *referral.StatementBox:
			add(true, v.Path, v.Title, v.Citation)
			add(true, v.Path, v.Paragraphs...)
		case *referral.Signature:
			add(true, v.Path, v.Closing)
			add(true, v.Path, v.Lines...)
		case *referral.CopyList:
			add(true, v.Path, v.Lines...)
		default:
			panic(fmt.Sprintf("test does not know block %T", b))
		}
	}
	return ws
}

// assertAllText checks that every string of the letter is in the PDF's body.
func assertAllText(t *testing.T, l *referral.Letter, doc *pdfDoc) {
	t.Helper()
	body := squash(doc.bodyText())
	for _, w := range letterStrings(l) {
		s := squash(w.text)
		if w.whole {
			assert.Contains(t, body, s, "from %s", w.source)
			continue
		}
		pos := 0
		for _, word := range strings.Fields(w.text) {
			i := strings.Index(body[pos:], word)
			if !assert.GreaterOrEqual(t, i, 0, "word %q of %s", word, w.source) {
				break
			}
			pos += i + len(word)
		}
	}
}

// assertFurniture checks the footer of every page.
func assertFurniture(t *testing.T, l *referral.Letter, doc *pdfDoc) {
	t.Helper()
	n := len(doc.pages)
	require.Equal(t, len(doc.boxes), n, "the page tree's pages")
	for i := range doc.pages {
		f := squash(doc.footer(i))
		assert.Contains(t, f, squash(l.Meta.Patient.Name), "page %d", i+1)
		assert.Contains(t, f, squash(l.Meta.Patient.DateOfBirth), "page %d", i+1)
		assert.Contains(t, f, squash(l.Meta.Patient.NHSNumber), "page %d", i+1)
		assert.Contains(t, f, squash(l.Meta.Confidentiality), "page %d", i+1)
		assert.Contains(t, f, squash(fmt.Sprintf("Page %d of %d", i+1, n)), "page %d", i+1)
	}
}

// assertNoHeadingLast checks that no page but the last ends with a heading.
func assertNoHeadingLast(t *testing.T, l *referral.Letter, doc *pdfDoc) {
	t.Helper()
	headings := map[string]bool{}
	for _, b := range l.Blocks {
		if h, ok := b.(*referral.Heading); ok {
			headings[h.Text] = true
		}
	}
	for i := 0; i < len(doc.pages)-1; i++ {
		body := doc.body(i)
		if assert.NotEmpty(t, body, "page %d has no body text", i+1) {
			last := body[len(body)-1]
			assert.False(t, headings[last.text] && last.bold, "page %d ends with the heading %q", i+1, last.text)
		}
	}
}

func TestRenderReferrals(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	for _, f := range letterFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			l := composeFile(t, f)
			pdf, ws := render(t, r, l)
			writeDump(t, name, pdf)
			assert.Empty(t, ws, "testdata referrals use only characters the font has")
			validate(t, pdf)
			assert.Less(t, len(pdf), 60_000, "PDF size")
			doc := readPDF(t, pdf)
			assertAllText(t, l, doc)
			assertFurniture(t, l, doc)
			assertNoHeadingLast(t, l, doc)
		})
	}
}

func TestDiacritics(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	for file, name := range map[string]string{
		"endocrinology-hyperthyroidism.json":        "Zoë",
		"mental-health-postnatal-depression.json":   "Siobhán Ó Súilleabháin",
		"ent-recurrent-tonsillitis.json":            "Łukasz Zieliński",
		"gynaecology-heavy-menstrual-bleeding.json": "Chloë",
	} {
		t.Run(file, func(t *testing.T) {
			l := composeFile(t, filepath.Join(referralsDir, file))
			pdf, ws := render(t, r, l)
			assert.Empty(t, ws)
			doc := readPDF(t, pdf)
			assert.Contains(t, doc.bodyText(), name)
			for i := range doc.pages {
				assert.Contains(t, doc.footer(i), name, "footer of page %d", i+1)
			}
		})
	}
}

// TestDetailKeyLineBreak: a letterhead detail whose key holds a line break
// is printed on lines of its own, not refused.
func TestDetailKeyLineBreak(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	l := handLetter()
	lh := l.Blocks[blockIndex(t, l, "practice", &referral.Letterhead{})].(*referral.Letterhead)
	lh.Details[0].Key = "Tel\n(8am to 6pm)"
	pdf, _ := render(t, r, l)
	body := readPDF(t, pdf).bodyText()
	for _, s := range []string{"Tel", "(8am to 6pm)", "0113 496 0000"} {
		assert.Contains(t, body, s)
	}
}
