package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// finish turns fpdf's output into the PDF the renderer returns. Two
// things fpdf does not do well are done here, on the finished document:
//
//   - Compression. fpdf compresses each page with a new zlib writer, and a
//     writer allocates about 1.2 MB before it has compressed a byte: more
//     than the rest of a two-page letter together, and 3 GB for the
//     longest letters. So fpdf writes its pages uncompressed and they are
//     compressed here, with writers that are reused.
//   - Text extraction. fpdf gives a one-byte font an encoding of glyph
//     names, which viewers map back to Unicode by convention, but no
//     ToUnicode CMap, the table PDF defines for it. Each encoding gets one
//     here, so copying, searching and screen readers do not depend on the
//     convention.

// writers are reusable zlib writers, by compression level (1 to 9).
var writers [zlib.BestCompression + 1]sync.Pool

// compress appends the zlib compression of src to dst.
func compress(dst, src []byte, level int) ([]byte, error) {
	if level < zlib.BestSpeed || level > zlib.BestCompression {
		return nil, fmt.Errorf("pdf: compression level %d", level)
	}
	buf := bytes.NewBuffer(dst)
	zw, _ := writers[level].Get().(*zlib.Writer)
	if zw == nil {
		var err error
		if zw, err = zlib.NewWriterLevel(buf, level); err != nil {
			return nil, err
		}
	} else {
		zw.Reset(buf)
	}
	defer writers[level].Put(zw)
	if _, err := zw.Write(src); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pageLevel compresses page content: fast, as fpdf does, since page text
// is a small part of a letter's size.
const pageLevel = zlib.BestSpeed

var errLayout = errors.New("pdf: the PDF library's output is not laid out as expected")

// finish works on an uncompressed PDF as fpdf writes it: objects one
// after another, each "N 0 obj", page content as "<</Length L>>" and a
// stream, encodings as one line with their Differences, then a classic
// cross-reference table and a trailer with /Size. It adds the ToUnicode
// objects after the others and rewrites the cross-reference table. Any
// other layout is an error rather than a damaged PDF.
func finish(pdf []byte) ([]byte, error) {
	sx := bytes.LastIndex(pdf, []byte("\nstartxref\n"))
	if sx < 0 {
		return nil, errLayout
	}
	xref, err := atoiLine(pdf[sx+len("\nstartxref\n"):])
	end := fmt.Sprintf("\nstartxref\n%d\n%%%%EOF\n", xref)
	if err != nil || xref <= 0 || xref > sx || string(pdf[sx:]) != end {
		return nil, errLayout
	}
	// "xref\n0 N\n" then N entries of 20 bytes.
	p := xref
	if !bytes.HasPrefix(pdf[p:], []byte("xref\n0 ")) {
		return nil, errLayout
	}
	p += len("xref\n0 ")
	n, err := atoiLine(pdf[p:])
	if err != nil || n < 2 {
		return nil, errLayout
	}
	p += bytes.IndexByte(pdf[p:], '\n') + 1
	if p+20*n > sx {
		return nil, errLayout
	}
	type object struct {
		num  int
		body []byte // after "N 0 obj\n"
	}
	objs := make([]object, 0, n-1)
	offs := make([]int, 0, n-1)
	for i := 1; i < n; i++ {
		e := pdf[p+20*i : p+20*i+20]
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil || string(e[10:]) != " 00000 n \n" || off <= 0 || off >= xref {
			return nil, errLayout
		}
		offs = append(offs, off)
		objs = append(objs, object{num: i})
	}
	trailer := pdf[p+20*n : sx+1]
	size := fmt.Appendf(nil, "\n/Size %d\n", n)
	if bytes.Count(trailer, size) != 1 {
		return nil, errLayout
	}
	// Cut the objects out in file order.
	order := make([]int, len(objs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return offs[a] - offs[b] })
	for k, i := range order {
		to := xref
		if k+1 < len(order) {
			to = offs[order[k+1]]
		}
		head := strconv.Itoa(objs[i].num) + " 0 obj\n"
		obj := pdf[offs[i]:to]
		if !bytes.HasPrefix(obj, []byte(head)) {
			return nil, errLayout
		}
		objs[i].body = obj[len(head):]
	}

	// A ToUnicode object for each encoding, numbered after the others.
	cmaps := map[int]int{} // encoding object → its CMap's object
	var added [][]byte
	for _, o := range objs {
		codes, ok, err := encodingRunes(o.body)
		if err != nil {
			return nil, err
		}
		if ok {
			cmaps[o.num] = n + len(added)
			added = append(added, toUnicode(codes))
		}
	}

	out := make([]byte, 0, len(pdf)/2)
	out = append(out, pdf[:offs[order[0]]]...)
	offsets := make([]int, n+len(added))
	var z []byte // compressed stream, reused
	stream := func(num int, data []byte) error {
		offsets[num] = len(out)
		var err error
		if z, err = compress(z[:0], data, pageLevel); err != nil {
			return err
		}
		out = fmt.Appendf(out, "%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", num, len(z))
		out = append(out, z...)
		out = append(out, "\nendstream\nendobj\n"...)
		return nil
	}
	for _, i := range order {
		o := objs[i]
		if data, ok := plainStream(o.body); ok {
			if err := stream(o.num, data); err != nil {
				return nil, err
			}
			continue
		}
		offsets[o.num] = len(out)
		out = strconv.AppendInt(out, int64(o.num), 10)
		out = append(out, " 0 obj\n"...)
		if enc, ok := fontEncoding(o.body); ok && cmaps[enc] > 0 {
			const tail = ">>\nendobj\n"
			out = append(out, o.body[:len(o.body)-len(tail)]...)
			out = fmt.Appendf(out, "/ToUnicode %d 0 R\n", cmaps[enc])
			out = append(out, tail...)
			continue
		}
		out = append(out, o.body...)
	}
	for i, cmap := range added {
		if err := stream(n+i, cmap); err != nil {
			return nil, err
		}
	}
	start := len(out)
	out = fmt.Appendf(out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets))
	for _, off := range offsets[1:] {
		out = fmt.Appendf(out, "%010d 00000 n \n", off)
	}
	out = append(out, bytes.Replace(trailer, size, fmt.Appendf(nil, "\n/Size %d\n", len(offsets)), 1)...)
	return fmt.Appendf(out, "startxref\n%d\n%%%%EOF\n", start), nil
}

// encodingRunes reads an encoding object as fpdf writes it for a one-byte
// font: WinAnsi with Differences naming glyphs "uniXXXX". It returns the
// character of each code the font can draw (ASCII keeps WinAnsi's), and
// false for any other object. An encoding with other names is an error.
func encodingRunes(body []byte) (codes [256]rune, ok bool, err error) {
	const pre, post = "<</Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [", "]>>\nendobj\n"
	diff, found := bytes.CutPrefix(body, []byte(pre))
	if !found {
		return codes, false, nil
	}
	diff, found = bytes.CutSuffix(diff, []byte(post))
	if !found {
		return codes, false, errLayout
	}
	for c := ' '; c <= '~'; c++ {
		codes[c] = c
	}
	code := -1
	for _, f := range strings.Fields(string(diff)) {
		name, isName := strings.CutPrefix(f, "/")
		switch {
		case !isName:
			if code, err = strconv.Atoi(f); err != nil || code < 0 || code > 255 {
				return codes, false, errLayout
			}
			continue
		case code < 0 || code > 255:
			return codes, false, errLayout
		case name == ".notdef":
			codes[code] = 0
		default:
			hex, isUni := strings.CutPrefix(name, "uni")
			v, err := strconv.ParseUint(hex, 16, 16)
			if !isUni || len(hex) != 4 || err != nil {
				return codes, false, errLayout
			}
			codes[code] = rune(v)
		}
		code++
	}
	return codes, true, nil
}

// fontEncoding returns the encoding object of a font object as fpdf writes
// a TrueType one, whose last entry is "/Encoding N 0 R".
func fontEncoding(body []byte) (int, bool) {
	if !bytes.HasPrefix(body, []byte("<</Type /Font\n")) {
		return 0, false
	}
	i := bytes.LastIndex(body, []byte("\n/Encoding "))
	if i < 0 {
		return 0, false
	}
	ref, found := bytes.CutSuffix(body[i+len("\n/Encoding "):], []byte(" 0 R\n>>\nendobj\n"))
	if !found {
		return 0, false
	}
	n, err := strconv.Atoi(string(ref))
	return n, err == nil
}

// toUnicode writes a ToUnicode CMap for a one-byte font.
func toUnicode(codes [256]rune) []byte {
	type span struct{ lo, hi int }
	var spans []span
	for c, r := range codes {
		if r == 0 {
			continue
		}
		// A range may not carry into the second byte of its character.
		if k := len(spans) - 1; k >= 0 && spans[k].hi == c-1 && codes[c-1]+1 == r && r&0xff != 0 {
			spans[k].hi = c
			continue
		}
		spans = append(spans, span{c, c})
	}
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n")
	for len(spans) > 0 {
		block := spans[:min(100, len(spans))] // at most 100 entries a block
		spans = spans[len(block):]
		fmt.Fprintf(&b, "%d beginbfrange\n", len(block))
		for _, s := range block {
			fmt.Fprintf(&b, "<%02X> <%02X> <%04X>\n", s.lo, s.hi, codes[s.lo])
		}
		b.WriteString("endbfrange\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /defineresource pop\nend\nend")
	return b.Bytes()
}

// plainStream returns the data of obj (the object after its "N 0 obj"
// line) when it is exactly an unfiltered stream: "<</Length L>>", the
// stream, and the end of the object.
func plainStream(obj []byte) ([]byte, bool) {
	const pre, post = "<</Length ", "\nendstream\nendobj\n"
	if !bytes.HasPrefix(obj, []byte(pre)) {
		return nil, false
	}
	rest := obj[len(pre):]
	i := bytes.Index(rest, []byte(">>\nstream\n"))
	if i < 1 {
		return nil, false
	}
	l, err := strconv.Atoi(string(rest[:i]))
	rest = rest[i+len(">>\nstream\n"):]
	if err != nil || l < 0 || l+len(post) != len(rest) || string(rest[l:]) != post {
		return nil, false
	}
	return rest[:l], true
}

// atoiLine reads the decimal number that ends at the next newline.
func atoiLine(b []byte) (int, error) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return 0, errLayout
	}
	return strconv.Atoi(string(b[:i]))
}
