package gpconnect_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
	"github.com/refletter/refletter/referral/gpconnect"
)

const (
	allergiesList = "886921000000105"
	endedList     = "1103671000000101"
	medsList      = "933361000000108"
	problemsList  = "717711000000103"
)

var (
	penicillin = allergyOf("a1", "91936005", "Allergy to penicillin",
		`"reaction": [{"manifestation": [{"coding": [{"display": "Urticaria"}]}], "severity": "moderate"}]`)
	nka        = allergyOf("n1", "716186003", "No known allergy", "")
	nkda       = allergyOf("n2", "409137002", "No known drug allergy", "")
	nkFood     = allergyOf("n3", "429625007", "No known food allergy", "")
	ended      = allergyOf("e1", "300916003", "Latex allergy", `"clinicalStatus": "resolved"`)
	inError    = allergyOf("x1", "91936005", "Allergy to penicillin", `"verificationStatus": "entered-in-error"`)
	degraded   = allergyOf("d1", "196461000000101", "Transfer-degraded drug allergy", `"code": {"coding": [{"code": "196461000000101", "display": "Transfer-degraded drug allergy"}], "text": "Allergy to co-codamol"}`)
	degradedNt = allergyOf("d2", "196461000000101", "Transfer-degraded drug allergy", `"note": [{"text": "Allergy to flucloxacillin"}]`)
	degradedNo = allergyOf("d3", "196461000000101", "Transfer-degraded drug allergy", "")
)

// TestAllergyRules checks the GP Connect allergy rules: what is "recorded,
// none", what is "unknown", and what is never printed as active.
func TestAllergyRules(t *testing.T) {
	tests := []struct {
		name      string
		resources []string
		state     referral.State
		items     []string // substances, in order
		warnings  []string
		unplaced  []string // ids never placed
	}{
		{"no known allergy is recorded none",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/n1"}, ""), nka},
			referral.StateRecorded, []string{}, nil, nil},
		{"no known drug allergy is recorded none",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/n2"}, ""), nkda},
			referral.StateRecorded, []string{}, nil, nil},
		{"no known food allergy says nothing of drugs",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/n3"}, ""), nkFood},
			referral.StateUnknown, nil, []string{gpconnect.WarnPartialAssertion}, nil},
		{"no known allergy beside an active allergy",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/n1", "AllergyIntolerance/a1"}, ""), nka, penicillin},
			referral.StateRecorded, []string{"Allergy to penicillin"}, []string{gpconnect.WarnContradiction}, nil},
		{"empty list no-content-recorded is unknown",
			[]string{listOf(allergiesList, nil, emptyNoContent)},
			referral.StateUnknown, nil, []string{gpconnect.WarnNoContent}, nil},
		{"empty list noContent (older spelling) is unknown",
			[]string{listOf(allergiesList, nil, emptyOld)},
			referral.StateUnknown, nil, []string{gpconnect.WarnNoContent}, nil},
		{"empty list without a reason is unknown",
			[]string{listOf(allergiesList, nil, "")},
			referral.StateUnknown, nil, []string{gpconnect.WarnEmptyList}, nil},
		{"no allergies list is unknown",
			nil,
			referral.StateUnknown, nil, []string{gpconnect.WarnListAbsent}, nil},
		{"data-awaiting-filing: no known drug allergy is not none",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/n2"}, warningCode("data-awaiting-filing")), nkda},
			referral.StateUnknown, nil, []string{gpconnect.WarnAwaitingFiling, gpconnect.WarnIncompleteNone}, nil},
		{"confidential-items: no known allergy is not none",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/n1"}, warningCode("confidential-items")), nka},
			referral.StateUnknown, nil, []string{gpconnect.WarnConfidentialItems, gpconnect.WarnIncompleteNone}, nil},
		{"data-in-transit: an empty list is not none",
			[]string{listOf(allergiesList, nil, warningCode("data-in-transit"))},
			referral.StateUnknown, nil, []string{gpconnect.WarnDataInTransit}, nil},
		{"warning code beside active allergies warns",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/a1"}, warningCode("data-in-transit")), penicillin},
			referral.StateRecorded, []string{"Allergy to penicillin"}, []string{gpconnect.WarnDataInTransit}, nil},
		{"a missing entry makes no known allergy unknown",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/n1", "AllergyIntolerance/gone"}, ""), nka},
			referral.StateUnknown, nil, []string{gpconnect.WarnMissingReference, gpconnect.WarnIncompleteNone}, nil},
		{"transfer-degraded keeps the original term from the text",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/d1"}, ""), degraded},
			referral.StateRecorded, []string{"Allergy to co-codamol (transfer-degraded drug allergy)"}, nil, nil},
		{"transfer-degraded keeps the original term from the note",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/d2"}, ""), degradedNt},
			referral.StateRecorded, []string{"Allergy to flucloxacillin (transfer-degraded drug allergy)"}, nil, nil},
		{"transfer-degraded without a term warns",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/d3"}, ""), degradedNo},
			referral.StateRecorded, []string{"Drug allergy: original term not given in the record"}, []string{gpconnect.WarnDegradedTerm}, nil},
		{"a resolved allergy on the active list is never active",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/e1", "AllergyIntolerance/a1"}, ""), ended, penicillin},
			referral.StateRecorded, []string{"Allergy to penicillin"}, nil, []string{"e1"}},
		{"the ended-allergies list is never active",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/n1"}, ""), nka, listOf(endedList, []string{"AllergyIntolerance/e1"}, ""), ended},
			referral.StateRecorded, []string{}, nil, []string{"e1"}},
		{"one list says nothing recorded, another no known allergy",
			[]string{listOf(allergiesList, nil, emptyNoContent), listOf(allergiesList, []string{"AllergyIntolerance/n1"}, ""), nka},
			referral.StateUnknown, nil, []string{gpconnect.WarnContradiction}, []string{"n1"}},
		{"an allergy entered in error is not placed",
			[]string{listOf(allergiesList, []string{"AllergyIntolerance/x1"}, ""), inError},
			referral.StateUnknown, nil, []string{gpconnect.WarnEmptyList}, []string{"x1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			draft, rep := readStrings(t, bundleOf(tt.resources...))
			assert.Equal(t, tt.state, draft.Allergies.State)
			if tt.items == nil {
				assert.Empty(t, draft.Allergies.Items)
			} else {
				// "Recorded, none" carries an empty, non-nil list.
				require.NotNil(t, draft.Allergies.Items)
				var got []string
				for _, a := range draft.Allergies.Items {
					got = append(got, a.Substance)
				}
				assert.Equal(t, tt.items, append([]string{}, got...))
			}
			assert.ElementsMatch(t, tt.warnings, warningCodes(rep, "allergies"))
			for _, id := range tt.unplaced {
				assert.True(t, isUnplaced(rep, id), "%s must be listed as not placed", id)
			}
		})
	}
}

// TestAllergyFields checks what an active allergy carries.
func TestAllergyFields(t *testing.T) {
	draft, _ := readStrings(t, bundleOf(listOf(allergiesList, []string{"AllergyIntolerance/a1"}, ""), penicillin))
	require.Len(t, draft.Allergies.Items, 1)
	assert.Equal(t, referral.Allergy{Substance: "Allergy to penicillin", Reaction: "Urticaria", Severity: "moderate"}, draft.Allergies.Items[0])
}

func isUnplaced(rep *gpconnect.Report, id string) bool {
	for _, u := range rep.Unplaced {
		if (u.From.ID == id || u.From.ID == "#"+id) && u.Element == "" {
			return true
		}
	}
	return false
}

func statementOf(id, status, med string) string {
	return `{"resourceType": "MedicationStatement", "id": "` + id + `", "status": "` + status + `",
  "subject": {"reference": "Patient/p1"}, "medicationReference": {"reference": "Medication/` + med + `"},
  "effectivePeriod": {"start": "2024-05-01"}, "dosage": [{"text": "One daily"}]}`
}

func medicationOf(id, name string) string {
	return `{"resourceType": "Medication", "id": "` + id + `", "code": {"coding": [{"code": "1", "display": "` + name + `"}]}}`
}

// TestMedicationRules checks that only active MedicationStatements are
// current, and when the list is unknown.
func TestMedicationRules(t *testing.T) {
	meds := []string{medicationOf("m1", "Amlodipine 5mg tablets"), medicationOf("m2", "Trimethoprim 200mg tablets"), medicationOf("m3", "Naproxen 250mg tablets")}
	tests := []struct {
		name      string
		resources []string
		state     referral.State
		items     []string
		warnings  []string
	}{
		{"only active is current",
			[]string{listOf(medsList, []string{"MedicationStatement/s1", "MedicationStatement/s2", "MedicationStatement/s3"}, ""),
				statementOf("s1", "active", "m1"), statementOf("s2", "completed", "m2"), statementOf("s3", "stopped", "m3")},
			referral.StateRecorded, []string{"Amlodipine 5mg tablets"}, nil},
		{"all ended is recorded none",
			[]string{listOf(medsList, []string{"MedicationStatement/s2"}, ""), statementOf("s2", "completed", "m2")},
			referral.StateRecorded, []string{}, nil},
		{"no-content-recorded is unknown",
			[]string{listOf(medsList, nil, emptyNoContent)},
			referral.StateUnknown, nil, []string{gpconnect.WarnNoContent}},
		{"noContent is unknown",
			[]string{listOf(medsList, nil, emptyOld)},
			referral.StateUnknown, nil, []string{gpconnect.WarnNoContent}},
		{"no medication list is unknown",
			nil, referral.StateUnknown, nil, []string{gpconnect.WarnListAbsent}},
		{"ended only, with a warning code, is unknown",
			[]string{listOf(medsList, []string{"MedicationStatement/s2"}, warningCode("confidential-items")), statementOf("s2", "completed", "m2")},
			referral.StateUnknown, nil, []string{gpconnect.WarnConfidentialItems}},
		{"on hold is not current, and not none",
			[]string{listOf(medsList, []string{"MedicationStatement/s5"}, ""), statementOf("s5", "on-hold", "m1")},
			referral.StateUnknown, nil, []string{gpconnect.WarnNotActive}},
		{"entered in error is not none",
			[]string{listOf(medsList, []string{"MedicationStatement/s6"}, ""), statementOf("s6", "entered-in-error", "m1")},
			referral.StateUnknown, nil, []string{gpconnect.WarnEmptyList}},
		{"active with a missing medicine is not dropped silently",
			[]string{listOf(medsList, []string{"MedicationStatement/s4"}, ""), statementOf("s4", "active", "nowhere")},
			referral.StateUnknown, nil, []string{gpconnect.WarnMissingReference}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			draft, rep := readStrings(t, bundleOf(append(tt.resources, meds...)...))
			assert.Equal(t, tt.state, draft.Medications.State)
			if tt.items == nil {
				assert.Empty(t, draft.Medications.Items)
			} else {
				require.NotNil(t, draft.Medications.Items)
				got := []string{}
				for _, m := range draft.Medications.Items {
					got = append(got, m.Name)
				}
				assert.Equal(t, tt.items, got)
			}
			assert.ElementsMatch(t, tt.warnings, warningCodes(rep, "medications"))
		})
	}
}

func conditionOf(id, name, status, significance, extra string) string {
	s := `{"resourceType": "Condition", "id": "` + id + `", "clinicalStatus": "` + status + `",
  "subject": {"reference": "Patient/p1"},
  "extension": [{"url": "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ProblemSignificance-1", "valueCode": "` + significance + `"}],
  "code": {"coding": [{"code": "1", "display": "` + name + `"}]}, "onsetDateTime": "2020-06-01"`
	if extra != "" {
		s += ", " + extra
	}
	return s + "}"
}

// TestProblems checks that past history puts active and significant
// problems first, and keeps what is said of each.
func TestProblems(t *testing.T) {
	draft, rep := readStrings(t, bundleOf(
		listOf(problemsList, []string{"Condition/c1", "Condition/c2", "Condition/c3", "Condition/c4", "Condition/c5"}, ""),
		conditionOf("c5", "In error", "active", "major", `"verificationStatus": "entered-in-error"`),
		conditionOf("c1", "Minor ended", "resolved", "minor", `"abatementDateTime": "2021-01-05"`),
		conditionOf("c2", "Major ended", "inactive", "major", `"note": [{"text": "Stent fitted"}]`),
		conditionOf("c3", "Minor active", "active", "minor", ""),
		conditionOf("c4", "Major active", "active", "major", ""),
	))
	var got []string
	for _, c := range draft.PastHistory {
		got = append(got, c.Condition+" | "+c.Since+" | "+c.Note)
	}
	assert.Equal(t, []string{
		"Major active | 1 June 2020 | Significant; active",
		"Minor active | 1 June 2020 | Minor; active",
		"Major ended | 1 June 2020 | Significant; inactive; Stent fitted",
		"Minor ended | 1 June 2020 | Minor; ended 5 January 2021",
	}, got)
	assert.Empty(t, warningCodes(rep, "pastHistory"))
	assert.True(t, isUnplaced(rep, "c5"), "a problem entered in error is not placed")
}

// TestInvestigations checks that results carry value, unit, reference
// range and date, grouped under their report.
func TestInvestigations(t *testing.T) {
	draft, _, err := readFiles(t, "pathology_response1.json")
	require.NoError(t, err)
	require.Len(t, draft.Investigations, 18)
	wbc := draft.Investigations[0]
	assert.Equal(t, "Total white cell count", wbc.Name)
	assert.Equal(t, "5.70 10*9/L; reference range 3.5 to 11", wbc.Result)
	assert.Equal(t, "2019-04-03", wbc.Date.String(), "the report's date when the result has none")
	assert.Equal(t, "part of Diagnostic studies report, FBC - Full blood count", wbc.Comment)
	assert.Equal(t, "4.57 10*12/L; reference range less than 3.8 to 5", draft.Investigations[1].Result)

	draft, _ = readStrings(t, bundleOf(`{"resourceType": "Observation", "id": "bp", "status": "final",
  "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-11-02T10:20:00+00:00",
  "code": {"coding": [{"display": "Blood pressure"}]},
  "component": [{"code": {"coding": [{"display": "Systolic"}]}, "valueQuantity": {"value": 152, "unit": "mmHg"}},
                {"code": {"coding": [{"display": "Diastolic"}]}, "valueQuantity": {"value": 94, "unit": "mmHg"}}]}`,
		`{"resourceType": "Observation", "id": "a1c", "status": "final", "subject": {"reference": "Patient/p1"},
  "effectiveDateTime": "2026-10", "code": {"coding": [{"display": "HbA1c"}]},
  "valueQuantity": {"value": 51, "unit": "mmol/mol"}, "interpretation": {"coding": [{"display": "High"}]},
  "referenceRange": [{"high": {"value": 47}}], "comment": "Repeat in 3 months"}`,
		`{"resourceType": "Observation", "id": "bad", "status": "entered-in-error", "subject": {"reference": "Patient/p1"},
  "code": {"coding": [{"display": "Sodium"}]}, "valueQuantity": {"value": 120, "unit": "mmol/L"}}`))
	require.Len(t, draft.Investigations, 2, "a result entered in error is not placed")
	assert.Equal(t, referral.Investigation{Name: "Blood pressure", Result: "Systolic 152 mmHg, Diastolic 94 mmHg",
		Date: referral.NewDate(2026, 11, 2)}, draft.Investigations[0])
	assert.Equal(t, referral.Investigation{Name: "HbA1c", Result: "51 mmol/mol (High); reference range up to 47",
		Comment: "dated October 2026; Repeat in 3 months"}, draft.Investigations[1])
}

// TestOtherPatient checks that a resource about another patient is never
// placed, and makes its list incomplete.
func TestOtherPatient(t *testing.T) {
	other := strings.Replace(penicillin, "Patient/p1", "Patient/someone-else", 1)
	draft, rep := readStrings(t, bundleOf(listOf(allergiesList, []string{"AllergyIntolerance/n1", "AllergyIntolerance/a1"}, ""), nka, other))
	assert.Equal(t, referral.StateUnknown, draft.Allergies.State)
	assert.Contains(t, warningCodes(rep, "patient"), gpconnect.WarnOtherPatient)
	assert.True(t, isUnplaced(rep, "a1"))

	// A List about another patient is not read at all.
	list := strings.Replace(listOf(allergiesList, []string{"AllergyIntolerance/n1"}, ""), "Patient/p1", "Patient/someone-else", 1)
	draft, rep = readStrings(t, bundleOf(list, nka))
	assert.Equal(t, referral.StateUnknown, draft.Allergies.State)
	assert.Contains(t, warningCodes(rep, "patient"), gpconnect.WarnOtherPatient)
	assert.Contains(t, warningCodes(rep, "allergies"), gpconnect.WarnListAbsent)
}

// TestReportsAndLimits checks a report's conclusion, a result derived from
// another that no group claims, and the referral's list limit.
func TestReportsAndLimits(t *testing.T) {
	draft, rep := readStrings(t, bundleOf(
		`{"resourceType": "DiagnosticReport", "id": "r1", "status": "final", "issued": "2026-03-04T09:00:00+00:00",
  "code": {"coding": [{"display": "Renal function"}]}, "conclusion": "Stable", "result": [{"reference": "Observation/cr"}]}`,
		`{"resourceType": "Observation", "id": "cr", "status": "final", "code": {"coding": [{"display": "Creatinine"}]},
  "valueQuantity": {"value": 88, "unit": "umol/L"}}`,
		`{"resourceType": "Observation", "id": "egfr", "status": "final", "code": {"coding": [{"display": "eGFR"}]},
  "valueQuantity": {"value": 74, "unit": "mL/min"}, "effectiveDateTime": "2026-03-04",
  "related": [{"type": "derived-from", "target": {"reference": "Observation/cr"}}]}`))
	var got []string
	for _, i := range draft.Investigations {
		got = append(got, i.Name+" | "+i.Result+" | "+i.Date.String()+" | "+i.Comment)
	}
	assert.Equal(t, []string{
		"Creatinine | 88 umol/L | 2026-03-04 | part of Renal function",
		"Renal function | Stable | 2026-03-04 | the report's conclusion",
		"eGFR | 74 mL/min | 2026-03-04 | ",
	}, got)
	assert.Empty(t, warningCodes(rep, "investigations"))

	var many []string
	for i := range referral.MaxListItems + 1 {
		many = append(many, fmt.Sprintf(`{"resourceType": "Observation", "id": "o%d", "code": {"text": "Test %d"}, "valueString": "normal"}`, i, i))
	}
	draft, rep = readStrings(t, bundleOf(many...))
	assert.Len(t, draft.Investigations, referral.MaxListItems)
	assert.Contains(t, warningCodes(rep, "investigations"), gpconnect.WarnTooMany)
	assert.True(t, isUnplaced(rep, fmt.Sprintf("o%d", referral.MaxListItems)))
}
