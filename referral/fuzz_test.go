package referral

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzValidate sets identifier and date fields of a valid referral to
// arbitrary strings: Validate never panics, never repeats a value in its
// error, and accepts exactly what the identifier rules accept.
func FuzzValidate(f *testing.F) {
	f.Add("9990000018", "LS1 4AB", "7012345", "0113 496 0000", "1961-03-03", "routine")
	f.Add("9876544321", "QQ1", "", "+44", "2026-02-30", "Two Week Wait")
	f.Fuzz(func(t *testing.T, nhs, postcode, gmc, phone, dob, priority string) {
		r := fullReferral(t)
		r.Patient.NHSNumber = ParseNHSNumber(nhs)
		r.Patient.Address.Postcode = postcode
		r.Referrer.GMCNumber, r.Referrer.NMCPin, r.Referrer.HCPCNumber = gmc, "", ""
		r.Patient.Phones[0].Number = phone
		r.Patient.DateOfBirth = Date{}
		_ = r.Patient.DateOfBirth.UnmarshalJSON([]byte(`"` + strings.ReplaceAll(strings.ReplaceAll(dob, `\`, ``), `"`, ``) + `"`))
		r.Priority = ParsePriority(priority)
		err := r.validateAt(fixedClock())
		if err == nil {
			if !r.Patient.NHSNumber.Valid() || !ValidPostcode(postcode) || !ValidGMCNumber(gmc) || !ValidUKPhone(phone) {
				t.Fatal("an invalid identifier passed validation")
			}
			return
		}
		var fes FieldErrors
		if !errors.As(err, &fes) {
			t.Fatalf("not FieldErrors: %T", err)
		}
		msg := err.Error()
		for _, v := range []string{nhs, postcode, gmc, phone, dob} {
			if len(v) >= 4 && utf8.ValidString(v) && strings.Contains(msg, v) && !strings.Contains(messageWords, v) {
				t.Fatalf("the error repeats an input value")
			}
		}
	})
}

// messageWords holds the words error messages are made of, so that the
// fuzzer's values that happen to be such words are not taken for leaks.
var messageWords = strings.Join([]string{
	"patient.nhsNumber", "patient.address.postcode", "referrer.gmcNumber", "patient.phones[0].number",
	"patient.dateOfBirth", "priority", "referrer", "is required", "fails the NHS number check digit",
	"must be a 10-digit NHS number", "is not a valid UK postcode", "must be a 7-digit GMC number",
	"is not a valid UK phone number", "is not a real date in YYYY-MM-DD form", "is after the letter date",
	"is more than 130 years before the letter date", "must be routine, urgent or two-week-wait",
	"needs a GMC number, NMC PIN or HCPC number", "holds a control character (other than newline and tab) or a text-direction control",
	"is not valid UTF-8",
}, "\n")

// FuzzWriteText puts arbitrary text into the free-text fields of a valid
// referral: the letter either composes and keeps every value, within 78
// columns, or Compose fails with field errors.
func FuzzWriteText(f *testing.F) {
	f.Add("Severe eczema", "Eighteen months.\n\nWorse at work.", "Penicillin", "Zoë Łukasz Ó Súilleabháin")
	f.Add(strings.Repeat("x", 300), "a\tb", "", "emoji 😀 and عربى")
	f.Fuzz(func(t *testing.T, reason, history, allergy, name string) {
		r := fullReferral(t)
		r.Reason, r.History, r.Patient.GivenName = reason, history, name
		r.Allergies.Items = []Allergy{{Substance: allergy}}
		l, err := Compose(r, WithClock(fixedClock))
		if err != nil {
			var fes FieldErrors
			if !errors.As(err, &fes) {
				t.Fatalf("not FieldErrors: %T", err)
			}
			return
		}
		var b bytes.Buffer
		if err := l.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(b.String(), "\n") {
			if utf8.RuneCountInString(line) > TextWidth {
				t.Fatalf("a line of %d columns", utf8.RuneCountInString(line))
			}
		}
		hay := squash(b.String())
		for _, v := range []string{strings.TrimRight(strings.TrimSpace(reason), "."), history, allergy, name} {
			if !strings.Contains(hay, squash(v)) {
				t.Fatal("a value is missing from the letter")
			}
		}
	})
}
