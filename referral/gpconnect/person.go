package gpconnect

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/refletter/refletter/referral"
)

// clean trims s and turns each run of white space, line breaks included,
// into one space, so that a name never breaks a line.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// officialName picks the official name, then the usual one, then the first.
func officialName(ns []humanName) humanName {
	for _, use := range []string{"official", "usual"} {
		for _, n := range ns {
			if n.Use == use {
				return n
			}
		}
	}
	for _, n := range ns {
		if n.Use != "old" {
			return n
		}
	}
	return humanName{}
}

func fullName(n humanName) string {
	parts := append(append([]string{}, n.Prefix...), n.Given...)
	s := clean(strings.Join(append(parts, n.Family), " "))
	if s == "" {
		s = clean(n.Text)
	}
	return s
}

// conceptText is a CodeableConcept in words: the first coding's display,
// and the text too when it says something else.
func conceptText(c codeableConcept) string {
	display := ""
	for _, cd := range c.Coding {
		if d := clean(cd.Display); d != "" {
			display = d
			break
		}
	}
	text := clean(c.Text)
	switch {
	case display == "":
		return text
	case text == "" || strings.EqualFold(text, display):
		return display
	}
	return display + " (" + text + ")"
}

func hasCode(c codeableConcept, set map[string]bool) bool {
	for _, cd := range c.Coding {
		if set[strings.TrimSpace(cd.Code)] {
			return true
		}
	}
	return false
}

func notes(ns []annotation) string {
	var s []string
	for _, n := range ns {
		if t := strings.TrimSpace(n.Text); t != "" {
			s = append(s, t)
		}
	}
	return strings.Join(s, "; ")
}

// dateOf is the calendar date a FHIR date or dateTime starts with, and
// false when it has no full date (a year, or a year and month).
func dateOf(s string) (referral.Date, bool) {
	if len(s) < 10 {
		return referral.Date{}, false
	}
	d, err := referral.ParseDate(s[:10])
	return d, err == nil
}

// dateWords is a FHIR date or dateTime in words: "11 August 2016",
// "August 2016" or "2016"; anything else as given.
func dateWords(s string) string {
	s = strings.TrimSpace(s)
	if d, ok := dateOf(s); ok {
		return d.Long()
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return t.Format("January 2006")
	}
	return s
}

func (rd *reader) mapPatient(x *res) {
	x.used = true
	p := as[patient](x)
	pt := &rd.draft.Patient
	n := officialName(p.Name)
	if len(n.Prefix) > 0 {
		pt.Title = clean(n.Prefix[0])
	}
	pt.GivenName = clean(strings.Join(n.Given, " "))
	pt.FamilyName = clean(n.Family)
	// A preferred name is a nickname, or a usual name whose first given
	// name is not the official one's.
	first := ""
	if len(n.Given) > 0 {
		first = clean(n.Given[0])
	}
	for _, o := range p.Name {
		if (o.Use == "usual" || o.Use == "nickname") && len(o.Given) > 0 && clean(o.Given[0]) != first && clean(o.Given[0]) != "" {
			pt.PreferredName = clean(o.Given[0])
			break
		}
	}
	if (p.DeceasedB != nil && *p.DeceasedB) || strings.TrimSpace(p.DeceasedDT) != "" {
		rd.warn(WarnDeceased, "patient", x, "the record says the patient has died: check before referring")
	}
	rd.mapInterpreter(x, p)
	for i := range p.Contact {
		rd.unplaced(x.ref, fmt.Sprintf("contact[%d]", i), "a contact person (next of kin, carer or emergency contact): add a carer by hand if one is needed")
	}
	for i := range p.Comm {
		rd.unplaced(x.ref, fmt.Sprintf("communication[%d]", i), "a language the patient speaks: add an interpreter need by hand if there is one")
	}
	if d, err := referral.ParseDate(p.BirthDate); err == nil {
		pt.DateOfBirth = d
	}
	pt.NHSNumber = rd.nhs
	if pt.NHSNumber == "" {
		rd.toWrite("patient.nhsNumber", "the Patient has no NHS number")
	} else if !pt.NHSNumber.Valid() {
		rd.warn(WarnNHSNumber, "patient.nhsNumber", x, "the NHS number fails the Modulus 11 check: check the record")
	}
	switch p.Gender {
	case "male", "female", "other":
		pt.Sex = p.Gender
	}
	a, pick := homeAddress(p.Address)
	if pick >= 0 {
		pt.Address = a
	} else {
		rd.toWrite("patient.address", "the Patient has no current home address")
	}
	for i := range p.Address {
		if i != pick {
			rd.unplaced(x.ref, fmt.Sprintf("address[%d]", i), "another address (temporary, old or ended): the draft carries one")
		}
	}
	for i, t := range p.Telecom {
		v := clean(t.Value)
		why := ""
		switch {
		case v == "":
		case t.Use == "old" || (t.Period != nil && t.Period.End != ""):
			why = "a contact no longer in use, or with an end date: check whether it is current"
		case t.System == "phone" || t.System == "sms":
			kind := ""
			switch t.Use {
			case "mobile", "home", "work":
				kind = t.Use
			}
			pt.Phones = append(pt.Phones, referral.Phone{Kind: kind, Number: v})
		case t.System == "email" && pt.Email == "":
			pt.Email = v
		case t.System == "email":
			why = "a second email address: the draft carries one"
		default:
			why = "a contact of a kind the referral does not carry (such as fax)"
		}
		if why != "" {
			rd.unplaced(x.ref, fmt.Sprintf("telecom[%d]", i), why)
		}
	}
	if len(pt.Phones) == 0 {
		rd.toWrite("patient.phones", "the Patient has no phone number")
	}
	rd.source("patient", append([]Ref{x.ref}, rd.patients...)...)
}

// homeAddress picks the home address, else the first current one, and
// returns its index (-1 when none is current). An address given only as
// text is split into lines at its commas.
func homeAddress(as []address) (referral.Address, int) {
	i := -1
	for j := range as {
		if as[j].Use == "old" || (as[j].Period != nil && as[j].Period.End != "") {
			continue
		}
		if i < 0 || (as[j].Use == "home" && as[i].Use != "home") {
			i = j
		}
	}
	if i < 0 {
		return referral.Address{}, -1
	}
	pick := &as[i]
	a := referral.Address{Town: clean(pick.City), Postcode: clean(pick.PostalCode)}
	for _, l := range pick.Line {
		if l = clean(l); l != "" {
			a.Lines = append(a.Lines, l)
		}
	}
	if len(a.Lines) == 0 && a.Town == "" {
		for _, l := range strings.Split(pick.Text, ",") {
			if l = clean(l); l != "" && !strings.EqualFold(l, a.Postcode) {
				a.Lines = append(a.Lines, l)
			}
		}
	}
	// The district (county) is not part of a UK postal address; it is kept
	// as a last line rather than lost.
	if d := clean(pick.District); d != "" {
		a.Lines = append(a.Lines, d)
	}
	return a, i
}

// nhsCommunication is the CareConnect extension for the patient's
// language and whether they need an interpreter.
const nhsCommunication = "Extension-CareConnect-NHSCommunication-1"

// mapInterpreter puts a language the patient needs an interpreter for in
// the draft; a language without that need is listed as not placed.
func (rd *reader) mapInterpreter(x *res, p *patient) {
	for i, e := range p.Extension {
		if !strings.Contains(e.URL, nhsCommunication) {
			continue
		}
		lang, need := "", false
		for _, s := range e.Extension {
			switch {
			case s.URL == "language" && s.ValueCodeableConcept != nil:
				lang = conceptText(*s.ValueCodeableConcept)
			case s.URL == "interpreterRequired" && s.ValueBoolean != nil:
				need = *s.ValueBoolean
			}
		}
		switch {
		case lang == "":
		case need && rd.draft.Communication == nil:
			rd.draft.Communication = &referral.Communication{Interpreter: &referral.Interpreter{Language: lang}}
			rd.source("communication.interpreter", x.ref)
		default:
			rd.unplaced(x.ref, fmt.Sprintf("extension[%d]", i), "a language the patient speaks, without an interpreter need the draft can carry")
		}
	}
}

func (rd *reader) mapPractice(pat *res) {
	p := as[patient](pat)
	var org *res
	if p.Managing != nil {
		org = rd.resolve(pat, p.Managing.Reference)
	}
	// Some records name the practice only as the general practitioner.
	for _, gp := range p.GP {
		if org == nil || org.ref.Type != "Organization" {
			org = rd.resolve(pat, gp.Reference)
		}
	}
	if org == nil || org.ref.Type != "Organization" {
		rd.toWrite("practice", "the Patient names no registered practice in the bundle")
		return
	}
	org.used = true
	o := as[organization](org)
	pr := &rd.draft.Practice
	pr.Name = clean(o.Name)
	for _, id := range o.Identifier {
		if id.System == odsSystem {
			pr.ODSCode = clean(id.Value)
		}
	}
	if a, i := homeAddress(o.Address); i >= 0 {
		pr.Address = a
	}
	for _, t := range o.Telecom {
		if v := clean(t.Value); v != "" && t.System == "phone" && pr.Phone == "" {
			pr.Phone = v
		}
		if v := clean(t.Value); v != "" && t.System == "email" && pr.Email == "" {
			pr.Email = v
		}
	}
	rd.source("practice", org.ref)
	if pr.Email == "" {
		rd.toWrite("practice.email", "the practice's secure (nhs.net) email, recommended")
	}
}

// mapReferrer lists every Practitioner as a suggestion, and puts the
// patient's usual GP (or the only Practitioner) in the draft for the
// caller to confirm.
func (rd *reader) mapReferrer(pat *res) {
	// Each PractitionerRole, by the Practitioner it names.
	roles := map[*res][]*res{}
	for _, y := range rd.all {
		if y.ref.Type != "PractitionerRole" {
			continue
		}
		if r := as[practitionerRole](y); r.Practitioner != nil {
			if x := rd.resolve(y, r.Practitioner.Reference); x != nil {
				roles[x] = append(roles[x], y)
			}
		}
	}
	byKey := map[string]int{}
	for _, x := range rd.all {
		if x.ref.Type != "Practitioner" {
			continue
		}
		x.used = true
		p := as[practitioner](x)
		s := Referrer{Name: fullName(officialName(p.Name)), From: []Ref{x.ref}}
		for _, id := range p.Identifier {
			if id.System == gmcSystem {
				s.GMCNumber = gmcNumber(clean(id.Value))
			}
		}
		for _, y := range roles[x] {
			y.used = true
			s.From = append(s.From, y.ref)
			if r := as[practitionerRole](y); len(r.Code) > 0 && s.Role == "" {
				s.Role = conceptText(r.Code[0])
			}
		}
		k := strings.ToLower(s.Name) + "|" + s.GMCNumber
		if i, ok := byKey[k]; ok {
			rd.rep.Referrers[i].From = append(rd.rep.Referrers[i].From, s.From...)
			continue
		}
		byKey[k] = len(rd.rep.Referrers)
		rd.rep.Referrers = append(rd.rep.Referrers, s)
	}
	pick, why := -1, "the patient's usual GP"
	if p := as[patient](pat); len(p.GP) > 0 {
		if gp := rd.resolve(pat, p.GP[0].Reference); gp != nil {
			for i, s := range rd.rep.Referrers {
				if s.From[0] == gp.ref {
					pick = i
				}
			}
		}
	}
	if pick < 0 && len(rd.rep.Referrers) == 1 {
		pick, why = 0, "the only clinician the bundles name"
	}
	if pick < 0 {
		rd.toWrite("referrer", "the clinician who signs: name, role, registration number and direct phone")
		return
	}
	s := rd.rep.Referrers[pick]
	rd.draft.Referrer = referral.Referrer{Name: s.Name, Role: s.Role, GMCNumber: s.GMCNumber}
	rd.source("referrer", s.From...)
	rd.toWrite("referrer", "suggested from the record ("+why+"): confirm who signs, their registration number and a direct phone")
}

// gmcNumber is the 7-digit GMC number, also written as the consultant
// code "C" followed by it.
func gmcNumber(s string) string {
	if len(s) == 8 && (s[0] == 'C' || s[0] == 'c') && strings.Trim(s[1:], "0123456789") == "" {
		return s[1:]
	}
	return s
}
