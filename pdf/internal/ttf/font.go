// Package ttf cuts TrueType fonts down for embedding in a PDF as simple,
// symbolic one-byte fonts: it reads the metrics a layout needs, spreads a
// family's characters over one-byte code pages, and cuts a face to the
// glyphs of one page, without hinting.
package ttf

import (
	"fmt"
	"hash/fnv"
	"strconv"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
)

// Face is one TrueType face, ready to be cut for code pages.
type Face struct {
	TTF  []byte
	Name string // PostScript name
	M    *Metrics
	// Widths are the advance of each code of each code page, in
	// thousandths of an em, as the PDF gives them.
	Widths [][256]int
}

// NewFace reads a face's metrics. Runes for which skip returns true count
// as missing from the face.
func NewFace(ttf []byte, name string, skip func(rune) bool) (*Face, error) {
	m, err := ParseMetrics(ttf)
	if err != nil {
		return nil, err
	}
	if skip != nil {
		m.drop(skip)
	}
	return &Face{TTF: ttf, Name: name, M: m}, nil
}

// SetWidths fills Widths for the code pages cp.
func (f *Face) SetWidths(cp *CodePages) {
	f.Widths = make([][256]int, len(cp.Runes))
	for pg, runes := range cp.Runes {
		for c, r := range runes {
			if a, ok := f.M.Advance(r); ok && r != 0 {
				f.Widths[pg][c] = f.M.Em(float64(a))
			}
		}
	}
}

// Program is a font program ready to embed: a cut of a face for one code
// page, compressed, and what the PDF says of it.
type Program struct {
	File  string // fpdf's key for it; ".z" tells fpdf it is compressed
	Name  string // PostScript name with its subset tag
	Z     []byte
	Size  int       // before compression
	Codes [256]rune // the character of each code the cut has, 0 for none
}

// NewProgram cuts from f the characters of code page page that keep
// accepts, and compresses the cut at zlib level level. style (0 to 25)
// tells the family's faces apart in the file and subset names.
func (f *Face) NewProgram(cp *CodePages, style, page int, keep func(rune) bool, level int) (*Program, error) {
	if page < 0 || page >= len(cp.Runes) {
		return nil, fmt.Errorf("ttf: no code page %d", page)
	}
	p := &Program{File: programFile(style, page)}
	for c, r := range cp.Runes[page] {
		if r != 0 && f.M.Has(r) && keep(r) {
			p.Codes[c] = r
		}
	}
	cut, err := Subset(f.TTF, &p.Codes)
	if err != nil {
		return nil, err
	}
	if p.Z, err = pdfobj.Compress(nil, cut, level); err != nil {
		return nil, err
	}
	p.Size = len(cut)
	p.Name = subsetTag(cut, style, page) + "+" + f.Name
	return p, nil
}

// subsetTag is the six capital letters PDF puts before the name of a
// subset font. The last two are the face and the page, so a letter's fonts
// never share a name; the first four come from the cut, so that different
// cuts of a page (each letter's own) differ too, even in merged files.
func subsetTag(cut []byte, style, page int) string {
	h := fnv.New64a()
	h.Write(cut)
	v := h.Sum64()
	var tag [6]byte
	for i := range 4 {
		tag[i] = 'A' + byte(v%26)
		v /= 26
	}
	tag[4], tag[5] = 'A'+byte(style), 'A'+byte(page)
	return string(tag[:])
}

// Sum identifies the font file f was read from: its length and the head
// table's checksum adjustment, which makes the whole file's checksum a
// constant and so changes with any edit. It is 0 for a file without one.
func (f *Face) Sum() uint64 {
	s, err := parseTables(f.TTF)
	if err != nil {
		return 0
	}
	adj, ok := s.u32(s.tables["head"], 8)
	if !ok {
		return 0
	}
	return uint64(len(f.TTF))<<32 | uint64(adj)
}

// Prebuilt returns the program NewProgram makes for the whole of code page
// page, given what it would compute: the compressed cut z, its size before
// compression and its name. The caller answers for their being right (a
// test that compares them with NewProgram's); the codes are computed.
func (f *Face) Prebuilt(cp *CodePages, style, page int, z []byte, size int, name string) (*Program, error) {
	if page < 0 || page >= len(cp.Runes) {
		return nil, fmt.Errorf("ttf: no code page %d", page)
	}
	p := &Program{File: programFile(style, page), Name: name, Z: z, Size: size}
	for c, r := range cp.Runes[page] {
		if r != 0 && f.M.Has(r) {
			p.Codes[c] = r
		}
	}
	return p, nil
}

// programFile is fpdf's key for the program of a face and page.
func programFile(style, page int) string {
	return "liberationsans-" + strconv.Itoa(style) + "-" + strconv.Itoa(page) + ".z"
}
