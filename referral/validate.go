package referral

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
)

// Input limits. Decode refuses a document over MaxDocumentBytes; Validate
// refuses a text field of more than MaxTextLength characters (Unicode code
// points) and a list of more than MaxListItems items.
const (
	MaxDocumentBytes = 1 << 20 // bytes in a JSON document
	MaxTextLength    = 20000   // characters in one text field
	MaxListItems     = 200     // items in one list
	// MaxNameLength is the most characters the patient's printed name
	// (title, given and family names, with a space between) may have: the
	// foot of every page must hold it with the date of birth and NHS
	// number, in any font the renderer has and at any margin it allows.
	MaxNameLength = 100
	// MaxFieldErrors is the most FieldErrors Decode and Validate return.
	// Beyond it, one more FieldError with the rule RuleMoreErrors says how
	// many were left out.
	MaxFieldErrors = 100
	// A letter date may lie at most MaxLetterDateAge before today, and at
	// most MaxLetterDateAhead after it.
	MaxLetterDateAge   = 1  // years
	MaxLetterDateAhead = 30 // days
)

// Validation rules, as FieldError.Rule names them.
const (
	RuleRequired     = "required"
	RuleNHSNumber    = "nhsnumber"
	RulePostcode     = "postcode"
	RuleGMC          = "gmc"
	RuleNMCPin       = "nmcpin"
	RuleHCPC         = "hcpc"
	RuleODSPractice  = "odspractice"
	RuleEmail        = "email"
	RuleUKPhone      = "ukphone"
	RuleOneOf        = "oneof"
	RulePriority     = "priority"
	RuleRegistration = "registration"
	RuleDate         = "date"
	RuleDOBFuture    = "dob-future"
	RuleDOBTooOld    = "dob-too-old"
	RuleMaxLength    = "max-length"
	RuleMaxItems     = "max-items"
	RuleControlChars = "control-chars"
	RuleEncoding     = "utf8"
	RuleStateItems   = "state-items"
	RuleUBRN         = "ubrn"
	// RuleBlank: an optional text given with no visible character (only
	// white space, zero-width or invisible marks). A required one so
	// written breaks RuleRequired.
	RuleBlank = "blank"
	// RuleNameChars: a name holding a line break, a tab, or a zero-width,
	// invisible or text-direction mark.
	RuleNameChars = "name-chars"
	// RuleLetterDate: a letter date outside the window around today
	// (MaxLetterDateAge back, MaxLetterDateAhead ahead).
	RuleLetterDate = "letter-date"
	// RuleNameLength: the patient's printed name is longer than
	// MaxNameLength.
	RuleNameLength = "name-length"
	// RuleMoreErrors: the last FieldError of a list cut at MaxFieldErrors,
	// saying how many more there were.
	RuleMoreErrors = "more-errors"
)

var (
	validatorOnce sync.Once
	validate      *validator.Validate
)

func fieldValidator() *validator.Validate {
	validatorOnce.Do(func() {
		v := validator.New()
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				return ""
			}
			return name
		})
		str := func(ok func(string) bool) validator.Func {
			return func(fl validator.FieldLevel) bool { return ok(fl.Field().String()) }
		}
		must := func(tag string, fn validator.Func) {
			if err := v.RegisterValidation(tag, fn); err != nil {
				panic(err) // a programming error, found by any test
			}
		}
		for _, r := range stringRules {
			if r.valid != nil {
				must(r.tag, str(r.valid))
			}
		}
		validate = v
	})
	return validate
}

// Validate checks r against the rules of the referral form and returns
// FieldErrors listing every failing field (at most MaxFieldErrors of them,
// then a count of the rest), or nil. Messages never hold a field's value.
// It checks that:
//   - the mandatory fields are given (see Referral), and a request of kind
//     "other" has its detail;
//   - the priority is routine, urgent or two-week wait, or an alias of one
//     (see ParsePriority);
//   - the referrer has a GMC number (7 digits), an NMC PIN (such as
//     12A3456B) or an HCPC number (two letters and 4 to 6 digits);
//   - the NHS number is 10 digits whose last is the Modulus 11 check digit
//     and not one digit repeated (spaces and hyphens are ignored), the
//     practice ODS code is a letter and five digits, postcodes are UK
//     postcodes (in any case and spacing), phones are UK numbers and emails
//     are addresses;
//   - a medication or allergy list has a state; a recorded list has its
//     items (empty for none) and an unknown list is empty;
//   - no text is longer than MaxTextLength characters or holds a control
//     character other than newline and tab, or a text-direction control;
//     a list beyond MaxListItems is reported once and its further items
//     are not checked.
//
// Dates are real dates in YYYY-MM-DD form, checked against today, which
// WithClock sets (other options are ignored): the date of birth must not be
// after today nor after the letter date, nor more than 130 years before it,
// and the letter date must lie within MaxLetterDateAge years before and
// MaxLetterDateAhead days after today. A zero letter date means today.
//
// Required fields, list items of text and names must hold a visible
// character: white space, zero-width and invisible marks alone are blank.
// Names (patient, referrer, carer, clinician) must be one line, with no
// tabs, zero-width or text-direction marks, and the patient's title, given
// and family names together at most MaxNameLength characters, so that
// every page's foot can print them.
func (r *Referral) Validate(opts ...Option) error {
	return r.validateAt(settingsOf(opts).now())
}

func (r *Referral) validateAt(now time.Time) error {
	if r == nil {
		return FieldErrors{{Rule: RuleRequired, Message: "no referral given"}}
	}
	var errs FieldErrors
	add := func(path, rule, msg string) {
		errs = append(errs, FieldError{Path: path, Rule: rule, Message: msg})
	}

	// The path has room for most paths of the form, not to grow by steps.
	w := walker{add: add, path: make([]byte, 0, 64)}
	w.walk(reflect.ValueOf(r).Elem(), fieldInfo{})

	// The validator runs only when a tag may fail (see tagsHold). It
	// dives into every item: give it the lists cut at their limit, which
	// has been reported.
	if w.overLimit || !tagsHold(reflect.ValueOf(r).Elem()) {
		checked := reflect.ValueOf(r)
		if w.overLimit {
			checked = capped(checked)
		}
		if err := fieldValidator().Struct(checked.Interface()); err != nil {
			var ves validator.ValidationErrors
			if !errors.As(err, &ves) {
				return err
			}
			for _, fe := range ves {
				path := strings.TrimPrefix(fe.Namespace(), "Referral.")
				rule, msg := describe(fe)
				add(path, rule, msg)
			}
		}
	}

	if !r.Priority.Valid() && r.Priority != "" {
		add("priority", RulePriority, "must be routine, urgent or two-week-wait")
	}
	if utf8.RuneCountInString(fullName(r.Patient)) > MaxNameLength {
		add("patient", RuleNameLength, "title, given and family names together are longer than 100 characters, more than the foot of a page holds")
	}
	if r.Referrer.GMCNumber == "" && r.Referrer.NMCPin == "" && r.Referrer.HCPCNumber == "" {
		add("referrer", RuleRegistration, "needs a GMC number, NMC PIN or HCPC number")
	}

	// A list said to be unknown cannot also hold items: the letter would
	// have to drop them or contradict itself. A recorded list must say
	// what was recorded: no items at all is not "none".
	checkState := func(path string, state State, items int, isNil bool) {
		switch {
		case state == StateUnknown && items > 0:
			add(path, RuleStateItems, "must be empty when the state is unknown")
		case state == StateRecorded && isNil:
			add(path, RuleRequired, "is required when the state is recorded (an empty list means none)")
		}
	}
	checkState("medications.items", r.Medications.State, len(r.Medications.Items), r.Medications.Items == nil)
	checkState("allergies.items", r.Allergies.State, len(r.Allergies.Items), r.Allergies.Items == nil)

	checkPatientCopy(r.Communication, add)

	today := DateOf(now)
	checkDate := func(path string, d Date) {
		if !d.IsZero() && !d.Valid() {
			add(path, RuleDate, "is not a real date in YYYY-MM-DD form")
		}
	}
	letterDate := r.Date
	switch {
	case r.Date.IsZero():
		letterDate = today
	case !r.Date.Valid():
		checkDate("date", r.Date)
		letterDate = today
	case r.Date.Before(today.AddYears(-MaxLetterDateAge)), today.AddDays(MaxLetterDateAhead).Before(r.Date):
		add("date", RuleLetterDate, "must lie within a year before and 30 days after today")
		letterDate = today // the birth date is checked against today alone
	}
	dob := r.Patient.DateOfBirth
	switch {
	case dob.IsZero():
		add("patient.dateOfBirth", RuleRequired, "is required")
	case !dob.Valid():
		checkDate("patient.dateOfBirth", dob)
	case today.Before(dob):
		add("patient.dateOfBirth", RuleDOBFuture, "is after today")
	case letterDate.Before(dob):
		add("patient.dateOfBirth", RuleDOBFuture, "is after the letter date")
	case dob.Before(letterDate.AddYears(-130)):
		add("patient.dateOfBirth", RuleDOBTooOld, "is more than 130 years before the letter date")
	}
	for i, inv := range r.Investigations[:min(len(r.Investigations), MaxListItems)] {
		checkDate(pathIndex("investigations", i)+".date", inv.Date)
	}
	for i, a := range r.Attachments[:min(len(r.Attachments), MaxListItems)] {
		checkDate(pathIndex("attachments", i)+".date", a.Date)
	}
	if len(errs) == 0 {
		return nil
	}
	return errs.blankFirst(w.blank).capped()
}

// blankFirst drops the other errors of a field reported blank: a blank
// phone number is not also an invalid one.
func (es FieldErrors) blankFirst(blank map[string]bool) FieldErrors {
	if len(blank) == 0 {
		return es
	}
	out := es[:0]
	for _, e := range es {
		if !blank[e.Path] || e.Rule == RuleRequired || e.Rule == RuleBlank {
			out = append(out, e)
		}
	}
	return out
}

// capped cuts es to MaxFieldErrors, adding one error that counts the rest.
func (es FieldErrors) capped() FieldErrors {
	if len(es) <= MaxFieldErrors {
		return es
	}
	more := len(es) - MaxFieldErrors
	return append(es[:MaxFieldErrors:MaxFieldErrors], moreErrors(more))
}

func moreErrors(n int) FieldError {
	return FieldError{Rule: RuleMoreErrors, Message: "and " + strconv.Itoa(n) + " more"}
}

func describe(fe validator.FieldError) (rule, msg string) {
	switch fe.Tag() {
	case "required", "required_if", "min":
		return RuleRequired, "is required"
	case "oneof":
		return RuleOneOf, "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case RuleNHSNumber:
		if v, ok := fe.Value().(NHSNumber); ok {
			d := ParseNHSNumber(string(v))
			if d.repeated() {
				return RuleNHSNumber, "is not an NHS number: one digit repeated"
			}
			if len(d) == 10 && strings.Trim(string(d), "0123456789") == "" {
				return RuleNHSNumber, "fails the NHS number check digit"
			}
		}
	}
	for _, r := range stringRules {
		if r.tag == fe.Tag() {
			return r.tag, r.message
		}
	}
	return fe.Tag(), "breaks the rule " + fe.Tag()
}

// fieldInfo is what the walk knows of a string from its field.
type fieldInfo struct {
	required bool // tagged required, or an item of a list of text
	name     bool
	item     bool // an item of a list
}

// names are the fields that hold a person's name, by struct and Go field.
var names = map[reflect.Type]map[string]bool{
	reflect.TypeFor[Patient]():   {"Title": true, "GivenName": true, "FamilyName": true, "PreferredName": true},
	reflect.TypeFor[Referrer]():  {"Name": true},
	reflect.TypeFor[Carer]():     {"Name": true},
	reflect.TypeFor[Recipient](): {"Clinician": true},
}

// walkField is a field of a struct the walker visits.
type walkField struct {
	name  string // JSON name
	index int    // Go field index
	info  fieldInfo
}

// walkFields caches, per struct type, the fields the walker visits.
var walkFields sync.Map // reflect.Type -> []walkField

// fieldsToWalk returns the exported fields of struct type t that the JSON
// form names, in order, with what the walk knows of each.
func fieldsToWalk(t reflect.Type) []walkField {
	if fs, ok := walkFields.Load(t); ok {
		return fs.([]walkField)
	}
	var fs []walkField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		first, _, _ := strings.Cut(f.Tag.Get("validate"), ",")
		fs = append(fs, walkField{name: name, index: i, info: fieldInfo{required: first == "required", name: names[t][f.Name]}})
	}
	got, _ := walkFields.LoadOrStore(t, fs)
	return got.([]walkField)
}

// walker walks every string and list of a referral, reporting over-long
// text, control characters, blank text, bad names and over-long lists by
// JSON path.
type walker struct {
	add       func(path, rule, msg string)
	blank     map[string]bool // paths reported blank
	overLimit bool            // a list is longer than MaxListItems
	path      []byte          // JSON path of the value being walked
}

// fail reports a fault of the value being walked.
func (w *walker) fail(rule, msg string) { w.add(string(w.path), rule, msg) }

func (w *walker) walk(v reflect.Value, info fieldInfo) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			w.walk(v.Elem(), info)
		}
	case reflect.Struct:
		mark := len(w.path)
		for _, f := range fieldsToWalk(v.Type()) {
			if mark > 0 {
				w.path = append(w.path, '.')
			}
			w.path = append(w.path, f.name...)
			w.walk(v.Field(f.index), f.info)
			w.path = w.path[:mark]
		}
	case reflect.Slice:
		if v.Len() > MaxListItems {
			w.fail(RuleMaxItems, "has more than 200 items")
			w.overLimit = true
		}
		mark := len(w.path)
		for i := 0; i < min(v.Len(), MaxListItems); i++ {
			w.path = append(w.path, '[')
			w.path = strconv.AppendInt(w.path, int64(i), 10)
			w.path = append(w.path, ']')
			// Each item of a list of text is required.
			w.walk(v.Index(i), fieldInfo{required: true, item: true})
			w.path = w.path[:mark]
		}
	case reflect.String:
		w.text(v.String(), v.Type() == reflect.TypeFor[string](), info)
	}
}

// text checks the string s; plain says it is of type string.
func (w *walker) text(s string, plain bool, info fieldInfo) {
	// A string of at most MaxTextLength bytes has at most as many
	// characters: only a longer one needs counting.
	if len(s) > MaxTextLength && utf8.RuneCountInString(s) > MaxTextLength {
		w.fail(RuleMaxLength, "is longer than 20,000 characters")
	}
	if !utf8.ValidString(s) {
		w.fail(RuleEncoding, "is not valid UTF-8")
	}
	control := hasControl(s)
	if control {
		w.fail(RuleControlChars, "holds a control character (other than newline and tab) or a text-direction control")
	}
	switch {
	case s == "" && info.required && plain && info.item && len(w.path) > 0:
		// An empty item of a list of text (the validator checks fields).
		w.markBlank()
		w.fail(RuleRequired, "is required")
	case s != "" && blank(s):
		w.markBlank()
		if info.required {
			w.fail(RuleRequired, "is required: white space and invisible characters alone are blank")
		} else {
			w.fail(RuleBlank, "holds no visible character: leave it out or fill it in")
		}
	case info.name && !control && badInName(s):
		w.fail(RuleNameChars, "must be one line with no tabs, zero-width or invisible marks")
	}
}

// markBlank records that the value being walked was reported blank.
func (w *walker) markBlank() {
	if w.blank == nil {
		w.blank = map[string]bool{}
	}
	w.blank[string(w.path)] = true
}

// capped returns a copy of v, a referral or a part of one, with every list
// cut to MaxListItems. Strings are shared.
func capped(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(capped(v.Elem()))
		return p
	case reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		for i := 0; i < v.NumField(); i++ {
			if c.Field(i).CanSet() {
				c.Field(i).Set(capped(v.Field(i)))
			}
		}
		return c
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := min(v.Len(), MaxListItems)
		c := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n; i++ {
			c.Index(i).Set(capped(v.Index(i)))
		}
		return c
	}
	return v
}

// blank reports whether s has no visible character: only characters of
// invisibleRanges.
func blank(s string) bool {
	for _, r := range s {
		if !invisible(r) {
			return false
		}
	}
	return true
}

func invisible(r rune) bool {
	if r > ' ' && r < 0x7f {
		return false // printable ASCII
	}
	return inRanges(r, invisibleRanges)
}

// badInName reports a character of notInNameRanges (a line break, a tab,
// a zero-width or text-direction mark) in a name.
func badInName(s string) bool {
	for _, r := range s {
		if (r < ' ' || r > '~') && inRanges(r, notInNameRanges) {
			return true
		}
	}
	return false
}
