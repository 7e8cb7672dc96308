package gpconnect

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
)

// Report says how a draft was made: where each part came from, what the
// clinician must still write, what needs their attention, and what the
// bundles hold that the draft does not carry. It names resources by type
// and id, never by their values; only Referrers holds values (clinicians'
// names), and WriteText does not print them, so its text may be logged.
type Report struct {
	// Sources says, for each part of the draft, the resources it came from.
	Sources []Source
	// ToWrite lists the parts the record cannot supply or that the
	// clinician must confirm, such as the reason for referral.
	ToWrite []ToWrite
	// Warnings must be read before the draft is completed: a list that may
	// be incomplete, a reference that leads nowhere, and the like.
	Warnings []Warning
	// Unplaced lists every resource, or element of one, that the bundles
	// hold and the draft does not carry.
	Unplaced []Unplaced
	// Referrers are the clinicians the bundles name, as suggestions for the
	// referrer; the caller confirms one.
	Referrers []Referrer
}

// Ref names one resource: its type and id, and where it was in the input.
type Ref struct {
	Bundle int    // from 1
	Entry  int    // index in the bundle's entry array
	Type   string // FHIR resource type
	ID     string // the resource's id, "#id" when contained, empty when none
}

// String returns "Type/id (bundle B, entry E)". An id that is not of the
// form FHIR allows, or that looks like an NHS number or a date, is left
// out ("Type (bundle B, entry E)"), since it may be patient data.
func (r Ref) String() string {
	if r.ID == "" || !plainID(r.ID) {
		return fmt.Sprintf("%s (bundle %d, entry %d)", r.Type, r.Bundle, r.Entry)
	}
	return fmt.Sprintf("%s/%s (bundle %d, entry %d)", r.Type, r.ID, r.Bundle, r.Entry)
}

// plainID reports whether id (after a "#" for a contained resource) is a
// FHIR id, 1 to 64 letters, digits, "-" and ".", with no run of exactly
// 10 digits (an NHS number) and no date (digits, "-", digits, "-", digits).
func plainID(id string) bool {
	id = strings.TrimPrefix(id, "#")
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '.') {
			return false
		}
	}
	return !nhsLike().MatchString(id) && !dateLike().MatchString(id)
}

// nhsLike and dateLike are compiled on first use, not as every process
// using the package starts.
var (
	nhsLike  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(^|\D)\d{10}(\D|$)`) })
	dateLike = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\d{2}[-.]\d{1,2}[-.]\d{2}`) })
)

// Source is one part of the draft, by its JSON path (such as
// "allergies.items[0]"), and the resources it came from.
type Source struct {
	Path string
	From []Ref
}

// ToWrite is a part of the referral the clinician must write or confirm.
type ToWrite struct {
	Path string // JSON path, such as "reason"
	Why  string
}

// The warning codes. The first three are GP Connect's List warning codes.
const (
	WarnConfidentialItems = "confidential-items"   // items withheld as confidential
	WarnDataInTransit     = "data-in-transit"      // a record transfer is not finished
	WarnAwaitingFiling    = "data-awaiting-filing" // data received but not yet filed
	WarnNoContent         = "no-content-recorded"  // the list is empty: nothing was recorded
	WarnListAbsent        = "list-absent"          // the bundles hold no such list
	WarnMissingReference  = "missing-reference"    // a reference to a resource not in the bundle
	WarnContradiction     = "contradiction"        // a "no known allergy" entry beside active allergies
	WarnPartialAssertion  = "partial-assertion"    // "no known" of a kind that does not cover drugs
	WarnDegradedTerm      = "degraded-no-term"     // a transfer-degraded allergy without its original term
	WarnNHSNumber         = "nhs-number-check"     // the NHS number fails the Modulus 11 check
	WarnTooMany           = "too-many-items"       // more items than a referral list holds
	WarnEmptyList         = "empty-list"           // an empty list that gives no reason
	WarnIncompleteNone    = "incomplete-none"      // "no known allergies" on a list that may be incomplete
	WarnOtherPatient      = "other-patient"        // a resource about another patient
	WarnNotActive         = "not-active"           // a medication on hold or intended
	WarnOperationOutcome  = "operation-outcome"    // the GP system could not return part of the record
	WarnDeceased          = "deceased"             // the record says the patient has died
	WarnPreliminary       = "preliminary"          // a result not yet final
	WarnOutsideList       = "outside-list"         // an active allergy or medication no list holds
)

// Warning is something the clinician must check before the draft is sent.
type Warning struct {
	Code    string // one of the Warn constants, or a List warning code
	Path    string // JSON path of the draft part it concerns, such as "allergies"
	From    *Ref   // the resource it concerns, if one
	Message string
}

// Unplaced is something the bundles hold that the draft does not carry:
// a whole resource (Element empty) or one element of a placed resource.
type Unplaced struct {
	From    Ref
	Element string
	Why     string
}

// Referrer is a clinician named in the bundles, with the resources that
// name them. It is a suggestion: the caller confirms who signs.
type Referrer struct {
	Name      string
	Role      string
	GMCNumber string
	From      []Ref
}

// WriteText writes the report as plain text, one finding a line.
func (rep *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format+"\n", a...) }
	if len(rep.ToWrite) > 0 {
		p("To write or confirm:")
		for _, t := range rep.ToWrite {
			p("  %s: %s", t.Path, t.Why)
		}
	}
	if len(rep.Warnings) > 0 {
		p("Warnings:")
		for _, x := range rep.Warnings {
			from := ""
			if x.From != nil {
				from = " [" + x.From.String() + "]"
			}
			p("  %s (%s): %s%s", x.Path, x.Code, x.Message, from)
		}
	}
	if len(rep.Referrers) > 0 {
		p("Referrer suggestions (confirm one):")
		for _, r := range rep.Referrers {
			p("  %s", refs(r.From))
		}
	}
	if len(rep.Sources) > 0 {
		p("Sources:")
		for _, s := range rep.Sources {
			p("  %s: %s", s.Path, refs(s.From))
		}
	}
	if len(rep.Unplaced) > 0 {
		p("Not placed in the draft:")
		for _, u := range rep.Unplaced {
			what := u.From.String()
			if u.Element != "" {
				what += " " + u.Element
			}
			p("  %s: %s", what, u.Why)
		}
	}
	return bw.Flush()
}

func refs(rs []Ref) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.String()
	}
	return strings.Join(s, ", ")
}
