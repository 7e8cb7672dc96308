package ttf

import (
	"math"
	"math/bits"
	"slices"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
)

// Text is drawn with simple TrueType fonts: one byte a character. fpdf's
// Unicode path parses the font file and hashes a 65,536-entry width table
// for every document, which cost most of a letter's time and memory; a
// simple font is a font program cut once per process (or, for the few
// characters a letter has beyond page 0, cut for it quickly) and a few
// small objects, which pdfobj writes.
//
// A simple font has at most 256 codes, so the characters the family can
// show are spread over code pages. Page 0 holds ASCII at its own codes
// and, from 127, Latin-1 and the punctuation and symbols letters use; the
// other pages hold the rest, from code 33 (32 is left alone: PDF word
// spacing applies to it). Each page is its own symbolic font, whose cmap
// maps codes straight to glyphs (see subset.go), with a ToUnicode CMap that
// says what each code means (which pdfobj writes). A line mixing pages is
// drawn as one run a page.

// commonSymbols follow Latin-1 on page 0.
const commonSymbols = "‐‑‒–—―‘’‚“”„†‡•…‰′″‹›€™←↑→↓−≈≠≤≥"

// CodePages is the fixed single-byte encoding of every character the font
// family has.
type CodePages struct {
	at    []uint16    // by BMP rune: page<<8 | code, 0 when none
	Runes [][256]rune // by page: the rune of each code, 0 when none
}

// NewCodePages spreads the runes any of faces has over pages.
func NewCodePages(faces ...*Metrics) *CodePages {
	cp := &CodePages{at: make([]uint16, 0x10000), Runes: make([][256]rune, 1)}
	for r := rune(0x20); r <= 0x7e; r++ {
		cp.Runes[0][r] = r
		cp.at[r] = uint16(r)
	}
	page, code := 0, 127
	place := func(r rune) {
		if cp.at[r] != 0 {
			return
		}
		if code > 255 {
			page, code = page+1, 33
			cp.Runes = append(cp.Runes, [256]rune{})
		}
		cp.Runes[page][code] = r
		cp.at[r] = uint16(page<<8 | code)
		code++
	}
	has := func(r rune) bool {
		for _, m := range faces {
			if m.Has(r) {
				return true
			}
		}
		return false
	}
	for r := rune(0xa0); r <= 0xff; r++ {
		if has(r) {
			place(r)
		}
	}
	for _, r := range commonSymbols {
		if has(r) {
			place(r)
		}
	}
	// The rest in increasing order: the faces' runes from U+0100 as a set,
	// read a word at a time.
	var rest [0x10000 / 64]uint64
	for _, m := range faces {
		for _, r := range m.runes {
			if r >= 0x100 && r < 0x10000 {
				rest[r/64] |= 1 << (r % 64)
			}
		}
	}
	for i, w := range rest {
		for w != 0 {
			place(rune(i*64 + bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return cp
}

// Lookup returns the page and code of r; ok is false when no page has it.
func (cp *CodePages) Lookup(r rune) (page int, code byte, ok bool) {
	if r < 0 || int(r) >= len(cp.at) || cp.at[r] == 0 {
		return 0, 0, false
	}
	v := cp.at[r]
	return int(v >> 8), byte(v), true
}

// PagesOf returns the sorted pages the runes in used fall on.
func (cp *CodePages) PagesOf(used map[rune]struct{}) []int {
	var seen [256]bool
	var pages []int
	for r := range used {
		if p, _, ok := cp.Lookup(r); ok && !seen[p] {
			seen[p] = true
			pages = append(pages, p)
		}
	}
	slices.Sort(pages)
	return pages
}

// flagSymbolic marks a font whose characters are not read through a
// standard encoding: viewers map codes to glyphs with its cmap.
const flagSymbolic = 4

// Descriptor returns what the PDF font descriptor of face f's fonts says
// of it. They are symbolic TrueType fonts, with no encoding.
func (f *Face) Descriptor() pdfobj.Descriptor {
	m := f.M
	em := func(v int) int { return m.Em(float64(v)) }
	return pdfobj.Descriptor{
		Ascent:      m.Em(m.Ascent),
		Descent:     -m.Em(m.Descent),
		CapHeight:   em(m.CapHeight),
		Flags:       flagSymbolic,
		BBox:        [4]int{em(m.BBox[0]), em(m.BBox[1]), em(m.BBox[2]), em(m.BBox[3])},
		ItalicAngle: m.ItalicAngle,
		// PDF wants a stem width; fonts do not record one. This is the
		// usual estimate from the weight class.
		StemV: 50 + int(math.Pow(float64(m.Weight)/65, 2)),
	}
}
