package ttf

import (
	"encoding/binary"
	"slices"
	"strings"
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

// Subset returns a cut of ttf holding the glyph of each code's rune
// (and the glyphs those are built from), with symbolic cmaps from code to
// glyph. Codes 0 and those whose rune the font lacks are left out.
func Subset(ttf []byte, codes *[256]rune) ([]byte, error) {
	c, err := newCutter(ttf)
	if err != nil {
		return nil, err
	}
	gids := map[rune]int{}
	for _, r := range codes {
		if r != 0 {
			gids[r] = 0
		}
	}
	if err := c.s.readCmap(c.s.tables["cmap"], func(r, gid int) {
		if _, ok := gids[rune(r)]; ok {
			gids[rune(r)] = gid
		}
	}); err != nil {
		return nil, err
	}
	var glyphs [256]int
	for code, r := range codes {
		if r != 0 {
			glyphs[code] = gids[r]
		}
	}
	cut, _, err := c.cut(&glyphs)
	return cut, err
}

// cutter is what cutting a face needs, read from its file once.
type cutter struct {
	s                                  *sfntReader
	head, hhea, maxp, hmtx, loca, glyf []byte
	os2, post, name                    []byte // nil when the cut has none
	numGlyphs, nMetrics, locFormat     int
}

// newCutter reads the tables of ttf a cut is made from.
func newCutter(ttf []byte) (*cutter, error) {
	s, err := parseTables(ttf)
	if err != nil {
		return nil, err
	}
	c := &cutter{s: s, head: s.tables["head"], hhea: s.tables["hhea"], maxp: s.tables["maxp"],
		hmtx: s.tables["hmtx"], loca: s.tables["loca"], glyf: s.tables["glyf"], name: s.tables["name"]}
	var ok1, ok2, ok3 bool
	c.numGlyphs, ok1 = s.u16(c.maxp, 4)
	c.nMetrics, ok2 = s.u16(c.hhea, 34)
	c.locFormat, ok3 = s.u16(c.head, 50)
	if !ok1 || !ok2 || !ok3 || len(c.head) < 54 || len(c.hhea) < 36 || c.nMetrics == 0 ||
		c.nMetrics > c.numGlyphs || len(c.hmtx) < 4*c.nMetrics+2*(c.numGlyphs-c.nMetrics) {
		return nil, ErrMalformed
	}
	if post := s.tables["post"]; len(post) >= 32 {
		c.post = slices.Clone(post[:32])
		binary.BigEndian.PutUint32(c.post, 0x00030000) // no glyph names
	}
	if os2 := s.tables["OS/2"]; len(os2) >= 86 {
		c.os2 = os2
	}
	if len(c.name) == 0 {
		c.name = nil
	}
	return c, nil
}

// glyph returns the data of glyph g.
func (c *cutter) glyph(g int) ([]byte, bool) {
	var from, to int
	var ok, ok2 bool
	if c.locFormat == 0 {
		from, ok = c.s.u16(c.loca, 2*g)
		to, ok2 = c.s.u16(c.loca, 2*g+2)
		from, to = 2*from, 2*to
	} else {
		from, ok = c.s.u32(c.loca, 4*g)
		to, ok2 = c.s.u32(c.loca, 4*g+4)
	}
	if !ok || !ok2 || from > to || to > len(c.glyf) {
		return nil, false
	}
	return c.glyf[from:to], true
}

// cut returns a cut holding glyph glyphs[c] for each code c (none for 0),
// and the glyphs those are built from, with symbolic cmaps from code to
// glyph; and where in it the name table starts. The name table is last,
// after the other tables, which are in the order of their tags: it is the
// same in every cut of the face, and the rest is the cut's own.
func (c *cutter) cut(glyphs *[256]int) ([]byte, int, error) {
	be := binary.BigEndian
	// old holds the original glyph of each new one; glyph 0 stays .notdef.
	// A cut has few glyphs: looking them up one by one is quick.
	old := make([]int, 1, 64)
	add := func(g int) int {
		if i := slices.Index(old, g); i >= 0 {
			return i
		}
		old = append(old, g)
		return len(old) - 1
	}
	var byCode [256]int // new glyph of each code, 0 for none
	for code, g := range glyphs {
		if g > 0 && g < c.numGlyphs {
			byCode[code] = add(g)
		}
	}

	numTables := 7
	for _, t := range [][]byte{c.os2, c.post, c.name} {
		if t != nil {
			numTables++
		}
	}
	type record struct {
		tag      string
		off, len int
	}
	records := make([]record, 0, numTables)
	out := make([]byte, 12+16*numTables, 12+16*numTables+2048+len(c.name))
	start := len(out) // of the table being written
	end := func(tag string) {
		records = append(records, record{tag, start, len(out) - start})
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		start = len(out)
	}
	if c.os2 != nil {
		out = appendSymbolOS2(out, c.os2, &byCode)
		end("OS/2")
	}
	out = appendSymbolCmap(out, &byCode)
	end("cmap")

	// Glyphs, hinting stripped; composite glyphs add their parts.
	locs := make([]int, 0, 64)
	for i := 0; i < len(old); i++ {
		locs = append(locs, len(out)-start)
		d, ok := c.glyph(old[i])
		if !ok {
			return nil, 0, ErrMalformed
		}
		if len(d) > 0 {
			var err error
			if out, err = appendGlyph(out, d, add); err != nil {
				return nil, 0, err
			}
		}
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	locs = append(locs, len(out)-start)
	short := locs[len(locs)-1] < 0x20000 // offsets fit in 16 bits, halved
	end("glyf")

	n := uint16(len(old))
	at := len(out)
	out = append(out, c.head...)
	be.PutUint32(out[at+8:], 0) // checkSumAdjustment, set last
	if short {
		be.PutUint16(out[at+50:], 0)
	} else {
		be.PutUint16(out[at+50:], 1)
	}
	headAt := at
	end("head")
	at = len(out)
	out = append(out, c.hhea...)
	be.PutUint16(out[at+34:], n)
	end("hhea")
	for _, g := range old {
		var adv, lsb int
		if g < c.nMetrics {
			adv, _ = c.s.u16(c.hmtx, 4*g)
			lsb, _ = c.s.u16(c.hmtx, 4*g+2)
		} else {
			adv, _ = c.s.u16(c.hmtx, 4*(c.nMetrics-1))
			lsb, _ = c.s.u16(c.hmtx, 4*c.nMetrics+2*(g-c.nMetrics))
		}
		out = be.AppendUint16(out, uint16(adv))
		out = be.AppendUint16(out, uint16(lsb))
	}
	end("hmtx")
	for _, l := range locs {
		if short {
			out = be.AppendUint16(out, uint16(l/2))
		} else {
			out = be.AppendUint32(out, uint32(l))
		}
	}
	end("loca")
	at = len(out)
	out = append(out, c.maxp...)
	be.PutUint16(out[at+4:], n)
	if len(c.maxp) >= 28 {
		be.PutUint16(out[at+26:], 0) // maxSizeOfInstructions
	}
	end("maxp")
	if c.post != nil {
		out = append(out, c.post...)
		end("post")
	}
	nameAt := len(out)
	if c.name != nil {
		out = append(out, c.name...)
		end("name")
	}

	// The table directory, in tag order.
	slices.SortFunc(records, func(a, b record) int { return strings.Compare(a.tag, b.tag) })
	searchRange, selector := 16, 0
	for searchRange*2 <= 16*numTables {
		searchRange *= 2
		selector++
	}
	dir := be.AppendUint32(out[:0], 0x00010000)
	dir = be.AppendUint16(dir, uint16(numTables))
	dir = be.AppendUint16(dir, uint16(searchRange))
	dir = be.AppendUint16(dir, uint16(selector))
	dir = be.AppendUint16(dir, uint16(16*numTables-searchRange))
	var sum uint32 // of the whole file: its tables' and directory's, each padded
	for _, r := range records {
		t := checksum(out[r.off : r.off+r.len])
		sum += t
		dir = append(dir, r.tag...)
		dir = be.AppendUint32(dir, t)
		dir = be.AppendUint32(dir, uint32(r.off))
		dir = be.AppendUint32(dir, uint32(r.len))
	}
	sum += checksum(dir)
	be.PutUint32(out[headAt+8:], 0xb1b0afba-sum)
	return out, nameAt, nil
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

// appendSymbolOS2 appends the font's OS/2 table made true of a symbolic
// cut: its characters are 0xF000 plus the codes, in the Private Use Area,
// and its code page is Symbol.
func appendSymbolOS2(out, os2 []byte, byCode *[256]int) []byte {
	be := binary.BigEndian
	at := len(out)
	out = append(out, os2...)
	t := out[at:]
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
	return out
}

// appendSymbolCmap appends the cmap of a symbolic cut: a (1,0) subtable
// in format 0 from code to glyph and a (3,0) subtable in format 4 from
// 0xF000 plus the code to glyph. Glyphs are numbered in code order before
// any parts of composite glyphs, so every code's glyph number fits in a
// byte.
func appendSymbolCmap(b []byte, byCode *[256]int) []byte {
	be := binary.BigEndian
	// Format 4: a segment for each run of codes with consecutive glyphs.
	type seg struct{ start, end, delta int }
	segs := make([]seg, 0, 32)
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

	const format0Len = 262
	b = be.AppendUint16(b, 0) // version
	b = be.AppendUint16(b, 2) // subtables
	b = be.AppendUint16(b, 1) // Macintosh
	b = be.AppendUint16(b, 0) // Roman
	b = be.AppendUint32(b, 4+2*8)
	b = be.AppendUint16(b, 3) // Windows
	b = be.AppendUint16(b, 0) // Symbol
	b = be.AppendUint32(b, uint32(4+2*8+format0Len))

	b = be.AppendUint16(b, 0)          // format
	b = be.AppendUint16(b, format0Len) // length
	b = be.AppendUint16(b, 0)          // language
	for _, g := range byCode {
		b = append(b, byte(g))
	}

	b = be.AppendUint16(b, 4)
	b = be.AppendUint16(b, uint16(16+8*n))
	b = be.AppendUint16(b, 0) // language
	b = be.AppendUint16(b, uint16(2*n))
	b = be.AppendUint16(b, uint16(searchRange))
	b = be.AppendUint16(b, uint16(selector))
	b = be.AppendUint16(b, uint16(2*n-searchRange))
	for _, s := range segs {
		b = be.AppendUint16(b, uint16(s.end))
	}
	b = be.AppendUint16(b, 0) // reservedPad
	for _, s := range segs {
		b = be.AppendUint16(b, uint16(s.start))
	}
	for _, s := range segs {
		b = be.AppendUint16(b, uint16(s.delta))
	}
	for range segs {
		b = be.AppendUint16(b, 0) // idRangeOffset
	}
	return b
}

// checksum is the TrueType table checksum: the sum of its big-endian
// 32-bit words, the last padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var w [4]byte
		copy(w[:], b)
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
