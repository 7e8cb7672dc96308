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

// Decode reads one referral in its JSON form. It is strict: malformed JSON,
// unknown or repeated fields (names are case-sensitive), wrong JSON types,
// invalid UTF-8 and trailing data are FieldErrors naming the JSON path; a
// document over 1 MiB is an error wrapping ErrTooLarge. A leading UTF-8
// byte-order mark is ignored. Decode does not validate: call Validate.
func Decode(r io.Reader) (*Referral, error) {
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

// checkShape walks the JSON tokens of data against t, reporting syntax
// errors, unknown and duplicate fields, wrong types and trailing data by
// path. Only key names of the form, never values, reach the messages.
func checkShape(data []byte, t reflect.Type) FieldErrors {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	s := shapeChecker{dec: dec}
	if err := s.value(t, ""); err != nil {
		return FieldErrors{syntaxError(err, data)}
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return FieldErrors{syntaxError(err, data)}
		}
		return FieldErrors{{Rule: RuleTrailingData, Message: "there is data after the referral document"}}
	}
	return s.errs
}

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
	dec  *json.Decoder
	errs FieldErrors
}

func (s *shapeChecker) fail(path, rule, msg string) {
	s.errs = append(s.errs, FieldError{Path: path, Rule: rule, Message: msg})
}

// value checks the next JSON value against t. It returns only syntax errors.
func (s *shapeChecker) value(t reflect.Type, path string) error {
	tok, err := s.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil { // null: leaves the field empty
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := "a string"
	switch {
	case reflect.PointerTo(t).Implements(unmarshalerType) || t.Kind() == reflect.String:
		if _, ok := tok.(string); ok {
			return nil
		}
	case t.Kind() == reflect.Bool:
		want = "true or false"
		if _, ok := tok.(bool); ok {
			return nil
		}
	case t.Kind() == reflect.Int:
		want = "a whole number"
		if n, ok := tok.(json.Number); ok {
			if v, err := strconv.ParseInt(string(n), 10, 32); err == nil && v == int64(int(v)) {
				return nil
			}
		}
	case t.Kind() == reflect.Struct:
		want = "an object"
		if tok == json.Delim('{') {
			return s.object(t, path)
		}
	case t.Kind() == reflect.Slice:
		want = "a list"
		if tok == json.Delim('[') {
			for i := 0; s.dec.More(); i++ {
				if err := s.value(t.Elem(), pathIndex(path, i)); err != nil {
					return err
				}
			}
			_, err := s.dec.Token()
			return err
		}
	}
	s.fail(path, RuleType, "must be "+want)
	return s.skip(tok)
}

func (s *shapeChecker) object(t reflect.Type, path string) error {
	seen := map[string]bool{}
	for s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		p := key
		if path != "" {
			p = path + "." + key
		}
		f, ok := fieldByJSONName(t, key)
		switch {
		case !ok:
			s.fail(p, RuleUnknownField, "is not a field of the referral form")
		case seen[key]:
			s.fail(p, RuleDuplicate, "appears more than once")
		}
		seen[key] = true
		if !ok {
			if err := s.skipValue(); err != nil {
				return err
			}
			continue
		}
		if err := s.value(f.Type, p); err != nil {
			return err
		}
	}
	_, err := s.dec.Token()
	return err
}

// skipValue consumes the next value whole.
func (s *shapeChecker) skipValue() error {
	tok, err := s.dec.Token()
	if err != nil {
		return err
	}
	return s.skip(tok)
}

// skip consumes the rest of a value whose first token was tok.
func (s *shapeChecker) skip(tok json.Token) error {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := s.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
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
