package pdf

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
	"github.com/refletter/refletter/referral"
)

// runOf returns the first body run on page p whose text is s.
func runOf(doc *pdfDoc, p int, s string) (textRun, bool) {
	for _, r := range doc.body(p) {
		if r.text == s {
			return r, true
		}
	}
	return textRun{}, false
}

// assertSignOff checks that the signature shares its page with at least
// signOffLead lines of the body above it, and that the copies are on the
// same page: no page holds only the sign-off or the copies.
func assertSignOff(t *testing.T, l *referral.Letter, doc *pdfDoc) {
	t.Helper()
	var sig *referral.Signature
	var cc *referral.CopyList
	for _, b := range l.Blocks {
		switch v := b.(type) {
		case *referral.Signature:
			sig = v
		case *referral.CopyList:
			cc = v
		}
	}
	require.NotNil(t, sig)
	p := pageOf(doc, sig.Closing)
	require.GreaterOrEqual(t, p, 0, "the closing is not in the PDF")
	closing, _ := runOf(doc, p, sig.Closing)
	above := map[float64]bool{}
	for _, r := range doc.body(p) {
		if r.y > closing.y+0.5 {
			above[math.Round(r.y*10)] = true
		}
	}
	assert.GreaterOrEqual(t, len(above), signOffLead, "page %d: the sign-off has fewer than %d lines of the body above it", p+1, signOffLead)
	if cc == nil {
		return
	}
	var page strings.Builder
	for _, r := range doc.body(p) {
		page.WriteString(r.text)
	}
	for _, line := range cc.Lines {
		assert.Contains(t, squash(page.String()), squash(line), "page %d: a copy line is not on the page of the signature", p+1)
	}
}

// TestPagesOfEveryLetter reads back every letter of testdata/referrals
// from its PDF: the At a glance block is on page 1, the sign-off is never
// alone, an urgent letter says so on every page, the salutation starts in
// the top half of page 1 when no panel comes before it, and a date in a
// table is never wrapped.
func TestPagesOfEveryLetter(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	for _, f := range letterFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			l := composeFile(t, f)
			pdf, _ := render(t, r, l)
			doc := readPDF(t, pdf)
			t.Logf("%s: %d pages", name, len(doc.pages))

			var glance *referral.Summary
			panel := false
			for _, b := range l.Blocks {
				switch v := b.(type) {
				case *referral.Summary:
					glance = v
				case *referral.Notice:
					panel = true
				case *referral.Table:
					assertNoWrap(t, v, doc)
				}
			}
			require.NotNil(t, glance)
			assert.Equal(t, 0, pageOf(doc, glance.Title), "At a glance is on page 1")
			for _, it := range glance.Items {
				assert.Equal(t, 0, pageOf(doc, it.Key), "At a glance item %s is on page 1", it.Key)
			}

			assertSignOff(t, l, doc)

			if l.Meta.PageMark != "" {
				for p := range doc.pages {
					assert.Contains(t, doc.footer(p), l.Meta.PageMark, "page %d", p+1)
				}
			} else {
				for p := range doc.pages {
					assert.NotContains(t, doc.footer(p), "Urgent", "page %d", p+1)
				}
			}

			if !panel {
				var dear textRun
				found := false
				for _, r := range doc.body(0) {
					if strings.HasPrefix(r.text, "Dear ") {
						dear, found = r, true
					}
				}
				require.True(t, found, "the salutation is on page 1")
				assert.Greater(t, dear.y, pageH/2/ptToMM, "the salutation starts above the middle of page 1")
			}
		})
	}
}

// assertNoWrap checks that each cell of a no-wrap column that fits in a
// third of the width is printed whole on one line.
func assertNoWrap(t *testing.T, v *referral.Table, doc *pdfDoc) {
	t.Helper()
	fs, err := loadFonts()
	require.NoError(t, err)
	for c, nw := range v.NoWrap {
		if !nw {
			continue
		}
		for _, row := range v.Rows {
			if c >= len(row) || row[c] == "" || fs.faces[regular].m.width(row[c], smallSize) > (pageW-40)/3-4 {
				continue
			}
			assert.GreaterOrEqual(t, pageOfRun(doc, row[c]), 0, "%s: %q is wrapped", v.Path, row[c])
		}
	}
}

// pageOfRun returns the page of the first body run equal to s, or -1.
func pageOfRun(doc *pdfDoc, s string) int { return pageOf(doc, s) }

// readmeExample returns the short example referral from the README.
func readmeExample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, rest, ok := bytes.Cut(b, []byte("```json\n"))
	require.True(t, ok, "the README has a JSON example")
	js, _, ok := bytes.Cut(rest, []byte("```"))
	require.True(t, ok)
	return js
}

// TestShortReferralOnePage: the README's short example, with medication
// and allergies, renders on one A4 page, the statement included.
func TestShortReferralOnePage(t *testing.T) {
	l, err := composeJSON(readmeExample(t))
	require.NoError(t, err)
	var meds, allergies bool
	for _, b := range l.Blocks {
		if tb, ok := b.(*referral.Table); ok {
			meds = meds || tb.Path == "medications.items" && len(tb.Rows) > 0
			allergies = allergies || tb.Path == "allergies.items" && len(tb.Rows) > 0
		}
	}
	require.True(t, meds && allergies, "the example lists medication and allergies")
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, _ := render(t, r, l)
	writeDump(t, "readme-example", pdf)
	doc := readPDF(t, pdf)
	assert.Len(t, doc.pages, 1)
	assertAllText(t, l, doc)
	assert.GreaterOrEqual(t, pageOf(doc, "About this referral"), 0, "the statement is on the page")
}

// TestUrgentBannerDistinct: the urgent banner is drawn unlike any
// information panel (a red frame and bar, a red title), and the page
// furniture carries the letter's page mark.
func TestUrgentBannerDistinct(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	l := handLetter()
	at := blockIndex(t, l, "priority", &referral.Notice{})
	l.Blocks = append(l.Blocks[:at+1], append([]referral.Block{&referral.Notice{Title: "Communication needs",
		Lines: []string{"Interpreter needed: Polish"}, Path: "communication"}}, l.Blocks[at+1:]...)...)
	lay, err := r.layout(l, newCleaner(r.fs, ""), pdfobj.NewTree())
	require.NoError(t, err)
	require.Len(t, lay.boxes, 2, "one urgent banner and one information panel")
	urgent, info := lay.boxes[0], lay.boxes[1]
	assert.True(t, urgent.hasBorder && urgent.borderW > 0.5, "the urgent banner has a heavy frame")
	assert.Equal(t, urgentRed, urgent.bar)
	assert.False(t, info.hasBorder, "an information panel has no frame")
	assert.NotEqual(t, urgent.bar, info.bar)
	assert.NotEqual(t, urgent.fill, info.fill)
	titleColour := map[string]rgb{}
	for _, u := range lay.units {
		for _, o := range u.ops {
			if o.kind == opText && (o.text == "URGENT REFERRAL" || o.text == "Communication needs") {
				titleColour[o.text] = o.colour
			}
		}
	}
	assert.Equal(t, urgentRed, titleColour["URGENT REFERRAL"])
	assert.NotEqual(t, urgentRed, titleColour["Communication needs"])
	assert.Equal(t, "Urgent", lay.footer.mark)

	l.Meta.PageMark = ""
	lay, err = r.layout(l, newCleaner(r.fs, ""), pdfobj.NewTree())
	require.NoError(t, err)
	assert.Empty(t, lay.footer.mark, "a routine letter's footer has no mark")
}

// TestRowsNeverSplit moves a key/value list and a table down the page
// line by line: an item or a row shorter than a page always lands whole on
// one page, read back from the PDF by the words that open and close it.
func TestRowsNeverSplit(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	long := "ItemStart " + words(60) + " ItemEnd"
	for _, field := range []string{"patientView", "investigations"} {
		broke := 0
		for n := 0; n <= 70; n++ {
			l := handLetter()
			for _, b := range l.Blocks {
				switch v := b.(type) {
				case *referral.KeyValueList:
					if v.Path == field {
						v.Items[1].Value = long
					}
				case *referral.Table:
					if v.Path == field {
						v.Rows[0][1] = long
					}
				}
			}
			at := blockIndex(t, l, field, &referral.Heading{})
			if n > 0 {
				filler := strings.TrimSuffix(strings.Repeat("Filler line.\n", n), "\n")
				l.Blocks = append(l.Blocks[:at], append([]referral.Block{&referral.Paragraph{Text: filler, Path: "history"}}, l.Blocks[at:]...)...)
			}
			pdf, _ := render(t, r, l)
			doc := readPDF(t, pdf)
			first, last := pageWith(doc, "ItemStart"), pageWith(doc, "ItemEnd")
			require.GreaterOrEqual(t, first, 0)
			assert.Equal(t, first, last, "%s, n=%d: the item is split over pages", field, n)
			if first > 0 && pageWith(doc, "Filler line.") == first-1 {
				broke++
			}
		}
		assert.Positive(t, broke, "%s: no case moved the item to a new page, so the sweep proved nothing", field)
	}
}

// pageWith returns the page of the first body run holding s, or -1.
func pageWith(doc *pdfDoc, s string) int {
	for p := range doc.pages {
		for _, r := range doc.body(p) {
			if strings.Contains(r.text, s) {
				return p
			}
		}
	}
	return -1
}

// TestStatementPlacement: the statement goes beside the signature, in a
// column to its right at the same height, so that it takes no height of
// its own; a statement too long for that column goes above the
// signature, full width, and the signature still keeps body lines with it.
func TestStatementPlacement(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	place := func(l *referral.Letter) (closing, title textRun, page int) {
		doc := readPDF(t, func() []byte { p, _ := render(t, r, l); return p }())
		page = pageOf(doc, "Yours sincerely")
		require.GreaterOrEqual(t, page, 0)
		closing, _ = runOf(doc, page, "Yours sincerely")
		tp := pageOf(doc, "About this referral")
		require.GreaterOrEqual(t, tp, 0)
		title, _ = runOf(doc, tp, "About this referral")
		assert.Equal(t, page, tp, "the statement is on the page of the signature")
		assertSignOff(t, l, doc)
		return closing, title, page
	}
	closing, title, _ := place(handLetter())
	assert.Greater(t, title.x, closing.x+50/ptToMM, "the statement is in a column right of the signature")
	assert.InDelta(t, closing.y, title.y, 4/ptToMM, "and starts at the height of the closing")

	l := handLetter()
	at := blockIndex(t, l, "statement", &referral.StatementBox{})
	st := l.Blocks[at].(*referral.StatementBox)
	st.Paragraphs = append(st.Paragraphs, words(400))
	closing, title, page := place(l)
	assert.InDelta(t, closing.x, title.x, 0.5, "a long statement is full width")
	assert.Greater(t, title.y, closing.y, "above the signature")
	// The statement is kept with the signature, and the body's last lines
	// with both.
	doc := readPDF(t, func() []byte { p, _ := render(t, r, l); return p }())
	above := map[float64]bool{}
	for _, run := range doc.body(page) {
		if run.y > title.y+0.5 {
			above[math.Round(run.y*10)] = true
		}
	}
	assert.GreaterOrEqual(t, len(above), signOffLead, "body lines above the stacked statement")
}
