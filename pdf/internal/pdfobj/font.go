package pdfobj

import (
	"bytes"
	"strconv"
	"sync"
)

// fpdf never reads the renderer's fonts. It is given a stand-in for each
// (StandIn): a core font of the same name, which costs it a few bytes of
// JSON to read and one short object to write, and which its SetFont
// selects as it would any font. Finish writes the whole font in the
// stand-in object's place: the font dictionary, and after the other
// objects its widths, descriptor, program and ToUnicode CMap. Giving fpdf
// the real definition cost a letter more than all of this: fpdf read it
// as JSON, hashed it again as JSON to name it, and formatted its widths
// one by one.

// Font is one of the renderer's simple, symbolic TrueType fonts, with
// one-byte codes. A Font may be shared by any number of concurrent Finish
// calls: its objects' text is made once, by the first.
type Font struct {
	// Name is the PostScript name, with its subset tag.
	Name string
	// Codes is the character of each code, 0 for none.
	Codes *[256]rune
	// Widths is the advance of each code in thousandths of an em. The
	// font gives those of the codes from its first to its last character.
	Widths *[256]int
	Desc   Descriptor
	// Program is the TrueType program, zlib-compressed, and Length1 its
	// length before compression.
	Program []byte
	Length1 int
	// CMap is the ToUnicode CMap, zlib-compressed (see ToUnicode).
	CMap []byte

	once sync.Once
	dict []byte // the dictionary up to the widths' object number
	ws   []byte // the widths' array
	desc []byte // the descriptor up to the program's object number
}

// Descriptor is what a font descriptor says of a face, in thousandths of
// an em.
type Descriptor struct {
	Ascent, Descent, CapHeight int
	Flags                      int
	BBox                       [4]int // xMin, yMin, xMax, yMax
	ItalicAngle, StemV         int
}

// fontObjects is how many objects Finish adds for each font: widths,
// descriptor, program and CMap, numbered from the font's first in that
// order.
const fontObjects = 4

// StandIn is the font definition to give fpdf's AddFontFromBytes for the
// font Finish is told of by name. name is made of ASCII letters, digits and
// hyphens.
func StandIn(name string) []byte {
	return []byte(`{"Tp":"Core","Name":"` + name + `"}`)
}

// isStandIn reports whether body (after "N 0 obj\n") is the object fpdf
// writes for the stand-in named name.
func isStandIn(name string, body []byte) bool {
	const head, tail = "<</Type /Font\n/BaseFont /", "\n/Subtype /Type1\n/Encoding /WinAnsiEncoding\n>>\nendobj\n"
	rest, ok := bytes.CutPrefix(body, []byte(head))
	if !ok || !bytes.HasPrefix(rest, []byte(name)) {
		return false
	}
	return string(rest[len(name):]) == tail
}

// valid reports whether f has every part Finish writes.
func (f *Font) valid() bool {
	return f != nil && f.Name != "" && f.Codes != nil && f.Widths != nil && len(f.Program) > 0 && len(f.CMap) > 0
}

// size is about how many bytes f's objects take.
func (f *Font) size() int {
	return len(f.Program) + len(f.CMap) + 4*len(f.Name) + 1500
}

// parts makes the text of f's objects that does not depend on their
// numbers.
func (f *Font) parts() {
	f.once.Do(func() {
		first, last := -1, 0
		for c, r := range f.Codes {
			if r != 0 {
				if first < 0 {
					first = c
				}
				last = c
			}
		}
		if first < 0 {
			first, last = 32, 32
		}
		d := make([]byte, 0, 128+len(f.Name))
		d = append(d, "<</Type /Font\n/Subtype /TrueType\n/BaseFont /"...)
		d = append(d, f.Name...)
		d = append(d, "\n/FirstChar "...)
		d = strconv.AppendInt(d, int64(first), 10)
		d = append(d, " /LastChar "...)
		d = strconv.AppendInt(d, int64(last), 10)
		d = append(d, "\n/Widths "...)
		f.dict = d

		ws := make([]byte, 0, 2+4*(last-first+1))
		ws = append(ws, '[')
		for c := first; c <= last; c++ {
			if c > first {
				ws = append(ws, ' ')
			}
			w := 0
			if f.Codes[c] != 0 {
				w = f.Widths[c]
			}
			ws = strconv.AppendInt(ws, int64(w), 10)
		}
		f.ws = append(ws, ']')

		dd := f.Desc
		d = make([]byte, 0, 256+len(f.Name))
		d = append(d, "<</Type /FontDescriptor /FontName /"...)
		d = append(d, f.Name...)
		for _, kv := range []struct {
			k string
			v int
		}{{" /Flags ", dd.Flags}, {" /FontBBox [", dd.BBox[0]}, {" ", dd.BBox[1]}, {" ", dd.BBox[2]}, {" ", dd.BBox[3]},
			{"] /ItalicAngle ", dd.ItalicAngle}, {" /Ascent ", dd.Ascent}, {" /Descent ", dd.Descent},
			{" /CapHeight ", dd.CapHeight}, {" /StemV ", dd.StemV}} {
			d = append(d, kv.k...)
			d = strconv.AppendInt(d, int64(kv.v), 10)
		}
		f.desc = append(d, " /FontFile2 "...)
	})
}

// appendDict appends the body of f's font object, whose other objects are
// numbered from first.
func (f *Font) appendDict(out []byte, first int) []byte {
	f.parts()
	out = append(out, f.dict...)
	out = appendRef(out, first)
	out = append(out, "\n/FontDescriptor "...)
	out = appendRef(out, first+1)
	out = append(out, "\n/ToUnicode "...)
	out = appendRef(out, first+3)
	return append(out, "\n>>\nendobj\n"...)
}

// appendObjects appends f's other objects, numbered from first, noting
// where each starts in offsets.
func (f *Font) appendObjects(out []byte, first int, offsets []int) []byte {
	f.parts()
	obj := func(n int) {
		offsets[n] = len(out)
		out = strconv.AppendInt(out, int64(n), 10)
		out = append(out, " 0 obj\n"...)
	}
	obj(first)
	out = append(out, f.ws...)
	out = append(out, "\nendobj\n"...)
	obj(first + 1)
	out = append(out, f.desc...)
	out = appendRef(out, first+2)
	out = append(out, ">>\nendobj\n"...)
	obj(first + 2)
	out = append(out, "<</Filter /FlateDecode /Length "...)
	out = strconv.AppendInt(out, int64(len(f.Program)), 10)
	out = append(out, " /Length1 "...)
	out = strconv.AppendInt(out, int64(f.Length1), 10)
	out = appendStream(out, f.Program)
	obj(first + 3)
	out = append(out, "<</Filter /FlateDecode /Length "...)
	out = strconv.AppendInt(out, int64(len(f.CMap)), 10)
	return appendStream(out, f.CMap)
}

// appendStream ends a stream's dictionary and appends its data and the
// end of its object.
func appendStream(out, data []byte) []byte {
	out = append(out, ">>\nstream\n"...)
	out = append(out, data...)
	return append(out, "\nendstream\nendobj\n"...)
}

func appendRef(out []byte, n int) []byte {
	out = strconv.AppendInt(out, int64(n), 10)
	return append(out, " 0 R"...)
}

// ToUnicode returns the ToUnicode CMap of a one-byte font whose codes
// mean codes, zlib-compressed. With compress, for a font made once for
// many letters, it is compressed as page content is; otherwise it is
// stored as it is, in zlib's form: a letter's own font has a CMap of a few
// hundred bytes, which compressing would shrink by a third at a cost
// larger than the rest of its making.
func ToUnicode(codes *[256]rune, compress bool) ([]byte, error) {
	n := 0
	for _, r := range codes {
		if r != 0 {
			n++
		}
	}
	cmap := make([]byte, 0, len(cmapHead)+12*n+24*(n/100+1)+len(cmapTail))
	cmap = append(cmap, cmapHead...)
	cmap = appendBfchar(cmap, codes)
	cmap = append(cmap, cmapTail...)
	if compress {
		return Compress(nil, cmap, pageLevel)
	}
	return Join(make([]byte, 0, len(cmap)+16), cmap, Tail{}), nil
}

// appendBfchar appends the lines of a ToUnicode CMap that map the codes.
// It maps code by code, with bfchar: Ghostscript misreads this CMap
// written with bfrange.
func appendBfchar(b []byte, codes *[256]rune) []byte {
	const hex = "0123456789ABCDEF"
	n := 0
	for _, r := range codes {
		if r != 0 {
			n++
		}
	}
	c := 0
	for n > 0 {
		block := min(100, n) // at most 100 entries a block
		n -= block
		b = strconv.AppendInt(b, int64(block), 10)
		b = append(b, " beginbfchar\n"...)
		for ; block > 0; c++ {
			r := codes[c]
			if r == 0 {
				continue
			}
			b = append(b, '<', hex[c>>4], hex[c&15], '>', ' ', '<',
				hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15], '>', '\n')
			block--
		}
		b = append(b, "endbfchar\n"...)
	}
	return b
}

// The fixed parts of a ToUnicode CMap for one-byte codes.
const (
	cmapHead = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
	cmapTail = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
)
