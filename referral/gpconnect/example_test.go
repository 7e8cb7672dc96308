package gpconnect_test

import (
	"fmt"
	"os"

	"github.com/refletter/refletter/referral/gpconnect"
)

func ExampleRead() {
	f, err := os.Open("../../testdata/gpconnect/own_warning_codes.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	draft, report, err := gpconnect.Read(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The record says "no known drug allergy", but its list awaits filing:
	// the draft does not claim there are none.
	fmt.Println("allergies:", draft.Allergies.State)
	fmt.Println("medication:", draft.Medications.Items[0].Name)
	for _, w := range report.Warnings {
		fmt.Printf("warning: %s: %s\n", w.Path, w.Code)
	}
	for _, w := range report.ToWrite {
		fmt.Println("to write:", w.Path)
	}
	// Output:
	// allergies: unknown
	// medication: Amlodipine 5mg tablets
	// warning: allergies: data-awaiting-filing
	// warning: allergies: incomplete-none
	// warning: medications: confidential-items
	// warning: medications: data-in-transit
	// to write: referrer
	// to write: priority
	// to write: recipient.service
	// to write: reason
	// to write: request
	// to write: history
}
