package referral

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrTooLarge is wrapped by Decode's error for a document over 1 MiB.
var ErrTooLarge = errors.New("referral: document is larger than 1 MiB")

// Decoding rules, as FieldError.Rule names them.
const (
	RuleSyntax       = "syntax"
	RuleUnknownField = "unknown-field"
	RuleType         = "type"
	RuleTrailingData = "trailing-data"
	RuleDuplicate    = "duplicate-field"
)

// readDocument reads a JSON document of at most MaxDocumentBytes, without
// a leading byte-order mark, and checks that it is UTF-8.
func readDocument(r io.Reader) ([]byte, error) {
	size := 512
	if l, ok := r.(interface{ Len() int }); ok {
		// A reader that knows what it holds (bytes.Reader, strings.Reader,
		// bytes.Buffer) is read into one buffer of that size.
		size = min(max(l.Len(), 0), MaxDocumentBytes) + 1
	}
	data, err := readAll(r, size, MaxDocumentBytes+1)
	if err != nil {
		return nil, fmt.Errorf("referral: reading: %w", err)
	}
	if len(data) > MaxDocumentBytes {
		return nil, ErrTooLarge
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, FieldErrors{{Rule: RuleEncoding, Message: "the document is not valid UTF-8"}}
	}
	return data, nil
}

// readAll reads r to its end, or to its first limit bytes, into a buffer
// of size bytes to start with.
func readAll(r io.Reader, size, limit int) ([]byte, error) {
	b := make([]byte, 0, size)
	for len(b) < limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // room to read on
		}
		n, err := r.Read(b[len(b):min(cap(b), limit)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// retiredFields are fields the form no longer has, by path, with what
// replaced them: Decode names them, since their names are the form's own.
var retiredFields = map[string]string{
	"safety.risks": "is no longer accepted: use riskToSelf, riskToOthers and riskToStaff",
}

// Decode reads one referral in its JSON form. It is strict: malformed JSON,
// unknown or repeated fields (names are case-sensitive), wrong JSON types,
// invalid UTF-8, a list of more than MaxListItems items and trailing data
// are FieldErrors naming the JSON path (at most MaxFieldErrors of them,
// then a count of the rest); a document over 1 MiB is an error wrapping
// ErrTooLarge. A leading UTF-8 byte-order mark is ignored.
//
// An unknown field is named by the path of the object holding it and its
// position there ("patient: unknown field (3rd key)"), never by its key,
// which may hold anything. Null leaves a field empty, except for a flag
// with no "not stated" meaning (recipient.suspectedCancer): null there is
// a type error, never false. Decode does not validate: call Validate.
func Decode(r io.Reader) (*Referral, error) {
	data, err := readDocument(r)
	if err != nil {
		return nil, err
	}
	var ref Referral
	if errs := decodeInto(data, reflect.ValueOf(&ref).Elem(), "referral"); len(errs) > 0 {
		return nil, errs
	}
	return &ref, nil
}

// decodeInto reads the JSON document data, valid UTF-8, into v, the zero
// value of a form's type, in one pass: it checks the document's syntax and
// its shape against v's type as it stores each value, as encoding/json
// would store it. Faults are FieldErrors by path: syntax errors, unknown
// and duplicate fields, wrong types, over-long lists and trailing data.
// Only names of the form, never keys or values, reach the messages; a
// megabyte of unknown keys or list items costs one pass, and the errors
// kept stop at MaxFieldErrors. When there are errors, v is left part-filled and must not be
// used. Strings without escapes are cut from one copy of data, which the
// value then keeps.
func decodeInto(data []byte, v reflect.Value, form string) FieldErrors {
	// The path has room for most paths of the form, not to grow by steps.
	d := decoder{data: data, text: string(data), path: make([]byte, 0, 64)}
	if err := d.value(shapeOf(v.Type()), v); err != nil {
		return FieldErrors{syntaxError(err, data)}
	}
	d.ws()
	if d.pos < len(data) {
		start := d.pos
		if err := d.skipValue(); err != nil && d.pos == start {
			return FieldErrors{syntaxError(err, data)}
		}
		return FieldErrors{{Rule: RuleTrailingData, Message: "there is data after the referral document"}}
	}
	if d.more > 0 {
		d.errs = append(d.errs, moreErrors(d.more))
	}
	if len(d.errs) == 0 && d.mismatch {
		// A type of the form refused a string its shape admits.
		return FieldErrors{{Rule: RuleType, Message: "the document does not match the " + form + " form"}}
	}
	return d.errs
}

// checkShape reports the faults decodeInto finds in data for a value of
// type t, the value itself thrown away.
func checkShape(data []byte, t reflect.Type) FieldErrors {
	return decodeInto(data, reflect.New(t).Elem(), "referral")
}

// errTruncated is the syntax error of a document that ends too soon.
var errTruncated = errors.New("truncated")

func syntaxError(err error, data []byte) FieldError {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// The token decoder's offset is where its current value began;
		// the scanner's, from checking the whole document, is just past
		// the byte at fault.
		off := se.Offset
		var raw json.RawMessage
		if errors.As(json.Unmarshal(data, &raw), &se) && se.Offset > 0 {
			off = se.Offset - 1
		}
		line, col := position(data, off)
		return FieldError{Rule: RuleSyntax, Message: fmt.Sprintf("malformed JSON at line %d, column %d", line, col)}
	}
	return FieldError{Rule: RuleSyntax, Message: "malformed or truncated JSON"}
}

// position gives the 1-based line and column of the byte at offset off.
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// shapeKind is how a type of the form is read from JSON.
type shapeKind uint8

const (
	shapeOther       shapeKind = iota // a type the form does not read: any value is a type error
	shapeString                       // a string
	shapeText                         // a string a textValue reads (Date, Priority, NHSNumber)
	shapeUnmarshaler                  // a string given to a json.Unmarshaler
	shapeBool                         // true or false
	shapeInt                          // a whole number within 32 bits
	shapeStruct                       // an object of known fields
	shapeList                         // a list
	shapePointer                      // what the pointer points to, or null
)

// A textValue takes its value from a JSON string, as its UnmarshalJSON
// does, without going through encoding/json.
type textValue interface {
	setText(s string)
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textValueType   = reflect.TypeFor[textValue]()
)

// shape is what decodeInto knows of a type: how to read it, and for a
// struct its fields by JSON name. Shapes are made once per type.
type shape struct {
	kind   shapeKind
	typ    reflect.Type
	elem   *shape         // of a pointer or a list
	fields []shapeField   // of a struct
	byName map[string]int // of a struct: index into fields
}

// shapeField is a struct field the JSON form names.
type shapeField struct {
	name  string // JSON name
	index int    // Go field index
	shape *shape
}

// shapes caches a shape per type.
var shapes sync.Map // reflect.Type -> *shape

func shapeOf(t reflect.Type) *shape {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	s, _ := shapes.LoadOrStore(t, buildShape(t, map[reflect.Type]*shape{}))
	return s.(*shape)
}

// buildShape makes t's shape; building holds the shapes being made, so
// that a type that holds itself ends.
func buildShape(t reflect.Type, building map[reflect.Type]*shape) *shape {
	if s, ok := building[t]; ok {
		return s
	}
	s := &shape{typ: t}
	building[t] = s
	switch {
	case t.Kind() == reflect.Pointer:
		s.kind, s.elem = shapePointer, buildShape(t.Elem(), building)
	case reflect.PointerTo(t).Implements(textValueType):
		s.kind = shapeText
	case reflect.PointerTo(t).Implements(unmarshalerType):
		s.kind = shapeUnmarshaler
	case t.Kind() == reflect.String:
		s.kind = shapeString
	case t.Kind() == reflect.Bool:
		s.kind = shapeBool
	case t.Kind() == reflect.Int:
		s.kind = shapeInt
	case t.Kind() == reflect.Slice:
		s.kind, s.elem = shapeList, buildShape(t.Elem(), building)
	case t.Kind() == reflect.Struct:
		s.kind, s.byName = shapeStruct, map[string]int{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			n, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || n == "-" || n == "" {
				continue
			}
			if j, ok := s.byName[n]; ok {
				s.fields[j] = shapeField{name: n, index: i, shape: buildShape(f.Type, building)}
				continue
			}
			s.byName[n] = len(s.fields)
			s.fields = append(s.fields, shapeField{name: n, index: i, shape: buildShape(f.Type, building)})
		}
	}
	return s
}

// decoder reads one JSON document into a value, checking it as it goes.
type decoder struct {
	data     []byte
	text     string // data as a string, from which unescaped strings are cut
	pos      int
	errs     FieldErrors
	more     int    // errors beyond MaxFieldErrors, counted only
	path     []byte // JSON path of the value being read
	buf      []byte // the unescaped text of a string with escapes
	mismatch bool   // a json.Unmarshaler refused its value
}

// fail records a fault at path, only counting it beyond MaxFieldErrors.
func (d *decoder) fail(path, rule, msg string) {
	if len(d.errs) == MaxFieldErrors {
		d.more++
		return
	}
	d.errs = append(d.errs, FieldError{Path: path, Rule: rule, Message: msg})
}

// failHere records a fault at the path of the value being read.
func (d *decoder) failHere(rule, msg string) { d.fail(string(d.path), rule, msg) }

// bad is the syntax error at the current byte.
func (d *decoder) bad() error {
	if d.pos >= len(d.data) {
		return errTruncated
	}
	return &json.SyntaxError{Offset: int64(d.pos)}
}

// ws skips white space.
func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// expect consumes c after white space.
func (d *decoder) expect(c byte) error {
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != c {
		return d.bad()
	}
	d.pos++
	return nil
}

// at reports whether the next byte, after white space, is c.
func (d *decoder) at(c byte) bool {
	d.ws()
	return d.pos < len(d.data) && d.data[d.pos] == c
}

// value reads the next JSON value into v, of shape sh. It returns only
// syntax errors.
func (d *decoder) value(sh *shape, v reflect.Value) error {
	d.ws()
	if d.pos >= len(d.data) {
		return errTruncated
	}
	c := d.data[d.pos]
	if c == 'n' { // null: leaves the field empty, but is never false
		if sh.kind == shapeBool {
			d.failHere(RuleType, "must be true or false (null is not false)")
		}
		return d.scalar()
	}
	for sh.kind == shapePointer {
		if v.IsNil() {
			v.Set(reflect.New(sh.typ.Elem()))
		}
		v, sh = v.Elem(), sh.elem
	}
	want := "a string"
	switch sh.kind {
	case shapeString, shapeText, shapeUnmarshaler:
		if c == '"' {
			return d.stringValue(sh, v)
		}
	case shapeBool:
		want = "true or false"
		if c == 't' || c == 'f' {
			if err := d.scalar(); err != nil {
				return err
			}
			v.SetBool(c == 't')
			return nil
		}
	case shapeInt:
		want = "a whole number"
		if c == '-' || isDigit(c) {
			start := d.pos
			if err := d.number(); err != nil {
				return err
			}
			n, err := strconv.ParseInt(d.text[start:d.pos], 10, 32)
			if err != nil {
				d.failHere(RuleType, "must be a whole number")
				return nil
			}
			v.SetInt(n)
			return nil
		}
	case shapeStruct:
		want = "an object"
		if c == '{' {
			return d.object(sh, v)
		}
	case shapeList:
		want = "a list"
		if c == '[' {
			return d.list(sh, v)
		}
	}
	d.failHere(RuleType, "must be "+want)
	return d.skipValue()
}

// stringValue reads a string into v, of a string shape.
func (d *decoder) stringValue(sh *shape, v reflect.Value) error {
	start := d.pos
	s, err := d.str()
	if err != nil {
		return err
	}
	switch sh.kind {
	case shapeString:
		v.SetString(s)
	case shapeText:
		v.Addr().Interface().(textValue).setText(s)
	default:
		if v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(d.data[start:d.pos]) != nil {
			d.mismatch = true
		}
	}
	return nil
}

func (d *decoder) list(sh *shape, v reflect.Value) error {
	d.pos++ // [
	if d.at(']') {
		d.pos++
		// [] is an empty list, not a missing one: a recorded list of none.
		v.Set(reflect.MakeSlice(sh.typ, 0, 0))
		return nil
	}
	mark := len(d.path)
	for i := 0; ; i++ {
		var err error
		switch {
		case i < MaxListItems:
			d.path = append(d.path, '[')
			d.path = strconv.AppendInt(d.path, int64(i), 10)
			d.path = append(d.path, ']')
			if i == 0 {
				v.Grow(2) // most lists of the form hold one or two items
			} else {
				v.Grow(1)
			}
			v.SetLen(i + 1)
			err = d.value(sh.elem, v.Index(i))
			d.path = d.path[:mark]
		case i == MaxListItems:
			// Stop reading the list into v at its limit: the rest is only
			// checked for syntax, so that a long list costs no more.
			d.failHere(RuleMaxItems, "has more than 200 items")
			fallthrough
		default:
			err = d.skipValue()
		}
		if err != nil {
			return err
		}
		if d.at(',') {
			d.pos++
			continue
		}
		return d.expect(']')
	}
}

// fieldSet records which fields of an object have been read.
type fieldSet struct {
	low  uint64       // fields 0 to 63
	high map[int]bool // the rest, in a struct that has more
}

// add adds field i, reporting whether it was there already.
func (fs *fieldSet) add(i int) bool {
	if i < 64 {
		had := fs.low&(1<<i) != 0
		fs.low |= 1 << i
		return had
	}
	if fs.high == nil {
		fs.high = map[int]bool{}
	}
	had := fs.high[i]
	fs.high[i] = true
	return had
}

func (d *decoder) object(sh *shape, v reflect.Value) error {
	d.pos++ // {
	if d.at('}') {
		d.pos++
		return nil
	}
	var seen fieldSet
	mark := len(d.path)
	for n := 1; ; n++ {
		key, err := d.key()
		if err != nil {
			return err
		}
		if i, ok := sh.byName[key]; ok {
			f := &sh.fields[i]
			if mark > 0 {
				d.path = append(d.path, '.')
			}
			d.path = append(d.path, f.name...)
			fv := v.Field(f.index)
			if seen.add(i) {
				d.failHere(RuleDuplicate, "appears more than once")
				fv.SetZero() // the earlier value is dropped, not added to
			}
			err = d.value(f.shape, fv)
			d.path = d.path[:mark]
		} else {
			d.unknown(key, n)
			err = d.skipValue()
		}
		if err != nil {
			return err
		}
		if d.at(',') {
			d.pos++
			continue
		}
		return d.expect('}')
	}
}

// unknown reports the nth key of the object being read, which the form
// does not have. Only names of the form reach a path: an unknown key is
// named by its place, since it may hold anything (a name, a control
// character, a megabyte).
func (d *decoder) unknown(key string, n int) {
	path := string(d.path)
	switch retired := path + "." + key; {
	case retiredFields[retired] != "":
		// A field the form once had: its name is the form's, not input.
		d.fail(retired, RuleUnknownField, retiredFields[retired])
	case path == "":
		d.fail(path, RuleUnknownField, "unknown field ("+ordinal(n)+" key of the document)")
	default:
		d.fail(path, RuleUnknownField, "unknown field ("+ordinal(n)+" key)")
	}
}

// key reads an object key and its colon.
func (d *decoder) key() (string, error) {
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return "", d.bad()
	}
	key, err := d.str()
	if err != nil {
		return "", err
	}
	return key, d.expect(':')
}

// skipKey reads an object key and its colon, as key does, without
// keeping the key.
func (d *decoder) skipKey() error {
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return d.bad()
	}
	if _, err := d.scanStr(); err != nil {
		return err
	}
	return d.expect(':')
}

// str reads a string and returns its text.
func (d *decoder) str() (string, error) {
	start := d.pos + 1
	escaped, err := d.scanStr()
	if err != nil {
		return "", err
	}
	if !escaped {
		return d.text[start : d.pos-1], nil
	}
	d.buf = unescape(d.buf[:0], d.data[start:d.pos-1])
	return string(d.buf), nil
}

// scanStr reads a string, checking its escapes, and reports whether it
// holds one.
func (d *decoder) scanStr() (escaped bool, err error) {
	d.pos++ // "
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			return escaped, nil
		case c < 0x20:
			return false, d.bad()
		case c == '\\':
			escaped = true
			d.pos++
			if d.pos >= len(d.data) {
				return false, errTruncated
			}
			switch d.data[d.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.pos++
			case 'u':
				d.pos++
				for range 4 {
					if d.pos >= len(d.data) {
						return false, errTruncated
					}
					if !isHex(d.data[d.pos]) {
						return false, d.bad()
					}
					d.pos++
				}
			default:
				return false, d.bad()
			}
		default:
			d.pos++
		}
	}
	return false, errTruncated
}

// unescape appends to b the text of raw, the inside of a string whose
// escapes scanStr has checked. A \u escape of half a UTF-16 surrogate
// pair without its other half gives U+FFFD, as encoding/json reads it.
func unescape(b, raw []byte) []byte {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\\')
		if i < 0 {
			return append(b, raw...)
		}
		b, raw = append(b, raw[:i]...), raw[i:]
		switch e := raw[1]; e {
		case 'u':
			r := hex4(raw[2:6])
			raw = raw[6:]
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if len(raw) >= 6 && raw[0] == '\\' && raw[1] == 'u' {
					r2 = hex4(raw[2:6])
				}
				if r = utf16.DecodeRune(r, r2); r != utf8.RuneError {
					raw = raw[6:] // the pair's second half
				}
			}
			b = utf8.AppendRune(b, r)
			continue
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		default: // " \ /
			b = append(b, e)
		}
		raw = raw[2:]
	}
	return b
}

// hex4 reads four hexadecimal digits.
func hex4(h []byte) rune {
	var r rune
	for _, c := range h[:4] {
		switch {
		case c >= 'a':
			c -= 'a' - 10
		case c >= 'A':
			c -= 'A' - 10
		default:
			c -= '0'
		}
		r = r<<4 | rune(c)
	}
	return r
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// scalar reads a string, number, true, false or null.
func (d *decoder) scalar() error {
	d.ws()
	if d.pos >= len(d.data) {
		return errTruncated
	}
	switch c := d.data[d.pos]; {
	case c == '"':
		_, err := d.scanStr()
		return err
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || isDigit(c):
		return d.number()
	}
	return d.bad()
}

func (d *decoder) literal(word string) error {
	for i := range len(word) {
		if d.pos >= len(d.data) {
			return errTruncated
		}
		if d.data[d.pos] != word[i] {
			return d.bad()
		}
		d.pos++
	}
	return nil
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number() error {
	digits := func() error {
		if d.pos >= len(d.data) {
			return errTruncated
		}
		if !isDigit(d.data[d.pos]) {
			return d.bad()
		}
		for d.pos < len(d.data) && isDigit(d.data[d.pos]) {
			d.pos++
		}
		return nil
	}
	if d.data[d.pos] == '-' {
		d.pos++
	}
	if d.pos < len(d.data) && d.data[d.pos] == '0' {
		d.pos++
	} else if err := digits(); err != nil {
		return err
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if err := digits(); err != nil {
			return err
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if err := digits(); err != nil {
			return err
		}
	}
	return nil
}

// skipValue reads the next value whole, checking its syntax, however
// deep it is nested: open objects and lists are kept on a stack of bytes.
func (d *decoder) skipValue() error {
	var stack []byte
	for {
		// A value starts here.
		d.ws()
		if d.pos >= len(d.data) {
			return errTruncated
		}
		switch c := d.data[d.pos]; c {
		case '{', '[':
			d.pos++
			closer := byte('}')
			if c == '[' {
				closer = ']'
			}
			if d.at(closer) {
				d.pos++
				break
			}
			stack = append(stack, closer)
			if c == '{' {
				if err := d.skipKey(); err != nil {
					return err
				}
			}
			continue
		default:
			if err := d.scalar(); err != nil {
				return err
			}
		}
		// A value has ended: close what it ends, or go on to the next.
		for {
			if len(stack) == 0 {
				return nil
			}
			top := stack[len(stack)-1]
			if d.at(top) {
				d.pos++
				stack = stack[:len(stack)-1]
				continue
			}
			if err := d.expect(','); err != nil {
				return err
			}
			if top == '}' {
				if err := d.skipKey(); err != nil {
					return err
				}
			}
			break
		}
	}
}

// ordinal returns n as an English ordinal: "1st", "2nd", "3rd", "11th".
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}
