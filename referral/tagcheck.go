package referral

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The validator package reports the faults of the validate struct tags,
// but costs, for a referral that has none, more than the rest of Validate
// and Compose: it boxes every field it visits. tagsHold reads the same
// tags itself and answers one question, whether the validator would find
// nothing; Validate runs the validator, for its FieldErrors, only when the
// answer is no. So the errors are always the validator's own, and a tag
// the check does not know, or an email address beyond the plain ones it
// reads, always goes to the validator.

// tagsHold reports whether v, a struct, certainly meets the validate tags
// of its fields and of every struct it holds, as the validator reads
// them: false when a tag fails, and when the check cannot tell.
func tagsHold(v reflect.Value) bool {
	p := tagPlanOf(v.Type())
	return p != nil && p.holds(v)
}

// tagOp is a check of one validate tag.
type tagOp uint8

const (
	opRequired   tagOp = iota // required: a string not empty, a list not nil
	opMinItems                // min=n on a list: at least n items
	opOneOf                   // oneof: one of the words
	opRequiredIf              // required_if=Field value: required when a sibling string is value
	opString                  // a rule of stringRules
	opEmail                   // email: only a plain address is known to pass
)

type tagRule struct {
	op      tagOp
	n       int
	words   []string          // opOneOf
	sibling int               // opRequiredIf: the sibling's field index
	value   string            // opRequiredIf: the sibling's value that makes the field required
	valid   func(string) bool // opString
}

// tagField is a field whose value a tag checks, or that holds a struct.
type tagField struct {
	index     int
	omitEmpty bool // an empty string or a nil pointer passes whatever follows
	rules     []tagRule
	nested    *tagPlan // a struct, or a pointer to one, checked in turn
	dive      *tagPlan // a list of structs, each checked in turn
}

// tagPlan is how tagsHold checks a struct type.
type tagPlan struct {
	fields []tagField
}

// tagPlans caches a plan per struct type; nil for a type the check cannot
// read, whose values always go to the validator.
var tagPlans sync.Map // reflect.Type -> *tagPlan

func tagPlanOf(t reflect.Type) *tagPlan {
	if p, ok := tagPlans.Load(t); ok {
		return p.(*tagPlan)
	}
	p, ok := buildTagPlan(t, map[reflect.Type]*tagPlan{})
	if !ok {
		p = nil
	}
	got, _ := tagPlans.LoadOrStore(t, p)
	return got.(*tagPlan)
}

// buildTagPlan makes the plan of struct type t, reporting false when a tag
// or a type is beyond the check. building holds the plans being made.
func buildTagPlan(t reflect.Type, building map[reflect.Type]*tagPlan) (*tagPlan, bool) {
	if p, ok := building[t]; ok {
		return p, true
	}
	p := &tagPlan{}
	building[t] = p
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("validate")
		if f.Anonymous {
			return nil, false // the validator reads embedded structs, exported or not
		}
		if !f.IsExported() || tag == "-" {
			continue // the validator skips these
		}
		tf, ok := buildTagField(t, f, tag, building)
		if !ok {
			return nil, false
		}
		if tf.omitEmpty || tf.rules != nil || tf.nested != nil || tf.dive != nil {
			p.fields = append(p.fields, tf)
		}
	}
	return p, true
}

func buildTagField(parent reflect.Type, f reflect.StructField, tag string, building map[reflect.Type]*tagPlan) (tagField, bool) {
	tf := tagField{index: f.Index[0]}
	var parts []string
	if tag != "" {
		parts = strings.Split(tag, ",")
	}
	for _, part := range parts {
		if part == "" || strings.ContainsAny(part, "|'") || strings.Contains(part, "0x2C") {
			return tf, false // or-tags, quoted and escaped params
		}
	}
	if len(parts) > 0 && parts[0] == "omitempty" {
		tf.omitEmpty, parts = true, parts[1:]
	}
	ft := f.Type
	switch ft.Kind() {
	case reflect.Pointer:
		// Only an untagged or omitempty pointer: nil passes, a struct
		// pointed to is checked, anything else pointed to has no tags.
		if len(parts) > 0 {
			return tf, false
		}
		if e := ft.Elem(); e.Kind() == reflect.Struct && !e.ConvertibleTo(reflect.TypeFor[time.Time]()) {
			p, ok := buildTagPlan(e, building)
			tf.nested = p
			return tf, ok
		} else if e.Kind() == reflect.Interface || e.Kind() == reflect.Pointer {
			return tf, false
		}
		return tf, true
	case reflect.Struct:
		if len(parts) > 0 || tf.omitEmpty {
			return tf, false
		}
		if ft.ConvertibleTo(reflect.TypeFor[time.Time]()) {
			return tf, true
		}
		p, ok := buildTagPlan(ft, building)
		tf.nested = p
		return tf, ok
	case reflect.Slice:
		if tf.omitEmpty {
			return tf, false
		}
		for i, part := range parts {
			name, param, _ := strings.Cut(part, "=")
			switch {
			case part == "required":
				tf.rules = append(tf.rules, tagRule{op: opRequired})
			case name == "min":
				n, err := strconv.Atoi(param)
				if err != nil || n < 0 {
					return tf, false
				}
				tf.rules = append(tf.rules, tagRule{op: opMinItems, n: n})
			case part == "dive" && i == len(parts)-1:
				// Items that are structs are checked; other items have
				// no tags after dive.
				switch e := ft.Elem(); {
				case e.Kind() == reflect.Struct && !e.ConvertibleTo(reflect.TypeFor[time.Time]()):
					p, ok := buildTagPlan(e, building)
					if !ok {
						return tf, false
					}
					tf.dive = p
				case e.Kind() == reflect.Pointer || e.Kind() == reflect.Interface || e.Kind() == reflect.Slice || e.Kind() == reflect.Map:
					return tf, false
				}
			default:
				return tf, false
			}
		}
		return tf, true
	case reflect.String:
		for _, part := range parts {
			name, param, _ := strings.Cut(part, "=")
			switch {
			case part == "required":
				tf.rules = append(tf.rules, tagRule{op: opRequired})
			case name == "oneof" && param != "":
				tf.rules = append(tf.rules, tagRule{op: opOneOf, words: strings.Fields(param)})
			case name == "required_if":
				words := strings.Fields(param)
				if len(words) != 2 {
					return tf, false
				}
				sib, ok := parent.FieldByName(words[0])
				if !ok || len(sib.Index) != 1 || sib.Type.Kind() != reflect.String {
					return tf, false
				}
				tf.rules = append(tf.rules, tagRule{op: opRequiredIf, sibling: sib.Index[0], value: words[1]})
			case part == RuleEmail:
				tf.rules = append(tf.rules, tagRule{op: opEmail})
			default:
				r, ok := stringRuleOf(part)
				if !ok {
					return tf, false
				}
				tf.rules = append(tf.rules, tagRule{op: opString, valid: r})
			}
		}
		return tf, true
	case reflect.Interface:
		return tf, false // it may hold a struct, which the validator would check
	}
	// Other kinds (bool, int, map, ...) are not checked when untagged.
	return tf, len(parts) == 0 && !tf.omitEmpty
}

// stringRuleOf returns the check of a stringRules tag that has one.
func stringRuleOf(tag string) (func(string) bool, bool) {
	for _, r := range stringRules {
		if r.tag == tag && r.valid != nil {
			return r.valid, true
		}
	}
	return nil, false
}

func (p *tagPlan) holds(v reflect.Value) bool {
	for i := range p.fields {
		if !p.fields[i].holds(v, v.Field(p.fields[i].index)) {
			return false
		}
	}
	return true
}

// holds checks field fv of struct v.
func (tf *tagField) holds(v, fv reflect.Value) bool {
	switch fv.Kind() {
	case reflect.Pointer:
		return fv.IsNil() || tf.nested == nil || tf.nested.holds(fv.Elem())
	case reflect.Struct:
		return tf.nested.holds(fv)
	case reflect.Slice:
		for _, r := range tf.rules {
			switch r.op {
			case opRequired:
				if fv.IsNil() {
					return false
				}
			case opMinItems:
				if fv.Len() < r.n {
					return false
				}
			}
		}
		if tf.dive != nil {
			for i := 0; i < fv.Len(); i++ {
				if !tf.dive.holds(fv.Index(i)) {
					return false
				}
			}
		}
		return true
	}
	s := fv.String()
	if tf.omitEmpty && s == "" {
		return true
	}
	for _, r := range tf.rules {
		var ok bool
		switch r.op {
		case opRequired:
			ok = s != ""
		case opOneOf:
			ok = false
			for _, w := range r.words {
				ok = ok || s == w
			}
		case opRequiredIf:
			ok = s != "" || v.Field(r.sibling).String() != r.value
		case opString:
			ok = r.valid(s)
		case opEmail:
			ok = plainEmail(s)
		}
		if !ok {
			return false
		}
	}
	return true
}

// plainEmail reports whether s is an email address of the plainest form:
// a local part of ASCII letters, digits, "_", "+" and "-" in dot-separated
// runs; "@"; and a domain of two or more dot-separated labels of ASCII
// letters, digits and inner hyphens, the last of two or more letters.
// Every such address passes the validator's email rule; others may too,
// and are left to it.
func plainEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok {
		return false
	}
	if !eachRun(local, func(run string) bool {
		for i := 0; i < len(run); i++ {
			if c := run[i]; !isAlnum(c) && c != '_' && c != '+' && c != '-' {
				return false
			}
		}
		return run != ""
	}) {
		return false
	}
	labels := 0
	tld := ""
	if !eachRun(domain, func(l string) bool {
		labels++
		tld = l
		for i := 0; i < len(l); i++ {
			if c := l[i]; !isAlnum(c) && c != '-' {
				return false
			}
		}
		return l != "" && l[0] != '-' && l[len(l)-1] != '-'
	}) || labels < 2 || len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if c := tld[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// eachRun calls f on each dot-separated run of s, in order, while f
// returns true, and reports whether it always did.
func eachRun(s string, f func(run string) bool) bool {
	for {
		run, rest, more := strings.Cut(s, ".")
		if !f(run) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

func isAlnum(c byte) bool { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'z' }
