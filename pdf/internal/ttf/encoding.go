package ttf

import (
	"encoding/json"
	"math"
	"math/bits"
	"slices"
	"strconv"
)

// Text is drawn with simple TrueType fonts: one byte a character, through
// fpdf's single-byte font path. fpdf's Unicode path parses the font file
// and hashes a 65,536-entry width table for every document, which cost
// most of a letter's time and memory; a simple font is a small definition
// and a font program cut and compressed once per process.
//
// A simple font has at most 256 codes, so the characters the family can
// show are spread over code pages. Page 0 holds ASCII at its own codes
// and, from 127, Latin-1 and the punctuation and symbols letters use; the
// other pages hold the rest, from code 33 (32 is left alone: PDF word
// spacing applies to it). Each page is its own symbolic font, whose cmap
// maps codes straight to glyphs (see subset.go), with a ToUnicode CMap that
// says what each code means (a ToUnicode CMap, which pdfobj writes). A line mixing pages is drawn
// as one run a page.

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

// fontDef is the font definition fpdf's AddFontFromBytes reads (the JSON
// its makefont tool writes).
type fontDef struct {
	Tp           string
	Name         string
	Desc         fontDesc
	Cw           []int
	File         string
	OriginalSize int
}

type fontDesc struct {
	Ascent, Descent, CapHeight, Flags int
	FontBBox                          struct{ Xmin, Ymin, Xmax, Ymax int }
	ItalicAngle, StemV                int
}

// flagSymbolic marks a font whose characters are not read through a
// standard encoding: viewers map codes to glyphs with its cmap.
const flagSymbolic = 4

// Definition returns fpdf's definition of face f's font for a code page,
// whose program is prog. fpdf writes it with /Encoding /WinAnsiEncoding,
// which pdfobj.Finish removes: a symbolic TrueType font has no encoding.
// It is the JSON encoding/json makes of it, written directly: the first
// use of encoding/json's encoder for a type was a tenth of a millisecond
// of a fresh process.
func (f *Face) Definition(page int, prog *Program) ([]byte, error) {
	d := f.definition(page, prog)
	if !plain(d.Name) || !plain(d.File) {
		return json.Marshal(d)
	}
	b := make([]byte, 0, 1536)
	b = append(b, `{"Tp":"`...)
	b = append(b, d.Tp...)
	b = append(b, `","Name":"`...)
	b = append(b, d.Name...)
	b = append(b, `","Desc":{"Ascent":`...)
	b = strconv.AppendInt(b, int64(d.Desc.Ascent), 10)
	b = append(b, `,"Descent":`...)
	b = strconv.AppendInt(b, int64(d.Desc.Descent), 10)
	b = append(b, `,"CapHeight":`...)
	b = strconv.AppendInt(b, int64(d.Desc.CapHeight), 10)
	b = append(b, `,"Flags":`...)
	b = strconv.AppendInt(b, int64(d.Desc.Flags), 10)
	b = append(b, `,"FontBBox":{"Xmin":`...)
	b = strconv.AppendInt(b, int64(d.Desc.FontBBox.Xmin), 10)
	b = append(b, `,"Ymin":`...)
	b = strconv.AppendInt(b, int64(d.Desc.FontBBox.Ymin), 10)
	b = append(b, `,"Xmax":`...)
	b = strconv.AppendInt(b, int64(d.Desc.FontBBox.Xmax), 10)
	b = append(b, `,"Ymax":`...)
	b = strconv.AppendInt(b, int64(d.Desc.FontBBox.Ymax), 10)
	b = append(b, `},"ItalicAngle":`...)
	b = strconv.AppendInt(b, int64(d.Desc.ItalicAngle), 10)
	b = append(b, `,"StemV":`...)
	b = strconv.AppendInt(b, int64(d.Desc.StemV), 10)
	b = append(b, `},"Cw":[`...)
	for i, w := range d.Cw {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(w), 10)
	}
	b = append(b, `],"File":"`...)
	b = append(b, d.File...)
	b = append(b, `","OriginalSize":`...)
	b = strconv.AppendInt(b, int64(d.OriginalSize), 10)
	return append(b, '}'), nil
}

// definition is Definition's content.
func (f *Face) definition(page int, prog *Program) *fontDef {
	m := f.M
	em := func(v int) int { return m.Em(float64(v)) }
	d := &fontDef{
		Tp:   "TrueType",
		Name: prog.Name,
		Cw:   f.Widths[page][:],
		File: prog.File,
		// fpdf writes the program's length before compression as Length1.
		OriginalSize: prog.Size,
	}
	d.Desc = fontDesc{
		Ascent:      m.Em(m.Ascent),
		Descent:     -m.Em(m.Descent),
		CapHeight:   em(m.CapHeight),
		Flags:       flagSymbolic,
		ItalicAngle: m.ItalicAngle,
		// PDF wants a stem width; fonts do not record one. This is the
		// usual estimate from the weight class.
		StemV: 50 + int(math.Pow(float64(m.Weight)/65, 2)),
	}
	d.Desc.FontBBox.Xmin, d.Desc.FontBBox.Ymin = em(m.BBox[0]), em(m.BBox[1])
	d.Desc.FontBBox.Xmax, d.Desc.FontBBox.Ymax = em(m.BBox[2]), em(m.BBox[3])
	return d
}

// plain reports whether s is written the same in a JSON string by any
// encoder: letters, digits and + - . _ only.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}
