package referral_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/refletter/refletter/referral"
)

// record is how a GP system might hold a consultation's referral form: its
// own field names, identifiers as the user typed them.
type record struct {
	Clinician, ClinicianRole, GMC, DirectLine           string
	Surgery, SurgeryODS, SurgeryStreet, SurgeryPostcode string
	SurgeryPhone                                        string
	Forename, Surname, NHSNo, Mobile                    string
	Born                                                time.Time
	HomeStreet, HomePostcode                            string
	Urgency, Clinic, Why, HPC                           string
}

// formFields maps the JSON paths of FieldErrors to the system's own form
// fields, to highlight them for the user.
var formFields = map[string]string{
	"referrer.gmcNumber":       "GMC",
	"patient.nhsNumber":        "NHSNo",
	"patient.address.postcode": "HomePostcode",
	"patient.phones[0].number": "Mobile",
	"priority":                 "Urgency",
}

func (rec record) referral() *referral.Referral {
	return &referral.Referral{
		Date:     referral.NewDate(2026, time.November, 20),
		Priority: referral.Priority(rec.Urgency), // "Urgent", "2WW": any accepted form
		Referrer: referral.Referrer{Name: rec.Clinician, Role: rec.ClinicianRole, GMCNumber: rec.GMC, Phone: rec.DirectLine},
		Practice: referral.Practice{Name: rec.Surgery, ODSCode: rec.SurgeryODS, Phone: rec.SurgeryPhone,
			Address: referral.Address{Lines: []string{rec.SurgeryStreet}, Postcode: rec.SurgeryPostcode}},
		Recipient: referral.Recipient{Service: rec.Clinic},
		Patient: referral.Patient{
			GivenName: rec.Forename, FamilyName: rec.Surname,
			DateOfBirth: referral.DateOf(rec.Born),
			NHSNumber:   referral.NHSNumber(rec.NHSNo), // spaces and hyphens are fine
			Address:     referral.Address{Lines: []string{rec.HomeStreet}, Postcode: rec.HomePostcode},
			Phones:      []referral.Phone{{Kind: "mobile", Number: rec.Mobile}},
		},
		Reason:      rec.Why,
		Request:     referral.Request{Kind: referral.RequestAdvice},
		History:     rec.HPC,
		Medications: referral.Medications{State: referral.StateRecorded, Items: []referral.Medication{}}, // none
		Allergies:   referral.Allergies{State: referral.StateUnknown},
	}
}

// An integration with a GP system (EMIS Web or SystmOne, say) builds the
// referral from Go structs, shows Validate's errors on its own form fields,
// and renders the letter once the user has corrected them.
func Example_integration() {
	rec := record{
		Clinician: "Dr Hannah Okafor", ClinicianRole: "GP partner", GMC: "701234", DirectLine: "0113 496 0001",
		Surgery: "Kirkgate Medical Practice", SurgeryODS: "B86010", SurgeryStreet: "14 Kirkgate",
		SurgeryPostcode: "ls1 6bh", SurgeryPhone: "0113 496 0000",
		Forename: "Amara", Surname: "Osei", NHSNo: "999 000 0026", Mobile: "07700 900123",
		Born:       time.Date(1958, time.April, 2, 0, 0, 0, 0, time.UTC),
		HomeStreet: "3 Mill Lane", HomePostcode: "LS6 2CX",
		Urgency: "Urgent", Clinic: "Cardiology Outpatients",
		Why: "Exertional breathlessness with a new murmur", HPC: "Three months of breathlessness on hills.",
	}

	var fes referral.FieldErrors
	if errors.As(rec.referral().Validate(), &fes) {
		for _, fe := range fes {
			fmt.Printf("%s: %s\n", formFields[fe.Path], fe.Message)
		}
	}

	rec.GMC, rec.HomePostcode = "7012345", "ls6 2ab" // the user corrects the form
	letter, err := referral.Compose(rec.referral(), referral.WithoutStatement(),
		referral.WithClock(func() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC) }))
	if err != nil {
		fmt.Println(err)
		return
	}
	var text strings.Builder
	if err := letter.WriteText(&text); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(text.String(), "\n") {
		if strings.HasPrefix(line, "NHS number") || strings.Contains(line, "LS6") || strings.Contains(line, "URGENT") {
			fmt.Println(line)
		}
	}
	// Output:
	// GMC: must be a 7-digit GMC number
	// HomePostcode: is not a valid UK postcode
	// NHS number 999 000 0026. Born 2 April 1958 (age 68)
	// 3 Mill Lane, LS6 2AB
	// URGENT REFERRAL
}
