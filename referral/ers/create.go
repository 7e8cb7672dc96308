package ers

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/refletter/refletter/referral"
)

// MaxShortlist is the most services a shortlist may hold.
const MaxShortlist = 20

// MaxPathwayAge is how far back an eReferral pathway start may be.
const MaxPathwayAge = 365 * 24 * time.Hour

// LetterIntention says when the referral letter will be attached.
type LetterIntention string

// LetterLater is the intention the eRS examples use: the letter is attached
// after the referral is created (A020 upload, then A012), the flow of this
// package.
const LetterLater LetterIntention = "NEED_TO_ADD_LATER"

// CreateParams are the inputs of an A011 create referral: the patient, a
// shortlist of services with the criteria they were found by, and when the
// letter will follow.
type CreateParams struct {
	// NHSNumber is the patient's NHS number. Required.
	NHSNumber referral.NHSNumber
	// ReferringClinician is the SDS user id of the referring clinician,
	// when an administrator refers on a clinician's behalf. Optional.
	ReferringClinician string
	// Criteria are the search criteria the shortlist was found by; their
	// Priority is the referral's priority.
	Criteria Criteria
	// Services are the eRS service ids of the shortlist: 1 to 20, no
	// repeats.
	Services []string
	// LetterIntention defaults to LetterLater.
	LetterIntention LetterIntention
	// ReminderDays is firstReminderLetterFollowUpDays: days before eRS
	// reminds the referrer that the letter is missing.
	ReminderDays int
	// PathwayStart is the start of the eReferral pathway. Optional (zero
	// leaves it out); when set it is not in the future and not more than
	// 365 days ago.
	PathwayStart time.Time
}

// CreateFor returns the create-referral inputs for a two-week-wait handoff:
// the patient's NHS number, the criteria c with priority TWO_WEEK_WAIT (and
// the patient's postcode where c has none), and the shortlist services.
// When no service is given and the handoff's recipient names an eRS service
// id, the shortlist is that service. A handoff from a practice outside
// England is an error wrapping ErrNotEngland.
func CreateFor(h *referral.Handoff, c Criteria, services ...string) (CreateParams, error) {
	src, err := fromHandoff(h)
	if err != nil {
		return CreateParams{}, err
	}
	return src.create(c, services), nil
}

// CreateForReferral returns the create-referral inputs for a referral on
// the letter path: as CreateFor, with the priority from the referral
// (ROUTINE or URGENT). Its letter, rendered, is uploaded and attached once
// the referral exists (Client.Submit does all three). A referral from a
// practice outside England is an error wrapping ErrNotEngland.
func CreateForReferral(r *referral.Referral, c Criteria, services ...string) (CreateParams, error) {
	src, err := fromReferral(r)
	if err != nil {
		return CreateParams{}, err
	}
	return src.create(c, services), nil
}

func (s source) create(c Criteria, services []string) CreateParams {
	if len(services) == 0 && s.service != "" {
		services = []string{s.service}
	}
	return CreateParams{NHSNumber: s.nhs, Criteria: s.criteria(c), Services: services}
}

// CreateRequest is a checked A011 request body, built by NewCreateRequest.
// Send it with Client.CreateReferral or Client.Submit, or marshal it to
// JSON for another HTTP stack.
type CreateRequest struct {
	body parameters
}

// MarshalJSON returns the FHIR STU3 Parameters body.
func (r *CreateRequest) MarshalJSON() ([]byte, error) { return json.Marshal(r.body) }

const opCreate = "A011 create referral"

// NewCreateRequest checks r and builds the A011 request body, for any
// priority. now is the current time, against which PathwayStart is checked.
// A failing field is a *RequestError naming it; no body is built.
func NewCreateRequest(r CreateParams, now time.Time) (*CreateRequest, error) {
	var ch checker
	nhs := ch.checkNHSNumber("nhsNumber", r.NHSNumber)
	if r.ReferringClinician != "" && !isSDSUser(r.ReferringClinician) {
		ch.fail("referringClinician", "sdsuserid", "an SDS user id is 12 digits")
	}
	crit := r.Criteria.check(&ch, "criteria")
	switch {
	case len(r.Services) == 0:
		ch.fail("services", "min", "a shortlist needs at least one service")
	case len(r.Services) > MaxShortlist:
		ch.fail("services", "max", fmt.Sprintf("a shortlist holds at most %d services", MaxShortlist))
	}
	seen := make(map[string]bool, len(r.Services))
	for i, id := range r.Services {
		switch {
		case !isServiceID(id):
			ch.fail(index("services", i), "serviceid", "an eRS service id is up to 12 digits")
		case seen[id]:
			ch.fail(index("services", i), "unique", "the service is already on the shortlist")
		}
		seen[id] = true
	}
	intent := r.LetterIntention
	if intent == "" {
		intent = LetterLater
	}
	if !isUpperCode(string(intent)) {
		ch.fail("letterIntention", "code", "must be an eRS letter intention code such as NEED_TO_ADD_LATER")
	}
	if r.ReminderDays < 0 || r.ReminderDays > math.MaxInt32 {
		ch.fail("reminderDays", "range", "must be 0 or a positive whole number of days")
	}
	if !r.PathwayStart.IsZero() {
		switch {
		case now.IsZero():
			ch.fail("pathwayStart", "clock", "the current time is needed to check the pathway start")
		case r.PathwayStart.After(now):
			ch.fail("pathwayStart", "past", "the pathway start cannot be in the future")
		case now.Sub(r.PathwayStart) > MaxPathwayAge:
			ch.fail("pathwayStart", "recent", "the pathway start cannot be more than 365 days ago")
		}
	}
	if err := ch.err(opCreate); err != nil {
		return nil, err
	}

	ps := []param{{Name: "patient", ValueIdentifier: &identifier{System: systemNHSNumber, Value: nhs}}}
	if r.ReferringClinician != "" {
		ps = append(ps, param{Name: "referringClinician",
			ValueIdentifier: &identifier{System: systemSDSUser, Value: r.ReferringClinician}})
	}
	ps = append(ps,
		param{Name: "intentionToAddReferralLetter", ValueCoding: &coding{System: systemLetterIntention, Code: string(intent)}},
		param{Name: "firstReminderLetterFollowUpDays", ValueUnsignedInt: ptr(uint32(r.ReminderDays))},
	)
	if !r.PathwayStart.IsZero() {
		ps = append(ps, param{Name: "eReferralPathwayStart",
			ValueInstant: r.PathwayStart.UTC().Format("2006-01-02T15:04:05.000Z07:00")})
	}
	entries := make([]listEntry, len(r.Services))
	for i, id := range r.Services {
		entries[i] = listEntry{Item: listItem{Identifier: &identifier{System: systemService, Value: id}}}
	}
	ps = append(ps, param{Name: "shortlist", Resource: &list{
		ResourceType: "List",
		Meta:         profile(profileShortlist),
		Status:       "current",
		Mode:         "snapshot",
		Contained:    []any{crit.resource()},
		Entry:        entries,
		Extension: []extension{{URL: extShortlistCriteria,
			ValueReference: &reference{Reference: "#" + criteriaID}}},
	}})
	return &CreateRequest{body: parameters{ResourceType: "Parameters", Meta: profile(profileCreate), Parameter: ps}}, nil
}

// Created is what eRS answers an A011 create referral with.
type Created struct {
	// UBRN is the referral's Unique Booking Reference Number: 12 digits.
	UBRN string
	// ETag is the referral's version, such as W/"1": send it as If-Match
	// when the referral is changed (AttachLetters).
	ETag string
}

// parseCreated reads the ReferralRequest and ETag an A011 answers with.
// Without a valid ETag it returns the UBRN with an error.
func parseCreated(b []byte, etag string) (Created, error) {
	var rr struct {
		ResourceType string `json:"resourceType"`
		ID           string `json:"id"`
	}
	if err := json.Unmarshal(b, &rr); err != nil {
		return Created{}, fmt.Errorf("%w: referral is not valid JSON", ErrBadResponse)
	}
	if rr.ResourceType != "ReferralRequest" {
		return Created{}, fmt.Errorf("%w: answer is not a ReferralRequest", ErrBadResponse)
	}
	if !isUBRN(rr.ID) {
		return Created{}, fmt.Errorf("%w: referral id is not a 12-digit UBRN", ErrBadResponse)
	}
	if !isETag(etag) {
		// The referral exists: keep its UBRN so it is not lost.
		return Created{UBRN: rr.ID}, fmt.Errorf("%w: no ETag version on the created referral", ErrBadResponse)
	}
	return Created{UBRN: rr.ID, ETag: etag}, nil
}
