package proforma

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/refletter/refletter/referral"
)

// A step is one step of a referral path: the index of a struct field and
// its JSON name.
type step struct {
	index []int
	name  string
}

// fieldPaths maps every referral JSON path ("patient.nhsNumber",
// "investigations.result") to its steps. It is built once by reflecting over
// referral.Referral's json tags, so it follows the model as it changes.
var fieldPaths = sync.OnceValue(func() map[string][]step {
	m := map[string][]step{}
	walkType(reflect.TypeFor[referral.Referral](), "", nil, m, 0)
	return m
})

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	stateType       = reflect.TypeFor[referral.State]()
)

// walkType records the paths of t's fields under prefix.
func walkType(t reflect.Type, prefix string, steps []step, m map[string][]step, depth int) {
	if depth > 8 { // the model is a tree; this only stops a future cycle
		return
	}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Tag.Get("json") == "" {
			continue // an untagged embedded struct's fields are visited on their own
		}
		name, ok := jsonName(f)
		if !ok {
			continue
		}
		p := name
		if prefix != "" {
			p = prefix + "." + name
		}
		s := append(slices.Clone(steps), step{index: f.Index, name: name})
		m[p] = s
		if ft := container(f.Type); ft != nil {
			walkType(ft, p, s, m, depth+1)
		}
	}
}

// jsonName returns the JSON name of a struct field, as encoding/json does.
func jsonName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, true
}

// container returns the struct type whose fields a path may go into after a
// field of type t (through pointers and lists), or nil when t is a leaf: not
// a struct, or a type with its own JSON form such as referral.Date.
func container(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	return t
}

// ValidPath reports whether p is a path of a field in the referral model,
// such as "patient.nhsNumber", "medications" or "investigations.result".
// Lists are addressed without an index.
func ValidPath(p string) bool {
	_, ok := fieldPaths()[p]
	return ok
}

// suggest returns a valid path that differs from p only in case, or "".
func suggest(p string) string {
	for k := range fieldPaths() {
		if strings.EqualFold(k, p) {
			return k
		}
	}
	return ""
}

// holds reports whether the referral has content at path: text that is not
// blank, a set date, a yes or no, a list with an item that has content. A
// recorded medication or allergy list holds a statement even when empty
// ("none recorded"), so it counts; an unknown one does not answer the
// question, so the question stays open.
func holds(r *referral.Referral, path string) bool {
	steps, ok := fieldPaths()[path]
	if !ok || r == nil {
		return false
	}
	return holdsAt(reflect.ValueOf(r).Elem(), steps)
}

func holdsAt(v reflect.Value, steps []step) bool {
	if len(steps) == 0 {
		return hasContent(v)
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if holdsAt(v.Index(i), steps) {
				return true
			}
		}
		return false
	case reflect.Struct:
		f, err := v.FieldByIndexErr(steps[0].index)
		if err != nil {
			return false
		}
		if len(steps) == 1 && f.Kind() == reflect.Slice && recorded(v) {
			return true
		}
		return holdsAt(f, steps[1:])
	}
	return false
}

// hasState reports whether struct v is a list with a referral.State.
func hasState(v reflect.Value) bool {
	for i := range v.NumField() {
		if v.Type().Field(i).Type == stateType {
			return true
		}
	}
	return false
}

// recorded reports whether struct v has a referral.State field that says
// recorded.
func recorded(v reflect.Value) bool {
	for i := range v.NumField() {
		if v.Type().Field(i).Type == stateType && v.Field(i).String() == string(referral.StateRecorded) {
			return true
		}
	}
	return false
}

type zeroer interface{ IsZero() bool }

func hasContent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return false
		}
		if v.Elem().Kind() == reflect.Bool {
			return true // an explicit yes or no
		}
		return hasContent(v.Elem())
	case reflect.String:
		return strings.TrimSpace(v.String()) != ""
	case reflect.Bool:
		return v.Bool()
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if hasContent(v.Index(i)) {
				return true
			}
		}
		return false
	case reflect.Map:
		return v.Len() > 0
	case reflect.Struct:
		if v.CanInterface() {
			if z, ok := v.Interface().(zeroer); ok {
				return !z.IsZero()
			}
		}
		if hasState(v) {
			return recorded(v) // "unknown" answers nothing
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && hasContent(v.Field(i)) {
				return true
			}
		}
		return false
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() != 0
	case reflect.Float32, reflect.Float64:
		return v.Float() != 0
	}
	return false
}
