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

// Input limits (DESIGN.md 10).
const (
	MaxDocumentBytes = 1 << 20 // a JSON document
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
		must(RuleNHSNumber, str(func(s string) bool { return NHSNumber(s).Valid() }))
		must(RulePostcode, str(ValidPostcode))
		must(RuleGMC, str(ValidGMCNumber))
		must(RuleNMCPin, str(ValidNMCPin))
		must(RuleHCPC, str(ValidHCPCNumber))
		must(RuleODSPractice, str(ValidPracticeODSCode))
		must(RuleUKPhone, str(ValidUKPhone))
		must("gmp", str(ValidGMPCode))
		validate = v
	})
	return validate
}

// Validate checks r against the rules of DESIGN.md 3, 9 and 10 and returns
// FieldErrors listing every failing field, or nil. Messages never hold a
// field's value. A zero letter date is checked against today.
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
		if v, ok := fe.Value().(NHSNumber); ok && len(v) == 10 && strings.Trim(string(v), "0123456789") == "" {
			return RuleNHSNumber, "fails the NHS number check digit"
		}
		return RuleNHSNumber, "must be a 10-digit NHS number"
	case RulePostcode:
		return RulePostcode, "is not a valid UK postcode"
	case RuleGMC:
		return RuleGMC, "must be a 7-digit GMC number"
	case RuleNMCPin:
		return RuleNMCPin, "must be an NMC PIN: two digits, a letter, four digits and a letter"
	case RuleHCPC:
		return RuleHCPC, "must be an HCPC registration number: two letters and 4 to 6 digits"
	case RuleODSPractice:
		return RuleODSPractice, "must be a GP practice ODS code: a letter and five digits"
	case RuleEmail:
		return RuleEmail, "is not a valid email address"
	case RuleUKPhone:
		return RuleUKPhone, "is not a valid UK phone number"
	case "gmp":
		return "gmp", "must be a GP code: G, six digits and a check digit"
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

// hasControl reports a C0 or C1 control character other than newline and
// tab, or a bidirectional embedding, override or isolate control, which
// would reorder the text around it as displayed (a name shown backwards).
func hasControl(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x20 && r != '\n' && r != '\t', r >= 0x7f && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return true
		}
	}
	return false
}
