package referral

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/invopop/jsonschema"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Patterns of the schema's text definitions, built from the rune tables
// Validate uses. A text is empty or holds a visible character (one not in
// invisibleRanges), and holds no character of controlRanges; the first
// group takes only invisible characters, so that no engine backtracks. A
// name holds no character of notInNameRanges either.
var (
	textPattern = "^(?:[" + classBody(subtractRanges(invisibleRanges, controlRanges)) + "]*[^" +
		classBody(invisibleRanges) + "][^" + classBody(controlRanges) + "]*)?$"
	namePattern = "^[^" + classBody(slices.Concat(controlRanges, notInNameRanges)) + "]*$"
)

// subtractRanges returns the runes of a that are not in b, as ranges.
func subtractRanges(a, b [][2]rune) [][2]rune {
	var out [][2]rune
	for _, r := range a {
		start := rune(-1)
		for c := r[0]; c <= r[1]+1; c++ {
			in := c <= r[1] && !inRanges(c, b)
			switch {
			case in && start < 0:
				start = c
			case !in && start >= 0:
				out = append(out, [2]rune{start, c - 1})
				start = -1
			}
		}
	}
	return out
}

// classBody writes rune ranges as the body of a regular expression
// character class that ECMA-262 and Go read alike: ASCII as \xHH escapes,
// other characters as themselves.
func classBody(ranges [][2]rune) string {
	var b strings.Builder
	one := func(r rune) {
		if r < 0x80 {
			fmt.Fprintf(&b, `\x%02X`, r)
		} else {
			b.WriteRune(r)
		}
	}
	for _, r := range ranges {
		if r[0] > 0xffff {
			// Outside the BMP, one by one: a range of them would be a
			// range of surrogates, out of order, to an ECMA-262 engine
			// not in Unicode mode.
			for c := r[0]; c <= r[1]; c++ {
				one(c)
			}
			continue
		}
		one(r[0])
		if r[1] != r[0] {
			b.WriteByte('-')
			one(r[1])
		}
	}
	return b.String()
}

// datePattern accepts exactly the real dates ParseDate accepts: YYYY-MM-DD
// from 0000-01-01 to 9999-12-31, with 29 February in leap years only.
const datePattern = `^(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))` +
	`|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)$`

// priorityPattern accepts what ParsePriority turns into a priority: one of
// priorityNames in any (ASCII) case, with spaces, tabs, hyphens or
// underscores between words and at either end, and white space at either
// end.
func priorityPattern() string {
	const ends = "[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000_-]*"
	const sep = "[\t _-]+"
	var names []string
	for name := range priorityNames {
		var words []string
		for _, w := range strings.Split(name, "-") {
			var b strings.Builder
			for _, c := range w {
				if u := strings.ToUpper(string(c)); u != string(c) {
					b.WriteString("[" + u + string(c) + "]")
				} else {
					b.WriteRune(c)
				}
			}
			words = append(words, b.String())
		}
		names = append(names, strings.Join(words, sep))
	}
	sort.Strings(names)
	return "^" + ends + "(?:" + strings.Join(names, "|") + ")" + ends + "$"
}

// Rules Validate and Decode check that a JSON Schema cannot express, by
// FieldError.Rule, in words for the schema's description.
var beyondSchema = map[string]string{
	RuleLetterDate:   fmt.Sprintf("that the letter date lies within %d year before and %d days after today", MaxLetterDateAge, MaxLetterDateAhead),
	RuleNameLength:   fmt.Sprintf("that the patient's title, given and family names together are at most %d characters", MaxNameLength),
	RuleMoreErrors:   "", // a count of further errors, not a rule
	RuleDOBFuture:    "that the date of birth is not after today nor after the letter date",
	RuleDOBTooOld:    "that the date of birth is not more than 130 years before the letter date",
	RuleDuplicate:    "that no key appears twice in an object",
	RuleEncoding:     "that the document is valid UTF-8",
	RuleSyntax:       "", // not JSON at all: no schema applies
	RuleTrailingData: "that nothing follows the document",
}

// generateSchema reflects the JSON Schema from the Go types and their doc
// comments, then adds the rules of their validate tags and the rules
// Validate applies to every text and list, taken from the same tables
// Validate uses (stringRules, controlRanges, priorityNames, the limits). A
// tag it does not know fails the test, so that a new rule is given its
// schema (or listed as beyond it) when it is added.
func generateSchema(t *testing.T) []byte {
	t.Helper()
	s := reflectSchema(t, &Referral{})
	s.Title = "refletter referral"

	// Rules Validate checks in code rather than in tags.
	ref := s.Definitions["Referrer"]
	for _, f := range []string{"GMCNumber", "NMCPin", "HCPCNumber"} {
		name := jsonName(t, reflect.TypeFor[Referrer](), f)
		ref.AnyOf = append(ref.AnyOf, withProp(&jsonschema.Schema{Required: []string{name}},
			name, &jsonschema.Schema{Type: "string", MinLength: ptr(uint64(1))}))
	}
	// A large-print copy needs its point size, from 14 to 36; any other
	// format has none (0 or null, read as left out).
	s.Definitions["PatientCopyFormat"].AllOf = append(s.Definitions["PatientCopyFormat"].AllOf, &jsonschema.Schema{
		If: withProp(&jsonschema.Schema{Required: []string{"kind"}}, "kind", &jsonschema.Schema{Const: string(CopyLargePrint)}),
		Then: withProp(&jsonschema.Schema{Required: []string{"pointSize"}}, "pointSize",
			&jsonschema.Schema{Type: "integer", Minimum: json.Number("14"), Maximum: json.Number("36")}),
		Else: withProp(&jsonschema.Schema{}, "pointSize", &jsonschema.Schema{Enum: []any{0, nil}}),
	})
	for _, def := range []string{"Medications", "Allergies"} {
		s.Definitions[def].AllOf = append(s.Definitions[def].AllOf, &jsonschema.Schema{
			If:   withProp(&jsonschema.Schema{Required: []string{"state"}}, "state", &jsonschema.Schema{Const: string(StateUnknown)}),
			Then: withProp(&jsonschema.Schema{}, "items", &jsonschema.Schema{MaxItems: ptr(uint64(0))}),
		}, &jsonschema.Schema{
			// A recorded list says what was recorded: an empty list for none.
			If:   withProp(&jsonschema.Schema{Required: []string{"state"}}, "state", &jsonschema.Schema{Const: string(StateRecorded)}),
			Then: withProp(&jsonschema.Schema{Required: []string{"items"}}, "items", &jsonschema.Schema{Type: "array"}),
		})
	}

	var beyond []string
	for _, r := range stringRules {
		if r.beyond != "" {
			beyond = append(beyond, r.beyond)
		}
	}
	for _, rule := range slices.Sorted(maps.Keys(beyondSchema)) {
		if beyondSchema[rule] != "" {
			beyond = append(beyond, beyondSchema[rule])
		}
	}
	s.Description = "A GP referral in the JSON form referral.Decode reads. Validate checks every rule of this schema, " +
		"and besides: " + strings.Join(beyond, "; ") + ". An optional field may be null, read as left out. " +
		"Patterns are meant for Unicode mode (the ECMA-262 u flag); without it they still compile, but may refuse " +
		"a name holding a character outside the Basic Multilingual Plane."
	return encodeSchema(t, s)
}

// reflectSchema reflects the schema of v, a pointer to a struct of the
// package, from the Go types and their doc comments, with the text and
// date definitions and the rules of the validate tags.
func reflectSchema(t *testing.T, v any) *jsonschema.Schema {
	t.Helper()
	r := &jsonschema.Reflector{
		BaseSchemaID:   "https://github.com/refletter/refletter/referral",
		ExpandedStruct: true,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			switch t {
			case reflect.TypeFor[Date]():
				return &jsonschema.Schema{Ref: "#/$defs/date"}
			case reflect.TypeFor[Priority]():
				return &jsonschema.Schema{Ref: "#/$defs/text", Pattern: priorityPattern(), Examples: []any{"routine", "urgent", "two-week-wait"}}
			}
			return nil
		},
	}
	require.NoError(t, r.AddGoComments("github.com/refletter/refletter/referral", "./"))
	s := r.Reflect(v)

	maxText, maxItems := uint64(MaxTextLength), uint64(MaxListItems)
	s.Definitions["text"] = &jsonschema.Schema{Type: "string", MaxLength: &maxText, Pattern: textPattern,
		Description: fmt.Sprintf("Text of at most %d characters, with no control characters other than tab and newline, and no text-direction controls; "+
			"if given, with at least one visible character: white space, zero-width characters and direction marks alone are blank.", MaxTextLength)}
	s.Definitions["visibleText"] = &jsonschema.Schema{Ref: "#/$defs/text", MinLength: ptr(uint64(1)),
		Description: "Text that is given: at least one visible character."}
	s.Definitions["name"] = &jsonschema.Schema{Ref: "#/$defs/text", Pattern: namePattern,
		Description: "A name: one line, with no tabs, zero-width or text-direction marks."}
	s.Definitions["visibleName"] = &jsonschema.Schema{Ref: "#/$defs/name", MinLength: ptr(uint64(1)),
		Description: "A name that is given: at least one visible character."}
	s.Definitions["date"] = &jsonschema.Schema{Type: "string", Format: "date", Pattern: datePattern,
		Description: "A real date as YYYY-MM-DD."}

	g := schemaRules{t: t, root: s, done: map[reflect.Type]bool{}, maxItems: &maxItems}
	g.object(s, reflect.TypeOf(v).Elem())
	return s
}

// encodeSchema writes s as the schema files are written.
func encodeSchema(t *testing.T, s *jsonschema.Schema) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(s))
	return asciiJSON(b.Bytes())
}

// asciiJSON escapes every character outside ASCII as \uXXXX, so that the
// invisible characters of the patterns can be seen in the file.
func asciiJSON(b []byte) []byte {
	var out bytes.Buffer
	for _, r := range string(b) {
		switch {
		case r < utf8.RuneSelf:
			out.WriteRune(r)
		case r > 0xffff:
			r1, r2 := utf16Pair(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
	}
	return out.Bytes()
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

func ptr[T any](v T) *T { return &v }

// withProp gives s the one property name with schema p.
func withProp(s *jsonschema.Schema, name string, p *jsonschema.Schema) *jsonschema.Schema {
	s.Properties = jsonschema.NewProperties()
	s.Properties.Set(name, p)
	return s
}

func jsonName(t *testing.T, typ reflect.Type, field string) string {
	f, ok := typ.FieldByName(field)
	require.True(t, ok, "%s has no field %s", typ, field)
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// schemaRules adds the rules of the validate tags to a reflected schema.
type schemaRules struct {
	t        *testing.T
	root     *jsonschema.Schema
	done     map[reflect.Type]bool
	maxItems *uint64
}

// object adds the rules of struct type typ's fields to s, its schema.
func (g *schemaRules) object(s *jsonschema.Schema, typ reflect.Type) {
	if g.done[typ] {
		return
	}
	g.done[typ] = true
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		p, ok := s.Properties.Get(name)
		require.True(g.t, ok, "%s.%s is not in the reflected schema", typ.Name(), f.Name)
		tags, elemTags := splitTags(f.Tag.Get("validate")), []string(nil)
		if i := slices.Index(tags, "dive"); i >= 0 {
			tags, elemTags = tags[:i], tags[i+1:]
		}
		field := typ.Name() + "." + f.Name
		optional := opts != ""
		g.value(p, f.Type, tags, elemTags, field, optional)
		if names[typ][f.Name] {
			require.Contains(g.t, []string{"#/$defs/text", "#/$defs/visibleText"}, p.Ref, "%s: a name is text", field)
			p.Ref = map[string]string{"#/$defs/text": "#/$defs/name", "#/$defs/visibleText": "#/$defs/visibleName"}[p.Ref]
		}
		if optional && f.Type.Kind() != reflect.Bool {
			// Decode reads null as the field left out; a null flag is
			// never read as false, so flags stay true or false.
			inner := *p
			*p = jsonschema.Schema{AnyOf: []*jsonschema.Schema{{Type: "null"}, &inner}, Description: inner.Description}
			inner.Description = ""
		}
		for _, tag := range tags {
			if other, ok := strings.CutPrefix(tag, "required_if="); ok {
				g.requiredIf(s, typ, name, other, field)
			}
		}
	}
}

func splitTags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// requiredIf adds "name is required when field is value" to s.
func (g *schemaRules) requiredIf(s *jsonschema.Schema, typ reflect.Type, name, cond, field string) {
	other, value, ok := strings.Cut(cond, " ")
	require.True(g.t, ok && !strings.Contains(value, " "), "%s: required_if with one field and value only", field)
	on := jsonName(g.t, typ, other)
	s.AllOf = append(s.AllOf, &jsonschema.Schema{
		If:   withProp(&jsonschema.Schema{Required: []string{on}}, on, &jsonschema.Schema{Const: value}),
		Then: withProp(&jsonschema.Schema{Required: []string{name}}, name, &jsonschema.Schema{Ref: "#/$defs/visibleText"}),
	})
}

// value adds the rules of tags to p, the schema of a value of type typ;
// elemTags are the rules after "dive", for a list's items.
func (g *schemaRules) value(p *jsonschema.Schema, typ reflect.Type, tags, elemTags []string, field string, optional bool) {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	switch {
	case typ == reflect.TypeFor[Date]():
		if optional {
			p.Ref, p.AnyOf = "", []*jsonschema.Schema{{Const: ""}, {Ref: "#/$defs/date"}}
		}
		g.known(tags, field)
	case typ.Kind() == reflect.String:
		required, omitEmpty := false, false
		c := &jsonschema.Schema{} // what the tags ask of a non-empty value
		for _, tag := range tags {
			name, param, _ := strings.Cut(tag, "=")
			switch name {
			case "required":
				required = true
			case "omitempty":
				omitEmpty = true
			case "oneof":
				for _, v := range strings.Fields(param) {
					c.Enum = append(c.Enum, v)
				}
			case "required_if": // on the parent: see object
			case "min", "max":
				n, err := strconv.ParseUint(param, 10, 64)
				require.NoError(g.t, err, field)
				if name == "min" {
					c.MinLength = &n
				} else {
					c.MaxLength = &n
				}
			default:
				rule, ok := ruleOf(name)
				require.True(g.t, ok, "%s: the validate tag %q has no schema: add it to stringRules with its pattern", field, tag)
				require.Empty(g.t, c.Pattern+p.Pattern, "%s: more than one pattern", field)
				c.Pattern, c.Format = rule.pattern, rule.format
			}
		}
		if p.Ref == "" {
			p.Type, p.Ref = "", "#/$defs/text"
			if required {
				p.Ref = "#/$defs/visibleText"
			}
		}
		switch {
		case reflect.ValueOf(*c).IsZero():
		case omitEmpty: // Validate lets an empty value pass
			p.AnyOf = []*jsonschema.Schema{{Const: ""}, c}
		default:
			p.Enum, p.MinLength, p.MaxLength, p.Pattern, p.Format = c.Enum, c.MinLength, c.MaxLength, c.Pattern, c.Format
		}
	case typ.Kind() == reflect.Slice:
		p.MaxItems = g.maxItems
		for _, tag := range tags {
			name, param, _ := strings.Cut(tag, "=")
			switch name {
			case "required", "omitempty":
			case "min":
				n, err := strconv.ParseUint(param, 10, 64)
				require.NoError(g.t, err, field)
				p.MinItems = &n
			case "max":
				n, err := strconv.ParseUint(param, 10, 64)
				require.NoError(g.t, err, field)
				p.MaxItems = ptr(min(n, *g.maxItems))
			default:
				g.t.Fatalf("%s: the validate tag %q on a list has no schema", field, tag)
			}
		}
		require.NotNil(g.t, p.Items, field)
		if typ.Elem().Kind() == reflect.String && !slices.Contains(elemTags, "required") {
			elemTags = append([]string{"required"}, elemTags...) // Validate requires every item of a list of text
		}
		g.value(p.Items, typ.Elem(), elemTags, nil, field+"[]", false)
	case typ.Kind() == reflect.Struct:
		g.known(tags, field)
		def := g.root.Definitions[typ.Name()]
		require.NotNil(g.t, def, "%s: no definition for %s", field, typ.Name())
		g.object(def, typ)
	default:
		g.known(tags, field)
	}
}

// known fails on a tag other than those that need no schema of their own
// on a non-text value.
func (g *schemaRules) known(tags []string, field string) {
	for _, tag := range tags {
		switch tag {
		case "required", "omitempty":
		default:
			g.t.Fatalf("%s: the validate tag %q has no schema", field, tag)
		}
	}
}

func ruleOf(tag string) (stringRule, bool) {
	for _, r := range stringRules {
		if r.tag == tag {
			return r, true
		}
	}
	return stringRule{}, false
}

// TestSchemaInStep regenerates the schema and compares it with the
// checked-in file. Refresh with: go test ./referral -update
func TestSchemaInStep(t *testing.T) {
	got := generateSchema(t)
	if *update {
		require.NoError(t, os.WriteFile("referral.schema.json", got, 0o644))
		return
	}
	assert.Equal(t, string(got), string(JSONSchema()), "referral.schema.json is stale: run go test ./referral -update")
}

func compiledSchema(t testing.TB) *sjs.Schema {
	t.Helper()
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(JSONSchema()))
	require.NoError(t, err)
	c := sjs.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource("referral.schema.json", doc))
	sch, err := c.Compile("referral.schema.json")
	require.NoError(t, err)
	return sch
}

// TestSchemaAcceptsExamples validates every example referral against the
// schema, and checks that it rejects an unknown field as Decode does.
func TestSchemaAcceptsExamples(t *testing.T) {
	sch := compiledSchema(t)
	files := testdataFiles(t, "referrals/*.json")
	require.NotEmpty(t, files)
	for _, f := range files {
		v, err := sjs.UnmarshalJSON(bytes.NewReader(mustRead(t, f)))
		require.NoError(t, err)
		assert.NoError(t, sch.Validate(v), f)
	}
	var full any
	require.NoError(t, json.Unmarshal([]byte(fullJSON), &full))
	assert.NoError(t, sch.Validate(full))
	full.(map[string]any)["unknownField"] = 1
	assert.Error(t, sch.Validate(full))
}

// schemaErrorLocations lists where a schema validation error and all its
// causes point, as JSON paths in FieldError form.
func schemaErrorLocations(err error) map[string]bool {
	out := map[string]bool{}
	var walk func(e *sjs.ValidationError)
	walk = func(e *sjs.ValidationError) {
		out[strings.Join(e.InstanceLocation, ".")] = true
		for _, c := range e.Causes {
			walk(c)
		}
	}
	var ve *sjs.ValidationError
	if errors.As(err, &ve) {
		walk(ve)
	}
	return out
}

// dotted turns a FieldError path into dotted form: investigations.2.date.
func dotted(path string) string {
	return strings.NewReplacer("[", ".", "]", "").Replace(strings.TrimPrefix(path, "-"))
}

// beyondTheSchema reports whether e is for a rule the schema cannot
// express, given the raw JSON document doc.
func beyondTheSchema(e FieldError, doc any) bool {
	if _, ok := beyondSchema[e.Rule]; ok {
		return true
	}
	r, ok := ruleOf(e.Rule)
	if !ok || r.beyond == "" {
		return false
	}
	// The value has the shape the pattern accepts: what is wrong is what
	// the pattern cannot say (a check digit, say).
	raw, ok := rawAt(doc, e.Path)
	s, isString := raw.(string)
	return ok && isString && regexp.MustCompile(r.pattern).MatchString(s)
}

// TestSchemaParity keeps the schema as strict as Decode and Validate on the
// catalogue of bad input. Every referral document in testdata/invalid and
// testdata/invalid/disguised that they refuse for a rule the schema can
// express is refused by the schema too, with an error at the failing field
// or at the object that holds it. A document refused only for rules beyond
// the schema, and every valid document there and in testdata/referrals,
// passes it. The folders are walked, so new cases are covered as they come.
func TestSchemaParity(t *testing.T) {
	sch := compiledSchema(t)
	var files []string
	for _, pattern := range []string{"invalid/*.json", "invalid/disguised/*.json", "referrals/*.json"} {
		files = append(files, testdataFiles(t, pattern)...)
	}
	require.Greater(t, len(files), 100)
	checked := map[string]int{}
	for _, f := range files {
		data := bytes.TrimPrefix(mustRead(t, f), []byte("\xef\xbb\xbf"))
		var errs FieldErrors
		ref, err := Decode(bytes.NewReader(data))
		decoded := err == nil
		if decoded {
			err = ref.Validate()
		}
		if err != nil {
			require.ErrorAs(t, err, &errs, f)
		}
		doc, jerr := sjs.UnmarshalJSON(bytes.NewReader(data))
		if jerr != nil {
			// Not one JSON value: no schema applies, and Decode must say so.
			require.Len(t, errs, 1, f)
			assert.Contains(t, []string{RuleSyntax, RuleTrailingData}, errs[0].Rule, f)
			checked["not JSON"]++
			continue
		}
		var expressible FieldErrors
		for _, e := range errs {
			if !beyondTheSchema(e, doc) {
				expressible = append(expressible, e)
			}
		}
		serr := sch.Validate(doc)
		if len(expressible) == 0 && !decoded {
			// Decode stopped before Validate could look at the rest.
			checked["decode stopped"]++
			continue
		}
		if len(expressible) == 0 {
			assert.NoError(t, serr, "%s: accepted by Validate, or refused only for rules beyond the schema (%v)", f, errs)
			checked["schema accepts"]++
			continue
		}
		if !assert.Error(t, serr, "%s: the schema accepts what Validate refuses: %v", f, expressible) {
			continue
		}
		at := schemaErrorLocations(serr)
		for _, e := range expressible {
			p := dotted(e.Path)
			parent := ""
			if i := strings.LastIndexByte(p, '.'); i >= 0 {
				parent = p[:i]
			}
			assert.True(t, at[p] || at[parent], "%s: the schema has no error at %s or %s for rule %s", f, e.Path, parent, e.Rule)
			checked[e.Rule]++
		}
	}
	t.Logf("checked: %v", checked)
	// The catalogue exercises the rules the schema should hold.
	for _, rule := range []string{RuleRequired, RuleNHSNumber, RulePostcode, RuleGMC, RuleNMCPin, RuleHCPC,
		RuleODSPractice, RuleEmail, RuleUKPhone, RuleOneOf, RulePriority, RuleRegistration, RuleDate,
		RuleMaxLength, RuleMaxItems, RuleControlChars, RuleStateItems, RuleUnknownField, RuleType, RuleNameChars} {
		assert.Positive(t, checked[rule], "no invalid document breaks only-expressible rule %s", rule)
	}
}

// A patternCheck pairs a pattern of the schema with the Go check it stands
// for. The pattern must accept what the check accepts in a text with no
// control character (for ASCII input: the check's Unicode case and space
// folding go further), and accept nothing but what shape, or else the
// check, accepts, unless it is loose: a necessary condition only.
type patternCheck struct {
	name    string
	pattern *regexp.Regexp
	valid   func(string) bool
	shape   func(string) bool // nil: the pattern is exact
	loose   bool
}

func patternChecks(t testing.TB) []patternCheck {
	var checks []patternCheck
	for _, r := range stringRules {
		c := patternCheck{name: r.tag, pattern: regexp.MustCompile(r.pattern), valid: r.valid}
		if c.valid == nil {
			tag := r.tag
			c.valid = func(s string) bool { return fieldValidator().Var(s, tag) == nil }
		}
		switch r.tag {
		case RuleNHSNumber:
			c.shape = func(s string) bool {
				d := string(ParseNHSNumber(s))
				return len(d) == 10 && strings.Trim(d, "0123456789") == ""
			}
		case "gmp":
			c.shape = regexp.MustCompile(`^G[0-9]{7}$`).MatchString
		case RuleEmail:
			c.loose = true // a shape only: see the rule's beyond
		default:
			require.Empty(t, r.beyond, "%s: a rule beyond its pattern needs a shape here", r.tag)
		}
		checks = append(checks, c)
	}
	return append(checks,
		patternCheck{name: "priority", pattern: regexp.MustCompile(priorityPattern()),
			valid: func(s string) bool { return ParsePriority(s).Valid() }},
		patternCheck{name: "date", pattern: regexp.MustCompile(datePattern),
			valid: func(s string) bool { _, err := ParseDate(s); return err == nil }},
		patternCheck{name: "text", pattern: regexp.MustCompile(textPattern), valid: validText},
		patternCheck{name: "name", pattern: regexp.MustCompile(namePattern),
			valid: func(s string) bool { return validText(s) && !badInName(s) }},
	)
}

// validText reports whether Validate accepts s as an optional text: no
// control character, and empty or with a visible character.
func validText(s string) bool { return !hasControl(s) && (s == "" || !blank(s)) }

func checkPatterns(t *testing.T, checks []patternCheck, s string) {
	if !utf8.ValidString(s) {
		return // the schema sees decoded JSON, always valid UTF-8
	}
	text := regexp.MustCompile(textPattern)
	ascii := strings.IndexFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) < 0
	for _, c := range checks {
		// Every text of the schema is also under the text definition.
		match, valid := c.pattern.MatchString(s) && text.MatchString(s), c.valid(s) && validText(s)
		if valid && (ascii || c.name == "text" || c.name == "name") {
			assert.True(t, match, "%s: the pattern refuses %q, which Validate accepts", c.name, s)
		}
		switch {
		case c.loose:
		case c.shape == nil:
			if match {
				assert.True(t, valid, "%s: the pattern accepts %q, which Validate refuses", c.name, s)
			}
		case ascii:
			assert.Equal(t, c.shape(s), match, "%s: the pattern and the shape disagree on %q", c.name, s)
		}
	}
}

var patternSeeds = []string{
	"", " ", "a", "9434765919", "999 000 0018", "999-000-0018", " 9-9-9-0-0-0-0-0-1-8 ", "999000001", "99900000180",
	"9876544321", "99900000a8", "９９９０００００１８", "999\u200b000\u200b0018",
	"LS1 4AB", "ls14ab", "M13 9PL", "SW1A 1AA", "EC1A 1BB", "GIR 0AA", "gir0aa", " b33  8th ", "L S 1 4 A B", "LS1\u00a04AB",
	"LS1 4CB", "QS1 4AB", "LS1", "12345", "LS1 4AB X", "LS1\v4AB", "ſW1A 1AA",
	"1234567", "7012345", "123456", "12345678", "G123456", "12A3456B", "12a3456b", "1A23456B", "PA123456", "PH1234",
	"P123456", "pa123456", "PA1234567", "A81001", "a81001", "RR8", "G3472185", "G3472184",
	"name@example.org", "not-an-email", "a@b", "a@b.c", "chloe@@example.org", "grace.mensah1.nhs.net", "a b@example.org",
	"0113 496 0000", "07700 900123", "+44 7700 900123", "(0113) 496-0000", "+44 (0)113 496 0000", "+4400113 496 000",
	"+44 0 7700 900123", "0113 496", "+1 555 0100", "phone", "00113 496 0000", "+44 113 496 00000",
	"routine", "ROUTINE", "Urgent", "two-week-wait", "Two Week Wait", " 2ww ", "\t2WW\n", "\u00a02ww\u00a0", "usc",
	"urgent-suspected-cancer", "TWO_WEEK_WAIT", "2-week-wait", "2 Week Wait", "_urgent_", "soon", "２ＷＷ", "rоutine",
	"Two Week Wait (USC)", "two\u00a0week wait", "urgent\v",
	"2026-11-21", "2026-02-29", "2024-02-29", "2000-02-29", "1900-02-29", "0000-02-29", "0001-01-01", "9999-12-31",
	"2026-02-30", "2026-13-01", "2026-00-10", "2026-1-2", "21/11/2026", "2026-11-21T00:00:00Z", "2026-04-31",
	"line\nbreak\ttab", "bell\a", "nul\x00", "del\x7f", "c1\u0085", "rlo\u202e", "isolate\u2066", "zero\u200bwidth",
}

// TestSchemaPatterns checks every pattern of the schema against the Go
// check it stands for, on known good and bad values and on every date of
// a leap and a common year (FuzzSchemaPatterns looks further).
func TestSchemaPatterns(t *testing.T) {
	checks := patternChecks(t)
	for _, s := range patternSeeds {
		checkPatterns(t, checks, s)
	}
	for _, y := range []string{"0000", "1900", "2000", "2023", "2024", "2100", "9999"} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				checkPatterns(t, checks, fmt.Sprintf("%s-%02d-%02d", y, m, d))
			}
		}
	}
	// Patterns use only what ECMA-262 and Go's regexp read alike.
	for _, goOnly := range []string{`\x{`, `(?P`, `(?i`, `\p`, `\A`, `\z`, `[[:`, `\Q`} {
		assert.NotContains(t, string(JSONSchema()), strings.ReplaceAll(goOnly, `\`, `\\`), "Go-only regular expression syntax")
	}
	text, name := regexp.MustCompile(textPattern), regexp.MustCompile(namePattern)
	for s, want := range map[string]bool{"a": true, " a ": true, "": true, " \t\n": false, "\u200b\u200e\u00a0": false,
		"\ufeff": false, "\u3000": false, "Łukasz": true, "٣": true, "a\x01": false, "\u2800\u3164": false,
		"\U000e0041": false, "𝄞": true, "\U000e0041𝄞": true} {
		assert.Equal(t, want, text.MatchString(s), "text %q", s)
		assert.Equal(t, validText(s), text.MatchString(s), "text and Validate on %q", s)
	}
	for s, want := range map[string]bool{"Siobhán": true, "Mary Ann": true, "O'Brien-Smith": true, "": true,
		"Ann\nMarie": false, "Ann\tMarie": false, "Ann\u200bMarie": false, "Ann\u2028Marie": false,
		"Ann\u200fMarie": false, "Ann\u00adMarie": false, "Ann\U000e0041": false, "𝄞": true} {
		assert.Equal(t, want, name.MatchString(s), "name %q", s)
		assert.Equal(t, !badInName(s) && !hasControl(s), name.MatchString(s), "name and Validate on %q", s)
	}
}

func FuzzSchemaPatterns(f *testing.F) {
	for _, s := range patternSeeds {
		f.Add(s)
	}
	checks := patternChecks(f)
	f.Fuzz(func(t *testing.T, s string) { checkPatterns(t, checks, s) })
}

// TestSchemaRefuses checks that the schema refuses, as Validate does, what
// a front end once sent past it.
func TestSchemaRefuses(t *testing.T) {
	sch := compiledSchema(t)
	tests := []struct {
		name   string
		change func(doc map[string]any)
	}{
		{name: "priority soon", change: func(d map[string]any) { d["priority"] = "soon" }},
		{name: "postcode XYZ", change: func(d map[string]any) { obj(d, "patient", "address")["postcode"] = "XYZ" }},
		{name: "email not-an-email", change: func(d map[string]any) { obj(d, "patient")["email"] = "not-an-email" }},
		{name: "no phones", change: func(d map[string]any) { obj(d, "patient")["phones"] = []any{} }},
		{name: "empty reason", change: func(d map[string]any) { d["reason"] = "" }},
		{name: "blank reason", change: func(d map[string]any) { d["reason"] = " \u200b\t" }},
		{name: "blank optional text", change: func(d map[string]any) { d["history"] = "\u00a0\u2060" }},
		{name: "blank address line", change: func(d map[string]any) { obj(d, "patient", "address")["lines"] = []any{"1 High St", "\u200b"} }},
		{name: "line break in a name", change: func(d map[string]any) { obj(d, "patient")["familyName"] = "Ferreira\nSmith" }},
		{name: "zero-width mark in a name", change: func(d map[string]any) { obj(d, "referrer")["name"] = "Dr A\u200d Khan" }},
		{name: "recorded allergies without items", change: func(d map[string]any) { d["allergies"] = map[string]any{"state": "recorded"} }},
		{name: "suspectedCancer null", change: func(d map[string]any) { obj(d, "recipient")["suspectedCancer"] = nil }},
		{name: "recorded medications, items null", change: func(d map[string]any) {
			d["medications"] = map[string]any{"state": "recorded", "items": nil}
		}},
		{name: "30,000-character history", change: func(d map[string]any) { d["history"] = strings.Repeat("x", 30000) }},
		{name: "no registration", change: func(d map[string]any) {
			r := obj(d, "referrer")
			delete(r, "gmcNumber")
			delete(r, "nmcPin")
			r["hcpcNumber"] = ""
		}},
		{name: "null registration", change: func(d map[string]any) {
			r := obj(d, "referrer")
			delete(r, "nmcPin")
			delete(r, "hcpcNumber")
			r["gmcNumber"] = nil
		}},
		{name: "other without detail", change: func(d map[string]any) { d["request"] = map[string]any{"kind": "other"} }},
		{name: "201 past conditions", change: func(d map[string]any) {
			d["pastHistory"] = slicesRepeat(map[string]any{"condition": "Asthma"}, 201)
		}},
		{name: "unknown allergies with items", change: func(d map[string]any) { obj(d, "allergies")["state"] = "unknown" }},
		{name: "NHS number of nine digits", change: func(d map[string]any) { obj(d, "patient")["nhsNumber"] = "999 000 001" }},
		{name: "30 February", change: func(d map[string]any) { obj(d, "patient")["dateOfBirth"] = "1961-02-30" }},
		{name: "bell in a name", change: func(d map[string]any) { obj(d, "patient")["givenName"] = "Si\aobhán" }},
		{name: "lower-case ODS code", change: func(d map[string]any) { obj(d, "practice")["odsCode"] = "b86010" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			require.NoError(t, json.Unmarshal([]byte(fullJSON), &doc))
			tt.change(doc)
			b, err := json.Marshal(doc)
			require.NoError(t, err)
			// Decode refuses a list over its limit before Validate sees it.
			ref, err := Decode(bytes.NewReader(b))
			if err == nil {
				err = ref.Validate()
			}
			require.Error(t, err, "Decode or Validate must refuse it too")
			inst, err := sjs.UnmarshalJSON(bytes.NewReader(b))
			require.NoError(t, err)
			assert.Error(t, sch.Validate(inst))
		})
	}
}

func obj(d map[string]any, path ...string) map[string]any {
	for _, p := range path {
		d = d[p].(map[string]any)
	}
	return d
}

func slicesRepeat(v any, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}
