package ers

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ers/golden")

// examples is the folder of the eRS specification's example bodies.
const examples = "../../testdata/ers"

// Systems as the eRS examples give them. The specialty system is the URL of
// the SPECIALTY code system (checked in TestSpecialtySystemIsCodeSystemURL).
const (
	exSpecialtySystem  = "_baseUrl_/STU3/CodeSystem/SPECIALTY"
	exClinicTypeSystem = "https://fhir.nhs.uk/STU3/CodeSystem/eRS-ClinicType-1"
	exNHSNumber        = referral.NHSNumber("9912003888")
	exSDSUser          = "021600556514"
)

func readJSON(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(b, &v), path)
	return v
}

func asJSON(t *testing.T, m json.Marshaler) any {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}

func cardiology() Criteria {
	return Criteria{
		Priority:   PriorityUrgent,
		Specialty:  &referral.Coding{System: exSpecialtySystem, Code: "CARDIOLOGY"},
		ClinicType: &referral.Coding{System: exClinicTypeSystem, Code: "HEART_FAILURE"},
	}
}

// lipids are the criteria of the A010 examples.
func lipids() Criteria {
	return Criteria{
		Priority:                PriorityUrgent,
		Specialty:               &referral.Coding{System: exSpecialtySystem, Code: "CARDIOLOGY"},
		ClinicType:              &referral.Coding{System: exClinicTypeSystem, Code: "LIPID_MANAGEMENT"},
		AgeAndGenderAppropriate: true,
	}
}

var pathwayStart = time.Date(2024, 5, 1, 9, 55, 0, 0, time.UTC)

// exampleRequest is an example request of the e-RS specification with the
// inputs it was made from, and the business function the sandbox expects
// with it.
type exampleRequest struct {
	file  string
	build func() (json.Marshaler, error)
	admin bool // sent as REFERRING_CLINICIAN_ADMIN
}

var examplesNow = pathwayStart.Add(24 * time.Hour)

// exampleRequests are every example request this package reproduces.
var exampleRequests = []exampleRequest{
	{file: "patientServiceSearch/requests/RcMinimal.json", build: func() (json.Marshaler, error) {
		return NewSearchRequest(SearchParams{
			NHSNumber:   exNHSNumber,
			RequestType: AppointmentRequest,
			SortBy:      SortByDistance,
			Criteria: Criteria{
				Priority:                PriorityUrgent,
				Specialty:               &referral.Coding{System: exSpecialtySystem, Code: "CARDIOLOGY"},
				ClinicType:              &referral.Coding{System: exClinicTypeSystem, Code: "LIPID_MANAGEMENT"},
				AgeAndGenderAppropriate: true,
			},
		})
	}},
	{file: "patientServiceSearch/requests/RcSearchByClinicalTerm.json", build: func() (json.Marshaler, error) {
		return NewSearchRequest(SearchParams{
			NHSNumber:          exNHSNumber,
			ReferringClinician: exSDSUser,
			SortBy:             SortByWaitTime,
			Criteria: Criteria{
				Priority:                PriorityUrgent,
				WaitTimeLimit:           15,
				Postcode:                "br11ab",
				DistanceLimit:           23,
				ClinicalTerm:            &referral.Coding{System: SNOMEDCT, Code: "1003"},
				Organisation:            "R69",
				AgeAndGenderAppropriate: true,
			},
		})
	}},
	{file: "createReferral/requests/MinimalRequest.json", build: func() (json.Marshaler, error) {
		return NewCreateRequest(CreateParams{
			NHSNumber:       exNHSNumber,
			Criteria:        cardiology(),
			Services:        []string{"11002"},
			LetterIntention: LetterLater,
			ReminderDays:    0,
			PathwayStart:    pathwayStart,
		}, examplesNow)
	}},
	{file: "createReferral/requests/MinimalRequestWithReferringClinician.json", admin: true, build: func() (json.Marshaler, error) {
		return NewCreateRequest(CreateParams{
			NHSNumber:          exNHSNumber,
			ReferringClinician: exSDSUser,
			Criteria:           cardiology(),
			Services:           []string{"11002"},
			PathwayStart:       pathwayStart.In(time.FixedZone("BST", 3600)),
		}, examplesNow)
	}},
	{file: "createReferral/requests/RequestMixedShortlist.json", build: func() (json.Marshaler, error) {
		return NewCreateRequest(CreateParams{
			NHSNumber: exNHSNumber,
			Criteria:  cardiology(),
			Services:  []string{"11002", "51002"},
		}, examplesNow)
	}},
	{file: "patientServiceSearch/requests/RcSearchByNamedClinician.json", build: func() (json.Marshaler, error) {
		return NewSearchRequest(SearchParams{
			NHSNumber: exNHSNumber,
			Criteria: Criteria{Priority: PriorityUrgent, NamedClinician: exSDSUser,
				AgeAndGenderAppropriate: true},
		})
	}},
	{file: "patientServiceSearch/requests/RcSearchWithCommissioningRuleOrganisation.json", build: func() (json.Marshaler, error) {
		return NewSearchRequest(SearchParams{
			NHSNumber:                     exNHSNumber,
			Criteria:                      lipids(),
			CommissioningRuleOrganisation: "R69",
		})
	}},
	{file: "patientServiceSearch/requests/RcaWithIWT.json", admin: true, build: func() (json.Marshaler, error) {
		c := lipids()
		c.WaitTimeLimit = 15
		return NewSearchRequest(SearchParams{NHSNumber: exNHSNumber, ReferringClinician: exSDSUser, Criteria: c})
	}},
	{file: "patientServiceSearch/requests/RcSearchForAdviceService.json", build: func() (json.Marshaler, error) {
		return NewSearchRequest(SearchParams{NHSNumber: exNHSNumber, RequestType: AdviceAndGuidanceRequest, Criteria: lipids()})
	}},
	{file: "maintainReferralLetter/requests/MultipleDocumentReferences.json", build: func() (json.Marshaler, error) {
		return NewLetterRequest(Document{
			Location:    "Binary/e1015896-92f4-4073-ad3c-5f30fca76448",
			Description: "First blood test results showing an anomaly in the values of xxxx",
			Indexed:     time.Date(2021, 6, 24, 13, 22, 13, 311_000_000, time.UTC),
		}, Document{
			Location:    "Binary/50f0c0d5-7ed1-4587-8fce-889c8685eb54",
			Description: "Second blood test results showing an anomaly in the values of xxxx",
			Indexed:     time.Date(2021, 6, 24, 13, 22, 13, 465_000_000, time.UTC),
		})
	}},
	{file: "maintainReferralLetter/requests/SingleDocumentReference.json", build: func() (json.Marshaler, error) {
		return NewLetterRequest(Document{
			Location:    "Binary/50f0c0d5-7ed1-4587-8fce-889c8685eb54",
			Description: "Blood test results showing an anomaly in the values of xxxx",
			Indexed:     time.Date(2021, 6, 24, 13, 5, 3, 652_000_000, time.UTC),
		})
	}},
}

// TestBodiesEqualSpecificationExamples builds each body from the inputs the
// example was made from and compares it with the example as JSON.
func TestBodiesEqualSpecificationExamples(t *testing.T) {
	tests := exampleRequests
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			body, err := tt.build()
			require.NoError(t, err)
			assert.Equal(t, readJSON(t, filepath.Join(examples, tt.file)), asJSON(t, body))
		})
	}
}

func TestSpecialtySystemIsCodeSystemURL(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(examples, "getCodeSystem/responses/SpecialtyCodeSystem.json"))
	require.NoError(t, err)
	cs, err := parseCodeSystem(b)
	require.NoError(t, err)
	c, err := cs.Find("allergy")
	require.NoError(t, err)
	assert.Equal(t, &referral.Coding{System: exSpecialtySystem, Code: "ALLERGY", Display: "Allergy"}, cs.Coding(c))
}

// TestTwoWeekWaitIsMinimalRequestShape: a create-referral from a handoff is
// the MinimalRequest example with the priority TWO_WEEK_WAIT.
func TestTwoWeekWaitIsMinimalRequestShape(t *testing.T) {
	h := &referral.Handoff{PriorityCode: "TWO_WEEK_WAIT", Nation: referral.NationEngland,
		Patient: referral.Patient{NHSNumber: exNHSNumber}, Recipient: referral.Recipient{ERSServiceID: "11002"}}
	c := cardiology()
	c.Priority = PriorityRoutine // CreateFor sets the priority, whatever c says
	r, err := CreateFor(h, c)
	require.NoError(t, err)
	r.PathwayStart = pathwayStart
	req, err := NewCreateRequest(r, pathwayStart.Add(time.Hour))
	require.NoError(t, err)

	want := readJSON(t, filepath.Join(examples, "createReferral/requests/MinimalRequest.json"))
	crit := want.(map[string]any)["parameter"].([]any)[4].(map[string]any)["resource"].(map[string]any)["contained"].([]any)[0]
	prio := crit.(map[string]any)["parameter"].([]any)[0].(map[string]any)["valueCoding"].(map[string]any)
	require.Equal(t, "URGENT", prio["code"])
	prio["code"] = "TWO_WEEK_WAIT"
	assert.Equal(t, want, asJSON(t, req))
}

func TestSearchForHandoffUsesPatientPostcode(t *testing.T) {
	h := &referral.Handoff{PriorityCode: "TWO_WEEK_WAIT", Nation: referral.NationEngland,
		Patient: referral.Patient{NHSNumber: "943 476 5919", Address: referral.Address{Postcode: "ls1 4ap"}}}
	params, err := SearchFor(h, Criteria{DistanceLimit: 30, ClinicalTerm: &referral.Coding{Code: "1003"}})
	require.NoError(t, err)
	req, err := NewSearchRequest(params)
	require.NoError(t, err)
	body := asJSON(t, req).(map[string]any)
	ps := body["parameter"].([]any)
	assert.Equal(t, "9434765919", ps[2].(map[string]any)["valueIdentifier"].(map[string]any)["value"])
	crit := ps[3].(map[string]any)["resource"].(map[string]any)["parameter"].([]any)
	names := []string{}
	for _, p := range crit {
		names = append(names, p.(map[string]any)["name"].(string))
	}
	assert.Equal(t, []string{"priority", "postcode", "distanceLimit", "clinicalTerm", "ageAndGenderAppropriate"}, names)
	assert.Equal(t, "TWO_WEEK_WAIT", crit[0].(map[string]any)["valueCoding"].(map[string]any)["code"])
	assert.Equal(t, "LS1 4AP", crit[1].(map[string]any)["valueString"])

	// The caller's own postcode wins over the handoff's.
	params, err = SearchFor(h, Criteria{Postcode: "BR1 1AB"})
	require.NoError(t, err)
	req, err = NewSearchRequest(params)
	require.NoError(t, err)
	assert.Contains(t, string(mustMarshal(t, req)), `"BR1 1AB"`)
	assert.NotContains(t, string(mustMarshal(t, req)), `"LS1 4AP"`)
}

// TestLetterPathPriority: a letter-path referral goes to e-RS with its own
// priority; a two-week-wait case by any sign is TWO_WEEK_WAIT.
func TestLetterPathPriority(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *referral.Referral)
		want   Priority
	}{
		{"routine", func(r *referral.Referral) { r.Priority = referral.PriorityRoutine }, PriorityRoutine},
		{"urgent", func(r *referral.Referral) { r.Priority = referral.PriorityUrgent }, PriorityUrgent},
		{"urgent alias", func(r *referral.Referral) { r.Priority = "URGENT" }, PriorityUrgent},
		{"two-week wait", func(r *referral.Referral) { r.Priority = referral.PriorityTwoWeekWait }, PriorityTwoWeekWait},
		{"suspected-cancer service", func(r *referral.Referral) {
			r.Priority = referral.PriorityRoutine
			r.Recipient.SuspectedCancer = true
		}, PriorityTwoWeekWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testReferral()
			tt.change(r)
			s, err := SearchForReferral(r, cardiology())
			require.NoError(t, err)
			assert.Equal(t, tt.want, s.Criteria.Priority)
			assert.Equal(t, "LS1 4AP", s.Criteria.Postcode)
			c, err := CreateForReferral(r, cardiology(), "11002")
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Criteria.Priority)
			req, err := NewCreateRequest(c, time.Now())
			require.NoError(t, err)
			assert.Contains(t, string(mustMarshal(t, req)), `"code":"`+string(tt.want)+`"`)
		})
	}
}

// TestNotEngland: e-RS is England's; the builders refuse a referral or a
// handoff from a practice elsewhere, given or inferred.
func TestNotEngland(t *testing.T) {
	for _, change := range []func(p *referral.Practice){
		func(p *referral.Practice) { p.ODSCode = "W93042" },
		func(p *referral.Practice) { p.Nation = referral.NationScotland },
		func(p *referral.Practice) { p.Address.Postcode = "BT1 1AA" },
	} {
		r := testReferral()
		change(&r.Practice)
		_, err := SearchForReferral(r, Criteria{})
		assert.ErrorIs(t, err, ErrNotEngland)
		_, err = CreateForReferral(r, Criteria{}, "11002")
		assert.ErrorIs(t, err, ErrNotEngland)

		r.Priority = referral.PriorityTwoWeekWait
		h := referral.Decide(r).Handoff
		require.NotNil(t, h)
		_, err = SearchFor(h, Criteria{})
		assert.ErrorIs(t, err, ErrNotEngland)
		_, err = CreateFor(h, Criteria{}, "11002")
		assert.ErrorIs(t, err, ErrNotEngland)
		assert.NotContains(t, err.Error(), r.Practice.ODSCode)
	}
	_, err := SearchFor(nil, Criteria{})
	assert.ErrorIs(t, err, ErrInvalidRequest)
	_, err = CreateForReferral(nil, Criteria{})
	assert.ErrorIs(t, err, ErrInvalidRequest)
}

func mustMarshal(t *testing.T, m json.Marshaler) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

// testReferral is a routine referral built in Go.
func testReferral() *referral.Referral {
	return &referral.Referral{
		Priority:  referral.PriorityRoutine,
		Referrer:  referral.Referrer{Name: "Dr Test", Role: "GP", GMCNumber: "1234567", Phone: "0113 496 0000"},
		Practice:  referral.Practice{Name: "Test Practice", ODSCode: "A81001", Phone: "0113 496 0001"},
		Recipient: referral.Recipient{Service: "Breast clinic", Specialty: "Breast Surgery"},
		Patient: referral.Patient{GivenName: "Test", FamilyName: "Patient", NHSNumber: "9990000018",
			Address: referral.Address{Lines: []string{"1 Test Street"}, Postcode: "LS1 4AP"},
			Phones:  []referral.Phone{{Kind: "mobile", Number: "07700 900000"}}},
		Reason:  "Breast lump",
		History: "Two weeks of a lump.",
	}
}

// twoWeekWaitHandoff decides a two-week-wait referral built in Go.
func twoWeekWaitHandoff(t testing.TB) *referral.Handoff {
	r := testReferral()
	r.Priority = referral.PriorityTwoWeekWait
	rt := referral.Decide(r)
	require.Equal(t, referral.PathERS, rt.Path)
	require.NotNil(t, rt.Handoff)
	return rt.Handoff
}

// TestTwoWeekWaitGolden keeps the bodies for a decided two-week-wait case,
// for which the specification has no example.
func TestTwoWeekWaitGolden(t *testing.T) {
	h := twoWeekWaitHandoff(t)
	crit := Criteria{
		Specialty:               &referral.Coding{System: exSpecialtySystem, Code: "BREAST_SURGERY"},
		ClinicType:              &referral.Coding{System: exClinicTypeSystem, Code: "2WW_BREAST"},
		DistanceLimit:           30,
		AgeAndGenderAppropriate: true,
	}
	sp, err := SearchFor(h, crit)
	require.NoError(t, err)
	search, err := NewSearchRequest(sp)
	require.NoError(t, err)
	r, err := CreateFor(h, crit, "11002", "51002")
	require.NoError(t, err)
	r.PathwayStart = time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	create, err := NewCreateRequest(r, r.PathwayStart.Add(time.Hour))
	require.NoError(t, err)
	for name, body := range map[string]json.Marshaler{"search-2ww.json": search, "create-2ww.json": create} {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(body, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			path := filepath.Join(examples, "golden", name)
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./referral/ers -update to create it")
			assert.Equal(t, string(want), string(got))
			assert.Contains(t, string(got), `"TWO_WEEK_WAIT"`)
		})
	}
}

func fieldPaths(t *testing.T, err error) []string {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalidRequest)
	var re *RequestError
	require.ErrorAs(t, err, &re)
	var fe referral.FieldErrors
	require.ErrorAs(t, err, &fe)
	paths := make([]string, len(fe))
	for i, f := range fe {
		paths[i] = f.Path
	}
	return paths
}

func TestCreateReferralRejectsBadInput(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	ok := func() CreateParams {
		return CreateParams{NHSNumber: exNHSNumber, Criteria: cardiology(), Services: []string{"11002"}}
	}
	twenty := make([]string, 20)
	for i := range twenty {
		twenty[i] = "1100" + string(rune('0'+i/10)) + string(rune('0'+i%10))
	}
	tests := []struct {
		name  string
		edit  func(*CreateParams)
		paths []string
	}{
		{"no services", func(r *CreateParams) { r.Services = nil }, []string{"services"}},
		{"21 services", func(r *CreateParams) { r.Services = append(append([]string{}, twenty...), "99999") }, []string{"services"}},
		{"repeated service", func(r *CreateParams) { r.Services = []string{"11002", "11002"} }, []string{"services[1]"}},
		{"service id not digits", func(r *CreateParams) { r.Services = []string{"11002", "abc"} }, []string{"services[1]"}},
		{"invalid NHS number", func(r *CreateParams) { r.NHSNumber = "9876544321" }, []string{"nhsNumber"}},
		{"no NHS number", func(r *CreateParams) { r.NHSNumber = "" }, []string{"nhsNumber"}},
		{"pathway start in the future", func(r *CreateParams) { r.PathwayStart = now.Add(time.Minute) }, []string{"pathwayStart"}},
		{"pathway start over 365 days ago", func(r *CreateParams) { r.PathwayStart = now.Add(-MaxPathwayAge - time.Second) }, []string{"pathwayStart"}},
		{"pathway start with no clock", func(r *CreateParams) { r.PathwayStart = now.Add(-time.Hour) }, nil},
		{"no priority", func(r *CreateParams) { r.Criteria.Priority = "" }, []string{"criteria.priority"}},
		{"display priority", func(r *CreateParams) { r.Criteria.Priority = "Two Week Wait" }, []string{"criteria.priority"}},
		{"negative reminder", func(r *CreateParams) { r.ReminderDays = -1 }, []string{"reminderDays"}},
		{"bad SDS user id", func(r *CreateParams) { r.ReferringClinician = "dr-who" }, []string{"referringClinician"}},
		{"specialty with no system", func(r *CreateParams) { r.Criteria.Specialty.System = "" }, []string{"criteria.specialty.system"}},
		{"bad postcode", func(r *CreateParams) { r.Criteria.Postcode = "NOT A POSTCODE" }, []string{"criteria.postcode"}},
		{"postcode with a letter the inward part never uses", func(r *CreateParams) { r.Criteria.Postcode = "LS1 4CP" }, []string{"criteria.postcode"}},
		{"clinical term not SNOMED", func(r *CreateParams) {
			r.Criteria.ClinicalTerm = &referral.Coding{System: "http://read.info/ctv3", Code: "X78Y"}
		}, []string{"criteria.clinicalTerm.system", "criteria.clinicalTerm.code"}},
		{"everything at once", func(r *CreateParams) {
			r.NHSNumber = "9876544321"
			r.Services = nil
			r.PathwayStart = now.Add(time.Hour)
		}, []string{"nhsNumber", "services", "pathwayStart"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok()
			tt.edit(&r)
			clock := now
			if tt.paths == nil {
				clock = time.Time{}
				tt.paths = []string{"pathwayStart"}
			}
			req, err := NewCreateRequest(r, clock)
			assert.Nil(t, req)
			assert.Equal(t, tt.paths, fieldPaths(t, err))
			assert.NotContains(t, err.Error(), "9876544321", "an error never repeats a value")
		})
	}

	t.Run("limits are inclusive", func(t *testing.T) {
		r := ok()
		r.Services = twenty
		r.PathwayStart = now.Add(-MaxPathwayAge)
		_, err := NewCreateRequest(r, now)
		require.NoError(t, err)
		r.PathwayStart = now
		_, err = NewCreateRequest(r, now)
		require.NoError(t, err)
	})
}

func TestServiceSearchRejectsBadInput(t *testing.T) {
	tests := []struct {
		name  string
		s     SearchParams
		paths []string
	}{
		{"invalid NHS number", SearchParams{NHSNumber: "1234567890", Criteria: Criteria{Priority: PriorityUrgent}}, []string{"nhsNumber"}},
		{"no priority", SearchParams{NHSNumber: exNHSNumber}, []string{"criteria.priority"}},
		{"bad request type", SearchParams{NHSNumber: exNHSNumber, RequestType: "BOOKING", Criteria: Criteria{Priority: PriorityUrgent}}, []string{"requestType"}},
		{"bad sort", SearchParams{NHSNumber: exNHSNumber, SortBy: "by distance", Criteria: Criteria{Priority: PriorityUrgent}}, []string{"sortBy"}},
		{"negative distance", SearchParams{NHSNumber: exNHSNumber, Criteria: Criteria{Priority: PriorityUrgent, DistanceLimit: -5, WaitTimeLimit: -1}},
			[]string{"criteria.waitTimeLimit", "criteria.distanceLimit"}},
		{"bad organisation", SearchParams{NHSNumber: exNHSNumber, Criteria: Criteria{Priority: PriorityUrgent, Organisation: "r69 "}}, []string{"criteria.organisation"}},
		{"bad named clinician", SearchParams{NHSNumber: exNHSNumber, Criteria: Criteria{Priority: PriorityUrgent, NamedClinician: "Dr Who"}},
			[]string{"criteria.namedClinician"}},
		{"bad commissioning organisation", SearchParams{NHSNumber: exNHSNumber, Criteria: Criteria{Priority: PriorityUrgent},
			CommissioningRuleOrganisation: "r69"}, []string{"commissioningRuleOrganisation"}},
		{"bad clinic type code", SearchParams{NHSNumber: exNHSNumber, Criteria: Criteria{Priority: PriorityUrgent,
			ClinicType: &referral.Coding{System: exClinicTypeSystem, Code: "HEART FAILURE"}}}, []string{"criteria.clinicType.code"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := NewSearchRequest(tt.s)
			assert.Nil(t, req)
			assert.Equal(t, tt.paths, fieldPaths(t, err))
		})
	}
}

func TestMaintainReferralLetterRejectsBadInput(t *testing.T) {
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		docs  []Document
		paths []string
	}{
		{"no documents", nil, []string{"documents"}},
		{"not a Binary location", []Document{{Location: "https://example.org/x.pdf", Indexed: at}}, []string{"documents[0].location"}},
		{"same file twice", []Document{{Location: "Binary/a1", Indexed: at}, {Location: "Binary/a1", Indexed: at}}, []string{"documents[1].location"}},
		{"no indexed time", []Document{{Location: "Binary/a1"}}, []string{"documents[0].indexed"}},
		{"control character", []Document{{Location: "Binary/a1", Indexed: at, Description: "bell\a"}}, []string{"documents[0].description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := NewLetterRequest(tt.docs...)
			assert.Nil(t, req)
			assert.Equal(t, tt.paths, fieldPaths(t, err))
		})
	}
	t.Run("every document is sent", func(t *testing.T) {
		req, err := NewLetterRequest(
			Document{Location: "Binary/a1", Indexed: at, Description: "Referral letter\nline two"},
			Document{Location: "Binary/b2", Indexed: at},
			Document{Location: "Binary/c3", Indexed: at, Description: "Suspected cancer form"},
		)
		require.NoError(t, err)
		ps := asJSON(t, req).(map[string]any)["parameter"].([]any)
		require.Len(t, ps, 3)
		var urls []string
		for _, p := range ps {
			res := p.(map[string]any)["resource"].(map[string]any)
			urls = append(urls, res["content"].([]any)[0].(map[string]any)["attachment"].(map[string]any)["url"].(string))
			assert.Equal(t, "2026-11-21T12:00:00.000000+00:00", res["indexed"])
		}
		assert.Equal(t, []string{"Binary/a1", "Binary/b2", "Binary/c3"}, urls)
	})
}

func TestRequestErrorMessage(t *testing.T) {
	_, err := NewCreateRequest(CreateParams{NHSNumber: "9876544321"}, time.Now())
	require.Error(t, err)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "ers: A011 create referral: invalid request: nhsNumber: "), msg)
	assert.Contains(t, msg, "services: ")
	assert.NotContains(t, msg, "9876544321")
}
