// Package pdfobj rewrites the objects of a PDF as fpdf writes it: writing
// the pages' content, compressed by package deflate, and writing the
// renderer's fonts whole in place of the stand-ins fpdf is given.
package pdfobj

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/refletter/refletter/pdf/internal/deflate"
)

// Finish turns fpdf's output into the PDF the renderer returns. Three
// things fpdf does not do, or does not do well, are done here, on the
// finished document: tagging (the structure tree, see Tree), and these:
//
//   - Compression. fpdf compresses each page with a new zlib writer, and a
//     writer allocates about 1.2 MB before it has compressed a byte: more
//     than the rest of a two-page letter together, and 3 GB for the
//     longest letters. So fpdf's pages hold only a mark, and each page's
//     content is written and compressed here (see compress).
//   - Fonts. fpdf is given a stand-in for each of the renderer's fonts,
//     and each is written here whole, in its stand-in's place (see Font).

// maxIdle is how many idle working buffers are kept (see scratches): in a
// free list that a garbage collection cannot empty (as it empties a
// sync.Pool), bounded so that a burst of concurrent letters does not keep
// its buffers forever.
const maxIdle = 2

// Compress appends the zlib compression of src to dst.
func Compress(dst, src []byte, level int) ([]byte, error) {
	return compress(dst, level, src)
}

// compress appends the zlib compression of the concatenation of srcs to
// dst. Everything a letter compresses is at pageLevel, done by package
// deflate, which on a PDF's small streams is about twice as fast as
// compress/flate's fastest level for the same size and keeps no 1.2 MB
// writer per compressor. Other levels use compress/zlib: only page 0's
// programs, made by go generate, are compressed harder.
func compress(dst []byte, level int, srcs ...[]byte) ([]byte, error) {
	switch {
	case level == pageLevel:
		return deflate.Append(dst, srcs...), nil
	case level < zlib.BestSpeed || level > zlib.BestCompression:
		return nil, fmt.Errorf("pdfobj: compression level %d", level)
	}
	buf := bytes.NewBuffer(dst)
	zw, err := zlib.NewWriterLevel(buf, level)
	if err != nil {
		return nil, err
	}
	for _, src := range srcs {
		if _, err = zw.Write(src); err != nil {
			return nil, err
		}
	}
	if err = zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pageLevel compresses what a letter makes (page content, the structure,
// the cross-reference stream, CMaps): fast, as fpdf does, since these are
// a small part of a letter's size.
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
// With content, every page fpdf holds must be PageMark alone (after what
// fpdf writes at the top of a page), and Finish writes what content
// gives for it in its place; without, it compresses the pages as they
// are.
//
// With a tree, the PDF is tagged: the catalog gains the structure tree,
// /MarkInfo and DisplayDocTitle, each page /StructParents and /Tabs /S,
// and the structure is written compressed in an object stream, which
// needs a cross-reference stream (PDF 1.5) in place of the table.
func Finish(pdf []byte, fonts map[string]*Font, tree *Tree, content Content) ([]byte, error) {
	sx := bytes.LastIndex(pdf, []byte("\nstartxref\n"))
	if sx < 0 {
		return nil, ErrLayout
	}
	xref, err := atoiLine(pdf[sx+len("\nstartxref\n"):])
	if err != nil || xref <= 0 || xref > sx {
		return nil, ErrLayout
	}
	end := strconv.AppendInt([]byte("\nstartxref\n"), int64(xref), 10)
	if end = append(end, "\n%%EOF\n"...); string(pdf[sx:]) != string(end) {
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
		off  int    // in pdf
		body []byte // after "N 0 obj\n"
	}
	objs := make([]object, n-1) // by number less one
	for i := range objs {
		e := pdf[p+20*(i+1) : p+20*(i+2)]
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil || string(e[10:]) != " 00000 n \n" || off <= 0 || off >= xref {
			return nil, ErrLayout
		}
		objs[i] = object{num: i + 1, off: off}
	}
	trailer := pdf[p+20*n : sx+1]
	size := strconv.AppendInt([]byte("\n/Size "), int64(n), 10)
	size = append(size, '\n')
	if bytes.Count(trailer, size) != 1 {
		return nil, ErrLayout
	}
	// Cut the objects out in file order.
	order := make([]int, len(objs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return objs[a].off - objs[b].off })
	var head []byte
	for k, i := range order {
		to := xref
		if k+1 < len(order) {
			to = objs[order[k+1]].off
		}
		head = strconv.AppendInt(head[:0], int64(objs[i].num), 10)
		head = append(head, " 0 obj\n"...)
		obj := pdf[objs[i].off:to]
		if !bytes.HasPrefix(obj, head) {
			return nil, ErrLayout
		}
		objs[i].body = obj[len(head):]
	}

	// Each font's other objects are numbered after fpdf's.
	fontAt := make([]int, len(objs)) // the stand-in's index → 1 + the font's index in added
	var added []*Font
	for i, o := range objs {
		if name, ok := fontName(o.body); ok {
			if f := fonts[name]; f != nil {
				if !f.valid() || !isStandIn(name, o.body) {
					return nil, ErrLayout
				}
				fontAt[i] = 1 + len(added)
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
	var pages []int // the pages' object numbers
	for _, o := range objs {
		if bytes.HasPrefix(o.body, []byte(pageHead)) {
			pages = append(pages, o.num)
		}
	}
	if tree != nil && len(pages) != tree.Pages {
		return nil, ErrLayout
	}
	var res *Resources
	if content != nil {
		if res, err = resources(func(num int) []byte {
			if num < 1 || num > len(objs) {
				return nil
			}
			return objs[num-1].body
		}); err != nil {
			return nil, err
		}
	}

	// The output is fpdf's, less its page streams, with the fonts, the
	// pages' content and the structure added: sized so, it is seldom
	// grown.
	extra := 0
	for _, f := range added {
		extra += f.size()
	}
	if content != nil {
		extra += pageEstimate * len(pages)
	} else {
		extra -= len(pdf) / 2
	}
	if tree != nil {
		extra += structEstimate * len(tree.Elems)
	}
	out := make([]byte, 0, len(pdf)+extra)
	out = append(out, pdf[:objs[order[0]].off]...)
	offsets := make([]int, structFirst)
	sc := getScratch()
	defer sc.release()
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
		if sc.z, err = Compress(sc.z[:0], data, pageLevel); err != nil {
			return err
		}
		streamZ(num, sc.z)
		return nil
	}
	catalogs, pageNum, contents := 0, 0, 0
	for _, i := range order {
		o := objs[i]
		if data, ok := plainStream(o.body); ok {
			if content != nil {
				if string(data) != pageStart+PageMark+"\n" {
					return nil, ErrLayout
				}
				if sc.page, err = content.AppendPage(sc.page[:0], contents, res); err != nil {
					return nil, err
				}
				data = sc.page
				contents++
			}
			if err := stream(o.num, data); err != nil {
				return nil, err
			}
			continue
		}
		offsets[o.num] = len(out)
		out = strconv.AppendInt(out, int64(o.num), 10)
		out = append(out, " 0 obj\n"...)
		if k := fontAt[i]; k > 0 {
			out = added[k-1].appendDict(out, n+fontObjects*(k-1))
			continue
		}
		if tree != nil {
			if body, ok := bytes.CutPrefix(o.body, []byte(pageHead)); ok {
				out = append(out, pageHead+"/StructParents "...)
				out = strconv.AppendInt(out, int64(pageNum), 10)
				out = append(out, "\n/Tabs /S\n"...)
				out = append(out, body...)
				pageNum++
				continue
			}
			if body, ok := bytes.CutPrefix(o.body, []byte(catalogHead)); ok {
				out = append(out, catalogHead+"/MarkInfo <</Marked true>>\n/StructTreeRoot "...)
				out = strconv.AppendInt(out, int64(structFirst), 10)
				out = append(out, " 0 R\n/ViewerPreferences <</DisplayDocTitle true>>\n"...)
				out = append(out, body...)
				catalogs++
				continue
			}
		}
		out = append(out, o.body...)
	}
	if content != nil && contents == 0 {
		return nil, ErrLayout // no page holds PageMark
	}
	for i, f := range added {
		out = f.appendObjects(out, n+fontObjects*i, offsets)
	}
	if tree == nil {
		start := len(out)
		out = append(out, "xref\n0 "...)
		out = strconv.AppendInt(out, int64(len(offsets)), 10)
		out = append(out, "\n0000000000 65535 f \n"...)
		for _, off := range offsets[1:] {
			out = appendPadded(out, off, 10)
			out = append(out, " 00000 n \n"...)
		}
		size2 := strconv.AppendInt([]byte("\n/Size "), int64(len(offsets)), 10)
		out = append(out, bytes.Replace(trailer, size, append(size2, '\n'), 1)...)
		out = append(out, "startxref\n"...)
		out = strconv.AppendInt(out, int64(start), 10)
		return append(out, "\n%%EOF\n"...), nil
	}
	if catalogs != 1 {
		return nil, ErrLayout
	}
	return tree.finish(out, offsets, structFirst, pages, trailer, sc)
}

// pageEstimate and structEstimate are what a page's compressed content
// and a structure element add to the output, in bytes, for sizing it: on
// the benchmarks' stream of letters a page adds 2.1 KB (2.6 KB at the
// 90th percentile, 3 KB at most) and an element 15 bytes.
const (
	pageEstimate   = 2560
	structEstimate = 16
)

// scratch holds Finish's working buffers. Idle ones are kept in a free
// list, as compressors are, so that a letter's working space is reused
// by the next whatever the garbage collector does; a buffer grown past
// maxScratch by a long letter is not kept.
type scratch struct {
	page, z  []byte // a page's content, and compressed
	objs     []byte // the structure's objects
	head     []byte // the object stream's head
	offs     []int  // the structure's objects' offsets in objs
	structZ  []byte // the object stream, compressed
	xrefRows []byte // the cross-reference stream, and compressed
	xrefZ    []byte
}

const maxScratch = 256 << 10

var scratches = make(chan *scratch, maxIdle)

func getScratch() *scratch {
	select {
	case sc := <-scratches:
		return sc
	default:
		return &scratch{page: make([]byte, 0, 16<<10), z: make([]byte, 0, 8<<10)}
	}
}

// release keeps sc for another Finish, emptied, unless it has grown too
// large or enough are kept.
func (sc *scratch) release() {
	bufs := [...]*[]byte{&sc.page, &sc.z, &sc.objs, &sc.head, &sc.structZ, &sc.xrefRows, &sc.xrefZ}
	for _, b := range bufs {
		if cap(*b) > maxScratch {
			return
		}
	}
	if cap(sc.offs) > maxScratch/8 {
		return
	}
	// Nothing of a letter is kept past its Finish: the buffers are
	// cleared, not just truncated.
	for _, b := range bufs {
		clear((*b)[:cap(*b)])
		*b = (*b)[:0]
	}
	sc.offs = sc.offs[:0]
	select {
	case scratches <- sc:
	default:
	}
}

// appendPadded appends v in decimal, padded with zeros to width digits.
func appendPadded(b []byte, v, width int) []byte {
	var d [20]byte
	s := strconv.AppendInt(d[:0], int64(v), 10)
	for range width - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}

const (
	pageHead    = "<</Type /Page\n"
	catalogHead = "<<\n/Type /Catalog\n"
)

// xrefStream ends out with a cross-reference stream: offsets are the
// objects' offsets, by number, except those from first up to stm, which are
// in the object stream stm. trailer is the classic trailer, whose entries
// other than /Size the stream's dictionary takes.
func xrefStream(out []byte, offsets []int, first, stm int, trailer []byte, sc *scratch) ([]byte, error) {
	dict, ok := bytes.CutPrefix(trailer, []byte("trailer\n<<\n"))
	if !ok {
		return nil, ErrLayout
	}
	if dict, ok = bytes.CutSuffix(dict, []byte(">>\n")); !ok || !bytes.HasPrefix(out, []byte("%PDF-1.")) {
		return nil, ErrLayout
	}
	if out[7] < '5' {
		out[7] = '5' // object and cross-reference streams are PDF 1.5
	}
	num := len(offsets)
	rows := sc.xrefRows[:0]
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
	sc.xrefRows = rows
	z, err := Compress(sc.xrefZ[:0], rows, pageLevel)
	if err != nil {
		return nil, err
	}
	sc.xrefZ = z
	out = strconv.AppendInt(out, int64(num), 10)
	out = append(out, " 0 obj\n<</Type /XRef /Size "...)
	out = strconv.AppendInt(out, int64(num+1), 10)
	out = append(out, " /W [1 4 2]\n"...)
	for len(dict) > 0 {
		l, rest, _ := bytes.Cut(dict, []byte("\n"))
		if !bytes.HasPrefix(l, []byte("/Size ")) {
			out = append(append(out, l...), '\n')
		}
		dict = rest
	}
	out = append(out, "/Filter /FlateDecode /Length "...)
	out = strconv.AppendInt(out, int64(len(z)), 10)
	out = append(out, ">>\nstream\n"...)
	out = append(out, z...)
	out = append(out, "\nendstream\nendobj\nstartxref\n"...)
	out = strconv.AppendInt(out, int64(start), 10)
	return append(out, "\n%%EOF\n"...), nil
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
