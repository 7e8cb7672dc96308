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
			assert.GreaterOrEqual(t, pageOfRun(doc, row[c]), 0, "%s: %q is wrapped", v.Field, row[c])
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
			meds = meds || tb.Field == "medications.items" && len(tb.Rows) > 0
			allergies = allergies || tb.Field == "allergies.items" && len(tb.Rows) > 0
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
