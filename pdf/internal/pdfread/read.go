// Package pdfread reads back the PDFs the renderer writes, so that its
// tests check the file as a viewer finds it rather than as the writer
// meant it. It knows the narrow form pdf/internal/pdfobj writes: numbered
// objects, a classic cross-reference table or a cross-reference stream,
// object streams and Flate. It is strict: Read fails on a file whose
// cross-reference entries do not each lead to the object they name, on a
// stream whose length or Flate data is wrong, and on a reference to an
// object the file does not hold. It is no validator of what the objects
// mean; the conformance tests (internal/conformance) run one.
package pdfread

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf16"
)

// ErrFormat reports a file that is not a PDF of the form this package reads.
var ErrFormat = errors.New("pdfread: not a well-formed PDF")

// Name is a PDF name, without its slash.
type Name string

// String is a PDF string's bytes.
type String []byte

// Ref is an indirect reference.
type Ref struct{ Num, Gen int }

// Dict is a PDF dictionary. Values are nil, bool, int, float64, String,
// Name, []any, Dict, Ref or *Stream.
type Dict map[Name]any

// Stream is a stream object: its dictionary and its data, decoded when
// its filter is FlateDecode.
type Stream struct {
	Dict Dict
	Raw  []byte // as stored
	Data []byte // decoded
}

// File is a PDF read whole.
type File struct {
	Trailer Dict
	objs    map[int]any
}

func errorf(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, a...)...)
}

// entry is a cross-reference entry: an offset, or for an object in an
// object stream, the stream's number and the index in it.
type entry struct {
	off      int
	stm, idx int
	inStream bool
}

// Read parses b and every object its cross-reference lists.
func Read(b []byte) (*File, error) {
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) {
		return nil, errorf("no header")
	}
	tail := bytes.TrimRight(b, "\r\n")
	if !bytes.HasSuffix(tail, []byte("%%EOF")) {
		return nil, errorf("no %%%%EOF at the end")
	}
	sx := bytes.LastIndex(tail, []byte("startxref"))
	if sx < 0 {
		return nil, errorf("no startxref")
	}
	xs := bytes.TrimSpace(tail[sx+len("startxref") : len(tail)-len("%%EOF")])
	xref, err := strconv.Atoi(string(xs))
	if err != nil || xref <= 0 || xref >= sx {
		return nil, errorf("startxref %q", xs)
	}
	f := &File{objs: map[int]any{}}
	var entries map[int]entry
	if bytes.HasPrefix(b[xref:], []byte("xref")) {
		entries, f.Trailer, err = xrefTable(b, xref)
	} else {
		entries, f.Trailer, err = xrefStream(b, xref)
	}
	if err != nil {
		return nil, err
	}
	if _, ok := f.Trailer["Prev"]; ok {
		return nil, errorf("incremental updates are not read")
	}
	if size, ok := f.Trailer["Size"].(int); !ok || size != len(entries)+1 {
		return nil, errorf("/Size %v for %d objects", f.Trailer["Size"], len(entries))
	}
	// Objects outside object streams first: their lengths and the
	// object streams are needed by the rest.
	stms := map[int][][]byte{}
	var load func(num int, depth int) error
	load = func(num, depth int) error {
		if _, ok := f.objs[num]; ok {
			return nil
		}
		e, ok := entries[num]
		if !ok || depth > 2 {
			return errorf("object %d is not in the cross-reference", num)
		}
		if !e.inStream {
			o, err := f.object(b, e.off, num, func(n int) (any, error) {
				if err := load(n, depth+1); err != nil {
					return nil, err
				}
				return f.objs[n], nil
			})
			if err != nil {
				return err
			}
			f.objs[num] = o
			return nil
		}
		parts, ok := stms[e.stm]
		if !ok {
			if err := load(e.stm, depth+1); err != nil {
				return err
			}
			s, ok := f.objs[e.stm].(*Stream)
			if !ok || s.Dict["Type"] != Name("ObjStm") {
				return errorf("object %d: %d is not an object stream", num, e.stm)
			}
			parts, err = objStream(s)
			if err != nil {
				return err
			}
			stms[e.stm] = parts
		}
		if e.idx >= len(parts)/2 || string(parts[2*e.idx]) != strconv.Itoa(num) {
			return errorf("object %d is not at %d in object stream %d", num, e.idx, e.stm)
		}
		p := &parser{b: parts[2*e.idx+1]}
		o, err := p.value()
		if err != nil {
			return errorf("object %d in stream %d: %v", num, e.stm, err)
		}
		if p.skip(); p.i != len(p.b) {
			return errorf("object %d in stream %d: more after it", num, e.stm)
		}
		f.objs[num] = o
		return nil
	}
	for num := range entries {
		if err := load(num, 0); err != nil {
			return nil, err
		}
	}
	for num, o := range f.objs {
		if err := f.checkRefs(o); err != nil {
			return nil, fmt.Errorf("object %d: %w", num, err)
		}
	}
	if err := f.checkRefs(f.Trailer); err != nil {
		return nil, fmt.Errorf("trailer: %w", err)
	}
	if cat, ok := f.Get(f.Trailer["Root"]).(Dict); !ok || cat["Type"] != Name("Catalog") {
		return nil, errorf("no catalog")
	}
	return f, nil
}

// checkRefs fails on a reference to an object the file does not hold.
func (f *File) checkRefs(o any) error {
	switch v := o.(type) {
	case Ref:
		if _, ok := f.objs[v.Num]; !ok || v.Gen != 0 {
			return errorf("reference %d %d R to no object", v.Num, v.Gen)
		}
	case []any:
		for _, x := range v {
			if err := f.checkRefs(x); err != nil {
				return err
			}
		}
	case Dict:
		for _, x := range v {
			if err := f.checkRefs(x); err != nil {
				return err
			}
		}
	case *Stream:
		return f.checkRefs(v.Dict)
	}
	return nil
}

// xrefTable reads a classic cross-reference table and its trailer.
func xrefTable(b []byte, at int) (map[int]entry, Dict, error) {
	p := &parser{b: b, i: at + len("xref")}
	entries := map[int]entry{}
	for {
		p.skip()
		if bytes.HasPrefix(b[p.i:], []byte("trailer")) {
			p.i += len("trailer")
			break
		}
		first, err1 := p.int()
		count, err2 := p.int()
		if err1 != nil || err2 != nil || first < 0 || count < 0 || count > len(b)/20 {
			return nil, nil, errorf("cross-reference subsection at %d", p.i)
		}
		p.skip()
		for i := range count {
			if p.i+20 > len(b) {
				return nil, nil, errorf("cross-reference table cut short")
			}
			e := b[p.i : p.i+20]
			p.i += 20
			off, err1 := strconv.Atoi(string(e[:10]))
			gen, err2 := strconv.Atoi(string(e[11:16]))
			if err1 != nil || err2 != nil || e[10] != ' ' || e[16] != ' ' || (e[18] != '\r' && e[18] != ' ') || (e[19] != '\n' && e[19] != '\r') {
				return nil, nil, errorf("cross-reference entry %d", first+i)
			}
			switch num := first + i; e[17] {
			case 'n':
				if num == 0 || gen != 0 || off <= 0 || off >= at {
					return nil, nil, errorf("cross-reference entry %d", num)
				}
				if _, dup := entries[num]; dup {
					return nil, nil, errorf("object %d listed twice", num)
				}
				entries[num] = entry{off: off}
			case 'f':
				if num != 0 {
					return nil, nil, errorf("free object %d", num)
				}
			default:
				return nil, nil, errorf("cross-reference entry %d", num)
			}
		}
	}
	t, err := p.value()
	if err != nil {
		return nil, nil, errorf("trailer: %v", err)
	}
	d, ok := t.(Dict)
	if !ok {
		return nil, nil, errorf("trailer is not a dictionary")
	}
	p.skip()
	if !bytes.HasPrefix(b[p.i:], []byte("startxref")) {
		return nil, nil, errorf("more after the trailer")
	}
	return entries, d, nil
}

// xrefStream reads a cross-reference stream, which is also the trailer.
func xrefStream(b []byte, at int) (map[int]entry, Dict, error) {
	f := &File{objs: map[int]any{}}
	p := &parser{b: b, i: at}
	num, err := p.int()
	if err != nil {
		return nil, nil, errorf("no cross-reference at %d", at)
	}
	o, err := f.object(b, at, num, nil)
	if err != nil {
		return nil, nil, err
	}
	s, ok := o.(*Stream)
	if !ok || s.Dict["Type"] != Name("XRef") {
		return nil, nil, errorf("no cross-reference stream at %d", at)
	}
	size, _ := s.Dict["Size"].(int)
	w, _ := s.Dict["W"].([]any)
	if len(w) != 3 {
		return nil, nil, errorf("/W")
	}
	var ws [3]int
	row := 0
	for i, x := range w {
		n, ok := x.(int)
		if !ok || n < 0 || n > 8 {
			return nil, nil, errorf("/W")
		}
		ws[i] = n
		row += n
	}
	index := []any{0, size}
	if ix, ok := s.Dict["Index"].([]any); ok {
		index = ix
	}
	if row == 0 || ws[1] == 0 || len(index)%2 != 0 {
		return nil, nil, errorf("/W or /Index")
	}
	field := func(r []byte, n int) int {
		v := 0
		for _, c := range r[:n] {
			v = v<<8 | int(c)
		}
		return v
	}
	entries := map[int]entry{}
	data := s.Data
	for i := 0; i < len(index); i += 2 {
		first, ok1 := index[i].(int)
		count, ok2 := index[i+1].(int)
		if !ok1 || !ok2 || first < 0 || count < 0 || count*row > len(data) {
			return nil, nil, errorf("/Index")
		}
		for j := range count {
			r := data[:row]
			data = data[row:]
			typ := 1
			if ws[0] > 0 {
				typ = field(r, ws[0])
			}
			a, c := field(r[ws[0]:], ws[1]), field(r[ws[0]+ws[1]:], ws[2])
			n := first + j
			switch typ {
			case 0:
				if n != 0 {
					return nil, nil, errorf("free object %d", n)
				}
			case 1:
				if n == 0 || c != 0 || a <= 0 || a > at {
					return nil, nil, errorf("cross-reference entry %d", n)
				}
				entries[n] = entry{off: a}
			case 2:
				entries[n] = entry{stm: a, idx: c, inStream: true}
			default:
				return nil, nil, errorf("cross-reference entry %d of type %d", n, typ)
			}
		}
	}
	if len(data) != 0 {
		return nil, nil, errorf("cross-reference stream longer than /Index says")
	}
	if e, ok := entries[num]; !ok || e.off != at {
		return nil, nil, errorf("the cross-reference stream does not list itself")
	}
	return entries, s.Dict, nil
}

// object parses "num 0 obj ... endobj" at off. resolve gives the value of
// an indirect /Length.
func (f *File) object(b []byte, off, num int, resolve func(int) (any, error)) (any, error) {
	p := &parser{b: b, i: off}
	n, err1 := p.int()
	gen, err2 := p.int()
	p.skip()
	if err1 != nil || err2 != nil || n != num || gen != 0 || !p.keyword("obj") {
		return nil, errorf("object %d is not at %d", num, off)
	}
	o, err := p.value()
	if err != nil {
		return nil, errorf("object %d: %v", num, err)
	}
	p.skip()
	if p.keyword("stream") {
		d, ok := o.(Dict)
		if !ok {
			return nil, errorf("object %d: a stream without a dictionary", num)
		}
		if bytes.HasPrefix(b[p.i:], []byte("\r\n")) {
			p.i += 2
		} else if p.i < len(b) && b[p.i] == '\n' {
			p.i++
		} else {
			return nil, errorf("object %d: no end of line after stream", num)
		}
		length := d["Length"]
		if r, ok := length.(Ref); ok && resolve != nil {
			if length, err = resolve(r.Num); err != nil {
				return nil, err
			}
		}
		l, ok := length.(int)
		if !ok || l < 0 || p.i+l > len(b) {
			return nil, errorf("object %d: stream /Length %v", num, d["Length"])
		}
		s := &Stream{Dict: d, Raw: b[p.i : p.i+l]}
		p.i += l
		for p.i < len(b) && (b[p.i] == '\r' || b[p.i] == '\n') {
			p.i++
		}
		if !p.keyword("endstream") {
			return nil, errorf("object %d: the stream does not end at its /Length", num)
		}
		if s.Data, err = decode(s); err != nil {
			return nil, errorf("object %d: %v", num, err)
		}
		o = s
		p.skip()
	}
	if !p.keyword("endobj") {
		return nil, errorf("object %d: no endobj", num)
	}
	return o, nil
}

// decode applies a stream's filter: none, or FlateDecode.
func decode(s *Stream) ([]byte, error) {
	switch fl := s.Dict["Filter"].(type) {
	case nil:
		return s.Raw, nil
	case Name:
		switch fl {
		case "FlateDecode":
			zr, err := zlib.NewReader(bytes.NewReader(s.Raw))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(zr)
		case "DCTDecode": // a JPEG image, read as it is
			return s.Raw, nil
		}
	}
	return nil, fmt.Errorf("filter %v", s.Dict["Filter"])
}

// objStream splits an object stream into number and object pairs.
func objStream(s *Stream) ([][]byte, error) {
	n, ok1 := s.Dict["N"].(int)
	first, ok2 := s.Dict["First"].(int)
	if !ok1 || !ok2 || n < 0 || first < 0 || first > len(s.Data) {
		return nil, errorf("object stream /N or /First")
	}
	p := &parser{b: s.Data[:first]}
	offs := make([]int, 0, n)
	nums := make([][]byte, 0, n)
	for range n {
		num, err1 := p.int()
		off, err2 := p.int()
		if err1 != nil || err2 != nil || off < 0 || first+off > len(s.Data) || (len(offs) > 0 && first+off < offs[len(offs)-1]) {
			return nil, errorf("object stream header")
		}
		nums = append(nums, []byte(strconv.Itoa(num)))
		offs = append(offs, first+off)
	}
	var out [][]byte
	for i, off := range offs {
		end := len(s.Data)
		if i+1 < len(offs) {
			end = offs[i+1]
		}
		out = append(out, nums[i], bytes.TrimSpace(s.Data[off:end]))
	}
	return out, nil
}

// Get returns o, or the object it refers to.
func (f *File) Get(o any) any {
	if r, ok := o.(Ref); ok {
		return f.objs[r.Num]
	}
	return o
}

// Objects returns the number of objects the file holds.
func (f *File) Objects() int { return len(f.objs) }

// Catalog returns the document catalog.
func (f *File) Catalog() Dict { return f.Get(f.Trailer["Root"]).(Dict) }

// Page is a page and the entries it inherits.
type Page struct {
	Dict      Dict
	Resources Dict
	MediaBox  [4]float64
}

// Pages returns the pages in order, walking the page tree.
func (f *File) Pages() ([]Page, error) {
	var out []Page
	var walk func(o any, res Dict, box []any, depth int) error
	walk = func(o any, res Dict, box []any, depth int) error {
		d, ok := f.Get(o).(Dict)
		if !ok || depth > 20 {
			return errorf("page tree")
		}
		if r, ok := f.Get(d["Resources"]).(Dict); ok {
			res = r
		}
		if b, ok := f.Get(d["MediaBox"]).([]any); ok {
			box = b
		}
		switch d["Type"] {
		case Name("Pages"):
			kids, ok := f.Get(d["Kids"]).([]any)
			if !ok {
				return errorf("page tree without /Kids")
			}
			for _, k := range kids {
				if err := walk(k, res, box, depth+1); err != nil {
					return err
				}
			}
			return nil
		case Name("Page"):
			pg := Page{Dict: d, Resources: res}
			if len(box) != 4 {
				return errorf("page without /MediaBox")
			}
			for i, v := range box {
				x, ok := Number(f.Get(v))
				if !ok {
					return errorf("/MediaBox")
				}
				pg.MediaBox[i] = x
			}
			out = append(out, pg)
			return nil
		}
		return errorf("page tree node of type %v", d["Type"])
	}
	if err := walk(f.Catalog()["Pages"], nil, nil, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// Content returns a page's content, its streams joined.
func (f *File) Content(pg Page) ([]byte, error) {
	c := f.Get(pg.Dict["Contents"])
	if a, ok := c.([]any); ok {
		var out []byte
		for _, x := range a {
			s, ok := f.Get(x).(*Stream)
			if !ok {
				return nil, errorf("page content")
			}
			out = append(append(out, s.Data...), '\n')
		}
		return out, nil
	}
	s, ok := c.(*Stream)
	if !ok {
		return nil, errorf("page content")
	}
	return s.Data, nil
}

// Number returns o as a number.
func Number(o any) (float64, bool) {
	switch v := o.(type) {
	case int:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// Text returns a text string: UTF-16BE after a byte order mark, else
// PDFDocEncoding, read here as Latin-1 (the renderer writes nothing else).
func Text(o any) (string, bool) {
	s, ok := o.(String)
	if !ok {
		return "", false
	}
	if len(s) >= 2 && s[0] == 0xfe && s[1] == 0xff {
		if len(s)%2 != 0 {
			return "", false
		}
		u := make([]uint16, 0, len(s)/2-1)
		for i := 2; i < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(u)), true
	}
	r := make([]rune, len(s))
	for i, c := range s {
		r[i] = rune(c)
	}
	return string(r), true
}

// parser reads PDF values from b at i.
type parser struct {
	b     []byte
	i     int
	depth int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	return isSpace(c) || bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0
}

// skip passes white space and comments.
func (p *parser) skip() {
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case isSpace(c):
			p.i++
		case c == '%':
			for p.i < len(p.b) && p.b[p.i] != '\n' && p.b[p.i] != '\r' {
				p.i++
			}
		default:
			return
		}
	}
}

// keyword consumes kw when it is the next token.
func (p *parser) keyword(kw string) bool {
	p.skip()
	end := p.i + len(kw)
	if end > len(p.b) || string(p.b[p.i:end]) != kw || (end < len(p.b) && !isDelim(p.b[end])) {
		return false
	}
	p.i = end
	return true
}

// token returns the next regular token.
func (p *parser) token() []byte {
	p.skip()
	j := p.i
	for j < len(p.b) && !isDelim(p.b[j]) {
		j++
	}
	t := p.b[p.i:j]
	p.i = j
	return t
}

func (p *parser) int() (int, error) {
	t := p.token()
	n, err := strconv.Atoi(string(t))
	if err != nil || len(t) > 12 {
		return 0, errorf("%q is not an integer", t)
	}
	return n, nil
}

// value parses one value.
func (p *parser) value() (any, error) {
	p.skip()
	if p.i >= len(p.b) {
		return nil, errorf("end of data")
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 100 {
		return nil, errorf("nested too deep")
	}
	switch c := p.b[p.i]; {
	case c == '/':
		p.i++
		return p.name()
	case c == '(':
		return p.literal()
	case c == '<' && p.i+1 < len(p.b) && p.b[p.i+1] == '<':
		p.i += 2
		d := Dict{}
		for {
			p.skip()
			if bytes.HasPrefix(p.b[p.i:], []byte(">>")) {
				p.i += 2
				return d, nil
			}
			if p.i >= len(p.b) || p.b[p.i] != '/' {
				return nil, errorf("a dictionary key is not a name at %d", p.i)
			}
			p.i++
			k, err := p.name()
			if err != nil {
				return nil, err
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			if _, dup := d[k]; dup {
				return nil, errorf("key /%s twice", k)
			}
			d[k] = v
		}
	case c == '<':
		return p.hex()
	case c == '[':
		p.i++
		a := []any{}
		for {
			p.skip()
			if p.i < len(p.b) && p.b[p.i] == ']' {
				p.i++
				return a, nil
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	}
	t := p.token()
	switch string(t) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	case "":
		return nil, errorf("unexpected %q at %d", p.b[p.i], p.i)
	}
	if n, err := strconv.Atoi(string(t)); err == nil && len(t) <= 12 {
		// "n g R" is a reference.
		save := p.i
		if g, err := strconv.Atoi(string(p.token())); err == nil && g >= 0 && p.keyword("R") {
			if n <= 0 {
				return nil, errorf("reference to object %d", n)
			}
			return Ref{n, g}, nil
		}
		p.i = save
		return n, nil
	}
	x, err := strconv.ParseFloat(string(t), 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) || bytes.ContainsAny(t, "eExX") {
		return nil, errorf("%q is not a value", t)
	}
	return x, nil
}

// name reads a name after its slash.
func (p *parser) name() (Name, error) {
	j := p.i
	for j < len(p.b) && !isDelim(p.b[j]) {
		j++
	}
	raw := p.b[p.i:j]
	p.i = j
	var out []byte
	for i := 0; i < len(raw); i++ {
		if raw[i] != '#' {
			out = append(out, raw[i])
			continue
		}
		if i+2 >= len(raw) {
			return "", errorf("name escape")
		}
		v, err := strconv.ParseUint(string(raw[i+1:i+3]), 16, 8)
		if err != nil {
			return "", errorf("name escape")
		}
		out = append(out, byte(v))
		i += 2
	}
	return Name(out), nil
}

// hex reads a hex string.
func (p *parser) hex() (String, error) {
	end := bytes.IndexByte(p.b[p.i:], '>')
	if end < 0 {
		return nil, errorf("hex string without an end")
	}
	var digits []byte
	for _, c := range p.b[p.i+1 : p.i+end] {
		switch {
		case isSpace(c):
		case c >= '0' && c <= '9':
			digits = append(digits, c-'0')
		case c >= 'a' && c <= 'f':
			digits = append(digits, c-'a'+10)
		case c >= 'A' && c <= 'F':
			digits = append(digits, c-'A'+10)
		default:
			return nil, errorf("%q in a hex string", c)
		}
	}
	p.i += end + 1
	if len(digits)%2 == 1 {
		digits = append(digits, 0)
	}
	out := String{}
	for i := 0; i < len(digits); i += 2 {
		out = append(out, digits[i]<<4|digits[i+1])
	}
	return out, nil
}

// Literal reads the literal string "(...)" at the start of b, as a page's
// content holds them, and returns its bytes and the length read.
func Literal(b []byte) (String, int, error) {
	p := &parser{b: b}
	s, err := p.literal()
	return s, p.i, err
}

// literal reads a literal string.
func (p *parser) literal() (String, error) {
	out := String{}
	depth := 0
	for ; p.i < len(p.b); p.i++ {
		c := p.b[p.i]
		switch c {
		case '(':
			if depth > 0 {
				out = append(out, c)
			}
			depth++
		case ')':
			depth--
			if depth == 0 {
				p.i++
				return out, nil
			}
			out = append(out, c)
		case '\\':
			p.i++
			if p.i >= len(p.b) {
				return nil, errorf("string without an end")
			}
			switch e := p.b[p.i]; e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\r':
				if p.i+1 < len(p.b) && p.b[p.i+1] == '\n' {
					p.i++
				}
			case '\n':
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := 0
				for n := 0; n < 3 && p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '7'; n++ {
					v = v*8 + int(p.b[p.i]-'0')
					p.i++
				}
				p.i--
				out = append(out, byte(v))
			default:
				out = append(out, e)
			}
		default:
			out = append(out, c)
		}
	}
	return nil, errorf("string without an end")
}
