package ers

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/refletter/refletter/referral"
)

// Priority is an eRS priority code. eRS is matched on the code, never on
// its display text ("Two Week Wait" and "2 Week Wait" both occur).
type Priority string

// The eRS priorities.
const (
	PriorityRoutine     Priority = "ROUTINE"
	PriorityUrgent      Priority = "URGENT"
	PriorityTwoWeekWait Priority = "TWO_WEEK_WAIT"
)

// Valid reports whether p is one of the three eRS priorities.
func (p Priority) Valid() bool {
	return p == PriorityRoutine || p == PriorityUrgent || p == PriorityTwoWeekWait
}

// RequestType is what a service search is for.
type RequestType string

// The request types.
const (
	AppointmentRequest       RequestType = "APPOINTMENT_REQUEST"
	AdviceAndGuidanceRequest RequestType = "ADVICE_AND_GUIDANCE_REQUEST"
)

// SortBy is the order eRS lists the services found in. Other eRS sort codes
// may be given as SortBy("CODE").
type SortBy string

// The sort orders used in the eRS examples.
const (
	SortByDistance SortBy = "DISTANCE"
	// SortByWaitTime sorts by indicative appointment wait time.
	SortByWaitTime SortBy = "IWT"
)

// Criteria are what eRS matches services against: the
// eRS-ServiceSearchCriteria parameters. The same criteria are sent with the
// search (A010) and kept with the shortlist of the referral (A011).
type Criteria struct {
	// Priority is required. A two-week-wait case is PriorityTwoWeekWait.
	Priority Priority
	// Specialty and ClinicType are codings read from the eRS code systems
	// (Client.CodeSystem, A004): never guessed. Optional. CodeSystem.Coding
	// gives the code system's URL as the system; the eRS examples use it for
	// specialties but https://fhir.nhs.uk/STU3/CodeSystem/eRS-ClinicType-1
	// for clinic types, so set System where an environment expects that.
	Specialty  *referral.Coding
	ClinicType *referral.Coding
	// NamedClinician is the SDS user id of a clinician to refer to by
	// name. Optional.
	NamedClinician string
	// WaitTimeLimit is the longest indicative appointment wait time to
	// accept, as eRS counts it. 0 means no limit.
	WaitTimeLimit int
	// Postcode is where distance is measured from. Optional.
	Postcode string
	// DistanceLimit is the farthest distance from Postcode, as eRS
	// measures it. 0 means no limit.
	DistanceLimit int
	// ClinicalTerm is a SNOMED CT concept (System SNOMEDCT, or empty).
	// Optional.
	ClinicalTerm *referral.Coding
	// Organisation restricts the search to one organisation's services: an
	// ODS code. Optional.
	Organisation string
	// AgeAndGenderAppropriate limits the search to services that see
	// patients of the patient's age and gender.
	AgeAndGenderAppropriate bool
}

// SearchParams are the inputs of an A010 patient service search.
type SearchParams struct {
	// NHSNumber is the patient's NHS number. Required.
	NHSNumber referral.NHSNumber
	// ReferringClinician is the SDS user id of the referring clinician,
	// when an administrator searches on a clinician's behalf. Optional.
	ReferringClinician string
	// RequestType defaults to AppointmentRequest.
	RequestType RequestType
	// SortBy defaults to SortByDistance.
	SortBy   SortBy
	Criteria Criteria
	// CommissioningRuleOrganisation is the ODS code of the organisation
	// whose commissioning rules apply, when not the user's own. Optional.
	CommissioningRuleOrganisation string
}

// SearchFor returns the search for a two-week-wait handoff: the patient's
// NHS number, priority TWO_WEEK_WAIT, and the patient's postcode where c
// leaves it empty. The other choices (specialty, clinic type, limits) come
// from c. A handoff from a practice outside England is an error wrapping
// ErrNotEngland: e-RS is England's.
func SearchFor(h *referral.Handoff, c Criteria) (SearchParams, error) {
	src, err := fromHandoff(h)
	if err != nil {
		return SearchParams{}, err
	}
	return SearchParams{NHSNumber: src.nhs, Criteria: src.criteria(c)}, nil
}

// SearchForReferral returns the search for a referral on the letter path:
// as SearchFor, with the priority from the referral (ROUTINE or URGENT; a
// two-week-wait case is TWO_WEEK_WAIT whatever the priority field says). A
// referral from a practice outside England is an error wrapping
// ErrNotEngland.
func SearchForReferral(r *referral.Referral, c Criteria) (SearchParams, error) {
	src, err := fromReferral(r)
	if err != nil {
		return SearchParams{}, err
	}
	return SearchParams{NHSNumber: src.nhs, Criteria: src.criteria(c)}, nil
}

// SearchRequest is a checked A010 request body, built by NewSearchRequest.
// Send it with Client.SearchServices, or marshal it to JSON for another
// HTTP stack.
type SearchRequest struct {
	body parameters
}

// MarshalJSON returns the FHIR STU3 Parameters body.
func (r *SearchRequest) MarshalJSON() ([]byte, error) { return json.Marshal(r.body) }

const opSearch = "A010 search services"

// NewSearchRequest checks s and builds the A010 request body. A failing
// field is a *RequestError naming it; no body is built.
func NewSearchRequest(s SearchParams) (*SearchRequest, error) {
	var ch checker
	nhs := ch.checkNHSNumber("nhsNumber", s.NHSNumber)
	if s.ReferringClinician != "" && !isSDSUser(s.ReferringClinician) {
		ch.fail("referringClinician", "sdsuserid", "an SDS user id is 12 digits")
	}
	rt := s.RequestType
	if rt == "" {
		rt = AppointmentRequest
	}
	if rt != AppointmentRequest && rt != AdviceAndGuidanceRequest {
		ch.fail("requestType", "oneof", "must be APPOINTMENT_REQUEST or ADVICE_AND_GUIDANCE_REQUEST")
	}
	sort := s.SortBy
	if sort == "" {
		sort = SortByDistance
	}
	if !isCode(string(sort)) {
		ch.fail("sortBy", "code", "must be an eRS sort code such as DISTANCE or IWT")
	}
	crit := s.Criteria.check(&ch, "criteria")
	if o := s.CommissioningRuleOrganisation; o != "" && !isODS(o) {
		ch.fail("commissioningRuleOrganisation", "ods", "an ODS code is 3 to 9 capital letters and digits")
	}
	if err := ch.err(opSearch); err != nil {
		return nil, err
	}
	ps := []param{
		{Name: "requestType", ValueCoding: &coding{System: systemRequestType, Code: string(rt)}},
		{Name: "sortBy", ValueCoding: &coding{System: systemSortBy, Code: string(sort)}},
		{Name: "patient", ValueIdentifier: &identifier{System: systemNHSNumber, Value: nhs}},
	}
	if s.ReferringClinician != "" {
		ps = append(ps, param{Name: "referringClinician",
			ValueIdentifier: &identifier{System: systemSDSUser, Value: s.ReferringClinician}})
	}
	ps = append(ps, param{Name: "searchCriteria", Resource: crit.resource()})
	if o := s.CommissioningRuleOrganisation; o != "" {
		ps = append(ps, param{Name: "commissioningRuleOrganisation",
			ValueIdentifier: &identifier{System: systemODSOrganisation, Value: o}})
	}
	return &SearchRequest{body: parameters{ResourceType: "Parameters", Meta: profile(profileSearch), Parameter: ps}}, nil
}

// check records c's failing fields under path and returns c normalised
// (postcode upper-cased and spaced, clinical term system filled in).
func (c Criteria) check(ch *checker, path string) Criteria {
	if !c.Priority.Valid() {
		ch.fail(path+".priority", "oneof", "must be ROUTINE, URGENT or TWO_WEEK_WAIT")
	}
	ch.checkCoding(path+".specialty", c.Specialty)
	ch.checkCoding(path+".clinicType", c.ClinicType)
	if c.NamedClinician != "" && !isSDSUser(c.NamedClinician) {
		ch.fail(path+".namedClinician", "sdsuserid", "an SDS user id is 12 digits")
	}
	if c.ClinicalTerm != nil {
		t := *c.ClinicalTerm
		if t.System == "" {
			t.System = SNOMEDCT
		}
		if t.System != SNOMEDCT {
			ch.fail(path+".clinicalTerm.system", "snomed", "a clinical term must be a SNOMED CT concept")
		}
		if !isSCTID(t.Code) {
			ch.fail(path+".clinicalTerm.code", "sctid", "a SNOMED CT concept id is up to 18 digits")
		}
		c.ClinicalTerm = &t
	}
	if c.Postcode != "" {
		c.Postcode = referral.NormalizePostcode(c.Postcode)
		if !referral.ValidPostcode(c.Postcode) {
			ch.fail(path+".postcode", "postcode", "not a valid UK postcode")
		}
	}
	limit := func(name string, v int) {
		if v < 0 || v > math.MaxInt32 {
			ch.fail(path+"."+name, "range", "must be 0 (no limit) or a positive whole number")
		}
	}
	limit("waitTimeLimit", c.WaitTimeLimit)
	limit("distanceLimit", c.DistanceLimit)
	if c.Organisation != "" && !isODS(c.Organisation) {
		ch.fail(path+".organisation", "ods", "an ODS code is 3 to 9 capital letters and digits")
	}
	return c
}

// resource returns the contained eRS-ServiceSearchCriteria Parameters, in
// the parameter order of the eRS examples.
func (c Criteria) resource() *parameters {
	ps := []param{{Name: "priority", ValueCoding: &coding{System: systemPriority, Code: string(c.Priority)}}}
	if c.Specialty != nil {
		ps = append(ps, param{Name: "specialty", ValueCoding: &coding{System: c.Specialty.System, Code: c.Specialty.Code}})
	}
	if c.ClinicType != nil {
		ps = append(ps, param{Name: "clinicType", ValueCoding: &coding{System: c.ClinicType.System, Code: c.ClinicType.Code}})
	}
	if c.NamedClinician != "" {
		ps = append(ps, param{Name: "namedClinician", ValueIdentifier: &identifier{System: systemSDSUser, Value: c.NamedClinician}})
	}
	if c.WaitTimeLimit > 0 {
		ps = append(ps, param{Name: "indicativeAppointmentWaitTimeLimit", ValueUnsignedInt: ptr(uint32(c.WaitTimeLimit))})
	}
	if c.Postcode != "" {
		ps = append(ps, param{Name: "postcode", ValueString: ptr(c.Postcode)})
	}
	if c.DistanceLimit > 0 {
		ps = append(ps, param{Name: "distanceLimit", ValueUnsignedInt: ptr(uint32(c.DistanceLimit))})
	}
	if c.ClinicalTerm != nil {
		ps = append(ps, param{Name: "clinicalTerm", ValueCoding: &coding{System: c.ClinicalTerm.System, Code: c.ClinicalTerm.Code}})
	}
	if c.Organisation != "" {
		ps = append(ps, param{Name: "organisation", ValueIdentifier: &identifier{System: systemOrganisation, Value: c.Organisation}})
	}
	ps = append(ps, param{Name: "ageAndGenderAppropriate", ValueBoolean: ptr(c.AgeAndGenderAppropriate)})
	return &parameters{ResourceType: "Parameters", ID: criteriaID, Meta: profile(profileCriteria), Parameter: ps}
}

// Service is one service found by an A010 search.
type Service struct {
	// ID is the eRS service id, put on a shortlist.
	ID   string
	Name string
	// Specialty is the service's eRS specialty code.
	Specialty string
	// Location is the ODS code of the service's site, LocationName its name.
	Location     string
	LocationName string
	// WaitTime is the indicative appointment wait time; nil when eRS gives
	// none.
	WaitTime *WaitTime
	// DisplayProminently is set for services eRS shows first.
	DisplayProminently     bool
	ReferralLetterRequired bool
	// BookableType is DIRECTLY_BOOKABLE, INDIRECTLY_BOOKABLE or another
	// eRS code; GenderTreated is such as MALE_AND_FEMALE.
	BookableType     string
	GenderTreated    string
	AppointmentTypes []string
	RequestFlowTypes []string
	// NHSWebsite is the service's page on the NHS website.
	NHSWebsite string
}

// WaitTime is a service's indicative appointment wait time: a number of
// days, or, when eRS has no figure, a code such as LIMITED_AVAILABILITY or
// NOT_APPLICABLE.
type WaitTime struct {
	// Days is the wait in days; meaningful only when Code is empty.
	Days int
	// Code is the eRS code given instead of a number, or "".
	Code string
}

// String returns "21 days", or the code.
func (w WaitTime) String() string {
	if w.Code != "" {
		return w.Code
	}
	if w.Days == 1 {
		return "1 day"
	}
	return strconv.Itoa(w.Days) + " days"
}

// parseServices reads the List an A010 search answers with.
func parseServices(b []byte) ([]Service, error) {
	var l list
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("%w: service list is not valid JSON", ErrBadResponse)
	}
	if l.ResourceType != "List" {
		return nil, fmt.Errorf("%w: service search answer is not a List", ErrBadResponse)
	}
	out := make([]Service, 0, len(l.Entry))
	for i, e := range l.Entry {
		if e.Item.Identifier == nil || strings.TrimSpace(e.Item.Identifier.Value) == "" {
			return nil, fmt.Errorf("%w: service entry %d has no service id", ErrBadResponse, i)
		}
		s := Service{ID: e.Item.Identifier.Value}
		if x := sub(e.Extension, extServiceSearchItem); x != nil {
			if v := sub(x.Extension, "displayProminently"); v != nil && v.ValueBoolean != nil {
				s.DisplayProminently = *v.ValueBoolean
			}
			if v := sub(x.Extension, "indicativeAppointmentWaitTime"); v != nil {
				switch code := firstCode(v.ValueCodeableConcept); {
				case v.ValueUnsignedInt != nil:
					s.WaitTime = &WaitTime{Days: int(*v.ValueUnsignedInt)}
				case isUpperCode(code):
					s.WaitTime = &WaitTime{Code: code}
				}
			}
		}
		if x := sub(e.Item.Extension, extServiceSummaryView); x != nil {
			for _, v := range x.Extension {
				switch v.URL {
				case "serviceName":
					s.Name = str(v.ValueString)
				case "specialty":
					s.Specialty = firstCode(v.ValueCodeableConcept)
				case "genderTreated":
					s.GenderTreated = firstCode(v.ValueCodeableConcept)
				case "bookableType":
					s.BookableType = firstCode(v.ValueCodeableConcept)
				case "supportedAppointmentType":
					s.AppointmentTypes = appendCodes(s.AppointmentTypes, v.ValueCodeableConcept)
				case "supportedRequestFlowType":
					s.RequestFlowTypes = appendCodes(s.RequestFlowTypes, v.ValueCodeableConcept)
				case "referralLetterRequired":
					s.ReferralLetterRequired = v.ValueBoolean != nil && *v.ValueBoolean
				case "linkToNHSWebsite":
					s.NHSWebsite = str(v.ValueString)
				case "location":
					if r := v.ValueReference; r != nil {
						s.LocationName = r.Display
						if r.Identifier != nil {
							s.Location = r.Identifier.Value
						}
					}
				}
			}
		}
		out = append(out, s)
	}
	return out, nil
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func firstCode(c *codeableConcept) string {
	if c == nil || len(c.Coding) == 0 {
		return ""
	}
	return c.Coding[0].Code
}

func appendCodes(to []string, c *codeableConcept) []string {
	if c == nil {
		return to
	}
	for _, k := range c.Coding {
		if k.Code != "" {
			to = append(to, k.Code)
		}
	}
	return to
}
