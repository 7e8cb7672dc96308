package gpconnect

import (
	"fmt"
	"slices"
	"strings"

	"github.com/refletter/refletter/referral"
)

// aList is one List resource with what it says about completeness.
type aList struct {
	x           *res
	noContent   bool     // emptyReason given: nothing recorded
	warnings    []string // GP Connect List warning codes
	items       []*res   // the resources its entries point to, in order
	missingRefs int
}

// lists reads every List, by its SNOMED code. Each entry must point to a
// resource of the type the list holds.
func (rd *reader) lists() (map[string][]*aList, error) {
	want := map[string]string{
		listAllergies: "AllergyIntolerance", listEndedAllergy: "AllergyIntolerance",
		listMedication: "MedicationStatement", listProblems: "Condition",
	}
	out := map[string][]*aList{}
	for _, x := range rd.all {
		if x.ref.Type != "List" || x.foreign {
			continue
		}
		l := as[list](x)
		code := ""
		for _, c := range l.Code.Coding {
			if _, ok := want[strings.TrimSpace(c.Code)]; ok {
				code = strings.TrimSpace(c.Code)
			}
		}
		results := code == "" && hasCode(l.Code, resultLists)
		if code == "" && !results {
			continue
		}
		x.used = true
		al := &aList{x: x, noContent: l.EmptyReason != nil}
		for _, e := range l.Extension {
			if !strings.Contains(e.URL, listWarningExt) {
				continue
			}
			w := e.ValueCode
			if w == "" && e.ValueCodeableConcept != nil && len(e.ValueCodeableConcept.Coding) > 0 {
				w = e.ValueCodeableConcept.Coding[0].Code
			}
			al.warnings = append(al.warnings, strings.TrimSpace(w))
		}
		for i, e := range l.Entry {
			t := rd.resolve(x, e.Item.Reference)
			if t == nil {
				al.missingRefs++
				continue
			}
			if results {
				continue // its Observations and reports are read on their own
			}
			if t.ref.Type != want[code] {
				return nil, rd.entryErr(x, ErrWrongType, fmt.Sprintf("list entry %d is %s, not %s", i, article(typeName(t.ref.Type)), article(want[code])))
			}
			if t.foreign {
				al.missingRefs++ // another patient's: never placed, and the list is not whole
				continue
			}
			al.items = append(al.items, t)
		}
		if results {
			rd.resultLists = append(rd.resultLists, al)
		} else {
			out[code] = append(out[code], al)
		}
	}
	return out, nil
}

// resultLists are the investigations and miscellaneous record Lists.
var resultLists = map[string]bool{"887191000000108": true, "826501000000100": true}

func article(t string) string {
	switch {
	case t == "":
		return "a resource of another type"
	case strings.ContainsRune("AEIOU", rune(t[0])):
		return "an " + t
	}
	return "a " + t
}

// listWarnings reports a list's warning codes and missing references, and
// says whether the list may be incomplete.
func (rd *reader) listWarnings(part string, al *aList) bool {
	for _, w := range al.warnings {
		msg := "the list may be incomplete"
		switch w {
		case WarnConfidentialItems:
			msg = "items were withheld as confidential: the list may be incomplete"
		case WarnDataInTransit:
			msg = "a record transfer is in progress: the list may be incomplete"
		case WarnAwaitingFiling:
			msg = "data awaits filing in the record: the list may be incomplete"
		default:
			w = "list-warning"
		}
		rd.warn(w, part, al.x, msg)
	}
	if al.missingRefs > 0 {
		rd.warn(WarnMissingReference, part, al.x, fmt.Sprintf("%d list entries refer to resources not in the bundle, or about another patient: the list is incomplete", al.missingRefs))
	}
	return len(al.warnings) > 0 || al.missingRefs > 0
}

// mapAllergies applies the GP Connect allergy rules. Only a "no known
// allergy" or "no known drug allergy" entry, with no active allergy and
// nothing that makes the list incomplete, gives "recorded, none"; an empty
// list, an incomplete one or a missing one gives "unknown".
func (rd *reader) mapAllergies(lists map[string][]*aList) error {
	al := &rd.draft.Allergies
	for _, e := range lists[listEndedAllergy] {
		rd.unplaced(e.x.ref, "", "the ended allergies list: its allergies are never printed as active")
		rd.listWarnings("allergies", e)
		for _, t := range e.items {
			t.used = true
			rd.unplaced(t.ref, "", "an ended allergy: never printed as active")
		}
	}
	active := lists[listAllergies]
	if len(active) == 0 {
		al.State = referral.StateUnknown
		rd.warn(WarnListAbsent, "allergies", nil, "the bundles hold no allergies list: allergy status is unknown")
		return nil
	}
	var from []Ref
	incomplete, noContent, nka, partial := false, false, []*res(nil), false
	seen := map[string]bool{}
	for _, l := range active {
		from = append(from, l.x.ref)
		if rd.listWarnings("allergies", l) {
			incomplete = true
		}
		if l.noContent && len(l.items) == 0 {
			noContent = true
		}
		for _, t := range l.items {
			if rd.again(seen, t) {
				continue
			}
			t.used = true
			a := as[allergyIntolerance](t)
			switch {
			case a.VerificationStatus == "entered-in-error" || a.VerificationStatus == "refuted":
				rd.unplaced(t.ref, "", "entered in error or refuted")
			case a.ClinicalStatus == "resolved" || a.ClinicalStatus == "inactive":
				rd.unplaced(t.ref, "", "an ended allergy: never printed as active")
			case hasCode(a.Code, noKnownAllergy):
				nka = append(nka, t)
			case hasCode(a.Code, partialNoKnown):
				partial = true
				rd.unplaced(t.ref, "", "a \"no known allergy\" of a kind that does not cover drugs")
				rd.warn(WarnPartialAssertion, "allergies", t, "a \"no known allergy\" of a kind that does not cover drugs: drug allergy status is not stated")
			default:
				if len(al.Items) >= referral.MaxListItems {
					rd.unplaced(t.ref, "", "more active allergies than a referral list holds")
					rd.warn(WarnTooMany, "allergies", t, "more active allergies than a referral holds: add the rest by hand")
					incomplete = true
					continue
				}
				rd.source(fmt.Sprintf("allergies.items[%d]", len(al.Items)), t.ref)
				al.Items = append(al.Items, rd.allergy(t, a))
			}
		}
	}
	for _, t := range rd.outside("AllergyIntolerance", seen, func(t *res) bool {
		a := as[allergyIntolerance](t)
		return a.ClinicalStatus != "resolved" && a.ClinicalStatus != "inactive" &&
			a.VerificationStatus != "entered-in-error" && a.VerificationStatus != "refuted" &&
			!hasCode(a.Code, noKnownAllergy) && !hasCode(a.Code, partialNoKnown)
	}) {
		incomplete = true
		rd.warn(WarnOutsideList, "allergies", t, "an active allergy outside the allergies list: check the record")
	}
	switch {
	case len(al.Items) > 0:
		al.State = referral.StateRecorded
		for _, t := range nka {
			rd.warn(WarnContradiction, "allergies", t, "a \"no known allergy\" entry stands beside active allergies: check the record")
		}
	case len(nka) > 0 && !incomplete && !noContent:
		al.State = referral.StateRecorded
		al.Items = []referral.Allergy{}
		for _, t := range nka {
			from = append(from, t.ref)
		}
		nka = nil
	default:
		al.State = referral.StateUnknown
		switch {
		case noContent && len(nka) > 0:
			rd.warn(WarnContradiction, "allergies", active[0].x, "one list says nothing is recorded, another says no known allergies: allergy status is left unknown")
		case noContent:
			rd.warn(WarnNoContent, "allergies", active[0].x, "no allergies are recorded (not \"no known allergies\"): allergy status is unknown")
		case incomplete && len(nka) > 0:
			rd.warn(WarnIncompleteNone, "allergies", active[0].x, "the record says no known allergies, but the list may be incomplete: allergy status is left unknown")
		case !partial && !incomplete:
			rd.warn(WarnEmptyList, "allergies", active[0].x, "the allergies list holds no active allergy and no \"no known allergies\" entry: allergy status is unknown")
		}
	}
	for _, t := range nka {
		rd.unplaced(t.ref, "", "a \"no known allergy\" entry the draft cannot state as none: see the warnings")
	}
	rd.source("allergies", from...)
	return nil
}

// allergy maps one active AllergyIntolerance. A transfer-degraded drug
// allergy is named by its original term (the text, else the note), never
// by the code's display.
func (rd *reader) allergy(t *res, a *allergyIntolerance) referral.Allergy {
	var out referral.Allergy
	noteUsed := false
	if hasCode(a.Code, map[string]bool{transferDegraded: true}) {
		out.Substance = clean(a.Code.Text)
		if out.Substance == "" {
			out.Substance = clean(notes(a.Note))
			noteUsed = true
		}
		if out.Substance == "" {
			out.Substance = "Drug allergy: original term not given in the record"
			rd.warn(WarnDegradedTerm, "allergies", t, "a transfer-degraded drug allergy without its original term: check the record")
		} else {
			out.Substance += " (transfer-degraded drug allergy)"
		}
	} else {
		out.Substance = conceptText(a.Code)
		if out.Substance == "" {
			out.Substance = "Allergy not named in the record"
			rd.warn(WarnDegradedTerm, "allergies", t, "an allergy without a code or text: check the record")
		}
	}
	var reactions, severities []string
	for _, r := range a.Reaction {
		for _, m := range r.Manifestation {
			if s := conceptText(m); s != "" && !slices.Contains(reactions, s) {
				reactions = append(reactions, s)
			}
		}
		if s := clean(r.Description); s != "" && !slices.Contains(reactions, s) {
			reactions = append(reactions, s)
		}
		if s := clean(r.Severity); s != "" && !slices.Contains(severities, s) {
			severities = append(severities, s)
		}
	}
	out.Reaction = strings.Join(reactions, "; ")
	out.Severity = strings.Join(severities, ", ")
	if n := notes(a.Note); n != "" && !noteUsed {
		rd.unplaced(t.ref, "note", "an allergy's note has no place in the referral: read it in the record")
	}
	return out
}

// mapMedications takes only active MedicationStatements as current
// medication.
func (rd *reader) mapMedications(lists map[string][]*aList) error {
	ms := &rd.draft.Medications
	ls := lists[listMedication]
	if len(ls) == 0 {
		ms.State = referral.StateUnknown
		rd.warn(WarnListAbsent, "medications", nil, "the bundles hold no medication list: current medication is unknown")
		return nil
	}
	var from []Ref
	incomplete, noContent, ended := false, false, 0
	seen := map[string]bool{}
	for _, l := range ls {
		from = append(from, l.x.ref)
		if rd.listWarnings("medications", l) {
			incomplete = true
		}
		if l.noContent && len(l.items) == 0 {
			noContent = true
		}
		for _, t := range l.items {
			if rd.again(seen, t) {
				continue
			}
			t.used = true
			s := as[medicationStatement](t)
			switch s.Status {
			case "active":
			case "completed", "stopped":
				ended++
				rd.unplaced(t.ref, "", "medication with status "+s.Status+": not current")
				continue
			case "entered-in-error":
				rd.unplaced(t.ref, "", "entered in error")
				continue
			default:
				// On hold, intended, or no status: not current, and not
				// evidence that nothing is.
				incomplete = true
				rd.unplaced(t.ref, "", "medication with status "+statusWord(s.Status)+": not current")
				rd.warn(WarnNotActive, "medications", t, "a medication on hold, intended or without a status is not listed as current: check the record")
				continue
			}
			name, med := rd.medicationName(t, s)
			if name == "" {
				incomplete = true
				rd.unplaced(t.ref, "", "an active medication whose medicine is not in the bundle")
				rd.warn(WarnMissingReference, "medications", t, "an active medication names a medicine not in the bundle: the list is incomplete")
				continue
			}
			if len(ms.Items) >= referral.MaxListItems {
				incomplete = true
				rd.unplaced(t.ref, "", "more current medication than a referral list holds")
				rd.warn(WarnTooMany, "medications", t, "more current medication than a referral holds: add the rest by hand")
				continue
			}
			m := referral.Medication{Name: name}
			var doses []string
			for _, d := range s.Dosage {
				for _, v := range []string{clean(d.Text), clean(d.PatientInstruction)} {
					if v != "" && !slices.Contains(doses, v) {
						doses = append(doses, v)
					}
				}
			}
			m.Dose = strings.Join(doses, "; ")
			if s.EffectivePeriod != nil && s.EffectivePeriod.Start != "" {
				m.Since = dateWords(s.EffectivePeriod.Start)
			} else if s.EffectiveDateTime != "" {
				m.Since = dateWords(s.EffectiveDateTime)
			}
			if notes(s.Note) != "" {
				rd.unplaced(t.ref, "note", "a medication's note has no place in the referral: read it in the record")
			}
			src := []Ref{t.ref}
			if med != nil {
				src = append(src, med.ref)
			}
			rd.source(fmt.Sprintf("medications.items[%d]", len(ms.Items)), src...)
			ms.Items = append(ms.Items, m)
		}
	}
	for _, t := range rd.outside("MedicationStatement", seen, func(t *res) bool {
		st := as[medicationStatement](t).Status
		return st != "completed" && st != "stopped" && st != "entered-in-error"
	}) {
		incomplete = true
		rd.warn(WarnOutsideList, "medications", t, "a medication not ended, outside the medication list: check the record")
	}
	switch {
	case len(ms.Items) > 0:
		ms.State = referral.StateRecorded
	case noContent:
		ms.State = referral.StateUnknown
		rd.warn(WarnNoContent, "medications", ls[0].x, "no medication is recorded (not \"no current medication\"): current medication is unknown")
	case incomplete:
		ms.State = referral.StateUnknown
	case ended > 0:
		ms.State = referral.StateRecorded // every entry has ended: none current
		ms.Items = []referral.Medication{}
	default:
		ms.State = referral.StateUnknown
		rd.warn(WarnEmptyList, "medications", ls[0].x, "the medication list holds no medication and says not why: current medication is unknown")
	}
	rd.source("medications", from...)
	return nil
}

// outside returns the resources of type typ, about the patient, that no
// list placed (their type and id are not in seen) and for which keep holds:
// record entries that lists claiming to be whole leave out.
func (rd *reader) outside(typ string, seen map[string]bool, keep func(*res) bool) []*res {
	var out []*res
	for _, x := range rd.all {
		if x.ref.Type == typ && !x.used && !x.foreign && !seen[typ+"/"+x.ref.ID] && keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func statusWord(s string) string {
	switch s {
	case "intended", "on-hold":
		return s
	}
	return "not given"
}

func (rd *reader) medicationName(t *res, s *medicationStatement) (string, *res) {
	if s.MedicationReference != nil {
		m := rd.resolve(t, s.MedicationReference.Reference)
		if m == nil || m.ref.Type != "Medication" {
			return "", nil
		}
		m.used = true
		return rd.medicineName(t, as[medication](m).Code), m
	}
	if s.MedicationConcept != nil {
		return rd.medicineName(t, *s.MedicationConcept), nil
	}
	return "", nil
}

// medicineName is a medicine in words. A transfer-degraded medication
// entry is named by its original term (the text), never by the code's
// display alone.
func (rd *reader) medicineName(t *res, c codeableConcept) string {
	if !hasCode(c, map[string]bool{transferDegradedMed: true}) {
		return conceptText(c)
	}
	if term := clean(c.Text); term != "" {
		return term + " (transfer-degraded medication entry)"
	}
	rd.warn(WarnDegradedTerm, "medications", t, "a transfer-degraded medication without its original term: check the record")
	return "Medication: original term not given in the record"
}

// mapProblems puts problem Conditions in the past history: active and
// significant first, then active minor, then ended significant, then the
// rest, each group in the record's order.
func (rd *reader) mapProblems(lists map[string][]*aList) error {
	type problem struct {
		rank int
		c    referral.Condition
		ref  Ref
	}
	var ps []problem
	var from []Ref
	seen := map[string]bool{}
	for _, l := range lists[listProblems] {
		from = append(from, l.x.ref)
		rd.listWarnings("pastHistory", l)
		if l.noContent && len(l.items) == 0 {
			rd.warn(WarnNoContent, "pastHistory", l.x, "no problems are recorded: past history is not known from the record")
		}
		for _, t := range l.items {
			if rd.again(seen, t) {
				continue
			}
			t.used = true
			c := as[condition](t)
			if c.VerificationStatus == "entered-in-error" || c.VerificationStatus == "refuted" {
				rd.unplaced(t.ref, "", "entered in error or refuted")
				continue
			}
			name := conceptText(c.Code)
			if name == "" {
				rd.unplaced(t.ref, "", "a problem with no code or text")
				continue
			}
			sig := "" // major, minor, or not stated
			for _, e := range c.Extension {
				if strings.Contains(e.URL, significanceExt) {
					for _, s := range e.Extension {
						if s.URL == "type" && s.ValueCode != "" {
							sig = s.ValueCode
						}
					}
					if e.ValueCode != "" {
						sig = e.ValueCode
					}
				}
			}
			major := sig == "major"
			activeP := c.ClinicalStatus == "active"
			rank := 3
			switch {
			case activeP && major:
				rank = 0
			case activeP:
				rank = 1
			case major:
				rank = 2
			}
			var note []string
			switch sig {
			case "major":
				note = append(note, "significant")
			case "minor":
				note = append(note, "minor")
			}
			switch {
			case activeP:
				note = append(note, "active")
			case c.AbatementDateTime != "":
				note = append(note, "ended "+dateWords(c.AbatementDateTime))
			case c.ClinicalStatus != "":
				note = append(note, statusWordProblem(c.ClinicalStatus))
			}
			if len(note) > 0 { // our own words, so ASCII
				note[0] = strings.ToUpper(note[0][:1]) + note[0][1:]
			}
			if n := notes(c.Note); n != "" {
				note = append(note, n)
			}
			since := dateWords(c.OnsetDateTime)
			if since == "" && c.OnsetPeriod != nil {
				since = dateWords(c.OnsetPeriod.Start)
			}
			ps = append(ps, problem{rank: rank, ref: t.ref, c: referral.Condition{Condition: name, Since: since, Note: strings.Join(note, "; ")}})
		}
	}
	slices.SortStableFunc(ps, func(a, b problem) int { return a.rank - b.rank })
	for _, p := range ps {
		if len(rd.draft.PastHistory) >= referral.MaxListItems {
			rd.unplaced(p.ref, "", "more problems than a referral list holds")
			rd.warn(WarnTooMany, "pastHistory", nil, "more problems than a referral holds: the least significant were left out")
			continue
		}
		rd.source(fmt.Sprintf("pastHistory[%d]", len(rd.draft.PastHistory)), p.ref)
		rd.draft.PastHistory = append(rd.draft.PastHistory, p.c)
	}
	if len(from) > 0 {
		rd.source("pastHistory", from...)
	}
	return nil
}

func statusWordProblem(s string) string {
	switch s {
	case "inactive", "resolved", "remission", "recurrence":
		return s
	}
	return "status not given"
}
