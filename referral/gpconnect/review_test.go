package gpconnect_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
	"github.com/refletter/refletter/referral/gpconnect"
)

// bundleURLs wraps resources, each with its fullUrl (none when empty), in
// a structured record bundle.
func bundleURLs(entries ...[2]string) string {
	es := make([]string, len(entries))
	for i, e := range entries {
		es[i] = `{"resource": ` + e[1] + `}`
		if e[0] != "" {
			es[i] = `{"fullUrl": "` + e[0] + `", "resource": ` + e[1] + `}`
		}
	}
	return `{"resourceType": "Bundle", "type": "collection",
  "meta": {"profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1"]},
  "entry": [` + strings.Join(es, ",\n") + `]}`
}

func investigationNames(r *referral.Referral) []string {
	var out []string
	for _, i := range r.Investigations {
		out = append(out, i.Name+" | "+i.Result+" | "+i.Comment)
	}
	return out
}

// TestReferencesByFullURL checks that references by an entry's fullUrl
// (urn:uuid) and absolute references with a version are followed, as some
// suppliers send them.
func TestReferencesByFullURL(t *testing.T) {
	const p = "urn:uuid:00000000-0000-4000-8000-000000000001"
	patient := strings.Replace(testPatient, `"Organization/o1"`, `"urn:uuid:00000000-0000-4000-8000-000000000002"`, 1)
	patient = strings.Replace(patient, `"id": "p1"`, `"id": "p1", "generalPractitioner": [{"reference": "urn:uuid:00000000-0000-4000-8000-000000000003"}]`, 1)
	draft, rep := readStrings(t, bundleURLs(
		[2]string{p, patient},
		[2]string{"urn:uuid:00000000-0000-4000-8000-000000000002", testOrganization},
		[2]string{"urn:uuid:00000000-0000-4000-8000-000000000003", `{"resourceType": "Practitioner", "id": "g1", "name": [{"family": "Osei", "given": ["Kwame"], "prefix": ["Dr"]}]}`},
		[2]string{"", strings.ReplaceAll(listOf(allergiesList, []string{"urn:uuid:00000000-0000-4000-8000-000000000010"}, ""), "Patient/p1", p)},
		[2]string{"urn:uuid:00000000-0000-4000-8000-000000000010", strings.Replace(penicillin, "Patient/p1", p, 1)},
		[2]string{"", listOf(medsList, []string{"https://gp.example.nhs.uk/STU3/1/gpconnect/MedicationStatement/s1/_history/2"}, "")},
		[2]string{"https://gp.example.nhs.uk/STU3/1/gpconnect/MedicationStatement/s1", strings.Replace(statementOf("s1", "active", "m1"), "Medication/m1", "urn:uuid:00000000-0000-4000-8000-000000000020", 1)},
		[2]string{"urn:uuid:00000000-0000-4000-8000-000000000020", medicationOf("m1", "Amlodipine 5mg tablets")},
		[2]string{"", `{"resourceType": "DiagnosticReport", "id": "r1", "status": "final", "subject": {"reference": "` + p + `"},
  "code": {"text": "Renal function"}, "issued": "2026-03-04", "result": [{"reference": "urn:uuid:00000000-0000-4000-8000-000000000030"}]}`},
		[2]string{"urn:uuid:00000000-0000-4000-8000-000000000030", `{"resourceType": "Observation", "id": "cr", "status": "final",
  "subject": {"reference": "` + p + `"}, "code": {"text": "Creatinine"}, "valueQuantity": {"value": 88, "unit": "umol/L"}}`},
	))
	assert.Equal(t, "Kirkgate Medical Practice", draft.Practice.Name)
	assert.Equal(t, "Dr Kwame Osei", draft.Referrer.Name)
	assert.Equal(t, referral.Allergies{State: referral.StateRecorded, Items: []referral.Allergy{{Substance: "Allergy to penicillin", Reaction: "Urticaria", Severity: "moderate"}}}, draft.Allergies)
	assert.Equal(t, referral.Medications{State: referral.StateRecorded, Items: []referral.Medication{{Name: "Amlodipine 5mg tablets", Dose: "One daily", Since: "1 May 2024"}}}, draft.Medications)
	assert.Equal(t, []string{"Creatinine | 88 umol/L | part of Renal function"}, investigationNames(draft))
	assert.Empty(t, rep.Warnings)
}

// TestOtherPatientReferences checks that a resource whose subject is
// another patient, by an absolute reference or a urn:uuid that is not the
// Patient's, is never placed.
func TestOtherPatientReferences(t *testing.T) {
	obs := func(id, subject string) string {
		return `{"resourceType": "Observation", "id": "` + id + `", "status": "final", "subject": {"reference": "` + subject + `"},
  "code": {"text": "Body weight"}, "valueQuantity": {"value": 61, "unit": "kg"}}`
	}
	draft, rep := readStrings(t, bundleURLs(
		[2]string{"urn:uuid:00000000-0000-4000-8000-000000000001", testPatient},
		[2]string{"", testOrganization},
		[2]string{"", obs("mine1", "urn:uuid:00000000-0000-4000-8000-000000000001")},
		[2]string{"", obs("mine2", "https://gp.example.nhs.uk/STU3/1/gpconnect/Patient/p1")},
		[2]string{"", obs("other1", "https://gp.example.nhs.uk/STU3/1/gpconnect/Patient/p2")},
		[2]string{"", obs("other2", "urn:uuid:00000000-0000-4000-8000-000000000099")},
		[2]string{"urn:uuid:00000000-0000-4000-8000-000000000098", obs("other3", "urn:uuid:00000000-0000-4000-8000-000000000098")},
	))
	assert.Len(t, draft.Investigations, 2, "only the patient's own results")
	for _, id := range []string{"other1", "other2", "other3"} {
		assert.True(t, isUnplaced(rep, id), id)
	}
	assert.Len(t, warningCodes(rep, "patient"), 3)
}

// TestProblemSignificance checks that a problem is called significant or
// minor only when the record says so.
func TestProblemSignificance(t *testing.T) {
	noSig := `{"resourceType": "Condition", "id": "c9", "clinicalStatus": "active", "subject": {"reference": "Patient/p1"},
  "code": {"coding": [{"code": "195967001", "display": "Asthma"}]}, "onsetDateTime": "1960"}`
	noStatus := `{"resourceType": "Condition", "id": "c8", "subject": {"reference": "Patient/p1"},
  "code": {"text": "Gout"}, "note": [{"text": "ölfleck: left first toe"}]}`
	draft, _ := readStrings(t, bundleOf(listOf(problemsList, []string{"Condition/c9", "Condition/c8", "Condition/c1"}, ""), noSig, noStatus,
		conditionOf("c1", "Hypertension", "active", "minor", "")))
	assert.Equal(t, []referral.Condition{
		{Condition: "Asthma", Since: "1960", Note: "Active"},
		{Condition: "Hypertension", Since: "1 June 2020", Note: "Minor; active"},
		{Condition: "Gout", Note: "ölfleck: left first toe"},
	}, draft.PastHistory)
}

// TestResultListWarnings checks that a warning code on an investigations
// list reaches the report.
func TestResultListWarnings(t *testing.T) {
	_, rep := readStrings(t, bundleOf(listOf("887191000000108", []string{"Observation/o1", "Observation/gone"}, warningCode("confidential-items")),
		`{"resourceType": "Observation", "id": "o1", "status": "final", "code": {"text": "HbA1c"}, "valueQuantity": {"value": 51, "unit": "mmol/mol"}}`))
	assert.ElementsMatch(t, []string{gpconnect.WarnConfidentialItems, gpconnect.WarnMissingReference}, warningCodes(rep, "investigations"))
}

// TestReportInError checks that the results of a report entered in error
// or cancelled are not placed on their own either.
func TestReportInError(t *testing.T) {
	for _, status := range []string{"entered-in-error", "cancelled"} {
		t.Run(status, func(t *testing.T) {
			draft, rep := readStrings(t, bundleOf(
				`{"resourceType": "DiagnosticReport", "id": "r1", "status": "`+status+`", "code": {"text": "U&E"},
  "result": [{"reference": "Observation/na"}, {"reference": "Observation/grp"}]}`,
				`{"resourceType": "Observation", "id": "na", "status": "final", "code": {"text": "Sodium"}, "valueQuantity": {"value": 119, "unit": "mmol/L"}}`,
				`{"resourceType": "Observation", "id": "grp", "status": "final", "code": {"text": "Renal"}, "related": [{"type": "has-member", "target": {"reference": "Observation/k"}}]}`,
				`{"resourceType": "Observation", "id": "k", "status": "final", "code": {"text": "Potassium"}, "valueQuantity": {"value": 6.9, "unit": "mmol/L"},
  "related": [{"type": "derived-from", "target": {"reference": "Observation/grp"}}]}`))
			assert.Empty(t, draft.Investigations)
			for _, id := range []string{"r1", "na", "grp", "k"} {
				assert.True(t, isUnplaced(rep, id), id)
			}
		})
	}
}

// TestObservationValues checks every kind of value an Observation may
// carry, and that a preliminary result says so.
func TestObservationValues(t *testing.T) {
	obs := func(id, value string) string {
		return `{"resourceType": "Observation", "id": "` + id + `", "status": "final", "code": {"text": "T` + id + `"}, ` + value + `}`
	}
	draft, rep := readStrings(t, bundleOf(
		obs("1", `"valueBoolean": false`),
		obs("2", `"valueBoolean": true`),
		obs("3", `"valueRange": {"low": {"value": 50, "unit": "ug/g"}, "high": {"value": 200, "unit": "ug/g"}}`),
		obs("4", `"valueRatio": {"numerator": {"value": 1}, "denominator": {"value": 160}}`),
		obs("5", `"valueDateTime": "2026-03-04T10:00:00Z"`),
		obs("6", `"valuePeriod": {"start": "2026-03-04"}`),
		obs("7", `"valueTime": "07:30:00"`),
		obs("8", `"valueQuantity": {"value": 5, "comparator": "<", "unit": "mg/L"}, "referenceRange": [{"text": "Less than 10"}]`),
		obs("9", `"component": [{"code": {"text": "Left"}, "valueCodeableConcept": {"coding": [{"display": "Absent"}]}}, {"code": {"text": "Right"}, "valueString": "Present"}]`),
		strings.Replace(obs("10", `"valueQuantity": {"value": 48, "unit": "mg/L"}`), `"final"`, `"preliminary"`, 1),
	))
	assert.Equal(t, []string{
		"T1 | No | ", "T2 | Yes | ", "T3 | 50 ug/g to 200 ug/g | ", "T4 | 1 / 160 | ", "T5 | 4 March 2026 | ",
		"T6 | from 4 March 2026 | ", "T7 | 07:30:00 | ", "T8 | <5 mg/L; reference range Less than 10 | ",
		"T9 | Left Absent, Right Present | ", "T10 | 48 mg/L | preliminary result",
	}, investigationNames(draft))
	assert.Equal(t, []string{gpconnect.WarnPreliminary}, warningCodes(rep, "investigations"))
}

// TestPatientDetails checks deceased patients, contacts that are old,
// ended or of a kind the referral has no place for, other addresses, an
// address given as text, the preferred name and the interpreter.
func TestPatientDetails(t *testing.T) {
	p := `{"resourceType": "Patient", "id": "p1",
  "extension": [{"url": "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-NHSCommunication-1",
    "extension": [{"url": "language", "valueCodeableConcept": {"coding": [{"code": "pl", "display": "Polish"}]}}, {"url": "interpreterRequired", "valueBoolean": true}]},
    {"url": "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-NHSCommunication-1",
    "extension": [{"url": "language", "valueCodeableConcept": {"coding": [{"code": "en", "display": "English"}]}}, {"url": "interpreterRequired", "valueBoolean": false}]}],
  "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "999 000 0026"}],
  "name": [{"use": "usual", "family": "Canaryfield", "given": ["Zebedee", "John"]}, {"use": "official", "family": "Canaryfield", "given": ["Zebedee", "John"], "prefix": ["Mr"]}],
  "telecom": [{"system": "phone", "value": "07700 900777", "use": "mobile"},
    {"system": "phone", "value": "07700 900778", "use": "temp", "period": {"end": "2026-01-01"}},
    {"system": "phone", "value": "0113 496 0779", "use": "old"},
    {"system": "fax", "value": "0113 496 0780"},
    {"system": "sms", "value": "07700 900781"},
    {"system": "email", "value": "z@example.com"}, {"system": "email", "value": "z2@example.com"}],
  "gender": "male", "birthDate": "1970-01-02", "deceasedDateTime": "2026-11-25",
  "address": [{"use": "temp", "line": ["Flat 2"], "city": "York", "postalCode": "YO1 7HH", "period": {"start": "2026-11-01", "end": "2027-01-01"}},
    {"use": "home", "text": "1 Canary Row, Headingley, Leeds, LS2 9JT", "postalCode": "LS2 9JT"},
    {"use": "old", "line": ["2 Old Road"], "postalCode": "LS1 1AA"}],
  "contact": [{"relationship": [{"text": "Next of kin"}], "name": {"family": "Canaryfield", "given": ["Ada"]}}],
  "communication": [{"language": {"text": "Welsh"}}],
  "managingOrganization": {"reference": "Organization/o1"}}`
	draft, rep := readStrings(t, strings.Replace(bundleOf(), testPatient, p, 1))
	assert.Equal(t, referral.Patient{
		Title: "Mr", GivenName: "Zebedee John", FamilyName: "Canaryfield",
		DateOfBirth: referral.NewDate(1970, 1, 2), NHSNumber: "9990000026", Sex: "male",
		Address: referral.Address{Lines: []string{"1 Canary Row", "Headingley", "Leeds"}, Postcode: "LS2 9JT"},
		Phones:  []referral.Phone{{Kind: "mobile", Number: "07700 900777"}, {Number: "07700 900781"}},
		Email:   "z@example.com",
	}, draft.Patient)
	require.NotNil(t, draft.Communication)
	assert.Equal(t, &referral.Interpreter{Language: "Polish"}, draft.Communication.Interpreter)
	assert.Contains(t, warningCodes(rep, "patient"), gpconnect.WarnDeceased)
	var elements []string
	for _, u := range rep.Unplaced {
		if u.From.Type == "Patient" {
			elements = append(elements, u.Element)
		}
	}
	assert.ElementsMatch(t, []string{"address[0]", "address[2]", "telecom[1]", "telecom[2]", "telecom[3]", "telecom[6]", "extension[1]", "contact[0]", "communication[0]"}, elements)
	text := reportText(t, rep)
	for _, c := range append(canaries, "900778", "Polish", "York", "z2@", "Ada", "Welsh") {
		assert.NotContains(t, text, c)
	}
}

// TestMedicationDetails checks the patient's instruction, a
// transfer-degraded medication entry, and a medicine named only by text.
func TestMedicationDetails(t *testing.T) {
	draft, rep := readStrings(t, bundleOf(
		listOf(medsList, []string{"MedicationStatement/s1", "MedicationStatement/s2", "MedicationStatement/s3"}, ""),
		strings.Replace(statementOf("s1", "active", "m1"), `"dosage": [{"text": "One daily"}]`,
			`"dosage": [{"text": "One or two sachets daily", "patientInstruction": "Mix with half a glass of water"}]`, 1),
		statementOf("s2", "active", "m2"), statementOf("s3", "active", "m3"),
		`{"resourceType": "Medication", "id": "m1", "code": {"text": "Movicol Plain oral powder sachets"}}`,
		`{"resourceType": "Medication", "id": "m2", "code": {"coding": [{"code": "196421000000109", "display": "Transfer-degraded medication entry"}], "text": "Bendroflumethiazide 2.5mg tablets"}}`,
		`{"resourceType": "Medication", "id": "m3", "code": {"coding": [{"code": "196421000000109", "display": "Transfer-degraded medication entry"}]}}`))
	assert.Equal(t, []referral.Medication{
		{Name: "Movicol Plain oral powder sachets", Dose: "One or two sachets daily; Mix with half a glass of water", Since: "1 May 2024"},
		{Name: "Bendroflumethiazide 2.5mg tablets (transfer-degraded medication entry)", Dose: "One daily", Since: "1 May 2024"},
		{Name: "Medication: original term not given in the record", Dose: "One daily", Since: "1 May 2024"},
	}, draft.Medications.Items)
	assert.Equal(t, []string{gpconnect.WarnDegradedTerm}, warningCodes(rep, "medications"))
}

// TestAllergyReactionDescription checks that a reaction's description is
// kept beside its manifestation.
func TestAllergyReactionDescription(t *testing.T) {
	a := allergyOf("a1", "294505008", "Allergy to amoxicillin",
		`"reaction": [{"manifestation": [{"coding": [{"display": "Eruption of skin"}]}], "description": "Widespread rash and lip swelling", "severity": "severe"},
  {"description": "Wheeze"}]`)
	draft, _ := readStrings(t, bundleOf(listOf(allergiesList, []string{"AllergyIntolerance/a1"}, ""), a))
	assert.Equal(t, []referral.Allergy{{Substance: "Allergy to amoxicillin", Reaction: "Eruption of skin; Widespread rash and lip swelling; Wheeze", Severity: "severe"}}, draft.Allergies.Items)
}

// TestOperationOutcome checks that a provider's OperationOutcome in the
// bundle is read as a warning, not refused.
func TestOperationOutcome(t *testing.T) {
	_, rep := readStrings(t, bundleOf(`{"resourceType": "OperationOutcome", "issue": [{"severity": "warning", "code": "not-supported",
  "diagnostics": "Canaryfield"}]}`))
	assert.Contains(t, warningCodes(rep, "record"), gpconnect.WarnOperationOutcome)
	assert.NotContains(t, reportText(t, rep), "Canaryfield")
}

// TestSupplierShapedBundles checks the exact mapping of two whole records
// written in the shapes suppliers send: one with "Type/id" references,
// several practitioners, plans and issues, degraded entries and problem
// extensions; one with urn:uuid and absolute references, a contained
// Medication, a deceased patient, an investigations list with a warning
// code, a report entered in error and an OperationOutcome.
func TestSupplierShapedBundles(t *testing.T) {
	tests := []struct {
		file        string
		patient     referral.Patient
		practice    referral.Practice
		referrer    referral.Referrer
		allergies   referral.Allergies
		medications referral.Medications
		past        []referral.Condition
		results     []string
		warnings    []string
		unplaced    []string
	}{
		{
			file: "own_emis_like.json",
			patient: referral.Patient{Title: "Mr", GivenName: "Oliver James", FamilyName: "Brightwater", PreferredName: "Ollie",
				DateOfBirth: referral.NewDate(1948, 7, 21), NHSNumber: "9990000034", Sex: "male",
				Address: referral.Address{Lines: []string{"3 Weaver's Yard", "Armley", "West Yorkshire"}, Town: "Leeds", Postcode: "LS12 2AB"},
				Phones:  []referral.Phone{{Kind: "home", Number: "0113 496 0501"}, {Kind: "mobile", Number: "07700 900123"}, {Kind: "work", Number: "0113 496 0999"}},
				Email:   "o.brightwater@example.com"},
			practice: referral.Practice{Name: "ARMLEY MOOR HEALTH CENTRE", ODSCode: "B82005",
				Address: referral.Address{Lines: []string{"95 Town Street", "Armley"}, Town: "Leeds", Postcode: "LS12 3HD"}, Phone: "0113 496 0200"},
			referrer: referral.Referrer{Name: "Dr Grace Adeyemi", Role: "General Medical Practitioner", GMCNumber: "7123456"},
			allergies: referral.Allergies{State: referral.StateRecorded, Items: []referral.Allergy{
				{Substance: "Allergy to amoxicillin", Reaction: "Eruption of skin; Widespread rash and lip swelling", Severity: "severe"},
				{Substance: "H/O: codeine allergy (transfer-degraded drug allergy)"},
				{Substance: "Allergy to eggs", Reaction: "Anaphylaxis"}}},
			medications: referral.Medications{State: referral.StateRecorded, Items: []referral.Medication{
				{Name: "Ramipril 5mg capsules", Dose: "One capsule once a day", Since: "2 March 2015"},
				{Name: "Movicol Plain oral powder 13.8g sachets", Dose: "One or two sachets daily; Mix with half a glass of water", Since: "1 September 2026"},
				{Name: "Bendroflumethiazide 2.5mg tablets (transfer-degraded medication entry)", Dose: "One each morning", Since: "10 November 2009"}}},
			past: []referral.Condition{
				{Condition: "Hypertensive disorder", Since: "2 March 2015", Note: "Significant; active"},
				{Condition: "Asthma", Since: "1960", Note: "Active"},
				{Condition: "Constipation", Since: "1 September 2026", Note: "Minor; active"},
				{Condition: "Pulmonary embolism", Since: "14 August 2012", Note: "Significant; ended 14 February 2013"}},
			results: []string{
				"Serum CRP level | <5 mg/L; reference range Less than 10 mg/L | part of Diagnostic studies report",
				"Urine culture | No significant growth | part of Diagnostic studies report",
				"Haemoglobin concentration | 128 g/L (Low); reference range 130 g/L to 170 g/L | part of Diagnostic studies report",
				"On examination - blood pressure reading | Systolic arterial pressure 158 mm[Hg], Diastolic arterial pressure 96 mm[Hg] | ",
				"Tobacco smoking behaviour - finding | Ex-smoker | ",
				"Body weight | 84.5 kg | "},
			unplaced: []string{"e1", "s3", "s5", "c5", "m3", "m5", "s1-plan", "s1-issue"},
		},
		{
			file: "own_tpp_like.json",
			patient: referral.Patient{Title: "Mrs", GivenName: "Ruth Elaine", FamilyName: "Calloway",
				DateOfBirth: referral.NewDate(1939, 12, 3), NHSNumber: "9990000042", Sex: "female",
				Address: referral.Address{Lines: []string{"4 Canal Side", "Ancoats", "Manchester"}, Postcode: "M4 6AA"},
				Phones:  []referral.Phone{{Kind: "mobile", Number: "07700 900456"}, {Number: "07700 900457"}}},
			practice: referral.Practice{Name: "Ancoats Urban Village Medical Practice", ODSCode: "P84012",
				Address: referral.Address{Lines: []string{"Old Mill Street"}, Town: "Manchester", Postcode: "M4 6EE"},
				Phone:   "0161 496 0000", Email: "ancoats.practice@nhs.net"},
			referrer:  referral.Referrer{Name: "Dr Kwame Osei"},
			allergies: referral.Allergies{State: referral.StateRecorded, Items: []referral.Allergy{}},
			medications: referral.Medications{State: referral.StateRecorded, Items: []referral.Medication{
				{Name: "Adcal-D3 chewable tablets", Dose: "One tablet twice a day", Since: "1 February 2024"},
				{Name: "Diprobase cream", Dose: "Apply twice daily", Since: "5 May 2025"}}},
			results: []string{
				"Serum CRP level | 48 mg/L | preliminary result; part of Diagnostic studies report",
				"Faecal calprotectin | 50 ug/g to 200 ug/g | part of Diagnostic studies report",
				"Faecal occult blood | No | "},
			warnings: []string{gpconnect.WarnDeceased, gpconnect.WarnPreliminary, gpconnect.WarnConfidentialItems,
				gpconnect.WarnOtherPatient, gpconnect.WarnOperationOutcome},
			unplaced: []string{"DR1", "OB1", "OB5", "OO1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			draft, rep, err := readFiles(t, tt.file)
			require.NoError(t, err)
			assert.Equal(t, tt.patient, draft.Patient)
			assert.Equal(t, tt.practice, draft.Practice)
			assert.Equal(t, tt.referrer, draft.Referrer)
			assert.Equal(t, tt.allergies, draft.Allergies)
			assert.Equal(t, tt.medications, draft.Medications)
			assert.Equal(t, tt.past, draft.PastHistory)
			assert.Equal(t, tt.results, investigationNames(draft))
			assert.ElementsMatch(t, tt.warnings, warningCodes(rep, ""))
			for _, id := range tt.unplaced {
				assert.True(t, isUnplaced(rep, id), "%s must be listed as not placed", id)
			}
		})
	}
}

// TestSupplierDraftsComplete checks that the supplier-shaped drafts, with
// what the clinician writes, validate and compose into letters carrying
// the record's parts.
func TestSupplierDraftsComplete(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"own_emis_like.json", []string{"Brightwater", "Polish", "Allergy to amoxicillin", "H/O: codeine allergy (transfer-degraded drug allergy)",
			"Bendroflumethiazide 2.5mg tablets (transfer-degraded medication entry)", "Mix with half a glass of water", "Asthma", "<5 mg/L"}},
		{"own_tpp_like.json", []string{"Calloway", "No known drug allergies", "Adcal-D3 chewable tablets", "preliminary result", "Faecal occult blood"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			draft, _, err := readFiles(t, tt.file)
			require.NoError(t, err)
			draft.Priority = referral.PriorityRoutine
			draft.Recipient.Service = "Gastroenterology Outpatients"
			draft.Reason = "Change in bowel habit for three months"
			draft.Request = referral.Request{Kind: referral.RequestDiagnosis}
			draft.History = "Loose stools and urgency since August."
			draft.Referrer.Role = "General Practitioner"
			draft.Referrer.Phone = "0113 496 0001"
			if draft.Referrer.GMCNumber == "" {
				draft.Referrer.GMCNumber = "7012345" // the record gave none
			}
			require.NoError(t, draft.Validate())
			letter, err := referral.Compose(draft)
			require.NoError(t, err)
			var text strings.Builder
			require.NoError(t, letter.WriteText(&text))
			for _, w := range tt.want {
				assert.Contains(t, text.String(), w)
			}
			assert.NotContains(t, text.String(), "Serum sodium level", "a result of a report entered in error")
			assert.NotContains(t, text.String(), "Flucloxacillin", "a completed medication")
		})
	}
}

// TestReportWithholdsOddIDs checks that an id that may be patient data (an
// NHS number, a date, a name with spaces) is left out of the report text,
// while ordinary ids are kept.
func TestReportWithholdsOddIDs(t *testing.T) {
	p := strings.Replace(testPatient, `"id": "p1"`, `"id": "9990000026"`, 1)
	b := strings.Replace(bundleOf(
		listOf(allergiesList, []string{"AllergyIntolerance/Zebedee Canaryfield", "AllergyIntolerance/1970-01-02"}, ""),
		allergyOf("Zebedee Canaryfield", "91936005", "Allergy to penicillin", ""),
		allergyOf("1970-01-02", "91936005", "Allergy to penicillin", ""),
		`{"resourceType": "Observation", "id": "obs-04603d77.1", "code": {"text": "X"}}`,
		`{"resourceType": "Observation", "id": "d92b7d42-554d-4c92-b829-e76508185702", "code": {"text": "X"}}`), testPatient, p, 1)
	b = strings.ReplaceAll(b, "Patient/p1", "Patient/9990000026")
	_, rep := readStrings(t, b)
	text := reportText(t, rep)
	for _, c := range canaries {
		assert.NotContains(t, text, c)
	}
	assert.Contains(t, text, "Observation/obs-04603d77.1 (bundle 1, entry 5)")
	assert.Contains(t, text, "Observation/d92b7d42-554d-4c92-b829-e76508185702 (bundle 1, entry 6)", "a GUID is kept")
	assert.Contains(t, text, "Patient (bundle 1, entry 0)")
}

// TestBundleProfileVersion checks that a bundle profile with a version is
// the structured record profile, and another profile is not.
func TestBundleProfileVersion(t *testing.T) {
	b := strings.Replace(bundleOf(), "GPConnect-StructuredRecord-Bundle-1", "GPConnect-StructuredRecord-Bundle-1|1.6.2", 1)
	_, _ = readStrings(t, b)
	_, _, err := gpconnect.Read(strings.NewReader(strings.Replace(bundleOf(), "GPConnect-StructuredRecord-Bundle-1", "GPConnect-StructuredRecord-Bundle-10", 1)))
	assert.ErrorIs(t, err, gpconnect.ErrNotStructuredRecord)
}

// TestPreliminaryReport checks that the results of a report not yet final
// say so even when each result is final.
func TestPreliminaryReport(t *testing.T) {
	draft, rep := readStrings(t, bundleOf(
		`{"resourceType": "DiagnosticReport", "id": "r1", "status": "partial", "code": {"text": "Lipids"}, "result": [{"reference": "Observation/o1"}]}`,
		`{"resourceType": "Observation", "id": "o1", "status": "final", "code": {"text": "Cholesterol"}, "valueQuantity": {"value": 6.1, "unit": "mmol/L"}}`))
	assert.Equal(t, []string{"Cholesterol | 6.1 mmol/L | preliminary result; part of Lipids"}, investigationNames(draft))
	assert.Equal(t, []string{gpconnect.WarnPreliminary}, warningCodes(rep, "investigations"))
}

// TestOutsideList checks that an active allergy or medication that no list
// holds (from a consultation, say) keeps a "none" from being claimed.
func TestOutsideList(t *testing.T) {
	nkaList := listOf(allergiesList, []string{"AllergyIntolerance/n1"}, "")
	endedMeds := listOf(medsList, []string{"MedicationStatement/s2"}, "")
	meds := []string{statementOf("s2", "completed", "m1"), medicationOf("m1", "Amlodipine 5mg tablets")}
	tests := []struct {
		name       string
		bundles    []string
		allergies  referral.State
		medication referral.State
		warnings   []string
	}{
		{"an active allergy in another bundle",
			[]string{bundleOf(append([]string{nkaList, nka, endedMeds}, meds...)...), bundleOf(penicillin)},
			referral.StateUnknown, referral.StateRecorded, []string{gpconnect.WarnOutsideList, gpconnect.WarnIncompleteNone}},
		{"an ended allergy outside the list",
			[]string{bundleOf(append([]string{nkaList, nka, ended, endedMeds}, meds...)...)},
			referral.StateRecorded, referral.StateRecorded, nil},
		{"the listed allergy again in another bundle",
			[]string{bundleOf(append([]string{nkaList, nka, endedMeds}, meds...)...), bundleOf(nka)},
			referral.StateRecorded, referral.StateRecorded, nil},
		{"an active medication outside the list",
			[]string{bundleOf(append([]string{nkaList, nka, endedMeds, statementOf("s7", "active", "m1")}, meds...)...)},
			referral.StateRecorded, referral.StateUnknown, []string{gpconnect.WarnOutsideList}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			draft, rep := readStrings(t, tt.bundles...)
			assert.Equal(t, tt.allergies, draft.Allergies.State)
			assert.Equal(t, tt.medication, draft.Medications.State)
			assert.ElementsMatch(t, tt.warnings, warningCodes(rep, ""))
		})
	}
}

// TestPracticeFromGeneralPractitioner checks that a practice named only as
// the patient's general practitioner is read.
func TestPracticeFromGeneralPractitioner(t *testing.T) {
	b := strings.Replace(bundleOf(), `"managingOrganization": {"reference": "Organization/o1"}`, `"generalPractitioner": [{"reference": "Organization/o1"}]`, 1)
	draft, _ := readStrings(t, b)
	assert.Equal(t, "B86010", draft.Practice.ODSCode)
}
