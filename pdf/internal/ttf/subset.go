package ttf

import (
	"encoding/binary"
	"slices"
	"sort"
)

// This file cuts a TrueType font down to the glyphs of one code page, for
// embedding as a simple font. The cut has no hinting (the instructions in
// each glyph and the fpgm, prep and cvt tables), which is half of
// Liberation Sans's size and means nothing to print or to today's PDF
// viewers, and only the tables a PDF TrueType font uses.
//
// The cut is a symbolic font: its cmaps map the one-byte codes the text is
// written in straight to glyphs, (3,0) at 0xF000 plus the code and (1,0) at
// the code, which is how PDF says a symbolic TrueType font without an
// encoding is read. No viewer has to go through glyph names or Unicode to
// find a glyph; the ToUnicode CMap (see pdfobj) says what each code means.

// keptTables are copied into a cut as they are; the others it needs are
// rebuilt.
var keptTables = []string{"name"}

// Subset returns a cut of ttf holding the glyph of each code's rune
// (and the glyphs those are built from), with symbolic cmaps from code to
// glyph. Codes 0 and those whose rune the font lacks are left out.
func Subset(ttf []byte, codes *[256]rune) ([]byte, error) {
	s, err := parseTables(ttf)
	if err != nil {
		return nil, err
	}
	head, hhea, maxp := s.tables["head"], s.tables["hhea"], s.tables["maxp"]
	hmtx, loca, glyf := s.tables["hmtx"], s.tables["loca"], s.tables["glyf"]
	numGlyphs, ok1 := s.u16(maxp, 4)
	nMetrics, ok2 := s.u16(hhea, 34)
	locFormat, ok3 := s.u16(head, 50)
	if !ok1 || !ok2 || !ok3 || len(head) < 54 || len(hhea) < 36 || nMetrics == 0 ||
		nMetrics > numGlyphs || len(hmtx) < 4*nMetrics+2*(numGlyphs-nMetrics) {
		return nil, ErrMalformed
	}
	glyph := func(g int) ([]byte, bool) {
		var from, to int
		var ok, ok2 bool
		if locFormat == 0 {
			from, ok = s.u16(loca, 2*g)
			to, ok2 = s.u16(loca, 2*g+2)
			from, to = 2*from, 2*to
		} else {
			from, ok = s.u32(loca, 4*g)
			to, ok2 = s.u32(loca, 4*g+4)
		}
		if !ok || !ok2 || from > to || to > len(glyf) {
			return nil, false
		}
		return glyf[from:to], true
	}

	gids := map[rune]int{}
	for _, r := range codes {
		if r != 0 {
			gids[r] = 0
		}
	}
	if err := s.readCmap(s.tables["cmap"], func(r, gid int) {
		if _, ok := gids[rune(r)]; ok && gid > 0 && gid < numGlyphs {
			gids[rune(r)] = gid
		}
	}); err != nil {
		return nil, err
	}

	// old holds the original glyph of each new one; glyph 0 stays .notdef.
	old := []int{0}
	newID := map[int]int{0: 0}
	add := func(g int) int {
		if n, ok := newID[g]; ok {
			return n
		}
		newID[g] = len(old)
		old = append(old, g)
		return len(old) - 1
	}
	var byCode [256]int // new glyph of each code, 0 for none
	for c, r := range codes {
		if g := gids[r]; r != 0 && g > 0 {
			byCode[c] = add(g)
		}
	}

	// Glyphs, hinting stripped; composite glyphs add their parts.
	var glyfOut []byte
	locaOut := make([]byte, 0, 4*len(old)+4)
	for i := 0; i < len(old); i++ {
		locaOut = binary.BigEndian.AppendUint32(locaOut, uint32(len(glyfOut)))
		d, ok := glyph(old[i])
		if !ok {
			return nil, ErrMalformed
		}
		if len(d) > 0 {
			if glyfOut, err = appendGlyph(glyfOut, d, add); err != nil {
				return nil, err
			}
		}
		for len(glyfOut)%4 != 0 {
			glyfOut = append(glyfOut, 0)
		}
	}
	locaOut = binary.BigEndian.AppendUint32(locaOut, uint32(len(glyfOut)))

	hmtxOut := make([]byte, 0, 4*len(old))
	for _, g := range old {
		var adv, lsb int
		if g < nMetrics {
			adv, _ = s.u16(hmtx, 4*g)
			lsb, _ = s.u16(hmtx, 4*g+2)
		} else {
			adv, _ = s.u16(hmtx, 4*(nMetrics-1))
			lsb, _ = s.u16(hmtx, 4*nMetrics+2*(g-nMetrics))
		}
		hmtxOut = binary.BigEndian.AppendUint16(hmtxOut, uint16(adv))
		hmtxOut = binary.BigEndian.AppendUint16(hmtxOut, uint16(lsb))
	}

	n := uint16(len(old))
	headOut := slices.Clone(head)
	binary.BigEndian.PutUint32(headOut[8:], 0)  // checkSumAdjustment, set last
	binary.BigEndian.PutUint16(headOut[50:], 1) // long loca
	hheaOut := slices.Clone(hhea)
	binary.BigEndian.PutUint16(hheaOut[34:], n)
	maxpOut := slices.Clone(maxp)
	binary.BigEndian.PutUint16(maxpOut[4:], n)
	if len(maxpOut) >= 28 {
		binary.BigEndian.PutUint16(maxpOut[26:], 0) // maxSizeOfInstructions
	}
	tables := map[string][]byte{
		"head": headOut, "hhea": hheaOut, "maxp": maxpOut, "hmtx": hmtxOut,
		"loca": locaOut, "glyf": glyfOut, "cmap": symbolCmap(&byCode),
	}
	if post := s.tables["post"]; len(post) >= 32 {
		p := slices.Clone(post[:32])
		binary.BigEndian.PutUint32(p, 0x00030000) // no glyph names
		tables["post"] = p
	}
	if os2 := s.tables["OS/2"]; len(os2) >= 86 {
		tables["OS/2"] = symbolOS2(os2, &byCode)
	}
	for _, tag := range keptTables {
		if t, ok := s.tables[tag]; ok {
			tables[tag] = t
		}
	}
	return assemble(tables), nil
}

// Composite glyph flags.
const (
	argsAreWords     = 0x0001
	haveScale        = 0x0008
	moreComponents   = 0x0020
	haveXYScale      = 0x0040
	have2x2          = 0x0080
	haveInstructions = 0x0100
)

// appendGlyph appends glyph d without its instructions, renumbering the
// parts of a composite glyph with renumber.
func appendGlyph(out, d []byte, renumber func(int) int) ([]byte, error) {
	if len(d) < 10 {
		return nil, ErrMalformed
	}
	contours := int16(binary.BigEndian.Uint16(d))
	if contours >= 0 {
		p := 10 + 2*int(contours)
		if p+2 > len(d) {
			return nil, ErrMalformed
		}
		ins := int(binary.BigEndian.Uint16(d[p:]))
		if p+2+ins > len(d) {
			return nil, ErrMalformed
		}
		out = append(out, d[:p]...)
		out = append(out, 0, 0)
		return append(out, d[p+2+ins:]...), nil
	}
	out = append(out, d[:10]...)
	for p := 10; ; {
		if p+4 > len(d) {
			return nil, ErrMalformed
		}
		flags := binary.BigEndian.Uint16(d[p:])
		size := 4 + 2
		if flags&argsAreWords != 0 {
			size = 4 + 4
		}
		switch {
		case flags&haveScale != 0:
			size += 2
		case flags&haveXYScale != 0:
			size += 4
		case flags&have2x2 != 0:
			size += 8
		}
		if p+size > len(d) {
			return nil, ErrMalformed
		}
		at := len(out)
		out = append(out, d[p:p+size]...)
		binary.BigEndian.PutUint16(out[at:], flags&^haveInstructions)
		binary.BigEndian.PutUint16(out[at+2:], uint16(renumber(int(binary.BigEndian.Uint16(d[p+2:])))))
		p += size
		if flags&moreComponents == 0 {
			break
		}
	}
	return out, nil
}

// symbolOS2 is the font's OS/2 table made true of a symbolic cut: its
// characters are 0xF000 plus the codes, in the Private Use Area, and its
// code page is Symbol.
func symbolOS2(os2 []byte, byCode *[256]int) []byte {
	be := binary.BigEndian
	t := slices.Clone(os2)
	first, last := 0xffff, 0
	for c, g := range byCode {
		if g != 0 {
			first, last = min(first, 0xf000+c), max(last, 0xf000+c)
		}
	}
	if last == 0 {
		first = 0
	}
	for off := 42; off < 58; off += 4 {
		be.PutUint32(t[off:], 0) // ulUnicodeRange1 to 4
	}
	be.PutUint32(t[46:], 1<<(60-32)) // bit 60: Private Use Area
	be.PutUint16(t[64:], uint16(first))
	be.PutUint16(t[66:], uint16(last))
	be.PutUint32(t[78:], 1<<31) // ulCodePageRange1: Symbol
	be.PutUint32(t[82:], 0)
	if len(t) >= 92 {
		be.PutUint16(t[90:], 0) // usDefaultChar: .notdef
	}
	return t
}

// symbolCmap builds the cmap of a symbolic cut: a (1,0) subtable in format
// 0 from code to glyph and a (3,0) subtable in format 4 from 0xF000 plus
// the code to glyph. Glyphs are numbered in code order before any parts of
// composite glyphs, so every code's glyph number fits in a byte.
func symbolCmap(byCode *[256]int) []byte {
	be := binary.BigEndian
	format0 := be.AppendUint16(nil, 0)      // format
	format0 = be.AppendUint16(format0, 262) // length
	format0 = be.AppendUint16(format0, 0)   // language
	for _, g := range byCode {
		format0 = append(format0, byte(g))
	}
	// Format 4: a segment for each run of codes with consecutive glyphs.
	type seg struct{ start, end, delta int }
	var segs []seg
	for c, g := range byCode {
		if g == 0 {
			continue
		}
		ch := 0xf000 + c
		if n := len(segs); n > 0 && segs[n-1].end == ch-1 && (ch+segs[n-1].delta)&0xffff == g {
			segs[n-1].end = ch
			continue
		}
		segs = append(segs, seg{ch, ch, (g - ch) & 0xffff})
	}
	segs = append(segs, seg{0xffff, 0xffff, 1})
	n := len(segs)
	searchRange, selector := 2, 0
	for searchRange*2 <= 2*n {
		searchRange *= 2
		selector++
	}
	format4 := be.AppendUint16(nil, 4)
	format4 = be.AppendUint16(format4, uint16(16+8*n))
	format4 = be.AppendUint16(format4, 0) // language
	format4 = be.AppendUint16(format4, uint16(2*n))
	format4 = be.AppendUint16(format4, uint16(searchRange))
	format4 = be.AppendUint16(format4, uint16(selector))
	format4 = be.AppendUint16(format4, uint16(2*n-searchRange))
	for _, s := range segs {
		format4 = be.AppendUint16(format4, uint16(s.end))
	}
	format4 = be.AppendUint16(format4, 0) // reservedPad
	for _, s := range segs {
		format4 = be.AppendUint16(format4, uint16(s.start))
	}
	for _, s := range segs {
		format4 = be.AppendUint16(format4, uint16(s.delta))
	}
	for range segs {
		format4 = be.AppendUint16(format4, 0) // idRangeOffset
	}

	b := be.AppendUint16(nil, 0) // version
	b = be.AppendUint16(b, 2)    // subtables
	b = be.AppendUint16(b, 1)    // Macintosh
	b = be.AppendUint16(b, 0)    // Roman
	b = be.AppendUint32(b, 4+2*8)
	b = be.AppendUint16(b, 3) // Windows
	b = be.AppendUint16(b, 0) // Symbol
	b = be.AppendUint32(b, uint32(4+2*8+len(format0)))
	b = append(b, format0...)
	return append(b, format4...)
}

// assemble writes tables as a TrueType font, with the table directory in
// tag order, each table's checksum, and the head table's adjustment.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	searchRange, selector := 16, 0
	for searchRange*2 <= 16*n {
		searchRange *= 2
		selector++
	}
	be := binary.BigEndian
	out := be.AppendUint32(nil, 0x00010000)
	out = be.AppendUint16(out, uint16(n))
	out = be.AppendUint16(out, uint16(searchRange))
	out = be.AppendUint16(out, uint16(selector))
	out = be.AppendUint16(out, uint16(16*n-searchRange))
	off := 12 + 16*n
	headAt := 0
	for _, t := range tags {
		b := tables[t]
		if t == "head" {
			headAt = off
		}
		out = append(out, t...)
		out = be.AppendUint32(out, checksum(b))
		out = be.AppendUint32(out, uint32(off))
		out = be.AppendUint32(out, uint32(len(b)))
		off += (len(b) + 3) &^ 3
	}
	for _, t := range tags {
		out = append(out, tables[t]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	if headAt > 0 {
		be.PutUint32(out[headAt+8:], 0xb1b0afba-checksum(out))
	}
	return out
}

// checksum is the TrueType table checksum: the sum of its big-endian
// 32-bit words, the last padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
