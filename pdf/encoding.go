package pdf

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Text is drawn with simple TrueType fonts: one byte a character, through
// fpdf's single-byte font path. fpdf's Unicode path parses the font file
// and hashes a 65,536-entry width table for every document, which cost
// most of a letter's time and memory; a simple font is a small definition
// and a font program cut and compressed once per process.
//
// A simple font has 224 codes (32 to 255), so the characters the family
// can show are spread over code pages. Page 0 holds ASCII at its own codes
// and, from 127, Latin-1 and the punctuation and symbols letters use; the
// other pages hold the rest. A line mixing pages is drawn as one run per
// page. Each code page is named in the PDF by a Differences encoding with
// glyph names "uniXXXX", which viewers and text extractors map back to
// Unicode.

// commonSymbols follow Latin-1 on page 0.
const commonSymbols = "‐‑‒–—―‘’‚“”„†‡•…‰′″‹›€™←↑→↓−≈≠≤≥"

// codePages is the fixed single-byte encoding of every character the font
// family has.
type codePages struct {
	at    []uint16    // by BMP rune: page<<8 | code, 0 when none
	runes [][256]rune // by page: the rune of each code, 0 when none
}

// newCodePages spreads the runes has accepts over pages.
func newCodePages(has func(rune) bool) *codePages {
	cp := &codePages{at: make([]uint16, 0x10000), runes: make([][256]rune, 1)}
	for r := rune(0x20); r <= 0x7e; r++ {
		cp.runes[0][r] = r
		cp.at[r] = uint16(r)
	}
	var order []rune
	for r := rune(0xa0); r <= 0xff; r++ {
		order = append(order, r)
	}
	order = append(order, []rune(commonSymbols)...)
	for r := rune(0x100); r < 0x10000; r++ {
		order = append(order, r)
	}
	page, code := 0, 127
	for _, r := range order {
		if !has(r) || cp.at[r] != 0 {
			continue
		}
		if code > 255 {
			page, code = page+1, 32
			cp.runes = append(cp.runes, [256]rune{})
		}
		cp.runes[page][code] = r
		cp.at[r] = uint16(page<<8 | code)
		code++
	}
	return cp
}

// lookup returns the page and code of r; ok is false when no page has it.
func (cp *codePages) lookup(r rune) (page int, code byte, ok bool) {
	if r < 0 || int(r) >= len(cp.at) || cp.at[r] == 0 {
		return 0, 0, false
	}
	v := cp.at[r]
	return int(v >> 8), byte(v), true
}

// pagesOf returns the sorted pages the runes in used fall on.
func (cp *codePages) pagesOf(used map[rune]struct{}) []int {
	var seen [256]bool
	var pages []int
	for r := range used {
		if p, _, ok := cp.lookup(r); ok && !seen[p] {
			seen[p] = true
			pages = append(pages, p)
		}
	}
	slices.Sort(pages)
	return pages
}

// differences is the PDF Differences array of a page: ASCII keeps the base
// encoding's codes on page 0; every other code is named.
func (cp *codePages) differences(page int) string {
	first := 32
	if page == 0 {
		first = 127
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(first))
	for c := first; c <= 255; c++ {
		if r := cp.runes[page][c]; r != 0 {
			fmt.Fprintf(&b, " /uni%04X", r)
		} else {
			b.WriteString(" /.notdef")
		}
	}
	return b.String()
}

// fontDef is the font definition fpdf's AddFontFromBytes reads (the JSON
// its makefont tool writes).
type fontDef struct {
	Tp           string
	Name         string
	Desc         fontDesc
	Up, Ut       int
	Cw           []int
	Enc          string
	Diff         string
	File         string
	OriginalSize int
}

type fontDesc struct {
	Ascent, Descent, CapHeight, Flags int
	FontBBox                          struct{ Xmin, Ymin, Xmax, Ymax int }
	ItalicAngle, StemV, MissingWidth  int
}

// flagNonsymbolic marks a font whose characters are from the standard
// Latin set, so that viewers use the encoding's glyph names.
const flagNonsymbolic = 32

// definition returns fpdf's definition of code page page of face f with
// font program prog.
func (cp *codePages) definition(f *face, page int, prog *program) ([]byte, error) {
	m := f.m
	em := func(v float64) int { return int(math.Round(v * 1000 / m.unitsPerEm)) }
	d := fontDef{
		Tp:   "TrueType",
		Name: prog.tag + "+" + f.name,
		Cw:   make([]int, 256),
		Diff: cp.differences(page),
		File: prog.file,
		// fpdf writes the program's length before compression as Length1.
		OriginalSize: prog.size,
	}
	for c, r := range cp.runes[page] {
		if r != 0 && m.has(r) {
			d.Cw[c] = em(float64(m.adv[r]))
		}
	}
	d.Desc = fontDesc{
		Ascent:      em(m.ascent),
		Descent:     -em(m.descent),
		CapHeight:   em(float64(m.capHeight)),
		Flags:       flagNonsymbolic,
		ItalicAngle: m.italicAngle,
		// PDF wants a stem width; fonts do not record one. This is the
		// usual estimate from the weight class.
		StemV: 50 + int(math.Pow(float64(m.weight)/65, 2)),
	}
	d.Desc.FontBBox.Xmin, d.Desc.FontBBox.Ymin = em(float64(m.bbox[0])), em(float64(m.bbox[1]))
	d.Desc.FontBBox.Xmax, d.Desc.FontBBox.Ymax = em(float64(m.bbox[2])), em(float64(m.bbox[3]))
	return json.Marshal(d)
}
