// Package ttf cuts TrueType fonts down for embedding in a PDF as simple,
// symbolic one-byte fonts: it reads the metrics a layout needs, spreads a
// family's characters over one-byte code pages, and cuts a face to the
// glyphs of one page, without hinting.
package ttf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"sync"

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

	cutOnce sync.Once
	cuts    *cutting
	cutErr  error
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
	Name  string // PostScript name with its subset tag
	Z     []byte
	Size  int       // before compression
	Codes [256]rune // the character of each code the cut has, 0 for none
}

// NewProgram cuts from f the characters of code page page that keep
// accepts, and compresses the whole cut at zlib level level: for a cut
// made once. style (0 to 25) tells the family's faces apart in the subset
// names.
func (f *Face) NewProgram(cp *CodePages, style, page int, keep func(rune) bool, level int) (*Program, error) {
	p, cut, _, err := f.newCut(cp, style, page, keep)
	if err != nil {
		return nil, err
	}
	if p.Z, err = pdfobj.Compress(nil, cut, level); err != nil {
		return nil, err
	}
	return p, nil
}

// Cut is NewProgram for a cut made for one letter, quickly: only the name
// table, the same in every cut, is compressed, once per face, and the
// rest, the cut's own glyphs and tables, is stored. Compressing it too
// would save a quarter of its size and take most of a cut's time.
func (f *Face) Cut(cp *CodePages, style, page int, keep func(rune) bool) (*Program, error) {
	p, cut, nameAt, err := f.newCut(cp, style, page, keep)
	if err != nil {
		return nil, err
	}
	cs, err := f.cutting(cp)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(cs.name, cut[nameAt:]) {
		return nil, ErrMalformed // cannot be: every cut ends with the same name table
	}
	p.Z = pdfobj.Join(make([]byte, 0, nameAt+len(cut)/2+64), cut[:nameAt], cs.nameZ)
	return p, nil
}

// newCut cuts from f the characters of code page page that keep accepts,
// and returns the program without its data, the cut, and where in the cut
// its name table starts.
func (f *Face) newCut(cp *CodePages, style, page int, keep func(rune) bool) (*Program, []byte, int, error) {
	if page < 0 || page >= len(cp.Runes) {
		return nil, nil, 0, fmt.Errorf("ttf: no code page %d", page)
	}
	cs, err := f.cutting(cp)
	if err != nil {
		return nil, nil, 0, err
	}
	p := &Program{}
	var glyphs [256]int
	for c, r := range cp.Runes[page] {
		if r != 0 && f.M.Has(r) && keep(r) {
			p.Codes[c] = r
			glyphs[c] = int(cs.glyphs[page][c])
		}
	}
	cut, nameAt, err := cs.cut(&glyphs)
	if err != nil {
		return nil, nil, 0, err
	}
	p.Size = len(cut)
	p.Name = subsetTag(cut, style, page) + "+" + f.Name
	return p, cut, nameAt, nil
}

// cutting is what cutting f for the code pages cp needs, read once.
type cutting struct {
	*cutter
	cp     *CodePages
	glyphs [][256]uint16 // by code page and code, the face's glyph; 0 for none
	name   []byte        // the name table, padded, as a cut ends
	nameZ  pdfobj.Tail   // and compressed once
}

// cutting returns what cutting f for cp needs: made at the first cut, for
// the code pages of that cut (a process has one set).
func (f *Face) cutting(cp *CodePages) (*cutting, error) {
	f.cutOnce.Do(func() { f.cuts, f.cutErr = f.newCutting(cp) })
	if f.cutErr != nil || f.cuts.cp == cp {
		return f.cuts, f.cutErr
	}
	return f.newCutting(cp)
}

func (f *Face) newCutting(cp *CodePages) (*cutting, error) {
	c, err := newCutter(f.TTF)
	if err != nil {
		return nil, err
	}
	cs := &cutting{cutter: c, cp: cp, glyphs: make([][256]uint16, len(cp.Runes))}
	err = c.s.readCmap(c.s.tables["cmap"], func(r, gid int) {
		if page, code, ok := cp.Lookup(rune(r)); ok && gid < c.numGlyphs {
			cs.glyphs[page][code] = uint16(gid)
		}
	})
	if err != nil {
		return nil, err
	}
	cs.name = make([]byte, (len(c.name)+3)&^3)
	copy(cs.name, c.name)
	if cs.nameZ, err = pdfobj.NewTail(cs.name); err != nil {
		return nil, err
	}
	return cs, nil
}

// subsetTag is the six capital letters PDF puts before the name of a
// subset font. The last two are the face and the page, so a letter's fonts
// never share a name; the first four come from the cut, so that different
// cuts of a page (each letter's own) differ too, even in merged files.
// They are a hash of the cut's table directory, which holds each table's
// checksum and length.
func subsetTag(cut []byte, style, page int) string {
	h := fnv.New64a()
	h.Write(cut[:12+16*int(binary.BigEndian.Uint16(cut[4:]))])
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
	p := &Program{Name: name, Z: z, Size: size}
	for c, r := range cp.Runes[page] {
		if r != 0 && f.M.Has(r) {
			p.Codes[c] = r
		}
	}
	return p, nil
}
