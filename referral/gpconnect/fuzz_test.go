package gpconnect_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refletter/refletter/referral"
	"github.com/refletter/refletter/referral/gpconnect"
)

// FuzzRead checks that Read never panics, that every failure is an *Error,
// and that a draft's allergy and medication states are always set.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "gpconnect", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(bundleOf(listOf(allergiesList, []string{"AllergyIntolerance/n1"}, warningCode("data-in-transit")), nka)))
	f.Add([]byte(bundleOf(`{"resourceType": "List", "contained": [{"resourceType": "AllergyIntolerance", "id": "c"}], "code": {"coding": [{"code": "886921000000105"}]}, "entry": [{"item": {"reference": "#c"}}]}`)))
	f.Add([]byte(bundleURLs([2]string{"urn:uuid:1", testPatient}, [2]string{"", listOf(allergiesList, []string{"urn:uuid:2", "https://x/AllergyIntolerance/a1/_history/1"}, "")},
		[2]string{"urn:uuid:2", nka}, [2]string{"", penicillin})))
	f.Add([]byte(bundleOf(`{"resourceType": "DiagnosticReport", "id": "r", "status": "cancelled", "result": [{"reference": "Observation/g"}]}`,
		`{"resourceType": "Observation", "id": "g", "related": [{"type": "has-member", "target": {"reference": "Observation/g"}}], "valueRange": {"low": {"value": 1}}}`,
		`{"resourceType": "OperationOutcome", "issue": []}`)))
	f.Fuzz(func(t *testing.T, b []byte) {
		draft, rep, err := gpconnect.Read(strings.NewReader(string(b)))
		if err != nil {
			var ge *gpconnect.Error
			if !errors.As(err, &ge) {
				t.Fatalf("not an *Error: %v", err)
			}
			if draft != nil || rep != nil {
				t.Fatal("a draft with an error")
			}
			return
		}
		for _, s := range []referral.State{draft.Allergies.State, draft.Medications.State} {
			if s != referral.StateRecorded && s != referral.StateUnknown {
				t.Fatalf("state %q", s)
			}
		}
		if draft.Allergies.State == referral.StateRecorded && draft.Allergies.Items == nil {
			t.Fatal("recorded allergies without a list")
		}
		if err := rep.WriteText(new(strings.Builder)); err != nil {
			t.Fatal(err)
		}
	})
}
