package referral

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ComposeReply composes the practice's reply to a referral returned
// unaccepted because it was not made on a local referral form. ret says
// when, by whom and why; r is the referral as it was sent, and must hold
// its date.
//
// The reply, from the practice to the service that returned the referral,
// names the patient, the referral's date and UBRN when known and the date
// it was returned; quotes the reason given, as given; states that the
// referral letter holds the clinical information needed to triage it and,
// in England, that a local form is not a requirement of the GP contract
// (regulation 17(4)-(5) of the GMS Contracts Regulations 2015, BMA GPC
// England guidance); asks the service to triage the referral on clinical
// grounds and to contact the referrer if clinical information is missing;
// lists the original letter as enclosed, and the copies of ret. It claims
// no more than the default statement does. Send the original letter with
// it (package pdf can put both in one document).
//
// Outside England (the practice's nation as given, or as
// Practice.EffectiveNation infers it) the contractual sentence is left
// out, since it cites English law, unless WithStatement supplies the
// caller's own wording, which then replaces it everywhere. WithoutStatement leaves it
// out. WithClock sets the reply's date (today by default); WithProforma
// routes a two-week-wait form to eRS. ForPatient is refused with an error
// wrapping ErrNoPatientCopy: the reply is to the service. The original
// referral is checked against its own date, so an old letter can be
// answered.
//
// Invalid input gives FieldErrors for every failing field, with paths
// prefixed "referral." or "returned.". A two-week-wait referral never gets
// a reply, since it goes through the NHS e-Referral Service on its form:
// the error wraps ErrTwoWeekWait, as Compose's does.
func ComposeReply(r *Referral, ret *Returned, opts ...Option) (*Letter, error) {
	s := settingsOf(opts)
	now := s.now()
	var errs FieldErrors
	collect := func(prefix string, err error) error {
		if err == nil {
			return nil
		}
		var fes FieldErrors
		if !errors.As(err, &fes) {
			return err
		}
		for _, fe := range fes {
			fe.Path = strings.TrimSuffix(prefix+fe.Path, ".")
			errs = append(errs, fe)
		}
		return nil
	}
	if s.forPatient {
		// The reply is to the service; the patient's copy is of the letter.
		return nil, fmt.Errorf("%w: a reply to a returned referral has no patient's copy", ErrNoPatientCopy)
	}
	if r == nil {
		errs = append(errs, FieldError{Path: "referral", Rule: RuleRequired, Message: "is required"})
	} else if err := collect("referral.", r.validateAt(referralDay(r, now))); err != nil {
		return nil, err
	}
	if ret == nil {
		errs = append(errs, FieldError{Path: "returned", Rule: RuleRequired, Message: "is required"})
	} else if err := collect("returned.", ret.validateAt(now)); err != nil {
		return nil, err
	}
	if r != nil {
		switch {
		case r.Date.IsZero():
			errs = append(errs, FieldError{Path: "referral.date", Rule: RuleRequired, Message: "is required for a reply: it is the date of the original letter"})
		case ret != nil && r.Date.Valid() && ret.Date.Valid() && ret.Date.Before(r.Date):
			errs = append(errs, FieldError{Path: "returned.date", Rule: RuleDateOrder, Message: "is before the referral's date"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if rt := decide(r, s, false); rt.Path != PathLetter {
		return nil, &TwoWeekWaitError{Route: rt}
	}
	c := composer{r: r, s: s, date: DateOf(now)}
	return c.reply(ret), nil
}

// referralDay is the day the original referral is checked against: its
// own date, so that a letter that was valid when written (its date within
// the window around that day) can be answered however long it took to
// come back; today when it has no valid date.
func referralDay(r *Referral, now time.Time) time.Time {
	if r.Date.Valid() {
		return r.Date.Time()
	}
	return now
}

func (c *composer) reply(ret *Returned) *Letter {
	r := c.r
	c.letterhead()
	c.add(&Addressee{Lines: replyAddressee(r, ret), Path: "returned.by"})

	kv := &KeyValueList{Path: "reference"}
	kv.Items = append(kv.Items, KeyValue{Key: "Date", Value: c.date.Long()})
	if r.Reference != "" {
		kv.Items = append(kv.Items, KeyValue{Key: "Our reference", Value: r.Reference, Path: "reference"})
	}
	if ret.Reference != "" {
		kv.Items = append(kv.Items, KeyValue{Key: "Your reference", Value: ret.Reference, Path: "returned.reference"})
	}
	c.add(kv)

	p := r.Patient
	re := "Re: " + fullName(p) +
		"\nBorn " + p.DateOfBirth.Long() + ", NHS number " + p.NHSNumber.String() +
		"\n" + strings.Join(addressLines(p.Address), ", ") +
		"\nReferral of " + r.Date.Long() + " to " + r.Recipient.Service
	switch {
	case r.UBRN.Valid() && ret.UBRN != "" && ret.UBRN.String() != r.UBRN.String():
		// Neither is dropped: the return may quote another e-Referral.
		re += ", e-RS UBRN " + r.UBRN.String() + " (returned quoting e-RS UBRN " + ret.UBRN.String() + ")"
	case ret.UBRN != "":
		re += ", e-RS UBRN " + ret.UBRN.String()
	case r.UBRN.Valid():
		re += ", e-RS UBRN " + r.UBRN.String()
	}
	re += ", returned on " + ret.Date.Long()
	c.add(&Paragraph{Text: re, Strong: true, Path: "patient"})

	c.add(&Paragraph{Text: "Dear Colleague,", Path: "returned.by"})
	c.add(&Paragraph{Text: "The referral above was returned to the practice by " + ret.By + ", giving this reason:\n" +
		"\u201c" + strings.TrimSpace(ret.Reason) + "\u201d", Path: "returned.reason"})
	for _, para := range c.replyPosition() {
		c.add(&Paragraph{Text: para, Path: "statement"})
	}
	c.add(&Paragraph{Text: "The referral letter holds the clinical information needed to triage it. " +
		"I would be grateful if you could triage the referral on clinical grounds and, " +
		"if any clinical information you need is missing, contact the referrer named below.", Path: "statement"})
	c.signature()
	c.add(&Paragraph{Text: "Enclosure: the original referral letter of " + r.Date.Long(), Path: "date"})
	var cc []string
	if cp := ret.Copies; cp != nil {
		for _, o := range []*CopyRecipient{cp.Commissioner, cp.LMC} {
			if o == nil {
				continue
			}
			l := "cc: " + o.Name
			if o.Address != nil {
				l += ", " + strings.Join(addressLines(*o.Address), ", ")
			}
			cc = append(cc, l)
		}
	}
	if len(cc) > 0 {
		c.add(&CopyList{Lines: cc, Path: "returned.copies"})
	}
	prefixFields(c.blocks)

	return &Letter{
		Meta: Meta{
			Title:    "Reply to a returned referral: " + firstNonEmpty(r.Recipient.Specialty, r.Recipient.Service),
			Subject:  "Reply to " + ret.By + " about a returned referral",
			Author:   r.Practice.Name,
			Creator:  "refletter",
			Language: "en-GB",
			Date:     c.date,
			Patient: PageIdentity{
				Name:        fullName(p),
				DateOfBirth: p.DateOfBirth.Long(),
				NHSNumber:   p.NHSNumber.String(),
			},
			Confidentiality: "Confidential: this letter contains patient-identifiable information.",
		},
		Blocks: c.blocks,
	}
}

// replyPosition is the contractual position: the caller's own statement,
// or in England the checked citation, or nothing.
func (c *composer) replyPosition() []string {
	switch {
	case c.s.noStatement:
		return nil
	case c.s.statement != nil:
		paras := append([]string(nil), c.s.statement.Paragraphs...)
		if src := strings.TrimSpace(c.s.statement.Source); src != "" {
			paras = append(paras, "Source: "+src)
		}
		return paras
	case citesEnglishLaw(c.r):
		return []string{formNotUsed}
	}
	return nil
}

// replyAddressee is the returning service, with its address when given,
// or the referral recipient's organisation and address when the service
// is the one referred to.
func replyAddressee(r *Referral, ret *Returned) []string {
	lines := []string{ret.By}
	switch rc := r.Recipient; {
	case ret.Address != nil:
		lines = append(lines, addressLines(*ret.Address)...)
	case strings.EqualFold(strings.TrimSpace(ret.By), strings.TrimSpace(rc.Service)):
		if rc.Organisation != "" {
			lines = append(lines, rc.Organisation)
		}
		if rc.Address != nil {
			lines = append(lines, addressLines(*rc.Address)...)
		}
	}
	return lines
}

// prefixFields names the referral's fields in a reply by their path in the
// reply's request, {"referral": ..., "returned": ...}.
func prefixFields(blocks []Block) {
	pre := func(f *string) {
		if *f != "" && *f != "statement" && !strings.HasPrefix(*f, "returned.") {
			*f = "referral." + *f
		}
	}
	for _, b := range blocks {
		switch b := b.(type) {
		case *Letterhead:
			pre(&b.Path)
			for i := range b.Details {
				pre(&b.Details[i].Path)
			}
		case *KeyValueList:
			pre(&b.Path)
			for i := range b.Items {
				pre(&b.Items[i].Path)
			}
		case *Addressee:
			pre(&b.Path)
		case *Paragraph:
			pre(&b.Path)
		case *Signature:
			pre(&b.Path)
		case *CopyList:
			pre(&b.Path)
		}
	}
}
