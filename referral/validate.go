package referral

import (
	"errors"
	"reflect"
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

// Validate checks r and returns FieldErrors listing every failing field at
// once, or nil. Messages never hold a field's value. It checks that:
//   - the mandatory fields are given (see Referral), and a request of kind
//     "other" has its detail;
//   - the priority is routine, urgent or two-week wait, or an alias of one
//     (see ParsePriority);
//   - the referrer has a GMC number (7 digits), an NMC PIN (such as
//     12A3456B) or an HCPC number (two letters and 4 to 6 digits);
//   - the NHS number is 10 digits whose last is the Modulus 11 check digit
//     (spaces and hyphens are ignored), the practice ODS code is a letter
//     and five digits, postcodes are UK postcodes (in any case and
//     spacing), phones are UK numbers and emails are addresses;
//   - a medication or allergy list has a state, and an unknown list is empty;
//   - dates are real dates in YYYY-MM-DD form, and the date of birth is
//     neither after the letter date nor more than 130 years before it (a
//     zero letter date is taken as today);
//   - no text is longer than MaxTextLength characters or holds a control
//     character other than newline and tab, or a text-direction control, and
//     no list has more than MaxListItems items.
func (r *Referral) Validate() error {
	return r.validateAt(time.Now())
}

func (r *Referral) validateAt(now time.Time) error {
	if r == nil {
		return FieldErrors{{Rule: RuleRequired, Message: "no referral given"}}
	}
	var errs FieldErrors
	add := func(path, rule, msg string) {
		errs = append(errs, FieldError{Path: path, Rule: rule, Message: msg})
	}

	limits(reflect.ValueOf(r).Elem(), "", add)

	if err := fieldValidator().Struct(r); err != nil {
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

	if !r.Priority.Valid() && r.Priority != "" {
		add("priority", RulePriority, "must be routine, urgent or two-week-wait")
	}
	if r.Referrer.GMCNumber == "" && r.Referrer.NMCPin == "" && r.Referrer.HCPCNumber == "" {
		add("referrer", RuleRegistration, "needs a GMC number, NMC PIN or HCPC number")
	}

	// A list said to be unknown cannot also hold items: the letter would
	// have to drop them or contradict itself.
	if r.Medications.State == StateUnknown && len(r.Medications.Items) > 0 {
		add("medications.items", RuleStateItems, "must be empty when the state is unknown")
	}
	if r.Allergies.State == StateUnknown && len(r.Allergies.Items) > 0 {
		add("allergies.items", RuleStateItems, "must be empty when the state is unknown")
	}

	checkPatientCopy(r.Communication, add)

	letterDate := r.Date
	checkDate := func(path string, d Date) {
		if !d.IsZero() && !d.Valid() {
			add(path, RuleDate, "is not a real date in YYYY-MM-DD form")
		}
	}
	checkDate("date", r.Date)
	if !letterDate.Valid() {
		letterDate = DateOf(now)
	}
	dob := r.Patient.DateOfBirth
	switch {
	case dob.IsZero():
		add("patient.dateOfBirth", RuleRequired, "is required")
	case !dob.Valid():
		checkDate("patient.dateOfBirth", dob)
	case letterDate.Before(dob):
		add("patient.dateOfBirth", RuleDOBFuture, "is after the letter date")
	case dob.Before(letterDate.AddYears(-130)):
		add("patient.dateOfBirth", RuleDOBTooOld, "is more than 130 years before the letter date")
	}
	for i, inv := range r.Investigations {
		checkDate(pathIndex("investigations", i)+".date", inv.Date)
	}
	for i, a := range r.Attachments {
		checkDate(pathIndex("attachments", i)+".date", a.Date)
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func describe(fe validator.FieldError) (rule, msg string) {
	switch fe.Tag() {
	case "required", "required_if", "min":
		return RuleRequired, "is required"
	case "oneof":
		return RuleOneOf, "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case RuleNHSNumber:
		if v, ok := fe.Value().(NHSNumber); ok {
			if d := string(ParseNHSNumber(string(v))); len(d) == 10 && strings.Trim(d, "0123456789") == "" {
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

// limits walks every string and list in v, reporting over-long text,
// control characters and over-long lists by JSON path.
func limits(v reflect.Value, path string, add func(path, rule, msg string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			limits(v.Elem(), path, add)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			limits(v.Field(i), p, add)
		}
	case reflect.Slice:
		if v.Len() > MaxListItems {
			add(path, RuleMaxItems, "has more than 200 items")
			return
		}
		for i := 0; i < v.Len(); i++ {
			limits(v.Index(i), pathIndex(path, i), add)
		}
	case reflect.String:
		s := v.String()
		if utf8.RuneCountInString(s) > MaxTextLength {
			add(path, RuleMaxLength, "is longer than 20,000 characters")
		}
		if !utf8.ValidString(s) {
			add(path, RuleEncoding, "is not valid UTF-8")
		}
		if hasControl(s) {
			add(path, RuleControlChars, "holds a control character (other than newline and tab) or a text-direction control")
		}
	}
}
