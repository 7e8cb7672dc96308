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

var pathwayStart = time.Date(2024, 5, 1, 9, 55, 0, 0, time.UTC)

// TestBodiesEqualSpecificationExamples builds each body from the inputs the
// example was made from and compares it with the example as JSON.
func TestBodiesEqualSpecificationExamples(t *testing.T) {
	now := pathwayStart.Add(24 * time.Hour)
	tests := []struct {
		file  string
		build func() (json.Marshaler, error)
	}{
		{"patientServiceSearch/requests/RcMinimal.json", func() (json.Marshaler, error) {
			return ServiceSearch(Search{
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
		{"patientServiceSearch/requests/RcSearchByClinicalTerm.json", func() (json.Marshaler, error) {
			return ServiceSearch(Search{
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
		{"createReferral/requests/MinimalRequest.json", func() (json.Marshaler, error) {
			return CreateReferral(NewReferral{
				NHSNumber:       exNHSNumber,
				Criteria:        cardiology(),
				Services:        []string{"11002"},
				LetterIntention: LetterLater,
				ReminderDays:    0,
				PathwayStart:    pathwayStart,
			}, now)
		}},
		{"createReferral/requests/MinimalRequestWithReferringClinician.json", func() (json.Marshaler, error) {
			return CreateReferral(NewReferral{
				NHSNumber:          exNHSNumber,
				ReferringClinician: exSDSUser,
				Criteria:           cardiology(),
				Services:           []string{"11002"},
				PathwayStart:       pathwayStart.In(time.FixedZone("BST", 3600)),
			}, now)
		}},
		{"createReferral/requests/RequestMixedShortlist.json", func() (json.Marshaler, error) {
			return CreateReferral(NewReferral{
				NHSNumber: exNHSNumber,
				Criteria:  cardiology(),
				Services:  []string{"11002", "51002"},
			}, now)
		}},
		{"maintainReferralLetter/requests/SingleDocumentReference.json", func() (json.Marshaler, error) {
			return MaintainReferralLetter(Document{
				Location:    "Binary/50f0c0d5-7ed1-4587-8fce-889c8685eb54",
				Description: "Blood test results showing an anomaly in the values of xxxx",
				Indexed:     time.Date(2021, 6, 24, 13, 5, 3, 652_000_000, time.UTC),
			})
		}},
	}
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
	h := &referral.Handoff{PriorityCode: "TWO_WEEK_WAIT", NHSNumber: exNHSNumber, ERSServiceID: "11002"}
	c := cardiology()
	c.Priority = PriorityRoutine // ReferralFor sets the priority, whatever c says
	r := ReferralFor(h, c)
	r.PathwayStart = pathwayStart
	req, err := CreateReferral(r, pathwayStart.Add(time.Hour))
	require.NoError(t, err)

	want := readJSON(t, filepath.Join(examples, "createReferral/requests/MinimalRequest.json"))
	crit := want.(map[string]any)["parameter"].([]any)[4].(map[string]any)["resource"].(map[string]any)["contained"].([]any)[0]
	prio := crit.(map[string]any)["parameter"].([]any)[0].(map[string]any)["valueCoding"].(map[string]any)
	require.Equal(t, "URGENT", prio["code"])
	prio["code"] = "TWO_WEEK_WAIT"
	assert.Equal(t, want, asJSON(t, req))
}

func TestServiceSearchFromHandoffUsesPatientPostcodeAndTerm(t *testing.T) {
	h := &referral.Handoff{PriorityCode: "TWO_WEEK_WAIT", NHSNumber: "943 476 5919", Postcode: "ls1 4ap",
		ClinicalTerm: &referral.Coding{System: SNOMEDCT, Code: "1003"}}
	req, err := ServiceSearch(SearchFor(h, Criteria{DistanceLimit: 30}))
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
	req, err = ServiceSearch(SearchFor(h, Criteria{Postcode: "BR1 1AB"}))
	require.NoError(t, err)
	assert.Contains(t, string(mustMarshal(t, req)), `"BR1 1AB"`)
	assert.NotContains(t, string(mustMarshal(t, req)), `"LS1 4AP"`)
}

func mustMarshal(t *testing.T, m json.Marshaler) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

// twoWeekWaitHandoff decides a two-week-wait referral built in Go.
func twoWeekWaitHandoff(t testing.TB) *referral.Handoff {
	r := &referral.Referral{
		Priority:  referral.PriorityTwoWeekWait,
		Referrer:  referral.Referrer{Name: "Dr Test", Role: "GP", GMCNumber: "1234567", Phone: "0113 496 0000"},
		Practice:  referral.Practice{Name: "Test Practice", ODSCode: "A81001", Phone: "0113 496 0001"},
		Recipient: referral.Recipient{Service: "Breast clinic", Specialty: "Breast Surgery"},
		Patient: referral.Patient{GivenName: "Test", FamilyName: "Patient", NHSNumber: "9990000018",
			Address: referral.Address{Lines: []string{"1 Test Street"}, Postcode: "LS1 4AP"},
			Phones:  []referral.Phone{{Kind: "mobile", Number: "07700 900000"}}},
		Reason:  "Breast lump",
		History: "Two weeks of a lump.",
	}
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
	search, err := ServiceSearch(SearchFor(h, crit))
	require.NoError(t, err)
	r := ReferralFor(h, crit, "11002", "51002")
	r.PathwayStart = time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	create, err := CreateReferral(r, r.PathwayStart.Add(time.Hour))
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
	ok := func() NewReferral {
		return NewReferral{NHSNumber: exNHSNumber, Criteria: cardiology(), Services: []string{"11002"}}
	}
	twenty := make([]string, 20)
	for i := range twenty {
		twenty[i] = "1100" + string(rune('0'+i/10)) + string(rune('0'+i%10))
	}
	tests := []struct {
		name  string
		edit  func(*NewReferral)
		paths []string
	}{
		{"no services", func(r *NewReferral) { r.Services = nil }, []string{"services"}},
		{"21 services", func(r *NewReferral) { r.Services = append(append([]string{}, twenty...), "99999") }, []string{"services"}},
		{"repeated service", func(r *NewReferral) { r.Services = []string{"11002", "11002"} }, []string{"services[1]"}},
		{"service id not digits", func(r *NewReferral) { r.Services = []string{"11002", "abc"} }, []string{"services[1]"}},
		{"invalid NHS number", func(r *NewReferral) { r.NHSNumber = "9876544321" }, []string{"nhsNumber"}},
		{"no NHS number", func(r *NewReferral) { r.NHSNumber = "" }, []string{"nhsNumber"}},
		{"pathway start in the future", func(r *NewReferral) { r.PathwayStart = now.Add(time.Minute) }, []string{"pathwayStart"}},
		{"pathway start over 365 days ago", func(r *NewReferral) { r.PathwayStart = now.Add(-MaxPathwayAge - time.Second) }, []string{"pathwayStart"}},
		{"pathway start with no clock", func(r *NewReferral) { r.PathwayStart = now.Add(-time.Hour) }, nil},
		{"no priority", func(r *NewReferral) { r.Criteria.Priority = "" }, []string{"criteria.priority"}},
		{"display priority", func(r *NewReferral) { r.Criteria.Priority = "Two Week Wait" }, []string{"criteria.priority"}},
		{"negative reminder", func(r *NewReferral) { r.ReminderDays = -1 }, []string{"reminderDays"}},
		{"bad SDS user id", func(r *NewReferral) { r.ReferringClinician = "dr-who" }, []string{"referringClinician"}},
		{"specialty with no system", func(r *NewReferral) { r.Criteria.Specialty.System = "" }, []string{"criteria.specialty.system"}},
		{"bad postcode", func(r *NewReferral) { r.Criteria.Postcode = "NOT A POSTCODE" }, []string{"criteria.postcode"}},
		{"clinical term not SNOMED", func(r *NewReferral) {
			r.Criteria.ClinicalTerm = &referral.Coding{System: "http://read.info/ctv3", Code: "X78Y"}
		}, []string{"criteria.clinicalTerm.system", "criteria.clinicalTerm.code"}},
		{"everything at once", func(r *NewReferral) {
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
			req, err := CreateReferral(r, clock)
			assert.Nil(t, req)
			assert.Equal(t, tt.paths, fieldPaths(t, err))
			assert.NotContains(t, err.Error(), "9876544321", "an error never repeats a value")
		})
	}

	t.Run("limits are inclusive", func(t *testing.T) {
		r := ok()
		r.Services = twenty
		r.PathwayStart = now.Add(-MaxPathwayAge)
		_, err := CreateReferral(r, now)
		require.NoError(t, err)
		r.PathwayStart = now
		_, err = CreateReferral(r, now)
		require.NoError(t, err)
	})
	t.Run("nil handoff", func(t *testing.T) {
		assert.Equal(t, []string{"nhsNumber", "services"}, fieldPaths(t, errOf(CreateReferral(ReferralFor(nil, Criteria{}), now))))
	})
}

func errOf[T any](_ T, err error) error { return err }

func TestServiceSearchRejectsBadInput(t *testing.T) {
	tests := []struct {
		name  string
		s     Search
		paths []string
	}{
		{"invalid NHS number", Search{NHSNumber: "1234567890", Criteria: Criteria{Priority: PriorityUrgent}}, []string{"nhsNumber"}},
		{"no priority", Search{NHSNumber: exNHSNumber}, []string{"criteria.priority"}},
		{"bad request type", Search{NHSNumber: exNHSNumber, RequestType: "BOOKING", Criteria: Criteria{Priority: PriorityUrgent}}, []string{"requestType"}},
		{"bad sort", Search{NHSNumber: exNHSNumber, SortBy: "by distance", Criteria: Criteria{Priority: PriorityUrgent}}, []string{"sortBy"}},
		{"negative distance", Search{NHSNumber: exNHSNumber, Criteria: Criteria{Priority: PriorityUrgent, DistanceLimit: -5, WaitTimeLimit: -1}},
			[]string{"criteria.waitTimeLimit", "criteria.distanceLimit"}},
		{"bad organisation", Search{NHSNumber: exNHSNumber, Criteria: Criteria{Priority: PriorityUrgent, Organisation: "r69 "}}, []string{"criteria.organisation"}},
		{"bad clinic type code", Search{NHSNumber: exNHSNumber, Criteria: Criteria{Priority: PriorityUrgent,
			ClinicType: &referral.Coding{System: exClinicTypeSystem, Code: "HEART FAILURE"}}}, []string{"criteria.clinicType.code"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := ServiceSearch(tt.s)
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
			req, err := MaintainReferralLetter(tt.docs...)
			assert.Nil(t, req)
			assert.Equal(t, tt.paths, fieldPaths(t, err))
		})
	}
	t.Run("every document is sent", func(t *testing.T) {
		req, err := MaintainReferralLetter(
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
	_, err := CreateReferral(NewReferral{NHSNumber: "9876544321"}, time.Now())
	require.Error(t, err)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "ers: A011 create referral: invalid request: nhsNumber: "), msg)
	assert.Contains(t, msg, "services: ")
	assert.NotContains(t, msg, "9876544321")
}
