package ers

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/refletter/refletter/referral"
)

func seedFiles(f *testing.F, files ...string) {
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(examples, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// The answer parsers read what a server sends: whatever it is, they return
// a result or an error, never panic, and a result keeps its promises.

func FuzzParseServices(f *testing.F) {
	seedFiles(f, "patientServiceSearch/responses/FetchServiceListWithSingleService.json")
	f.Add([]byte(`{"resourceType":"List","entry":[{"item":{"identifier":{"value":"1"}}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		services, err := parseServices(b)
		if err != nil {
			return
		}
		for _, s := range services {
			if s.ID == "" {
				t.Fatal("a service with no id")
			}
		}
	})
}

func FuzzParseCodeSystem(f *testing.F) {
	seedFiles(f, "getCodeSystem/responses/ClinicTypeCodeSystem.json",
		"getCodeSystem/responses/PriorityCodeSystem.json", "getCodeSystem/responses/SpecialtyCodeSystem.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := parseCodeSystem(b)
		if err != nil {
			return
		}
		for _, c := range cs.Concepts {
			if c.Code == "" {
				t.Fatal("a concept with no code")
			}
			_, _ = cs.Find(c.Display)
		}
	})
}

func FuzzParseCreated(f *testing.F) {
	seedFiles(f, "createReferral/responses/ReferralRequest.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := parseCreated(b, `W/"1"`)
		if err == nil && !isUBRN(c.UBRN) {
			t.Fatal("UBRN not 12 digits")
		}
	})
}

func FuzzOutcomeCodes(f *testing.F) {
	f.Add(outcome("NO_REG_GP_PRACTICE", "FILE_SIZE_ERROR"))
	f.Add([]byte(`{"resourceType":"OperationOutcome","issue":[{"details":{"coding":[{"code":"9912003888"}]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range outcomeCodes(b) {
			if !isUpperCode(c) {
				t.Fatalf("code %q is not a plain code", c)
			}
		}
	})
}

func FuzzBinaryLocation(f *testing.F) {
	for _, s := range []string{"Binary/abc", "https://x.example/STU3/Binary/abc-1", "Binary/../x", "http://[::1]/Binary/a?b#c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, loc string) {
		if b, ok := binaryLocation(loc); ok && !isBinaryRef(b) {
			t.Fatalf("location %q is not Binary/<id>", b)
		}
	})
}

// FuzzCreateReferral: whatever the input, the builder returns a body that
// marshals with a valid NHS number, or an error; it never panics.
func FuzzCreateReferral(f *testing.F) {
	f.Add("9912003888", "021600556514", "11002", "CARDIOLOGY", "LS1 4AP", int64(0), 0)
	f.Add("9876544321", "", "", "", "", int64(-1), -1)
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, nhs, sds, service, specialty, postcode string, startOffset int64, days int) {
		r := CreateParams{
			NHSNumber:          referral.NHSNumber(nhs),
			ReferringClinician: sds,
			Criteria: Criteria{Priority: PriorityTwoWeekWait, Postcode: postcode,
				Specialty: &referral.Coding{System: exSpecialtySystem, Code: specialty}},
			Services:     []string{service},
			ReminderDays: days,
		}
		if startOffset != 0 {
			r.PathwayStart = now.Add(time.Duration(startOffset))
		}
		req, err := NewCreateRequest(r, now)
		if err != nil {
			return
		}
		if !referral.ParseNHSNumber(nhs).Valid() {
			t.Fatal("a body built for an invalid NHS number")
		}
		if _, err := json.Marshal(req); err != nil {
			t.Fatal(err)
		}
	})
}
