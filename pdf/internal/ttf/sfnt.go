package ttf

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
)

// This file reads the few TrueType tables the layout needs: character
// coverage (cmap) and advance widths (hmtx), so that line breaking and the
// check for characters the font lacks never depend on fpdf's state.

// PtToMM converts points to millimetres.
const PtToMM = 25.4 / 72

// ErrMalformed reports a font file that cannot be read.
var ErrMalformed = errors.New("ttf: malformed TrueType font")

// Metrics are one TrueType face's character coverage and widths.
type Metrics struct {
	UnitsPerEm float64
	Ascent     float64 // in font units, positive
	Descent    float64 // in font units, positive
	// adv is one more than the advance width of each BMP rune in font
	// units, 0 when the face has no glyph for it. With 0 for none, a fresh
	// table needs no filling, and the memory of the blocks the face does
	// not cover is never touched: most of the cost of reading a face in a
	// fresh process.
	adv []uint16
	// runes are the runes the face has, in increasing order.
	runes []rune
	// What a PDF font descriptor needs, in font units.
	BBox        [4]int // xMin, yMin, xMax, yMax
	CapHeight   int
	Weight      int // 400 regular, 700 bold
	ItalicAngle int // degrees
}

// Has reports whether the font has a glyph for r.
func (m *Metrics) Has(r rune) bool {
	return uint32(r) < uint32(len(m.adv)) && m.adv[r] != 0
}

// Advance returns the advance width of r in font units, and whether the
// font has a glyph for r.
func (m *Metrics) Advance(r rune) (int, bool) {
	if !m.Has(r) {
		return 0, false
	}
	return int(m.adv[r]) - 1, true
}

// Width returns the width of s in mm at size pt. Runes the font lacks
// count as zero: callers pass only text already checked with Has.
func (m *Metrics) Width(s string, size float64) float64 {
	var u int
	for _, r := range s {
		if uint32(r) < uint32(len(m.adv)) {
			if a := m.adv[r]; a != 0 {
				u += int(a) - 1
			}
		}
	}
	return float64(u) * size * PtToMM / m.UnitsPerEm
}

// Em converts v font units to thousandths of an em, as PDF widths are.
func (m *Metrics) Em(v float64) int { return int(math.Round(v * 1000 / m.UnitsPerEm)) }

// RuneWidth returns the width of r in mm at size pt.
func (m *Metrics) RuneWidth(r rune, size float64) float64 {
	a, ok := m.Advance(r)
	if !ok {
		return 0
	}
	return float64(a) * size * PtToMM / m.UnitsPerEm
}

// drop makes the runes for which skip returns true count as missing.
func (m *Metrics) drop(skip func(rune) bool) {
	kept := m.runes[:0]
	for _, r := range m.runes {
		if skip(r) {
			m.adv[r] = 0
		} else {
			kept = append(kept, r)
		}
	}
	m.runes = kept
}

type sfntReader struct {
	b      []byte
	tables map[string][]byte
}

func (s *sfntReader) u16(b []byte, off int) (int, bool) {
	if off < 0 || off+2 > len(b) {
		return 0, false
	}
	return int(binary.BigEndian.Uint16(b[off:])), true
}

func (s *sfntReader) u32(b []byte, off int) (int, bool) {
	if off < 0 || off+4 > len(b) {
		return 0, false
	}
	return int(binary.BigEndian.Uint32(b[off:])), true
}

// parseTables reads a TrueType font's table directory.
func parseTables(ttf []byte) (*sfntReader, error) {
	s := &sfntReader{b: ttf, tables: map[string][]byte{}}
	n, ok := s.u16(ttf, 4)
	if !ok {
		return nil, ErrMalformed
	}
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, ErrMalformed
		}
		tag := string(ttf[rec : rec+4])
		off, _ := s.u32(ttf, rec+8)
		length, _ := s.u32(ttf, rec+12)
		if off+length > len(ttf) || off+length < off {
			return nil, ErrMalformed
		}
		s.tables[tag] = ttf[off : off+length]
	}
	return s, nil
}

// ParseMetrics reads coverage and widths from a TrueType font.
func ParseMetrics(ttf []byte) (*Metrics, error) {
	s, err := parseTables(ttf)
	if err != nil {
		return nil, err
	}
	head, hhea, hmtx, cmap := s.tables["head"], s.tables["hhea"], s.tables["hmtx"], s.tables["cmap"]
	upem, ok1 := s.u16(head, 18)
	asc, ok2 := s.u16(hhea, 4)
	desc, ok3 := s.u16(hhea, 6)
	nMetrics, ok4 := s.u16(hhea, 34)
	if !ok1 || !ok2 || !ok3 || !ok4 || upem == 0 || nMetrics == 0 || len(hmtx) < 4*nMetrics {
		return nil, ErrMalformed
	}
	m := &Metrics{
		UnitsPerEm: float64(upem),
		Ascent:     float64(int16(asc)),
		Descent:    -float64(int16(desc)),
		adv:        make([]uint16, 0x10000),
	}
	for i := range m.BBox {
		v, _ := s.u16(head, 36+2*i)
		m.BBox[i] = int(int16(v))
	}
	os2, post := s.tables["OS/2"], s.tables["post"]
	m.Weight, _ = s.u16(os2, 4)
	m.CapHeight = int(m.Ascent)
	if v, ok := s.u16(os2, 0); ok && v >= 2 {
		if c, ok := s.u16(os2, 88); ok {
			m.CapHeight = int(int16(c))
		}
	}
	if a, ok := s.u32(post, 4); ok {
		m.ItalicAngle = int(int32(a)) >> 16
	}
	advance := func(gid int) uint16 {
		if gid >= nMetrics {
			gid = nMetrics - 1
		}
		a, _ := s.u16(hmtx, 4*gid)
		return uint16(min(a, 0x7fff))
	}
	sorted := true
	set := func(r, gid int) {
		if gid == 0 || r < 0 || r >= len(m.adv) {
			return
		}
		if m.adv[r] == 0 {
			if n := len(m.runes); n > 0 && m.runes[n-1] > rune(r) {
				sorted = false
			}
			m.runes = append(m.runes, rune(r))
		}
		m.adv[r] = advance(gid) + 1
	}
	if err := s.readCmap(cmap, set); err != nil {
		return nil, err
	}
	if !sorted { // a cmap's segments are in order; a malformed one need not be
		slices.Sort(m.runes)
	}
	return m, nil
}

// readCmap calls set for every rune the font maps to a glyph, from the
// Windows Unicode subtable (format 12 preferred, else format 4).
func (s *sfntReader) readCmap(cmap []byte, set func(r, gid int)) error {
	n, ok := s.u16(cmap, 2)
	if !ok {
		return ErrMalformed
	}
	var f4, f12 []byte
	for i := 0; i < n; i++ {
		pid, _ := s.u16(cmap, 4+8*i)
		eid, _ := s.u16(cmap, 6+8*i)
		off, ok := s.u32(cmap, 8+8*i)
		if !ok || off >= len(cmap) {
			return ErrMalformed
		}
		sub := cmap[off:]
		format, _ := s.u16(sub, 0)
		switch {
		case format == 12 && (pid == 3 && eid == 10 || pid == 0):
			f12 = sub
		case format == 4 && (pid == 3 && eid == 1 || pid == 0):
			f4 = sub
		}
	}
	switch {
	case f12 != nil:
		groups, ok := s.u32(f12, 12)
		if !ok {
			return ErrMalformed
		}
		for g := 0; g < groups; g++ {
			start, ok1 := s.u32(f12, 16+12*g)
			end, ok2 := s.u32(f12, 20+12*g)
			gid, ok3 := s.u32(f12, 24+12*g)
			if !ok1 || !ok2 || !ok3 || end < start {
				return ErrMalformed
			}
			for r := start; r <= end && r < 0x10000; r++ {
				set(r, gid+r-start)
			}
		}
		return nil
	case f4 != nil:
		segX2, ok := s.u16(f4, 6)
		if !ok {
			return ErrMalformed
		}
		ends, starts, deltas, ranges := 14, 16+segX2, 16+2*segX2, 16+3*segX2
		for i := 0; i < segX2; i += 2 {
			end, ok1 := s.u16(f4, ends+i)
			start, ok2 := s.u16(f4, starts+i)
			delta, ok3 := s.u16(f4, deltas+i)
			ro, ok4 := s.u16(f4, ranges+i)
			if !ok1 || !ok2 || !ok3 || !ok4 {
				return ErrMalformed
			}
			for r := start; r <= end && r != 0xffff; r++ {
				gid := 0
				if ro == 0 {
					gid = (r + delta) & 0xffff
				} else {
					g, ok := s.u16(f4, ranges+i+ro+2*(r-start))
					if !ok {
						return ErrMalformed
					}
					if g != 0 {
						gid = (g + delta) & 0xffff
					}
				}
				set(r, gid)
			}
		}
		return nil
	}
	return ErrMalformed
}
