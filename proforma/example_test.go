package proforma_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/refletter/refletter/proforma"
	"github.com/refletter/refletter/referral"
)

const entForm = `{
  "id": "ent-hearing",
  "title": "Adult Hearing Loss Referral Form",
  "issuer": "NHS Kestrel Valley ICB (fictional)",
  "version": "2025-01-20",
  "questions": [
    {"id": "nhs-number", "label": "NHS number", "kind": "text", "required": true, "maps": "patient.nhsNumber"},
    {"id": "history", "label": "History of the presenting complaint", "kind": "text", "maps": "history"},
    {"id": "side", "label": "Side", "kind": "choice", "choices": ["Left", "Right", "Both"]},
    {"id": "sudden", "label": "Sudden hearing loss within the last 30 days?", "kind": "yes-no", "required": true},
    {"id": "tinnitus", "label": "Tinnitus?", "kind": "yes-no"},
    {"id": "wax-removed", "label": "Has ear wax been removed before referral?", "kind": "yes-no", "gate": true},
    {"id": "stamp", "label": "Practice stamp", "kind": "text", "administrative": true}
  ]
}`

// Example loads a local form, checks a referral against it with the
// referrer's own answers, and prints the report the referrer reads before
// sending the letter.
func Example() {
	form, err := proforma.Load(strings.NewReader(entForm))
	if err != nil {
		log.Fatal(err)
	}
	ref := &referral.Referral{
		Patient: referral.Patient{NHSNumber: referral.ParseNHSNumber("999 000 0018")},
		History: "Gradual hearing loss in the left ear over six months.",
	}
	report, err := form.Check(ref, proforma.Answers{"side": "left", "sudden": "no"})
	if err != nil {
		log.Fatal(err)
	}
	if err := report.WriteText(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Adult Hearing Loss Referral Form
	// Issued by NHS Kestrel Valley ICB (fictional), version 20 January 2025 (form
	// ent-hearing)
	//
	// #     Question                                    Status      Source
	// 1*    NHS number                                  answered    patient.nhsNumber
	// 2     History of the presenting complaint         answered    history
	// 3     Side                                        answered    answer supplied by referrer
	// 4*    Sudden hearing loss within the last 30      answered    answer supplied by referrer
	//       days?
	// 5     Tinnitus?                                   open        -
	// 6     Has ear wax been removed before referral?   not needed  gate [1]
	// 7     Practice stamp                              not needed  administrative [2]
	//
	// *   The form marks this question required.
	// [1] This is a precondition the service sets, not information needed for safe
	//     triage; the letter does not have to satisfy it.
	// [2] Administrative item: the letter's letterhead and signature cover it.
	//
	// Your answers, printed in the letter under "Information requested by NHS
	// Kestrel Valley ICB (fictional)":
	// - Side: Left
	// - Sudden hearing loss within the last 30 days?: No
	//
	// 7 questions: 4 answered, 2 not needed, 1 open.
	// Open questions are never printed in the letter as blanks. Add what matters for
	// this patient to the referral, or answer them by question id.
}

// ExampleLoad shows that a faulty definition is refused with every problem
// named by its place.
func ExampleLoad() {
	_, err := proforma.Load(strings.NewReader(`{
	  "id": "derm", "title": "Dermatology Referral Form", "issuer": "NHS Test ICB (fictional)",
	  "questions": [
	    {"id": "site", "label": "Site of lesion", "kind": "text"},
	    {"id": "site", "label": "Skin type", "kind": "choice"},
	    {"id": "nhs", "label": "NHS number", "kind": "text", "maps": "patient.nhsnumber"}
	  ]}`))
	fmt.Println(err)
	// Output:
	// questions[1].id: duplicate question id (also questions[0])
	// questions[1].choices: a choice question needs its choices
	// questions[2].maps: no such referral field (did you mean patient.nhsNumber?)
}

// ExampleReport_Section shows a two-week-wait form sending a case to the
// NHS e-Referral Service: no letter is made.
func ExampleReport_Section() {
	form, err := proforma.Load(strings.NewReader(`{
	  "id": "lgi-2ww", "title": "Suspected Lower GI Cancer Referral Form",
	  "issuer": "Kestrel Valley Cancer Alliance (fictional)", "twoWeekWait": true,
	  "questions": [{"id": "fit-result", "label": "FIT result (µg Hb/g faeces)", "kind": "number", "required": true}]
	}`))
	if err != nil {
		log.Fatal(err)
	}
	ref := &referral.Referral{Priority: referral.PriorityUrgent}
	report, err := form.Check(ref, proforma.Answers{"fit-result": "86"})
	if err != nil {
		log.Fatal(err)
	}
	s := report.Section()
	fmt.Println(s.TwoWeekWait, s.Answers[0].Question+":", s.Answers[0].Answer)
	fmt.Println(referral.Decide(ref, referral.WithProforma(report)).Path)
	// Output:
	// true FIT result (µg Hb/g faeces): 86
	// ers
}
