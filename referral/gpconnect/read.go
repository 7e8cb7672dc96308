package gpconnect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/refletter/refletter/referral"
)

// MaxBundleBytes is the largest bundle Read accepts.
const MaxBundleBytes = 32 << 20

// Identifiers and codes of GP Connect Access Record: Structured.
const (
	bundleProfile    = "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1"
	nhsNumberSystem  = "https://fhir.nhs.uk/Id/nhs-number"
	odsSystem        = "https://fhir.nhs.uk/Id/ods-organization-code"
	gmcSystem        = "https://fhir.hl7.org.uk/Id/gmc-number"
	listAllergies    = "886921000000105"
	listEndedAllergy = "1103671000000101"
	listMedication   = "933361000000108"
	listProblems     = "717711000000103"
	transferDegraded = "196461000000101"
	// transferDegradedMed is "Transfer-degraded medication entry".
	transferDegradedMed = "196421000000109"
	significanceExt     = "ProblemSignificance-1"
	listWarningExt      = "ListWarningCode"
	emptyNoContent      = "no-content-recorded"
	emptyNoContentOld   = "noContent"
)

// noKnownAllergy holds "No known allergy" (716186003) and "No known drug
// allergy" (409137002): either means no drug allergy is known.
var noKnownAllergy = map[string]bool{"716186003": true, "409137002": true}

// partialNoKnown holds the other children of 716186003 (food, environmental,
// insect): true of their own kind, they say nothing about drugs, so they
// never make the list "none".
var partialNoKnown = map[string]bool{"429625007": true, "428607008": true, "428197003": true}

// resourceTypes are the types a structured record bundle may hold.
var resourceTypes = map[string]bool{
	"Patient": true, "Organization": true, "Practitioner": true, "PractitionerRole": true,
	"List": true, "AllergyIntolerance": true, "MedicationStatement": true, "MedicationRequest": true,
	"Medication": true, "Condition": true, "Observation": true, "DiagnosticReport": true,
	"Specimen": true, "ProcedureRequest": true, "ReferralRequest": true, "Encounter": true,
	"Immunization": true, "DocumentReference": true, "Location": true, "Device": true,
	"OperationOutcome": true, // the GP system's note of a part it could not return
}

// otherTypes are FHIR types named in errors though a bundle may not hold them.
var otherTypes = map[string]bool{
	"Bundle": true, "Composition": true, "Parameters": true,
	"Appointment": true, "Slot": true, "Schedule": true, "HealthcareService": true,
	"CarePlan": true, "Procedure": true, "FamilyMemberHistory": true, "Questionnaire": true,
}

func typeName(t string) string {
	if resourceTypes[t] || otherTypes[t] {
		return t
	}
	return ""
}

// res is one resource of the input, with where it was.
type res struct {
	ref     Ref
	foreign bool   // about a patient other than the bundle's
	key     string // its byKey key, or its container's when contained
	raw     json.RawMessage
	used    bool
}

type reader struct {
	all   []*res
	byKey map[string]*res // "bundle:Type/id", and "bundle:Type/id#cid" when contained
	byURL map[string]*res // "bundle:fullUrl"
	draft *referral.Referral
	rep   *Report
	// resultLists are the Lists of results, read through their resources.
	resultLists []*aList
	patients    []Ref
	seenObs     map[string]bool // Observations met, by type and id
	prelim      map[Ref]bool    // reports not yet final
	nhs         referral.NHSNumber
	family      string
	dob         string
}

// Read reads one or more GP Connect Access Record: Structured bundles about
// one patient (a consumer may ask for allergies, medication, problems and
// results separately) and returns a draft referral holding what the record
// holds, with a report of how it was made.
//
// The draft is not a finished referral: the record cannot supply the
// referrer's question (reason, request, history), the recipient or the
// priority, and the referrer is only suggested. Report.ToWrite lists what
// remains. A bundle that cannot be read is an *Error naming the bundle and,
// where it can, the entry index and resource type; no message holds data
// from the bundle. Read is safe for concurrent use.
func Read(bundles ...io.Reader) (*referral.Referral, *Report, error) {
	if len(bundles) == 0 {
		return nil, nil, ErrNoBundle
	}
	rd := &reader{byKey: map[string]*res{}, byURL: map[string]*res{}, seenObs: map[string]bool{}, prelim: map[Ref]bool{}, draft: &referral.Referral{}, rep: &Report{}}
	var patients []*res
	for i, r := range bundles {
		p, err := rd.load(i+1, r)
		if err != nil {
			return nil, nil, err
		}
		patients = append(patients, p)
	}
	if err := rd.samePatient(patients); err != nil {
		return nil, nil, err
	}
	if err := rd.mapAll(patients[0]); err != nil {
		return nil, nil, err
	}
	for _, x := range rd.all {
		switch {
		case x.foreign:
			rd.unplaced(x.ref, "", "about another patient: never placed")
			rd.warn(WarnOtherPatient, "patient", x, "a resource about another patient is in the bundle: check the record")
		case x.ref.Type == "OperationOutcome":
			rd.unplaced(x.ref, "", "the GP system's note of a problem with the request")
			rd.warn(WarnOperationOutcome, "record", x, "the GP system reported a problem with part of the request: parts of the record may be missing")
		case !x.used:
			rd.unplaced(x.ref, "", unplacedWhy(x.ref.Type))
		}
	}
	return rd.draft, rd.rep, nil
}

func unplacedWhy(t string) string {
	switch t {
	case "AllergyIntolerance":
		return "an allergy outside the active allergies list: not printed as active"
	case "MedicationRequest":
		return "prescribing detail (plans and issues): the referral carries current medication only"
	case "Medication":
		return "a medicine no current medication refers to"
	case "List":
		return "a list this package does not read"
	case "Specimen", "ProcedureRequest":
		return "laboratory detail the referral does not carry"
	case "Patient", "Organization", "Practitioner", "PractitionerRole":
		return "not needed for the draft"
	}
	return "not part of a list this package reads"
}

// load reads one bundle and indexes its resources. It returns the bundle's
// Patient.
func (rd *reader) load(n int, r io.Reader) (*res, error) {
	bad := func(entry int, typ string, err error, detail string) error {
		return &Error{Bundle: n, Entry: entry, ResourceType: typeName(typ), Err: err, Detail: detail}
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxBundleBytes+1))
	if err != nil {
		return nil, fmt.Errorf("gpconnect: bundle %d: %w", n, err)
	}
	if len(data) > MaxBundleBytes {
		return nil, bad(-1, "", ErrTooLarge, fmt.Sprintf("over %d bytes", MaxBundleBytes))
	}
	var b bundle
	if err := strictUnmarshal(data, &b); err != nil {
		return nil, bad(-1, "", ErrMalformed, jsonDetail(err))
	}
	if b.ResourceType != "Bundle" || !slices.ContainsFunc(b.Meta.Profile, isBundleProfile) {
		return nil, bad(-1, "", ErrNotStructuredRecord, "")
	}
	var patient *res
	for i, e := range b.Entry {
		var h header
		if len(e.Resource) == 0 || bytes.Equal(e.Resource, []byte("null")) {
			return nil, bad(i, "", ErrMalformed, "entry has no resource")
		}
		if err := json.Unmarshal(e.Resource, &h); err != nil {
			return nil, bad(i, "", ErrMalformed, jsonDetail(err))
		}
		if !resourceTypes[h.ResourceType] {
			return nil, bad(i, h.ResourceType, ErrWrongType, "not a type a structured record holds")
		}
		if h.ID == "" && h.ResourceType != "List" && h.ResourceType != "OperationOutcome" {
			return nil, bad(i, h.ResourceType, ErrMalformed, "resource has no id")
		}
		key := fmt.Sprintf("%d:%s/%s", n, h.ResourceType, h.ID)
		if h.ID == "" {
			key = fmt.Sprintf("%d:%s/@%d", n, h.ResourceType, i) // Lists may have no id
		}
		x := &res{ref: Ref{Bundle: n, Entry: i, Type: h.ResourceType, ID: h.ID}, key: key, raw: e.Resource}
		if err := checkShape(x); err != nil {
			return nil, bad(i, h.ResourceType, ErrMalformed, jsonDetail(err))
		}
		if _, ok := rd.byKey[key]; ok {
			return nil, bad(i, h.ResourceType, ErrMalformed, "a second resource with the same type and id")
		}
		rd.byKey[key] = x
		if u := strings.TrimSpace(e.FullURL); u != "" {
			rd.byURL[fmt.Sprintf("%d:%s", n, u)] = x
		}
		rd.all = append(rd.all, x)
		for ci, c := range h.Contained {
			var ch header
			if err := json.Unmarshal(c, &ch); err != nil {
				return nil, bad(i, h.ResourceType, ErrMalformed, fmt.Sprintf("contained[%d]: %s", ci, jsonDetail(err)))
			}
			if !resourceTypes[ch.ResourceType] || ch.ID == "" {
				return nil, bad(i, h.ResourceType, ErrWrongType, fmt.Sprintf("contained[%d] is not a resource a structured record holds", ci))
			}
			cx := &res{ref: Ref{Bundle: n, Entry: i, Type: ch.ResourceType, ID: "#" + ch.ID}, key: key, raw: c}
			if err := checkShape(cx); err != nil {
				return nil, bad(i, h.ResourceType, ErrMalformed, fmt.Sprintf("contained[%d]: %s", ci, jsonDetail(err)))
			}
			rd.byKey[key+"#"+ch.ID] = cx
			rd.all = append(rd.all, cx)
		}
		if h.ResourceType == "Patient" {
			if patient != nil {
				return nil, bad(i, "Patient", ErrNoPatient, "a second Patient")
			}
			patient = x
		}
	}
	if patient == nil {
		return nil, bad(-1, "", ErrNoPatient, "")
	}
	for _, x := range rd.all {
		if x.ref.Bundle == n && x != patient {
			x.foreign = rd.aboutOther(x, patient)
		}
	}
	return patient, nil
}

// aboutOther reports whether x's subject or patient is someone other than
// the bundle's Patient: a reference that neither leads to that Patient nor
// names its id.
func (rd *reader) aboutOther(x, patient *res) bool {
	var s subjects
	_ = json.Unmarshal(x.raw, &s)
	for _, r := range []*reference{s.Subject, s.Patient} {
		if r == nil || strings.TrimSpace(r.Reference) == "" {
			continue
		}
		if t := rd.resolve(x, r.Reference); t != nil {
			if t != patient {
				return true
			}
			continue
		}
		if typ, id := typeAndID(r.Reference); typ != "Patient" || id != patient.ref.ID {
			return true
		}
	}
	return false
}

// typeAndID are the resource type and id a reference ends in: "Type/id",
// "BASE/Type/id" or either followed by "/_history/version".
func typeAndID(ref string) (string, string) {
	parts := strings.Split(strings.TrimSpace(ref), "/")
	if n := len(parts); n >= 4 && parts[n-2] == "_history" {
		parts = parts[:n-2]
	}
	if len(parts) < 2 {
		return "", ""
	}
	return parts[len(parts)-2], parts[len(parts)-1]
}

// isBundleProfile reports whether p is the structured record bundle
// profile, with or without a "|version".
func isBundleProfile(p string) bool {
	p, _, _ = strings.Cut(strings.TrimSpace(p), "|")
	return p == bundleProfile
}

// strictUnmarshal decodes one JSON value and nothing after it.
func strictUnmarshal(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("data after the bundle")
	}
	return nil
}

// jsonDetail describes a decoding error without the input: the offset of
// a syntax error, the element path of a type error.
func jsonDetail(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("element %s has the wrong JSON type", te.Field)
		}
		return "a value has the wrong JSON type"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the JSON ends early (truncated)"
	case err.Error() == "data after the bundle":
		return "data after the bundle"
	}
	return "a value is not valid for its element"
}

// checkShape decodes a resource into its struct, so that a type error is
// found, and reported with its entry, before any mapping.
func checkShape(x *res) error {
	var v any
	switch x.ref.Type {
	case "Patient":
		v = new(patient)
	case "Organization":
		v = new(organization)
	case "Practitioner":
		v = new(practitioner)
	case "PractitionerRole":
		v = new(practitionerRole)
	case "List":
		v = new(list)
	case "AllergyIntolerance":
		v = new(allergyIntolerance)
	case "MedicationStatement":
		v = new(medicationStatement)
	case "Medication":
		v = new(medication)
	case "Condition":
		v = new(condition)
	case "Observation":
		v = new(observation)
	case "DiagnosticReport":
		v = new(diagnosticReport)
	default:
		return nil
	}
	return json.Unmarshal(x.raw, v)
}

// as decodes x, already checked by checkShape, into v.
func as[T any](x *res) *T {
	v := new(T)
	_ = json.Unmarshal(x.raw, v)
	return v
}

// resolve finds what a reference from x points to, in x's bundle: an
// entry's fullUrl (such as "urn:uuid:..."), "Type/id" (also absolute or
// with a version), or "#id" in x's container.
func (rd *reader) resolve(from *res, ref string) *res {
	ref = strings.TrimSpace(ref)
	if strings.HasPrefix(ref, "#") {
		return rd.byKey[from.key+ref]
	}
	if x := rd.byURL[fmt.Sprintf("%d:%s", from.ref.Bundle, ref)]; x != nil {
		return x
	}
	typ, id := typeAndID(ref)
	if typ == "" {
		return nil
	}
	return rd.byKey[fmt.Sprintf("%d:%s/%s", from.ref.Bundle, typ, id)]
}

// again reports whether a resource of the same type and id was met before
// (in an earlier bundle that queried the same part of the record); a
// repeat is listed as not placed.
func (rd *reader) again(seen map[string]bool, t *res) bool {
	k := t.ref.Type + "/" + t.ref.ID
	if seen[k] {
		t.used = true
		rd.unplaced(t.ref, "", "the same resource as in an earlier bundle")
		return true
	}
	seen[k] = true
	return false
}

func (rd *reader) source(part string, from ...Ref) {
	rd.rep.Sources = append(rd.rep.Sources, Source{Path: part, From: from})
}

func (rd *reader) warn(code, part string, from *res, msg string) {
	w := Warning{Code: code, Path: part, Message: msg}
	if from != nil {
		r := from.ref
		w.From = &r
	}
	rd.rep.Warnings = append(rd.rep.Warnings, w)
}

func (rd *reader) toWrite(part, why string) {
	rd.rep.ToWrite = append(rd.rep.ToWrite, ToWrite{Path: part, Why: why})
}

func (rd *reader) unplaced(from Ref, element, why string) {
	rd.rep.Unplaced = append(rd.rep.Unplaced, Unplaced{From: from, Element: element, Why: why})
}

func (rd *reader) entryErr(x *res, err error, detail string) error {
	return &Error{Bundle: x.ref.Bundle, Entry: x.ref.Entry, ResourceType: x.ref.Type, Err: err, Detail: detail}
}

// samePatient checks that every bundle is about one person: the same NHS
// number, date of birth and family name.
func (rd *reader) samePatient(ps []*res) error {
	for i, x := range ps {
		p := as[patient](x)
		nhs, dob, fam := nhsNumberOf(p), p.BirthDate, strings.ToLower(clean(officialName(p.Name).Family))
		if i == 0 {
			rd.nhs, rd.dob, rd.family = nhs, dob, fam
			continue
		}
		x.used = true
		rd.patients = append(rd.patients, x.ref)
		if nhs == "" || nhs != rd.nhs || dob != rd.dob || fam != rd.family {
			return rd.entryErr(x, ErrPatientMismatch, "NHS number, date of birth or family name differs from bundle 1")
		}
	}
	return nil
}

func nhsNumberOf(p *patient) referral.NHSNumber {
	for _, id := range p.Identifier {
		if id.System == nhsNumberSystem {
			return referral.ParseNHSNumber(strings.TrimSpace(id.Value))
		}
	}
	return ""
}

func (rd *reader) mapAll(pat *res) error {
	rd.mapPatient(pat)
	rd.mapPractice(pat)
	rd.mapReferrer(pat)
	rd.toWrite("priority", "routine, urgent or two-week wait: the clinician decides")
	rd.toWrite("recipient.service", "the service referred to")
	rd.toWrite("reason", "the reason for referral: the record cannot supply the referrer's question")
	rd.toWrite("request", "what is asked of the specialist")
	rd.toWrite("history", "the history of the presenting complaint")
	lists, err := rd.lists()
	if err != nil {
		return err
	}
	if err := rd.mapAllergies(lists); err != nil {
		return err
	}
	if err := rd.mapMedications(lists); err != nil {
		return err
	}
	if err := rd.mapProblems(lists); err != nil {
		return err
	}
	return rd.mapInvestigations()
}
