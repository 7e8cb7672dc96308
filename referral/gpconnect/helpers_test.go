package gpconnect_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
	"github.com/refletter/refletter/referral/gpconnect"
)

const testPatient = `{"resourceType": "Patient", "id": "p1",
  "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000026"}],
  "name": [{"use": "official", "family": "Canaryfield", "given": ["Zebedee"], "prefix": ["Mr"]}],
  "telecom": [{"system": "phone", "value": "07700 900777", "use": "mobile"}],
  "gender": "male", "birthDate": "1970-01-02",
  "address": [{"use": "home", "line": ["1 Canary Row"], "city": "Leeds", "postalCode": "LS2 9JT"}],
  "managingOrganization": {"reference": "Organization/o1"}}`

const testOrganization = `{"resourceType": "Organization", "id": "o1",
  "identifier": [{"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "B86010"}],
  "name": "Kirkgate Medical Practice", "address": [{"line": ["14 Kirkgate"], "city": "Leeds", "postalCode": "LS1 6BH"}],
  "telecom": [{"system": "phone", "value": "0113 496 0000"}]}`

// canaries are patient data in testPatient that no error or report text
// may hold.
var canaries = []string{"Canaryfield", "Zebedee", "9990000026", "Canary Row", "900777", "1970-01-02"}

// bundleOf wraps resources in a structured record bundle with the test
// patient and practice.
func bundleOf(resources ...string) string {
	all := append([]string{testPatient, testOrganization}, resources...)
	entries := make([]string, len(all))
	for i, r := range all {
		entries[i] = `{"resource": ` + r + `}`
	}
	return `{"resourceType": "Bundle", "type": "collection",
  "meta": {"profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1"]},
  "entry": [` + strings.Join(entries, ",\n") + `]}`
}

// listOf is a List with the SNOMED code, entries and extra elements.
func listOf(code string, refs []string, extra string) string {
	items := make([]string, len(refs))
	for i, r := range refs {
		items[i] = `{"item": {"reference": "` + r + `"}}`
	}
	s := `{"resourceType": "List", "status": "current", "mode": "snapshot",
  "code": {"coding": [{"system": "http://snomed.info/sct", "code": "` + code + `"}]},
  "subject": {"reference": "Patient/p1"}, "entry": [` + strings.Join(items, ",") + `]`
	if extra != "" {
		s += ", " + extra
	}
	return s + "}"
}

func allergyOf(id, code, display, extra string) string {
	s := fmt.Sprintf(`{"resourceType": "AllergyIntolerance", "id": %q, "clinicalStatus": "active",
  "verificationStatus": "confirmed", "patient": {"reference": "Patient/p1"},
  "code": {"coding": [{"system": "http://snomed.info/sct", "code": %q, "display": %q}]}`, id, code, display)
	if extra != "" {
		s += ", " + extra
	}
	return s + "}"
}

func warningCode(code string) string {
	return `"extension": [{"url": "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1", "valueCode": "` + code + `"}]`
}

const (
	emptyNoContent = `"emptyReason": {"coding": [{"system": "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-ListEmptyReasonCode-1", "code": "no-content-recorded"}]}, "note": [{"text": "Information not available"}]`
	emptyOld       = `"emptyReason": {"coding": [{"code": "noContent"}]}`
)

func readStrings(t *testing.T, bundles ...string) (*referral.Referral, *gpconnect.Report) {
	t.Helper()
	rs := make([]io.Reader, len(bundles))
	for i, b := range bundles {
		rs[i] = strings.NewReader(b)
	}
	draft, rep, err := gpconnect.Read(rs...)
	require.NoError(t, err)
	require.NotNil(t, draft)
	require.NotNil(t, rep)
	return draft, rep
}

func readFiles(t *testing.T, names ...string) (*referral.Referral, *gpconnect.Report, error) {
	t.Helper()
	var rs []io.Reader
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gpconnect", n))
		require.NoError(t, err)
		rs = append(rs, bytes.NewReader(b))
	}
	return gpconnect.Read(rs...)
}

func warningCodes(rep *gpconnect.Report, part string) []string {
	var out []string
	for _, w := range rep.Warnings {
		if part == "" || w.Path == part {
			out = append(out, w.Code)
		}
	}
	return out
}

func reportText(t *testing.T, rep *gpconnect.Report) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, rep.WriteText(&b))
	return b.String()
}
