// Package pdfobj rewrites the objects of a PDF as fpdf writes it:
// compressing page content with reused compressors and giving one-byte
// fonts a ToUnicode CMap in place of their encoding.
package pdfobj

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Finish turns fpdf's output into the PDF the renderer returns. Three
// things fpdf does not do, or does not do well, are done here, on the
// finished document: tagging (the structure tree, see Tree), and these:
//
//   - Compression. fpdf compresses each page with a new zlib writer, and a
//     writer allocates about 1.2 MB before it has compressed a byte: more
//     than the rest of a two-page letter together, and 3 GB for the
//     longest letters. So fpdf writes its pages uncompressed and they are
//     compressed here, with writers that are reused.
//   - Fonts. fpdf is given a stand-in for each of the renderer's fonts,
//     and each is written here whole, in its stand-in's place (see Font).

// maxIdle is how many idle writers of each level are kept. A writer
// allocates about 1.2 MB when made, more than the rest of a letter, so
// idle ones are kept in a free list that a garbage collection cannot empty
// (as it empties a sync.Pool), bounded so that a burst of concurrent
// letters does not keep its writers forever: each idle writer is heap
// the process keeps.
const maxIdle = 2

// writers are the idle zlib writers, by compression level (1 to 9).
var writers [zlib.BestCompression + 1]chan *zlib.Writer

func init() {
	for i := range writers {
		writers[i] = make(chan *zlib.Writer, maxIdle)
	}
}

// Compress appends the zlib compression of src to dst.
func Compress(dst, src []byte, level int) ([]byte, error) {
	if level < zlib.BestSpeed || level > zlib.BestCompression {
		return nil, fmt.Errorf("pdfobj: compression level %d", level)
	}
	buf := bytes.NewBuffer(dst)
	var zw *zlib.Writer
	select {
	case zw = <-writers[level]:
		zw.Reset(buf)
	default:
		var err error
		if zw, err = zlib.NewWriterLevel(buf, level); err != nil {
			return nil, err
		}
	}
	_, err := zw.Write(src)
	if err == nil {
		err = zw.Close()
	}
	// An idle writer must not keep the buffer it wrote to alive: a long
	// letter's can be megabytes. (Resetting is cheap at level 1; at higher
	// levels it clears the hash tables, which a new writer would do too.)
	zw.Reset(nil)
	select {
	case writers[level] <- zw:
	default:
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pageLevel compresses page content: fast, as fpdf does, since page text
// is a small part of a letter's size.
const pageLevel = zlib.BestSpeed

// ErrLayout reports a PDF not laid out as fpdf lays it out.
var ErrLayout = errors.New("pdf: the PDF library's output is not laid out as expected")

// Finish works on an uncompressed PDF as fpdf writes it: objects one
// after another, each "N 0 obj", page content as "<</Length L>>" and a
// stream, then a classic cross-reference table and a trailer with /Size.
// fonts gives the renderer's fonts by the names of their stand-ins (see
// StandIn); each must be in the PDF. Finish writes each font in place of
// its stand-in, adds the font's other objects after the others, and
// rewrites the cross-reference table. Any other layout is an error rather
// than a damaged PDF.
//
// With a tree, the PDF is tagged: the catalog gains the structure tree,
// /MarkInfo and DisplayDocTitle, each page /StructParents and /Tabs /S,
// and the structure is written compressed in an object stream, which
// needs a cross-reference stream (PDF 1.5) in place of the table.
func Finish(pdf []byte, fonts map[string]*Font, tree *Tree) ([]byte, error) {
	sx := bytes.LastIndex(pdf, []byte("\nstartxref\n"))
	if sx < 0 {
		return nil, ErrLayout
	}
	xref, err := atoiLine(pdf[sx+len("\nstartxref\n"):])
	end := fmt.Sprintf("\nstartxref\n%d\n%%%%EOF\n", xref)
	if err != nil || xref <= 0 || xref > sx || string(pdf[sx:]) != end {
		return nil, ErrLayout
	}
	// "xref\n0 N\n" then N entries of 20 bytes.
	p := xref
	if !bytes.HasPrefix(pdf[p:], []byte("xref\n0 ")) {
		return nil, ErrLayout
	}
	p += len("xref\n0 ")
	n, err := atoiLine(pdf[p:])
	if err != nil || n < 2 {
		return nil, ErrLayout
	}
	p += bytes.IndexByte(pdf[p:], '\n') + 1
	if p+20*n > sx {
		return nil, ErrLayout
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
			return nil, ErrLayout
		}
		offs = append(offs, off)
		objs = append(objs, object{num: i})
	}
	trailer := pdf[p+20*n : sx+1]
	size := fmt.Appendf(nil, "\n/Size %d\n", n)
	if bytes.Count(trailer, size) != 1 {
		return nil, ErrLayout
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
			return nil, ErrLayout
		}
		objs[i].body = obj[len(head):]
	}

	// Each font's other objects are numbered after fpdf's.
	fontAt := map[int]int{} // the stand-in's object → the font's index in added
	var added []*Font
	for _, o := range objs {
		if name, ok := fontName(o.body); ok {
			if f := fonts[name]; f != nil {
				if !f.valid() || !isStandIn(name, o.body) {
					return nil, ErrLayout
				}
				fontAt[o.num] = len(added)
				added = append(added, f)
			}
		}
	}
	if len(added) != len(fonts) {
		return nil, ErrLayout
	}

	// The structure's objects follow the fonts'; then its object stream
	// and the cross-reference stream.
	structFirst := n + fontObjects*len(added)
	var pages []int
	if tree != nil {
		for _, o := range objs {
			if bytes.HasPrefix(o.body, []byte(pageHead)) {
				pages = append(pages, o.num)
			}
		}
		if len(pages) != tree.Pages {
			return nil, ErrLayout
		}
	}

	// The output is about half of fpdf's without the fonts Finish adds:
	// sized so, it is seldom grown.
	extra := 0
	for _, f := range added {
		extra += f.size()
	}
	out := make([]byte, 0, len(pdf)/2+extra)
	out = append(out, pdf[:offs[order[0]]]...)
	offsets := make([]int, structFirst)
	var z []byte // compressed stream, reused
	streamZ := func(num int, z []byte) {
		offsets[num] = len(out)
		out = strconv.AppendInt(out, int64(num), 10)
		out = append(out, " 0 obj\n<</Filter /FlateDecode /Length "...)
		out = strconv.AppendInt(out, int64(len(z)), 10)
		out = append(out, ">>\nstream\n"...)
		out = append(out, z...)
		out = append(out, "\nendstream\nendobj\n"...)
	}
	stream := func(num int, data []byte) error {
		var err error
		if z, err = Compress(z[:0], data, pageLevel); err != nil {
			return err
		}
		streamZ(num, z)
		return nil
	}
	catalogs, page := 0, 0
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
		if i, ok := fontAt[o.num]; ok {
			out = added[i].appendDict(out, n+fontObjects*i)
			continue
		}
		if tree != nil {
			if body, ok := bytes.CutPrefix(o.body, []byte(pageHead)); ok {
				out = fmt.Appendf(out, "%s/StructParents %d\n/Tabs /S\n", pageHead, page)
				out = append(out, body...)
				page++
				continue
			}
			if body, ok := bytes.CutPrefix(o.body, []byte(catalogHead)); ok {
				out = fmt.Appendf(out, "%s/MarkInfo <</Marked true>>\n/StructTreeRoot %d 0 R\n/ViewerPreferences <</DisplayDocTitle true>>\n", catalogHead, structFirst)
				out = append(out, body...)
				catalogs++
				continue
			}
		}
		out = append(out, o.body...)
	}
	for i, f := range added {
		out = f.appendObjects(out, n+fontObjects*i, offsets)
	}
	if tree == nil {
		start := len(out)
		out = fmt.Appendf(out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets))
		for _, off := range offsets[1:] {
			out = fmt.Appendf(out, "%010d 00000 n \n", off)
		}
		out = append(out, bytes.Replace(trailer, size, fmt.Appendf(nil, "\n/Size %d\n", len(offsets)), 1)...)
		return fmt.Appendf(out, "startxref\n%d\n%%%%EOF\n", start), nil
	}
	if catalogs != 1 {
		return nil, ErrLayout
	}
	structObjs, err := tree.structure(structFirst, pages)
	if err != nil {
		return nil, err
	}
	stm := structFirst + len(structObjs)
	body, err := objectStream(structObjs, structFirst)
	if err != nil {
		return nil, err
	}
	offsets = append(offsets, make([]int, len(structObjs))...)
	offsets = append(offsets, len(out))
	out = strconv.AppendInt(out, int64(stm), 10)
	out = append(out, " 0 obj\n"...)
	out = append(out, body...)
	return xrefStream(out, offsets, structFirst, stm, trailer)
}

const (
	pageHead    = "<</Type /Page\n"
	catalogHead = "<<\n/Type /Catalog\n"
)

// xrefStream ends out with a cross-reference stream: offsets are the
// objects' offsets, by number, except those from first up to stm, which are
// in the object stream stm. trailer is the classic trailer, whose entries
// other than /Size the stream's dictionary takes.
func xrefStream(out []byte, offsets []int, first, stm int, trailer []byte) ([]byte, error) {
	dict, ok := bytes.CutPrefix(trailer, []byte("trailer\n<<\n"))
	if dict, ok = bytes.CutSuffix(dict, []byte(">>\n")); !ok || !bytes.HasPrefix(out, []byte("%PDF-1.")) {
		return nil, ErrLayout
	}
	if out[7] < '5' {
		out[7] = '5' // object and cross-reference streams are PDF 1.5
	}
	num := len(offsets)
	rows := make([]byte, 0, 7*(num+1))
	row := func(typ byte, v, gen int) {
		rows = append(rows, typ, byte(v>>24), byte(v>>16), byte(v>>8), byte(v), byte(gen>>8), byte(gen))
	}
	row(0, 0, 0xffff)
	for i := 1; i < num; i++ {
		if i >= first && i < stm {
			row(2, stm, i-first)
		} else {
			row(1, offsets[i], 0)
		}
	}
	start := len(out)
	row(1, start, 0)
	z, err := Compress(nil, rows, pageLevel)
	if err != nil {
		return nil, err
	}
	out = fmt.Appendf(out, "%d 0 obj\n<</Type /XRef /Size %d /W [1 4 2]\n", num, num+1)
	for _, l := range bytes.Split(bytes.TrimSuffix(dict, []byte("\n")), []byte("\n")) {
		if !bytes.HasPrefix(l, []byte("/Size ")) {
			out = append(append(out, l...), '\n')
		}
	}
	out = fmt.Appendf(out, "/Filter /FlateDecode /Length %d>>\nstream\n", len(z))
	out = append(out, z...)
	out = append(out, "\nendstream\nendobj\n"...)
	return fmt.Appendf(out, "startxref\n%d\n%%%%EOF\n", start), nil
}

// fontName returns the name of a font object as fpdf writes a TrueType
// one: "<</Type /Font", then "/BaseFont /Name".
func fontName(body []byte) (string, bool) {
	rest, found := bytes.CutPrefix(body, []byte("<</Type /Font\n/BaseFont /"))
	if !found {
		return "", false
	}
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		return "", false
	}
	return string(rest[:i]), true
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
		return 0, ErrLayout
	}
	return strconv.Atoi(string(b[:i]))
}
