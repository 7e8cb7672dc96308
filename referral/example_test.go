package referral_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/refletter/refletter/referral"
)

const exampleJSON = `{
  "date": "2026-11-20",
  "priority": "routine",
  "referrer": {"name": "Dr Hannah Okafor", "role": "GP partner", "gmcNumber": "7012345", "phone": "0113 496 0001"},
  "practice": {"name": "Kirkgate Medical Practice", "odsCode": "B86010", "address": {"lines": ["14 Kirkgate"], "town": "Leeds", "postcode": "LS1 6BH"}, "phone": "0113 496 0000"},
  "recipient": {"service": "Dermatology Outpatients", "clinician": "Dr Anjali Patel"},
  "patient": {"title": "Mr", "givenName": "Łukasz", "familyName": "Nowak", "dateOfBirth": "1980-05-14", "nhsNumber": "9990000026", "sex": "male",
    "address": {"lines": ["3 Mill Lane"], "town": "Leeds", "postcode": "LS6 2AB"}, "phones": [{"kind": "mobile", "number": "07700 900123"}]},
  "reason": "Chronic plaque psoriasis not controlled by topical treatment",
  "request": {"kind": "treatment"},
  "history": "Psoriasis since 2019, now covering about 12% of his body surface.",
  "medications": {"state": "recorded", "items": []},
  "allergies": {"state": "unknown"}
}`

func Example() {
	ref, err := referral.Decode(strings.NewReader(exampleJSON))
	if err != nil {
		fmt.Println(err)
		return
	}
	letter, err := referral.Compose(ref)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range letter.Blocks {
		switch b := b.(type) {
		case *referral.Paragraph:
			if strings.HasPrefix(b.Text, "I would be grateful") {
				fmt.Println(b.Text)
			}
		case *referral.KeyValueList:
			if b.Path == "reason" {
				fmt.Println(b.Items[0].Key + ": " + b.Items[0].Value)
			}
		}
	}
	// Output:
	// I would be grateful if you could see Mr Nowak for consideration of treatment.
	// Reason for referral: Chronic plaque psoriasis not controlled by topical treatment
}

func ExampleDecide() {
	ref, _ := referral.Decode(strings.NewReader(strings.Replace(exampleJSON, `"routine"`, `"2WW"`, 1)))
	route := referral.Decide(ref)
	fmt.Println(route.Path, route.Handoff.PriorityCode)
	fmt.Println(route.Reasons[0])
	// Output:
	// ers TWO_WEEK_WAIT
	// the priority is two-week wait (urgent suspected cancer)
}

func ExampleCompose_twoWeekWait() {
	ref, _ := referral.Decode(strings.NewReader(strings.Replace(exampleJSON, `"routine"`, `"two-week-wait"`, 1)))
	_, err := referral.Compose(ref)
	var tw *referral.TwoWeekWaitError
	if errors.As(err, &tw) {
		fmt.Println(errors.Is(err, referral.ErrTwoWeekWait), tw.Handoff().Patient.NHSNumber.String())
	}
	// Output: true 999 000 0026
}

func ExampleReferral_Validate() {
	ref, _ := referral.Decode(strings.NewReader(strings.Replace(exampleJSON, `"9990000026"`, `"9990000027"`, 1)))
	var fes referral.FieldErrors
	if errors.As(ref.Validate(), &fes) {
		for _, fe := range fes {
			fmt.Println(fe)
		}
	}
	// Output: patient.nhsNumber: fails the NHS number check digit
}

func ExampleLetter_WriteText() {
	ref, _ := referral.Decode(strings.NewReader(exampleJSON))
	letter, _ := referral.Compose(ref, referral.WithoutStatement(),
		referral.WithClock(func() time.Time { return time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC) }))
	var b strings.Builder
	_ = letter.WriteText(&b)
	text := b.String()
	start := strings.Index(text, "Allergies and adverse reactions")
	fmt.Print(text[start : start+strings.Index(text[start:], "\n\n")+1])
	// Output:
	// Allergies and adverse reactions
	// -------------------------------
	// Allergy status not recorded: allergies and adverse reactions are not known.
}

func ExampleNHSNumber_String() {
	fmt.Println(referral.ParseNHSNumber("999-000-0018"), referral.ParseNHSNumber("9990000018").Valid())
	// Output: 999 000 0018 true
}
