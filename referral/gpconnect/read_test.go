package gpconnect_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
	"github.com/refletter/refletter/referral/gpconnect"
)

// TestExamples reads the specification's example bundles and our own, and
// checks what each maps to.
func TestExamples(t *testing.T) {
	tests := []struct {
		files       []string
		allergies   referral.State
		allergyN    int
		medications referral.State
		medN        int
		problems    int
		results     int
		warnings    []string
	}{
		{[]string{"allergies_response1.json"}, referral.StateRecorded, 3, referral.StateUnknown, 0, 0, 0,
			[]string{gpconnect.WarnNHSNumber, gpconnect.WarnMissingReference, gpconnect.WarnListAbsent}},
		{[]string{"allergies_response3.json"}, referral.StateUnknown, 0, referral.StateUnknown, 0, 0, 0,
			[]string{gpconnect.WarnNHSNumber, gpconnect.WarnNoContent, gpconnect.WarnListAbsent}},
		{[]string{"meds_response.json"}, referral.StateUnknown, 0, referral.StateRecorded, 1, 0, 0,
			[]string{gpconnect.WarnNHSNumber, gpconnect.WarnListAbsent}},
		{[]string{"pathology_response1.json"}, referral.StateUnknown, 0, referral.StateUnknown, 0, 0, 18,
			[]string{gpconnect.WarnNHSNumber, gpconnect.WarnListAbsent, gpconnect.WarnListAbsent}},
		{[]string{"uncategorised_response1.json"}, referral.StateUnknown, 0, referral.StateUnknown, 0, 0, 2,
			[]string{gpconnect.WarnNHSNumber, gpconnect.WarnListAbsent, gpconnect.WarnListAbsent, gpconnect.WarnOtherPatient}},
		{[]string{"own_full_record.json"}, referral.StateRecorded, 0, referral.StateRecorded, 1, 4, 2, nil},
		{[]string{"own_warning_codes.json"}, referral.StateUnknown, 0, referral.StateRecorded, 1, 0, 0,
			[]string{gpconnect.WarnAwaitingFiling, gpconnect.WarnIncompleteNone, gpconnect.WarnConfidentialItems, gpconnect.WarnDataInTransit}},
		{[]string{"own_allergies_only.json", "own_medication_only.json"}, referral.StateRecorded, 1, referral.StateRecorded, 1, 0, 0, nil},
		{[]string{"own_medication_nocontent.json"}, referral.StateUnknown, 0, referral.StateUnknown, 0, 0, 0,
			[]string{gpconnect.WarnListAbsent, gpconnect.WarnNoContent}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.files, "+"), func(t *testing.T) {
			draft, rep, err := readFiles(t, tt.files...)
			require.NoError(t, err)
			assert.Equal(t, tt.allergies, draft.Allergies.State)
			assert.Len(t, draft.Allergies.Items, tt.allergyN)
			assert.Equal(t, tt.medications, draft.Medications.State)
			assert.Len(t, draft.Medications.Items, tt.medN)
			assert.Len(t, draft.PastHistory, tt.problems)
			assert.Len(t, draft.Investigations, tt.results)
			assert.ElementsMatch(t, tt.warnings, warningCodes(rep, ""))
			if draft.Allergies.State == referral.StateRecorded {
				assert.NotNil(t, draft.Allergies.Items, "recorded allergies carry a list")
			}
			if draft.Medications.State == referral.StateRecorded {
				assert.NotNil(t, draft.Medications.Items, "recorded medication carries a list")
			}
		})
	}
}

// TestPatientAndPractice checks the parts taken from Patient, Organization,
// Practitioner and PractitionerRole.
func TestPatientAndPractice(t *testing.T) {
	draft, rep, err := readFiles(t, "own_full_record.json")
	require.NoError(t, err)
	assert.Equal(t, referral.Patient{
		Title: "Mrs", GivenName: "Margaret Ann", FamilyName: "Ashworth", PreferredName: "Peggy",
		DateOfBirth: referral.NewDate(1956, 3, 14), NHSNumber: "9990000018", Sex: "female",
		Address: referral.Address{Lines: []string{"12 Mill Street", "Headingley"}, Town: "Leeds", Postcode: "LS6 3AA"},
		Phones:  []referral.Phone{{Kind: "mobile", Number: "07700 900461"}, {Kind: "home", Number: "0113 496 0102"}},
		Email:   "m.ashworth@example.com",
	}, draft.Patient)
	assert.Equal(t, referral.Practice{
		Name: "Kirkgate Medical Practice", ODSCode: "B86010",
		Address: referral.Address{Lines: []string{"14 Kirkgate"}, Town: "Leeds", Postcode: "LS1 6BH"},
		Phone:   "0113 496 0000", Email: "kirkgate.practice@nhs.net",
	}, draft.Practice)
	assert.Equal(t, referral.Referrer{Name: "Dr Hannah Okafor", Role: "General Medical Practitioner", GMCNumber: "7012345"}, draft.Referrer)
	require.Len(t, rep.Referrers, 1)
	assert.Len(t, rep.Referrers[0].From, 2, "the Practitioner and its PractitionerRole")

	// A GMC number written as a consultant code loses its "C".
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gpconnect", "own_full_record.json"))
	require.NoError(t, err)
	draft, _ = readStrings(t, strings.Replace(string(b), `"value": "7012345"`, `"value": "C7012345"`, 1))
	assert.Equal(t, "7012345", draft.Referrer.GMCNumber)

	// A name with a line break in it comes out on one line.
	draft, _ = readStrings(t, strings.Replace(bundleOf(), `"given": ["Zebedee"]`, `"given": ["  Zebedee\nJohn "]`, 1))
	assert.Equal(t, "Zebedee John", draft.Patient.GivenName)
}

// TestSeveralBundles checks that bundles about one patient are read
// together, and bundles about different patients are refused.
func TestSeveralBundles(t *testing.T) {
	draft, rep, err := readFiles(t, "own_allergies_only.json", "own_medication_only.json")
	require.NoError(t, err)
	assert.Equal(t, "Allergy to penicillin (Penicillin allergy)", draft.Allergies.Items[0].Substance)
	assert.Equal(t, "Amlodipine 5mg tablets", draft.Medications.Items[0].Name)
	assert.Equal(t, 2, rep.Sources[0].From[1].Bundle, "the second bundle's Patient is named as a source")

	// A bundle read twice adds nothing, and its repeats are listed.
	once, _, err := readFiles(t, "own_full_record.json")
	require.NoError(t, err)
	twice, rep, err := readFiles(t, "own_full_record.json", "own_full_record.json")
	require.NoError(t, err)
	assert.Equal(t, once.Allergies, twice.Allergies)
	assert.Equal(t, once.Medications, twice.Medications)
	assert.Equal(t, once.PastHistory, twice.PastHistory)
	assert.Equal(t, once.Investigations, twice.Investigations)
	repeats := 0
	for _, u := range rep.Unplaced {
		if u.From.Bundle == 2 && strings.Contains(u.Why, "earlier bundle") {
			repeats++
		}
	}
	assert.Equal(t, 9, repeats, "an allergy, two statements, four problems, two observations")

	_, _, err = readFiles(t, "own_full_record.json", "pathology_response1.json")
	var ge *gpconnect.Error
	require.ErrorAs(t, err, &ge)
	assert.ErrorIs(t, err, gpconnect.ErrPatientMismatch)
	assert.Equal(t, 2, ge.Bundle)
	assert.Equal(t, "Patient", ge.ResourceType)
}

// TestErrors checks that a bundle that cannot be read gets an error naming
// the bundle, entry and resource type, and holding no patient data.
func TestErrors(t *testing.T) {
	truncated, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gpconnect", "own_truncated.json"))
	require.NoError(t, err)
	wrongType, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gpconnect", "own_wrong_type.json"))
	require.NoError(t, err)
	tests := []struct {
		name   string
		input  string
		kind   error
		entry  int
		typ    string
		detail string
	}{
		{"truncated", string(truncated), gpconnect.ErrMalformed, -1, "", "truncated"},
		{"not JSON", "Canaryfield", gpconnect.ErrMalformed, -1, "", "invalid JSON"},
		{"empty", "", gpconnect.ErrMalformed, -1, "", ""},
		{"data after the bundle", bundleOf() + `{"Canaryfield": 1}`, gpconnect.ErrMalformed, -1, "", "data after"},
		{"a Patient, not a bundle", testPatient, gpconnect.ErrNotStructuredRecord, -1, "", ""},
		{"a bundle of another profile", strings.Replace(bundleOf(), "GPConnect-StructuredRecord-Bundle-1", "Other-Bundle-1", 1), gpconnect.ErrNotStructuredRecord, -1, "", ""},
		{"list entry of the wrong type", string(wrongType), gpconnect.ErrWrongType, 4, "List", "list entry 0 is a MedicationStatement"},
		{"a resource of the wrong type", bundleOf(`{"resourceType": "Appointment", "id": "x"}`), gpconnect.ErrWrongType, 2, "Appointment", ""},
		{"an unknown type is not echoed", bundleOf(`{"resourceType": "Canaryfield", "id": "x"}`), gpconnect.ErrWrongType, 2, "", ""},
		{"an element of the wrong JSON type", bundleOf(`{"resourceType": "Observation", "id": "o", "valueQuantity": {"value": "Canaryfield"}}`), gpconnect.ErrMalformed, 2, "Observation", "not valid"},
		{"an entry with no resource", strings.Replace(bundleOf(), `{"resource": `+testOrganization+`}`, `{"fullUrl": "x"}`, 1), gpconnect.ErrMalformed, 1, "", "no resource"},
		{"no Patient", strings.Replace(bundleOf(), `"resourceType": "Patient"`, `"resourceType": "Location"`, 1), gpconnect.ErrNoPatient, -1, "", ""},
		{"two Patients", bundleOf(strings.Replace(testPatient, `"id": "p1"`, `"id": "p2"`, 1)), gpconnect.ErrNoPatient, 2, "Patient", ""},
		{"two resources with one id", bundleOf(testOrganization), gpconnect.ErrMalformed, 2, "Organization", "same type and id"},
		{"a resource without an id", bundleOf(`{"resourceType": "Observation"}`), gpconnect.ErrMalformed, 2, "Observation", "no id"},
		{"a report's result of the wrong type", bundleOf(`{"resourceType": "DiagnosticReport", "id": "r", "result": [{"reference": "Organization/o1"}]}`), gpconnect.ErrWrongType, 2, "DiagnosticReport", "result 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			draft, rep, err := gpconnect.Read(strings.NewReader(tt.input))
			assert.Nil(t, draft)
			assert.Nil(t, rep)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.kind)
			var ge *gpconnect.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, 1, ge.Bundle)
			assert.Equal(t, tt.entry, ge.Entry)
			assert.Equal(t, tt.typ, ge.ResourceType)
			assert.Contains(t, err.Error(), tt.detail)
			if tt.entry >= 0 {
				assert.Contains(t, err.Error(), fmt.Sprintf("entry %d", tt.entry))
			}
			for _, c := range canaries {
				assert.NotContains(t, err.Error(), c)
			}
			assert.NotContains(t, err.Error(), "Canaryfield")
		})
	}
	_, _, err = gpconnect.Read()
	assert.ErrorIs(t, err, gpconnect.ErrNoBundle)
}

// TestTooLarge checks the size limit without holding a large bundle.
func TestTooLarge(t *testing.T) {
	big := io.MultiReader(strings.NewReader(`{"resourceType": "Bundle", "x": "`), zeros{})
	_, _, err := gpconnect.Read(big)
	assert.ErrorIs(t, err, gpconnect.ErrTooLarge)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

// TestNothingSilentlyDropped checks that every resource of every bundle is
// named in the report: as a source, a referrer, or not placed.
func TestNothingSilentlyDropped(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "gpconnect", "*.json"))
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		_, rep, err := gpconnect.Read(bytes.NewReader(b))
		if err != nil {
			continue // the error cases
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			named := map[string]bool{}
			add := func(r gpconnect.Ref) { named[fmt.Sprintf("%d/%s", r.Entry, r.ID)] = true }
			for _, s := range rep.Sources {
				for _, r := range s.From {
					add(r)
				}
			}
			for _, r := range rep.Referrers {
				for _, x := range r.From {
					add(x)
				}
			}
			for _, u := range rep.Unplaced {
				add(u.From)
			}
			var bundle struct {
				Entry []struct {
					Resource struct {
						ID        string `json:"id"`
						Contained []struct {
							ID string `json:"id"`
						} `json:"contained"`
					} `json:"resource"`
				} `json:"entry"`
			}
			require.NoError(t, json.Unmarshal(b, &bundle))
			for i, e := range bundle.Entry {
				assert.True(t, named[fmt.Sprintf("%d/%s", i, e.Resource.ID)], "entry %d is not in the report", i)
				for _, c := range e.Resource.Contained {
					assert.True(t, named[fmt.Sprintf("%d/#%s", i, c.ID)], "entry %d contained %s is not in the report", i, c.ID)
				}
			}
		})
	}
}

// TestReportHoldsNoPatientData checks that the report's text names
// resources, never values.
func TestReportHoldsNoPatientData(t *testing.T) {
	_, rep := readStrings(t, bundleOf(listOf(allergiesList, []string{"AllergyIntolerance/a1", "AllergyIntolerance/gone"}, warningCode("data-in-transit")), penicillin,
		`{"resourceType": "Observation", "id": "o9", "subject": {"reference": "Patient/p1"}, "code": {"text": "Canaryfield test"}}`))
	text := reportText(t, rep)
	require.NotEmpty(t, text)
	for _, c := range append(canaries, "penicillin", "Urticaria") {
		assert.NotContains(t, text, c)
	}
}

// TestDraftCompletes checks that a draft from a bundle, with what the
// report says to write, validates and composes into a letter that carries
// the record's parts.
func TestDraftCompletes(t *testing.T) {
	draft, rep, err := readFiles(t, "own_full_record.json")
	require.NoError(t, err)
	var toWrite []string
	for _, w := range rep.ToWrite {
		toWrite = append(toWrite, w.Path)
	}
	assert.Subset(t, toWrite, []string{"reason", "request", "history"})
	assert.Error(t, draft.Validate(), "a draft is not a referral until the clinician completes it")

	draft.Priority = referral.PriorityRoutine
	draft.Recipient.Service = "Cardiology Outpatients"
	draft.Reason = "Hypertension not controlled on amlodipine"
	draft.Request = referral.Request{Kind: referral.RequestAdvice}
	draft.History = "Clinic readings above 150/90 for six months despite treatment."
	draft.Referrer.Phone = "0113 496 0001"
	require.NoError(t, draft.Validate())

	// The draft survives the JSON round trip a person completing it makes.
	var buf bytes.Buffer
	require.NoError(t, json.NewEncoder(&buf).Encode(draft))
	ref, err := referral.Decode(&buf)
	require.NoError(t, err)
	require.NoError(t, ref.Validate())

	letter, err := referral.Compose(ref)
	require.NoError(t, err)
	var text strings.Builder
	require.NoError(t, letter.WriteText(&text))
	for _, want := range []string{
		"Ashworth", "999 000 0018", "No known drug allergies", "Amlodipine 5mg tablets", "One tablet each morning",
		"Hypertension", "Myocardial infarction", "Treated with a stent", "HbA1c level", "51 mmol/mol",
	} {
		assert.Contains(t, text.String(), want)
	}
	assert.NotContains(t, text.String(), "Trimethoprim", "a completed medication is not current")
}

// TestConcurrentRead checks that Read shares nothing between calls.
func TestConcurrentRead(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gpconnect", "own_full_record.json"))
	require.NoError(t, err)
	want, _, err := gpconnect.Read(bytes.NewReader(b))
	require.NoError(t, err)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, _, err := gpconnect.Read(bytes.NewReader(b))
			if err == nil && !assert.ObjectsAreEqual(want, got) {
				err = errors.New("a different draft")
			}
			errs <- err
		}()
	}
	for range 8 {
		assert.NoError(t, <-errs)
	}
}
