package pdf

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

// words makes n words of plausible clinical prose, with a paragraph break
// every 120 words.
func words(n int) string {
	vocab := strings.Fields("the patient reports intermittent pain swelling of both knees worse on stairs " +
		"and after rest with morning stiffness lasting about forty minutes; no fever, weight loss or night sweats. " +
		"Examination showed crepitus, a small effusion on the right and full extension.")
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			if i%120 == 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(vocab[(i*7+i/5)%len(vocab)])
	}
	return b.String()
}

// assertInside checks that every piece of text lies within the margins:
// nothing is clipped or runs off the page.
func assertInside(t *testing.T, doc *pdfDoc) {
	t.Helper()
	fs, err := loadFonts()
	require.NoError(t, err)
	const eps = 0.5 // pt
	left, right := 20/ptToMM, (pageW-20)/ptToMM
	bottom, top := 20/ptToMM, (pageH-20)/ptToMM
	for p := range doc.pages {
		for _, r := range doc.pages[p] {
			st := regular
			if r.bold {
				st = bold
			}
			w := fs.faces[st].m.width(r.text, r.size) / ptToMM
			assert.GreaterOrEqual(t, r.x, left-eps, "page %d: text starts left of the margin", p+1)
			assert.LessOrEqual(t, r.x+w, right+eps, "page %d: text runs past the right margin: %.60q", p+1, r.text)
			assert.GreaterOrEqual(t, r.y, bottom-eps, "page %d: text below the bottom margin", p+1)
			assert.LessOrEqual(t, r.y, top+eps, "page %d: text above the top margin", p+1)
		}
	}
}

func TestLongContent(t *testing.T) {
	longWord := strings.Repeat("Pneumonoultramicroscopicsilicovolcanoconiosis", 9)[:400]
	require.Len(t, longWord, 400)
	cases := []struct {
		name     string
		edit     func(l *referral.Letter)
		minPages int
	}{
		{"5000-word history", func(l *referral.Letter) {
			i := blockIndex(t, l, "history", &referral.Paragraph{})
			l.Blocks[i].(*referral.Paragraph).Text = words(5000)
		}, 8},
		{"60 medications", func(l *referral.Letter) {
			tb := l.Blocks[blockIndex(t, l, "medications.items", &referral.Table{})].(*referral.Table)
			tb.Rows = nil
			for i := 1; i <= 60; i++ {
				tb.Rows = append(tb.Rows, []string{fmt.Sprintf("Medicine number %d 10 mg tablets", i),
					fmt.Sprintf("Take %d tablets each morning with food, reducing as directed by the clinic", i%4+1), "2025"})
			}
		}, 4},
		{"400-character word", func(l *referral.Letter) {
			i := blockIndex(t, l, "history", &referral.Paragraph{})
			l.Blocks[i].(*referral.Paragraph).Text = "Before " + longWord + " after."
			tb := l.Blocks[blockIndex(t, l, "investigations", &referral.Table{})].(*referral.Table)
			tb.Rows[0][3] = longWord
			kv := l.Blocks[blockIndex(t, l, "patientView", &referral.KeyValueList{})].(*referral.KeyValueList)
			kv.Items[1].Value = longWord
			kv.Items[0].Key = longWord[:120]
		}, 2},
		{"very long address line", func(l *referral.Letter) {
			line := "Flat 12, The Old Mill Building, " + strings.Repeat("Long Lane Industrial Estate, ", 12) + "Leeds"
			l.Blocks[0].(*referral.Letterhead).Lines[0] = line
			l.Blocks[1].(*referral.Addressee).Lines[1] = line
			l.Blocks[0].(*referral.Letterhead).Details[0].Value = longWord[:90]
		}, 2},
	}
	r, err := NewRenderer()
	require.NoError(t, err)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := handLetter()
			c.edit(l)
			pdf, ws := render(t, r, l)
			writeDump(t, "long-"+strings.ReplaceAll(c.name, " ", "-"), pdf)
			assert.Empty(t, ws)
			validate(t, pdf)
			doc := readPDF(t, pdf)
			assert.GreaterOrEqual(t, len(doc.pages), c.minPages)
			assertAllText(t, l, doc)
			assertFurniture(t, l, doc)
			assertNoHeadingLast(t, l, doc)
			assertInside(t, doc)
		})
	}
}

// TestTableHeaderRepeats checks that a table broken across pages starts
// each later page with its header row.
func TestTableHeaderRepeats(t *testing.T) {
	l := handLetter()
	tb := l.Blocks[blockIndex(t, l, "medications.items", &referral.Table{})].(*referral.Table)
	tb.Rows = nil
	for i := 1; i <= 90; i++ {
		tb.Rows = append(tb.Rows, []string{fmt.Sprintf("Row%03d medicine", i), "One daily", "2024"})
	}
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, _ := render(t, r, l)
	doc := readPDF(t, pdf)
	pagesWithRows := 0
	for p := range doc.pages {
		body := doc.body(p)
		first := -1
		for i, run := range body {
			if strings.HasPrefix(run.text, "Row") {
				first = i
				break
			}
		}
		if first < 0 {
			continue
		}
		pagesWithRows++
		require.GreaterOrEqual(t, first, 3, "page %d: rows with no header above them", p+1)
		head := body[first-3 : first]
		assert.Equal(t, []string{"Medicine", "Dose", "Since"}, []string{head[0].text, head[1].text, head[2].text}, "page %d", p+1)
		for _, h := range head {
			assert.True(t, h.bold, "page %d: header cell %q not bold", p+1, h.text)
		}
	}
	assert.GreaterOrEqual(t, pagesWithRows, 3, "the table should span at least three pages")
}

// sweep renders the hand letter with n filler lines inserted before block
// index at, for n from 0 to 70, so that the block meets the foot of a page
// at every possible position.
func sweep(t *testing.T, at int, check func(n int, l *referral.Letter, doc *pdfDoc)) {
	r, err := NewRenderer()
	require.NoError(t, err)
	for n := 0; n <= 70; n++ {
		l := handLetter()
		filler := make([]string, n)
		for i := range filler {
			filler[i] = fmt.Sprintf("Filler line %d.", i+1)
		}
		if n > 0 {
			p := &referral.Paragraph{Text: strings.Join(filler, "\n"), Path: "history"}
			l.Blocks = append(l.Blocks[:at], append([]referral.Block{p}, l.Blocks[at:]...)...)
		}
		pdf, _ := render(t, r, l)
		check(n, l, readPDF(t, pdf))
	}
}

// pageOf returns the page (0-based) of the first body run equal to s, or -1.
func pageOf(doc *pdfDoc, s string) int {
	for p := range doc.pages {
		for _, r := range doc.body(p) {
			if r.text == s {
				return p
			}
		}
	}
	return -1
}

// TestSignatureNeverSplit moves the signature down a page line by line:
// it is never split, never alone on a page (the last lines of the body
// before it share its page), and the copies stay with it.
func TestSignatureNeverSplit(t *testing.T) {
	l := handLetter()
	at := blockIndex(t, l, "referrer", &referral.Signature{})
	sig := l.Blocks[at].(*referral.Signature)
	moved := 0
	sweep(t, at, func(n int, l *referral.Letter, doc *pdfDoc) {
		p := pageOf(doc, sig.Closing)
		require.GreaterOrEqual(t, p, 0)
		var onPage []string
		for _, r := range doc.body(p) {
			onPage = append(onPage, r.text)
		}
		for _, line := range sig.Lines {
			assert.Contains(t, onPage, line, "n=%d: %q is not on the page of the closing", n, line)
		}
		assertSignOff(t, l, doc)
		if n > 0 && pageOf(doc, "Filler line 1.") < p {
			moved++
		}
	})
	assert.Positive(t, moved, "no case pushed the signature to a new page, so the sweep proved nothing")
}

func TestHeadingNeverLast(t *testing.T) {
	l := handLetter()
	at := blockIndex(t, l, "history", &referral.Heading{})
	moved := 0
	sweep(t, at, func(n int, l *referral.Letter, doc *pdfDoc) {
		assertNoHeadingLast(t, l, doc)
		hp := pageOf(doc, "History of presenting complaint")
		if n > 0 && pageOf(doc, fmt.Sprintf("Filler line %d.", n)) == hp-1 {
			moved++
		}
	})
	assert.Positive(t, moved, "no case pushed the heading to a new page, so the sweep proved nothing")
}
