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

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// readDocument reads a JSON document of at most MaxDocumentBytes, without
// a leading byte-order mark, and checks that it is UTF-8.
func readDocument(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
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
	if errs := checkShape(data, reflect.TypeFor[Referral]()); len(errs) > 0 {
		return nil, errs
	}
	var ref Referral
	if err := json.Unmarshal(data, &ref); err != nil {
		// checkShape admits only documents that unmarshal; keep a clear
		// error, without the input, should that ever be wrong.
		return nil, FieldErrors{{Rule: RuleType, Message: "the document does not match the referral form"}}
	}
	return &ref, nil
}

// checkShape walks the JSON of data against t, reporting syntax errors,
// unknown and duplicate fields, wrong types, over-long lists and trailing
// data by path. Only names of the form, never keys or values, reach the
// messages. It reads the bytes itself: a megabyte of keys or list items
// costs one pass and no allocation for each.
func checkShape(data []byte, t reflect.Type) FieldErrors {
	s := shapeChecker{data: data}
	if err := s.value(t, ""); err != nil {
		return FieldErrors{syntaxError(err, data)}
	}
	s.ws()
	if s.pos < len(data) {
		start := s.pos
		if err := s.skipValue(); err != nil && s.pos == start {
			return FieldErrors{syntaxError(err, data)}
		}
		return FieldErrors{{Rule: RuleTrailingData, Message: "there is data after the referral document"}}
	}
	if s.more > 0 {
		s.errs = append(s.errs, moreErrors(s.more))
	}
	return s.errs
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

type shapeChecker struct {
	data []byte
	pos  int
	errs FieldErrors
	more int // errors beyond MaxFieldErrors, counted only
}

func (s *shapeChecker) fail(path, rule, msg string) {
	if len(s.errs) == MaxFieldErrors {
		s.more++
		return
	}
	s.errs = append(s.errs, FieldError{Path: path, Rule: rule, Message: msg})
}

// bad is the syntax error at the current byte.
func (s *shapeChecker) bad() error {
	if s.pos >= len(s.data) {
		return errTruncated
	}
	return &json.SyntaxError{Offset: int64(s.pos)}
}

// ws skips white space.
func (s *shapeChecker) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// expect consumes c after white space.
func (s *shapeChecker) expect(c byte) error {
	s.ws()
	if s.pos >= len(s.data) || s.data[s.pos] != c {
		return s.bad()
	}
	s.pos++
	return nil
}

// at reports whether the next byte, after white space, is c.
func (s *shapeChecker) at(c byte) bool {
	s.ws()
	return s.pos < len(s.data) && s.data[s.pos] == c
}

// value checks the next JSON value against t. It returns only syntax errors.
func (s *shapeChecker) value(t reflect.Type, path string) error {
	s.ws()
	if s.pos >= len(s.data) {
		return errTruncated
	}
	c := s.data[s.pos]
	if c == 'n' { // null: leaves the field empty, but is never false
		if t.Kind() == reflect.Bool {
			s.fail(path, RuleType, "must be true or false (null is not false)")
		}
		return s.scalar()
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := "a string"
	switch {
	case reflect.PointerTo(t).Implements(unmarshalerType) || t.Kind() == reflect.String:
		if c == '"' {
			_, _, err := s.str()
			return err
		}
	case t.Kind() == reflect.Bool:
		want = "true or false"
		if c == 't' || c == 'f' {
			return s.scalar()
		}
	case t.Kind() == reflect.Int:
		if c == '-' || isDigit(c) {
			start := s.pos
			if err := s.number(); err != nil {
				return err
			}
			if _, err := strconv.ParseInt(string(s.data[start:s.pos]), 10, 32); err != nil {
				s.fail(path, RuleType, "must be a whole number")
			}
			return nil
		}
		want = "a whole number"
	case t.Kind() == reflect.Struct:
		want = "an object"
		if c == '{' {
			return s.object(t, path)
		}
	case t.Kind() == reflect.Slice:
		want = "a list"
		if c == '[' {
			return s.list(t, path)
		}
	}
	s.fail(path, RuleType, "must be "+want)
	return s.skipValue()
}

func (s *shapeChecker) list(t reflect.Type, path string) error {
	s.pos++ // [
	if s.at(']') {
		s.pos++
		return nil
	}
	for i := 0; ; i++ {
		var err error
		switch {
		case i < MaxListItems:
			err = s.value(t.Elem(), pathIndex(path, i))
		case i == MaxListItems:
			// Stop checking the list at its limit: the rest is only
			// read, so that a long list costs no more.
			s.fail(path, RuleMaxItems, "has more than 200 items")
			fallthrough
		default:
			err = s.skipValue()
		}
		if err != nil {
			return err
		}
		if s.at(',') {
			s.pos++
			continue
		}
		return s.expect(']')
	}
}

func (s *shapeChecker) object(t reflect.Type, path string) error {
	s.pos++ // {
	if s.at('}') {
		s.pos++
		return nil
	}
	seen := map[string]bool{}
	for n := 1; ; n++ {
		key, err := s.key()
		if err != nil {
			return err
		}
		f, ok := fieldByJSONName(t, key)
		// Only names of the form reach a path: an unknown key is named
		// by its place, since it may hold anything (a name, a control
		// character, a megabyte).
		p := f.Name
		if ok {
			p, _, _ = strings.Cut(f.Tag.Get("json"), ",")
			if path != "" {
				p = path + "." + p
			}
		}
		switch {
		case !ok && retiredFields[path+"."+key] != "":
			// A field the form once had: its name is the form's, not input.
			s.fail(path+"."+key, RuleUnknownField, retiredFields[path+"."+key])
		case !ok && path == "":
			s.fail(path, RuleUnknownField, "unknown field ("+ordinal(n)+" key of the document)")
		case !ok:
			s.fail(path, RuleUnknownField, "unknown field ("+ordinal(n)+" key)")
		case seen[key]:
			s.fail(p, RuleDuplicate, "appears more than once")
		}
		if ok {
			seen[key] = true
			err = s.value(f.Type, p)
		} else {
			err = s.skipValue()
		}
		if err != nil {
			return err
		}
		if s.at(',') {
			s.pos++
			continue
		}
		return s.expect('}')
	}
}

// key reads an object key and its colon.
func (s *shapeChecker) key() (string, error) {
	s.ws()
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return "", s.bad()
	}
	raw, escaped, err := s.str()
	if err != nil {
		return "", err
	}
	key := string(raw)
	if escaped {
		if json.Unmarshal(s.data[s.pos-len(raw)-2:s.pos], &key) != nil {
			return "", s.bad()
		}
	}
	return key, s.expect(':')
}

// str reads a string, returning its raw content and whether it holds an
// escape.
func (s *shapeChecker) str() (raw []byte, escaped bool, err error) {
	s.pos++ // "
	start := s.pos
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return s.data[start : s.pos-1], escaped, nil
		case c < 0x20:
			return nil, false, s.bad()
		case c == '\\':
			escaped = true
			s.pos++
			if s.pos >= len(s.data) {
				return nil, false, errTruncated
			}
			switch s.data[s.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos++
			case 'u':
				s.pos++
				for range 4 {
					if s.pos >= len(s.data) {
						return nil, false, errTruncated
					}
					if !isHex(s.data[s.pos]) {
						return nil, false, s.bad()
					}
					s.pos++
				}
			default:
				return nil, false, s.bad()
			}
		default:
			s.pos++
		}
	}
	return nil, false, errTruncated
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// scalar reads a string, number, true, false or null.
func (s *shapeChecker) scalar() error {
	s.ws()
	if s.pos >= len(s.data) {
		return errTruncated
	}
	switch c := s.data[s.pos]; {
	case c == '"':
		_, _, err := s.str()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || isDigit(c):
		return s.number()
	}
	return s.bad()
}

func (s *shapeChecker) literal(word string) error {
	for i := range len(word) {
		if s.pos >= len(s.data) {
			return errTruncated
		}
		if s.data[s.pos] != word[i] {
			return s.bad()
		}
		s.pos++
	}
	return nil
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *shapeChecker) number() error {
	digits := func() error {
		if s.pos >= len(s.data) {
			return errTruncated
		}
		if !isDigit(s.data[s.pos]) {
			return s.bad()
		}
		for s.pos < len(s.data) && isDigit(s.data[s.pos]) {
			s.pos++
		}
		return nil
	}
	if s.data[s.pos] == '-' {
		s.pos++
	}
	if s.pos < len(s.data) && s.data[s.pos] == '0' {
		s.pos++
	} else if err := digits(); err != nil {
		return err
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if err := digits(); err != nil {
			return err
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if err := digits(); err != nil {
			return err
		}
	}
	return nil
}

// skipValue reads the next value whole, checking its syntax, however
// deep it is nested: open objects and lists are kept on a stack of bytes.
func (s *shapeChecker) skipValue() error {
	var stack []byte
	for {
		// A value starts here.
		s.ws()
		if s.pos >= len(s.data) {
			return errTruncated
		}
		switch c := s.data[s.pos]; c {
		case '{', '[':
			s.pos++
			closer := byte('}')
			if c == '[' {
				closer = ']'
			}
			if s.at(closer) {
				s.pos++
				break
			}
			stack = append(stack, closer)
			if c == '{' {
				if _, err := s.key(); err != nil {
					return err
				}
			}
			continue
		default:
			if err := s.scalar(); err != nil {
				return err
			}
		}
		// A value has ended: close what it ends, or go on to the next.
		for {
			if len(stack) == 0 {
				return nil
			}
			top := stack[len(stack)-1]
			if s.at(top) {
				s.pos++
				stack = stack[:len(stack)-1]
				continue
			}
			if err := s.expect(','); err != nil {
				return err
			}
			if top == '}' {
				if _, err := s.key(); err != nil {
					return err
				}
			}
			break
		}
	}
}

// jsonFields caches, per struct type, its fields by JSON name.
var jsonFields sync.Map // reflect.Type -> map[string]reflect.StructField

func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	m, ok := jsonFields.Load(t)
	if !ok {
		fields := map[string]reflect.StructField{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			n, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.IsExported() && n != "-" && n != "" {
				fields[n] = f
			}
		}
		m, _ = jsonFields.LoadOrStore(t, fields)
	}
	f, ok := m.(map[string]reflect.StructField)[name]
	return f, ok
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
