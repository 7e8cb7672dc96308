package referral

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

var legacyUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// legacyDecode is Decode as it was before it read the document in one
// pass: the shape checked, then the document given to json.Unmarshal.
func legacyDecode(data []byte) (*Referral, FieldErrors) {
	if errs := legacyCheckShape(data, reflect.TypeFor[Referral]()); len(errs) > 0 {
		return nil, errs
	}
	var ref Referral
	if err := json.Unmarshal(data, &ref); err != nil {
		return nil, FieldErrors{{Rule: RuleType, Message: "the document does not match the referral form"}}
	}
	return &ref, nil
}

// checkShape walks the JSON of data against t, reporting syntax errors,
// unknown and duplicate fields, wrong types, over-long lists and trailing
// data by path. Only names of the form, never keys or values, reach the
// messages. It reads the bytes itself: a megabyte of keys or list items
// costs one pass and no allocation for each.
func legacyCheckShape(data []byte, t reflect.Type) FieldErrors {
	s := legacyChecker{data: data}
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

type legacyChecker struct {
	data []byte
	pos  int
	errs FieldErrors
	more int // errors beyond MaxFieldErrors, counted only
}

func (s *legacyChecker) fail(path, rule, msg string) {
	if len(s.errs) == MaxFieldErrors {
		s.more++
		return
	}
	s.errs = append(s.errs, FieldError{Path: path, Rule: rule, Message: msg})
}

// bad is the syntax error at the current byte.
func (s *legacyChecker) bad() error {
	if s.pos >= len(s.data) {
		return errTruncated
	}
	return &json.SyntaxError{Offset: int64(s.pos)}
}

// ws skips white space.
func (s *legacyChecker) ws() {
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
func (s *legacyChecker) expect(c byte) error {
	s.ws()
	if s.pos >= len(s.data) || s.data[s.pos] != c {
		return s.bad()
	}
	s.pos++
	return nil
}

// at reports whether the next byte, after white space, is c.
func (s *legacyChecker) at(c byte) bool {
	s.ws()
	return s.pos < len(s.data) && s.data[s.pos] == c
}

// value checks the next JSON value against t. It returns only syntax errors.
func (s *legacyChecker) value(t reflect.Type, path string) error {
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
	case reflect.PointerTo(t).Implements(legacyUnmarshalerType) || t.Kind() == reflect.String:
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

func (s *legacyChecker) list(t reflect.Type, path string) error {
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

func (s *legacyChecker) object(t reflect.Type, path string) error {
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
		f, ok := legacyFieldByJSONName(t, key)
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
func (s *legacyChecker) key() (string, error) {
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
func (s *legacyChecker) str() (raw []byte, escaped bool, err error) {
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

// scalar reads a string, number, true, false or null.
func (s *legacyChecker) scalar() error {
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

func (s *legacyChecker) literal(word string) error {
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
func (s *legacyChecker) number() error {
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
func (s *legacyChecker) skipValue() error {
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

// legacyJSONFields caches, per struct type, its fields by JSON name.
var legacyJSONFields sync.Map // reflect.Type -> map[string]reflect.StructField

func legacyFieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	m, ok := legacyJSONFields.Load(t)
	if !ok {
		fields := map[string]reflect.StructField{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			n, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.IsExported() && n != "-" && n != "" {
				fields[n] = f
			}
		}
		m, _ = legacyJSONFields.LoadOrStore(t, fields)
	}
	f, ok := m.(map[string]reflect.StructField)[name]
	return f, ok
}
