package referral

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Compose validates r, checks its route, and composes its letter.
//
// It returns the FieldErrors of Validate for an invalid referral, and an
// error wrapping ErrTwoWeekWait (a *TwoWeekWaitError carrying the Handoff)
// for a case on the eRS path: no letter is ever made for a two-week-wait
// case. Every field of r reaches the letter.
func Compose(r *Referral, opts ...Option) (*Letter, error) {
	s := settingsOf(opts)
	if r == nil {
		return nil, FieldErrors{{Rule: RuleRequired, Message: "no referral given"}}
	}
	now := s.now()
	if err := r.validateAt(now); err != nil {
		return nil, err
	}
	if rt := decide(r, s, false); rt.Path != PathLetter {
		return nil, &TwoWeekWaitError{Route: rt}
	}
	if s.forPatient && !r.CopyToPatient() {
		return nil, ErrNoPatientCopy
	}
	c := composer{r: r, s: s, date: r.Date, blocks: make([]Block, 0, 32)}
	if !c.date.Valid() {
		c.date = DateOf(now)
	}
	return c.letter(), nil
}

type composer struct {
	r      *Referral
	s      settings
	date   Date
	blocks []Block
}

func (c *composer) add(b ...Block) { c.blocks = append(c.blocks, b...) }

func (c *composer) letter() *Letter {
	r := c.r
	c.letterhead()
	if c.s.forPatient {
		c.add(&Notice{Title: "Copy for the patient", Path: "copies.patient"})
	}
	c.addressee()
	c.references()
	c.add(&Paragraph{Text: c.reLine(), Strong: true, Path: "patient"})
	c.atAGlance()
	urgent := r.Priority.canonical() != PriorityRoutine
	if urgent {
		n := &Notice{Title: strings.ToUpper(priorityWord(r.Priority)) + " REFERRAL", Urgent: true, Path: "priority"}
		if t := strings.TrimSpace(r.PriorityReason); t != "" {
			n.Lines = []string{"Reason for urgency: " + t}
		}
		c.add(n)
	}
	c.communication()
	c.add(&Paragraph{Text: "Dear " + salutation(r.Recipient.Clinician) + ",", Path: "recipient.clinician"})
	c.opening()
	c.safety()
	c.clinical()
	c.statement()
	c.signature()
	c.copies()

	specialty := firstNonEmpty(r.Recipient.Specialty, r.Recipient.Service)
	meta := Meta{
		Title:    "Referral letter: " + specialty,
		Subject:  capitalise(priorityWord(r.Priority)) + " referral to " + r.Recipient.Service,
		Author:   r.Practice.Name,
		Creator:  "refletter",
		Language: "en-GB",
		Date:     c.date,
		Patient: PageIdentity{
			Name:        fullName(r.Patient),
			DateOfBirth: r.Patient.DateOfBirth.Long(),
			NHSNumber:   r.Patient.NHSNumber.String(),
		},
		Confidentiality: "Confidential: this letter contains patient-identifiable information.",
	}
	if urgent {
		meta.PageMark = capitalise(priorityWord(r.Priority))
	}
	if f, _ := r.PatientCopy(); c.s.forPatient && f.Kind == CopyLargePrint {
		meta.TextSize = float64(f.PointSize)
	}
	return &Letter{Meta: meta, Blocks: c.blocks}
}

func (c *composer) letterhead() {
	p := c.r.Practice
	lh := &Letterhead{Name: p.Name, Lines: addressLines(p.Address), Path: "practice"}
	lh.Details = append(lh.Details, KeyValue{Key: "Tel", Value: p.Phone, Path: "practice.phone"})
	if p.Email != "" {
		lh.Details = append(lh.Details, KeyValue{Key: "Email", Value: p.Email, Path: "practice.email"})
	}
	lh.Details = append(lh.Details, KeyValue{Key: "ODS code", Value: p.ODSCode, Path: "practice.odsCode"})
	c.add(lh)
}

func (c *composer) addressee() {
	rc := c.r.Recipient
	var lines []string
	for _, l := range []string{rc.Clinician, rc.Service} {
		if l != "" {
			lines = append(lines, l)
		}
	}
	if rc.Specialty != "" && !strings.EqualFold(rc.Specialty, rc.Service) {
		lines = append(lines, rc.Specialty)
	}
	if rc.Organisation != "" {
		lines = append(lines, rc.Organisation)
	}
	if rc.Address != nil {
		lines = append(lines, addressLines(*rc.Address)...)
	}
	c.add(&Addressee{Lines: lines, Path: "recipient"})
}

func (c *composer) references() {
	r := c.r
	kv := &KeyValueList{Path: "date"}
	kv.Items = append(kv.Items, KeyValue{Key: "Date", Value: c.date.Long(), Path: "date"})
	if r.Reference != "" {
		kv.Items = append(kv.Items, KeyValue{Key: "Our reference", Value: r.Reference, Path: "reference"})
	}
	if r.UBRN != "" {
		kv.Items = append(kv.Items, KeyValue{Key: "e-RS UBRN", Value: r.UBRN.String(), Path: "ubrn"})
	}
	if r.Recipient.ERSServiceID != "" {
		kv.Items = append(kv.Items, KeyValue{Key: "eRS service ID", Value: r.Recipient.ERSServiceID, Path: "recipient.ersServiceId"})
	}
	c.add(kv)
}

func (c *composer) reLine() string {
	p := c.r.Patient
	var b strings.Builder
	b.Grow(256)
	b.WriteString("Re: ")
	writeFullName(&b, p)
	if p.PreferredName != "" {
		b.WriteString(" (prefers to be called ")
		b.WriteString(p.PreferredName)
		b.WriteString(")")
	}
	b.WriteString("\nNHS number ")
	b.WriteString(p.NHSNumber.String())
	b.WriteString(". Born ")
	b.WriteString(p.DateOfBirth.Long())
	b.WriteString(" (age ")
	b.WriteString(ageText(p.DateOfBirth, c.date))
	b.WriteString(")")
	if sx := sexText(p.Sex); sx != "" {
		b.WriteString(". Sex: ")
		b.WriteString(sx)
	}
	b.WriteString("\n")
	for i, l := range addressLines(p.Address) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(l)
	}
	// The contacts, separated by "; ".
	b.WriteString("\n")
	sep := ""
	for _, ph := range p.Phones {
		b.WriteString(sep)
		if ph.Kind != "" {
			b.WriteString(capitalise(ph.Kind))
			b.WriteString(" ")
		} else {
			b.WriteString("Tel ")
		}
		b.WriteString(ph.Number)
		sep = "; "
	}
	if p.Email != "" {
		b.WriteString(sep)
		b.WriteString("Email ")
		b.WriteString(p.Email)
	}
	return b.String()
}

func (c *composer) communication() {
	cm := c.r.Communication
	if cm == nil {
		return
	}
	n := &Notice{Title: "Communication needs", Path: "communication"}
	if in := cm.Interpreter; in != nil {
		n.Lines = append(n.Lines, "Interpreter needed: "+interpreterText(in))
	}
	for _, a := range cm.AccessibleInformation {
		n.Lines = append(n.Lines, "Accessible information: "+a)
	}
	if f := cm.PatientCopyFormat; f != nil {
		n.Lines = append(n.Lines, "Patient's copy of letters: "+f.Words())
	}
	for _, a := range cm.ReasonableAdjustments {
		n.Lines = append(n.Lines, "Reasonable adjustment: "+a)
	}
	if cr := cm.Carer; cr != nil {
		l := "Carer or next of kin: " + cr.Name
		if cr.Relationship != "" {
			l += " (" + cr.Relationship + ")"
		}
		if cr.Phone != "" {
			l += ", tel " + cr.Phone
		}
		n.Lines = append(n.Lines, l)
	}
	if len(n.Lines) > 0 {
		c.add(n)
	}
}

// opening is the first paragraph: a fixed sentence naming the patient and
// the kind of request, then the reason and the question in the referrer's
// own words, unchanged, each under its own label.
func (c *composer) opening() {
	r := c.r
	c.add(&Paragraph{Text: "I would be grateful if you could see " + patientRef(r.Patient) + requestPhrase(r.Request.Kind) + ".", Path: "patient"})
	kv := &KeyValueList{Path: "reason"}
	kv.Items = append(kv.Items, KeyValue{Key: "Reason for referral", Value: strings.TrimSpace(r.Reason), Path: "reason"})
	if d := strings.TrimSpace(r.Request.Detail); d != "" {
		kv.Items = append(kv.Items, KeyValue{Key: "My question", Value: d, Path: "request.detail"})
	}
	c.add(kv)
}

// atAGlance is the short summary under the "Re:" block: the priority in
// words, what is asked, allergies, an interpreter, and a pointer to the
// Safety section. The full sections follow in the letter.
func (c *composer) atAGlance() {
	r := c.r
	sm := &Summary{Title: "At a glance", Path: "priority"}
	pr := capitalise(priorityWord(r.Priority))
	if r.Priority.canonical() == PriorityRoutine {
		if t := strings.TrimSpace(r.PriorityReason); t != "" {
			pr += ". " + t
		}
	}
	sm.Items = append(sm.Items, KeyValue{Key: "Priority", Value: pr, Path: "priority"})
	sm.Items = append(sm.Items, KeyValue{Key: "Asked", Value: requestWords(r.Request), Path: "request"})
	sm.Items = append(sm.Items, KeyValue{Key: "Allergies", Value: allergySummary(r.Allergies), Path: "allergies"})
	if cm := r.Communication; cm != nil && cm.Interpreter != nil {
		sm.Items = append(sm.Items, KeyValue{Key: "Interpreter", Value: interpreterText(cm.Interpreter), Path: "communication.interpreter"})
	}
	if kinds := safetyKinds(r.Safety); len(kinds) > 0 {
		sm.Items = append(sm.Items, KeyValue{Key: "Safety", Value: "See Safety below (" + strings.Join(kinds, ", ") + ")", Path: "safety"})
	}
	c.add(sm)
}

// allergySummary is the allergy list in one line, or its state.
func allergySummary(a Allergies) string {
	switch {
	case a.State == StateUnknown:
		return "Allergy status not recorded"
	case len(a.Items) == 0:
		return "No known drug allergies"
	}
	var out []string
	for _, it := range a.Items {
		s := it.Substance
		if d := strings.Join(nonEmpty(it.Reaction, it.Severity), ", "); d != "" {
			s += " (" + d + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

// safetyKinds names the parts of s that are given, for the pointer in
// the At a glance block.
func safetyKinds(s *Safety) []string {
	if !s.hasRisk() {
		return nil
	}
	var out []string
	for _, f := range []struct{ name, text string }{
		{"safeguarding", s.Safeguarding}, {"risk to self", s.RiskToSelf},
		{"risk to others", s.RiskToOthers}, {"risk to staff", s.RiskToStaff},
	} {
		if strings.TrimSpace(f.text) != "" {
			out = append(out, f.name)
		}
	}
	return out
}

func interpreterText(in *Interpreter) string {
	l := in.Language
	if in.Dialect != "" {
		l += " (" + in.Dialect + ")"
	}
	return l
}

func (c *composer) section(title, field string, body ...Block) {
	c.add(&Heading{Text: title, Path: field})
	c.add(body...)
}

func (c *composer) text(title, field, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	c.section(title, field, &Paragraph{Text: text, Path: field})
}

func (c *composer) clinical() {
	r := c.r
	c.text("History of presenting complaint", "history", r.History)
	c.text("Examination", "examination", r.Examination)
	if len(r.Investigations) > 0 {
		t := &Table{Header: []string{"Investigation", "Result", "Date", "Comment"}, Widths: []float64{3, 4, 2, 3},
			NoWrap: []bool{false, false, true, false}, Path: "investigations"}
		for _, in := range r.Investigations {
			t.Rows = append(t.Rows, []string{in.Name, in.Result, in.Date.Long(), in.Comment})
		}
		c.section("Investigations", "investigations", t)
	}
	c.text("Management so far", "managementSoFar", r.ManagementSoFar)
	if len(r.PastHistory) > 0 {
		t := &Table{Header: []string{"Condition", "Since", "Note"}, Widths: []float64{4, 2, 5},
			NoWrap: []bool{false, true, false}, Path: "pastHistory"}
		for _, p := range r.PastHistory {
			t.Rows = append(t.Rows, []string{p.Condition, sinceText(p.Since), p.Note})
		}
		c.section("Past medical history", "pastHistory", t)
	}
	c.medication()
	c.allergies()
	c.text("Family history", "familyHistory", r.FamilyHistory)
	c.text("Social history", "socialHistory", r.SocialHistory)
	c.patientView()
	c.adviceAndGuidance()
	c.form()
	if len(r.Attachments) > 0 {
		var lines []string
		for _, a := range r.Attachments {
			l := a.Title
			if d := a.Date.Long(); d != "" {
				l += " (" + d + ")"
			}
			lines = append(lines, l)
		}
		c.section("Enclosures", "attachments", &Paragraph{Text: strings.Join(lines, "\n"), Path: "attachments"})
	}
}

func (c *composer) medication() {
	m := c.r.Medications
	t := &Table{Header: []string{"Medicine", "Dose", "Since"}, Widths: []float64{5, 4, 2},
		NoWrap: []bool{false, false, true}, Path: "medications.items"}
	for _, it := range m.Items {
		t.Rows = append(t.Rows, []string{it.Name, it.Dose, sinceText(it.Since)})
	}
	c.section("Current medication", "medications", stated(m.State, t, "medications",
		"Medication status not recorded: current medication is not known.", "No current medication."))
}

func (c *composer) allergies() {
	a := c.r.Allergies
	t := &Table{Header: []string{"Substance", "Reaction", "Severity"}, Widths: []float64{4, 5, 2}, Path: "allergies.items"}
	for _, it := range a.Items {
		t.Rows = append(t.Rows, []string{it.Substance, it.Reaction, it.Severity})
	}
	c.section("Allergies and adverse reactions", "allergies", stated(a.State, t, "allergies",
		"Allergy status not recorded: allergies and adverse reactions are not known.", "No known drug allergies."))
}

// stated is the body of a list that always says its state: unknown, an
// explicit none (a recorded empty list), or the list as a table.
func stated(state State, t *Table, field, unknown, none string) Block {
	switch {
	case state == StateUnknown:
		return &Paragraph{Text: unknown, Path: field}
	case len(t.Rows) == 0:
		return &Paragraph{Text: none, Path: field}
	}
	return t
}

func (c *composer) patientView() {
	v := c.r.PatientView
	if v == nil {
		return
	}
	kv := &KeyValueList{Path: "patientView"}
	if v.Informed != nil {
		kv.Items = append(kv.Items, KeyValue{Key: "Knows of this referral", Value: yesNo(*v.Informed), Path: "patientView.informed"})
	}
	if v.Agrees != nil {
		kv.Items = append(kv.Items, KeyValue{Key: "Agrees to this referral", Value: yesNo(*v.Agrees), Path: "patientView.agrees"})
	}
	if v.Concerns != "" {
		kv.Items = append(kv.Items, KeyValue{Key: "Concerns and expectations", Value: v.Concerns, Path: "patientView.concerns"})
	}
	if len(kv.Items) > 0 {
		c.section("The patient's view", "patientView", kv)
	}
}

func (c *composer) safety() {
	s := c.r.Safety
	if s == nil {
		return
	}
	kv := &KeyValueList{Path: "safety"}
	for _, it := range []KeyValue{
		{Key: "Safeguarding", Value: s.Safeguarding, Path: "safety.safeguarding"},
		{Key: "Risk to self", Value: s.RiskToSelf, Path: "safety.riskToSelf"},
		{Key: "Risk to others", Value: s.RiskToOthers, Path: "safety.riskToOthers"},
		{Key: "Risk to staff (lone working, home visits)", Value: s.RiskToStaff, Path: "safety.riskToStaff"},
		{Key: "Capacity and lasting power of attorney", Value: s.Capacity, Path: "safety.capacity"},
	} {
		if it.Value != "" {
			kv.Items = append(kv.Items, it)
		}
	}
	if len(kv.Items) > 0 {
		c.section("Safety", "safety", kv)
	}
}

func (c *composer) adviceAndGuidance() {
	ag := c.r.AdviceAndGuidance
	if ag == nil {
		return
	}
	var text string
	reason := strings.TrimSpace(ag.Reason)
	switch {
	case ag.Considered != nil && *ag.Considered:
		text = "Advice and guidance was considered before making this referral."
		if reason != "" {
			text += " A referral is needed instead because: " + reason
		}
	case ag.Considered != nil:
		text = "Advice and guidance was not sought before this referral."
		if reason != "" {
			text += " " + reason
		}
	case reason != "":
		text = "Advice and guidance: " + reason
	default:
		return
	}
	c.section("Advice and guidance", "adviceAndGuidance", &Paragraph{Text: text, Path: "adviceAndGuidance"})
}

func (c *composer) form() {
	f := c.s.form
	if f == nil {
		return
	}
	if len(f.Answers) > 0 {
		kv := &KeyValueList{Path: "proforma"}
		for _, a := range f.Answers {
			kv.Items = append(kv.Items, KeyValue{Key: a.Question, Value: a.Answer, Path: "proforma." + a.QuestionID})
		}
		c.section("Information requested by "+firstNonEmpty(f.Issuer, f.Title), "proforma", kv)
	}
	if len(f.Unavailable) > 0 {
		c.section("Not available at the time of referral", "proforma",
			&Paragraph{Text: "These questions of the " + firstNonEmpty(f.Title, "local referral form") +
				" are not answered in this letter:", Path: "proforma"},
			&Paragraph{Text: "- " + strings.Join(f.Unavailable, "\n- "), Path: "proforma"})
	}
}

func (c *composer) statement() {
	if c.s.forPatient {
		return // the copy is the patient's; the statement is for the service
	}
	st, ok := statementFor(c.r, c.s)
	if !ok {
		return
	}
	paras := append([]string(nil), st.Paragraphs...)
	c.add(&StatementBox{Title: st.Title, Paragraphs: paras, Citation: st.Source, Path: "statement"})
}

func (c *composer) signature() {
	rf := c.r.Referrer
	lines := []string{rf.Name, rf.Role}
	if rf.GMCNumber != "" {
		lines = append(lines, "GMC "+rf.GMCNumber)
	}
	if rf.NMCPin != "" {
		lines = append(lines, "NMC PIN "+rf.NMCPin)
	}
	if rf.HCPCNumber != "" {
		lines = append(lines, "HCPC "+rf.HCPCNumber)
	}
	lines = append(lines, c.r.Practice.Name, "Direct line: "+rf.Phone)
	if rf.Email != "" {
		lines = append(lines, "Email: "+rf.Email)
	}
	c.add(&Signature{Closing: "Yours sincerely", Lines: lines, Path: "referrer"})
}

func (c *composer) copies() {
	var lines []string
	if c.r.CopyToPatient() {
		lines = append(lines, "cc: the patient")
	}
	if c.r.Copies != nil {
		for _, o := range c.r.Copies.Others {
			l := "cc: " + o.Name
			if o.Address != nil {
				l += ", " + strings.Join(addressLines(*o.Address), ", ")
			}
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 {
		c.add(&CopyList{Lines: lines, Path: "copies"})
	}
}

// addressLines returns an address's lines, then the town, then the
// postcode in its standard form.
func addressLines(a Address) []string {
	out := make([]string, 0, len(a.Lines)+2)
	for _, l := range a.Lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	if a.Town != "" {
		out = append(out, a.Town)
	}
	if a.Postcode != "" {
		out = append(out, NormalizePostcode(a.Postcode))
	}
	return out
}

func fullName(p Patient) string {
	var b strings.Builder
	b.Grow(len(p.Title) + len(p.GivenName) + len(p.FamilyName) + 2)
	writeFullName(&b, p)
	return b.String()
}

// writeFullName writes the title, given and family names that are given,
// with a space between.
func writeFullName(b *strings.Builder, p Patient) {
	sep := ""
	for _, n := range [...]string{p.Title, p.GivenName, p.FamilyName} {
		if n != "" {
			b.WriteString(sep)
			b.WriteString(n)
			sep = " "
		}
	}
}

// patientRef is how the opening paragraph names the patient: title and
// family name, or the full name where no title is given.
func patientRef(p Patient) string {
	if p.Title != "" {
		return p.Title + " " + p.FamilyName
	}
	return p.GivenName + " " + p.FamilyName
}

var titles = map[string]bool{"dr": true, "mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "professor": true, "prof": true, "prof.": true, "dr.": true, "sir": true, "dame": true}

// salutation turns "Dr Anjali Patel" into "Dr Patel"; a name without a
// title is used whole; no name gives "Colleague".
func salutation(clinician string) string {
	f := strings.Fields(clinician)
	switch {
	case len(f) == 0:
		return "Colleague"
	case len(f) > 1 && titles[strings.ToLower(f[0])]:
		return f[0] + " " + f[len(f)-1]
	}
	return strings.Join(f, " ")
}

// requestPhrase ends the opening sentence for each kind of request; it
// reads the same whatever the reason says.
func requestPhrase(k RequestKind) string {
	switch k {
	case RequestDiagnosis:
		return " for assessment and diagnosis"
	case RequestAdvice:
		return " for your advice"
	case RequestTreatment:
		return " for consideration of treatment"
	case RequestProcedure:
		return " for consideration of a procedure"
	}
	return ""
}

// requestWords is what is asked, for the At a glance block: the kind in
// words, or the referrer's own detail for "other".
func requestWords(q Request) string {
	switch q.Kind {
	case RequestDiagnosis:
		return "Assessment and diagnosis"
	case RequestAdvice:
		return "Advice"
	case RequestTreatment:
		return "Treatment"
	case RequestProcedure:
		return "A procedure"
	}
	if d := strings.TrimSpace(q.Detail); d != "" {
		return d
	}
	return "See the question below"
}

func priorityWord(p Priority) string {
	switch p.canonical() {
	case PriorityUrgent:
		return "urgent"
	case PriorityTwoWeekWait:
		return "two-week-wait"
	}
	return "routine"
}

// ageText is the age for the "Re:" block: "15 months" under two, "2 years
// 3 months" from two to under five, and "65" from five.
func ageText(dob, at Date) string {
	months := monthsBetween(dob, at)
	switch y := months / 12; {
	case y < 2:
		return countText(months, "month")
	case y < 5 && months%12 != 0:
		return countText(y, "year") + " " + countText(months%12, "month")
	case y < 5:
		return countText(y, "year")
	default:
		return strconv.Itoa(y)
	}
}

// monthsBetween is the whole months from dob to at, never negative.
func monthsBetween(dob, at Date) int {
	months := (at.t.Year()-dob.t.Year())*12 + int(at.t.Month()-dob.t.Month())
	if at.t.Day() < dob.t.Day() {
		months--
	}
	return max(months, 0)
}

func countText(n int, unit string) string {
	return strconv.Itoa(n) + " " + unit + plural(n)
}

// sexText prints the recorded sex with a capital: the usual codes in
// words ("F" is "Female"), anything else as given.
func sexText(sex string) string {
	s := strings.TrimSpace(sex)
	switch strings.ToLower(s) {
	case "female", "f":
		return "Female"
	case "male", "m":
		return "Male"
	}
	return capitalise(s)
}

// sinceText prints a free-text "since" that holds an ISO date or part of
// one as a date ("18 November 2026", "March 2025", "2019"); other text as
// given.
func sinceText(s string) string {
	t := strings.TrimSpace(s)
	if d, err := ParseDate(t); err == nil {
		return d.Long()
	}
	if len(t) == 7 && t[4] == '-' {
		if tm, err := time.Parse("2006-01", t); err == nil {
			return tm.Format("January 2006")
		}
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
