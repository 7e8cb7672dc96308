package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// fpdf compresses each page with a new zlib writer, and a writer allocates
// about 1.2 MB before it has compressed a byte: more than the rest of a
// two-page letter together, and 3 GB for the longest letters. So the
// renderer has fpdf write its pages uncompressed and compresses them here,
// with writers that are reused.

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

// deflateStreams compresses the unfiltered streams of an uncompressed PDF
// as fpdf writes it: objects one after another, each "N 0 obj", with page
// content as "<</Length L>>" and a stream, then a classic cross-reference
// table and trailer. It rewrites the cross-reference table for the new
// offsets. Any other layout is an error rather than a damaged PDF.
func deflateStreams(pdf []byte) ([]byte, error) {
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
	if err != nil || n < 1 {
		return nil, errLayout
	}
	p += bytes.IndexByte(pdf[p:], '\n') + 1
	if p+20*n > sx {
		return nil, errLayout
	}
	type object struct{ num, off int }
	objs := make([]object, 0, n-1)
	for i := 1; i < n; i++ {
		e := pdf[p+20*i : p+20*i+20]
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil || string(e[10:]) != " 00000 n \n" || off <= 0 || off >= xref {
			return nil, errLayout
		}
		objs = append(objs, object{i, off})
	}
	trailer := pdf[p+20*n : sx+1]
	slices.SortFunc(objs, func(a, b object) int { return a.off - b.off })

	out := make([]byte, 0, len(pdf)/2)
	out = append(out, pdf[:objs[0].off]...)
	offsets := make([]int, n)
	var z []byte // compressed stream, reused
	for i, o := range objs {
		end := xref
		if i+1 < len(objs) {
			end = objs[i+1].off
		}
		obj := pdf[o.off:end]
		head := strconv.Itoa(o.num) + " 0 obj\n"
		if !bytes.HasPrefix(obj, []byte(head)) {
			return nil, errLayout
		}
		offsets[o.num] = len(out)
		data, ok := plainStream(obj[len(head):])
		if !ok {
			out = append(out, obj...)
			continue
		}
		if z, err = compress(z[:0], data, pageLevel); err != nil {
			return nil, err
		}
		out = append(out, head...)
		out = fmt.Appendf(out, "<</Filter /FlateDecode /Length %d>>\nstream\n", len(z))
		out = append(out, z...)
		out = append(out, "\nendstream\nendobj\n"...)
	}
	start := len(out)
	out = fmt.Appendf(out, "xref\n0 %d\n0000000000 65535 f \n", n)
	for _, off := range offsets[1:] {
		out = fmt.Appendf(out, "%010d 00000 n \n", off)
	}
	out = append(out, trailer...)
	return fmt.Appendf(out, "startxref\n%d\n%%%%EOF\n", start), nil
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
