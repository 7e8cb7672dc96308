package gpconnect

import (
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
	for _, o := range p.Name {
		if (o.Use == "usual" || o.Use == "nickname") && len(o.Given) > 0 && clean(o.Given[0]) != pt.GivenName {
			pt.PreferredName = clean(o.Given[0])
			break
		}
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
	if a, ok := homeAddress(p.Address); ok {
		pt.Address = a
	} else {
		rd.toWrite("patient.address", "the Patient has no home address")
	}
	for _, t := range p.Telecom {
		v := clean(t.Value)
		switch {
		case v == "" || t.Use == "old":
		case t.System == "phone":
			kind := ""
			switch t.Use {
			case "mobile", "home", "work":
				kind = t.Use
			}
			pt.Phones = append(pt.Phones, referral.Phone{Kind: kind, Number: v})
		case t.System == "email" && pt.Email == "":
			pt.Email = v
		}
	}
	if len(pt.Phones) == 0 {
		rd.toWrite("patient.phones", "the Patient has no phone number")
	}
	rd.source("patient", append([]Ref{x.ref}, rd.patients...)...)
}

// homeAddress picks the home address, else the first current one.
func homeAddress(as []address) (referral.Address, bool) {
	var pick *address
	for i := range as {
		if as[i].Use == "old" || (as[i].Period != nil && as[i].Period.End != "") {
			continue
		}
		if pick == nil || (as[i].Use == "home" && pick.Use != "home") {
			pick = &as[i]
		}
	}
	if pick == nil {
		return referral.Address{}, false
	}
	a := referral.Address{Town: clean(pick.City), Postcode: clean(pick.PostalCode)}
	for _, l := range pick.Line {
		if l = clean(l); l != "" {
			a.Lines = append(a.Lines, l)
		}
	}
	// The district (county) is not part of a UK postal address; it is kept
	// as a last line rather than lost.
	if d := clean(pick.District); d != "" {
		a.Lines = append(a.Lines, d)
	}
	return a, true
}

func (rd *reader) mapPractice(pat *res) {
	p := as[patient](pat)
	var org *res
	if p.Managing != nil {
		org = rd.resolve(pat, p.Managing.Reference)
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
	if a, ok := homeAddress(o.Address); ok {
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
		for _, y := range rd.all {
			if y.ref.Type != "PractitionerRole" {
				continue
			}
			r := as[practitionerRole](y)
			if r.Practitioner != nil && rd.resolve(y, r.Practitioner.Reference) == x {
				y.used = true
				s.From = append(s.From, y.ref)
				if len(r.Code) > 0 && s.Role == "" {
					s.Role = conceptText(r.Code[0])
				}
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
