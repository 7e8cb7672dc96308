package referral

import (
	"fmt"
	"strconv"
	"strings"
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
	c := composer{r: r, s: s, date: r.Date}
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
		c.add(&Notice{Title: "Copy for the patient", Field: "copies.patient"})
	}
	c.addressee()
	c.references()
	c.add(&Paragraph{Text: c.reLine(), Strong: true, Field: "patient"})
	if r.Priority.canonical() != PriorityRoutine {
		n := &Notice{Title: strings.ToUpper(priorityWord(r.Priority)) + " REFERRAL", Field: "priority"}
		if t := strings.TrimSpace(r.PriorityReason); t != "" {
			n.Lines = []string{"Reason for urgency: " + t}
		}
		c.add(n)
	}
	c.communication()
	c.add(&Paragraph{Text: "Dear " + salutation(r.Recipient.Clinician) + ",", Field: "recipient.clinician"})
	c.opening()
	c.clinical()
	c.statement()
	c.signature()
	c.copies()

	specialty := firstNonEmpty(r.Recipient.Specialty, r.Recipient.Service)
	l := &Letter{
		Meta: Meta{
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
		},
		Blocks: c.blocks,
	}
	if f, _ := r.PatientCopy(); c.s.forPatient && f.Kind == CopyLargePrint {
		l.Meta.TextSize = float64(f.PointSize)
	}
	return l
}

func (c *composer) letterhead() {
	p := c.r.Practice
	lh := &Letterhead{Name: p.Name, Lines: addressLines(p.Address), Field: "practice"}
	lh.Details = append(lh.Details, KeyValue{Key: "Tel", Value: p.Phone, Field: "practice.phone"})
	if p.Email != "" {
		lh.Details = append(lh.Details, KeyValue{Key: "Email", Value: p.Email, Field: "practice.email"})
	}
	lh.Details = append(lh.Details, KeyValue{Key: "ODS code", Value: p.ODSCode, Field: "practice.odsCode"})
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
	c.add(&Addressee{Lines: lines, Field: "recipient"})
}

func (c *composer) references() {
	r := c.r
	kv := &KeyValueList{Field: "date"}
	kv.Items = append(kv.Items, KeyValue{Key: "Date", Value: c.date.Long(), Field: "date"})
	if r.Reference != "" {
		kv.Items = append(kv.Items, KeyValue{Key: "Our reference", Value: r.Reference, Field: "reference"})
	}
	if r.Priority.canonical() == PriorityRoutine && strings.TrimSpace(r.PriorityReason) != "" {
		kv.Items = append(kv.Items, KeyValue{Key: "Priority", Value: "Routine. " + r.PriorityReason, Field: "priorityReason"})
	}
	if r.Recipient.ERSServiceID != "" {
		kv.Items = append(kv.Items, KeyValue{Key: "eRS service ID", Value: r.Recipient.ERSServiceID, Field: "recipient.ersServiceId"})
	}
	c.add(kv)
}

func (c *composer) reLine() string {
	p := c.r.Patient
	var b strings.Builder
	b.WriteString("Re: " + fullName(p))
	if p.PreferredName != "" {
		b.WriteString(" (prefers to be called " + p.PreferredName + ")")
	}
	b.WriteString("\nBorn " + p.DateOfBirth.Long() + " (age " + ageText(p.DateOfBirth, c.date) + ")")
	if p.Sex != "" {
		b.WriteString(", sex: " + p.Sex)
	}
	b.WriteString("\nNHS number " + p.NHSNumber.String())
	b.WriteString("\n" + strings.Join(addressLines(p.Address), ", "))
	var contact []string
	for _, ph := range p.Phones {
		if ph.Kind != "" {
			contact = append(contact, capitalise(ph.Kind)+" "+ph.Number)
		} else {
			contact = append(contact, "Tel "+ph.Number)
		}
	}
	if p.Email != "" {
		contact = append(contact, "Email "+p.Email)
	}
	b.WriteString("\n" + strings.Join(contact, "; "))
	return b.String()
}

func (c *composer) communication() {
	cm := c.r.Communication
	if cm == nil {
		return
	}
	n := &Notice{Title: "Communication needs", Field: "communication"}
	if in := cm.Interpreter; in != nil {
		l := "Interpreter needed: " + in.Language
		if in.Dialect != "" {
			l += " (" + in.Dialect + ")"
		}
		n.Lines = append(n.Lines, l)
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

func (c *composer) opening() {
	r := c.r
	who := patientRef(r.Patient) + ", " + article(ageNumber(r.Patient.DateOfBirth, c.date)) + " " +
		ageAdjective(r.Patient.DateOfBirth, c.date) + " " + personNoun(r.Patient.Sex, r.Patient.DateOfBirth.YearsTo(c.date))
	reason := strings.TrimRight(strings.TrimSpace(r.Reason), ".")
	text := "I would be grateful if you could see " + who + ", " + requestPhrase(r.Request.Kind) + " " + runOn(reason) + "."
	if d := strings.TrimSpace(r.Request.Detail); d != "" {
		text += " Specifically, I am asking: " + d
	}
	c.add(&Paragraph{Text: text, Field: "reason"})
}

func (c *composer) section(title, field string, body ...Block) {
	c.add(&Heading{Text: title, Field: field})
	c.add(body...)
}

func (c *composer) text(title, field, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	c.section(title, field, &Paragraph{Text: text, Field: field})
}

func (c *composer) clinical() {
	r := c.r
	c.text("History of presenting complaint", "history", r.History)
	c.text("Examination", "examination", r.Examination)
	if len(r.Investigations) > 0 {
		t := &Table{Header: []string{"Investigation", "Result", "Date", "Comment"}, Widths: []float64{3, 4, 2, 3}, Field: "investigations"}
		for _, in := range r.Investigations {
			t.Rows = append(t.Rows, []string{in.Name, in.Result, in.Date.Long(), in.Comment})
		}
		c.section("Investigations", "investigations", t)
	}
	c.text("Management so far", "managementSoFar", r.ManagementSoFar)
	if len(r.PastHistory) > 0 {
		t := &Table{Header: []string{"Condition", "Since", "Note"}, Widths: []float64{4, 2, 5}, Field: "pastHistory"}
		for _, p := range r.PastHistory {
			t.Rows = append(t.Rows, []string{p.Condition, p.Since, p.Note})
		}
		c.section("Past medical history", "pastHistory", t)
	}
	c.medication()
	c.allergies()
	c.text("Family history", "familyHistory", r.FamilyHistory)
	c.text("Social history", "socialHistory", r.SocialHistory)
	c.patientView()
	c.safety()
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
		c.section("Enclosures", "attachments", &Paragraph{Text: strings.Join(lines, "\n"), Field: "attachments"})
	}
}

func (c *composer) medication() {
	m := c.r.Medications
	t := &Table{Header: []string{"Medicine", "Dose", "Since"}, Widths: []float64{5, 4, 2}, Field: "medications.items"}
	for _, it := range m.Items {
		t.Rows = append(t.Rows, []string{it.Name, it.Dose, it.Since})
	}
	c.section("Current medication", "medications", stated(m.State, t, "medications",
		"Medication status not recorded: current medication is not known.", "No current medication."))
}

func (c *composer) allergies() {
	a := c.r.Allergies
	t := &Table{Header: []string{"Substance", "Reaction", "Severity"}, Widths: []float64{4, 5, 2}, Field: "allergies.items"}
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
		return &Paragraph{Text: unknown, Field: field}
	case len(t.Rows) == 0:
		return &Paragraph{Text: none, Field: field}
	}
	return t
}

func (c *composer) patientView() {
	v := c.r.PatientView
	if v == nil {
		return
	}
	kv := &KeyValueList{Field: "patientView"}
	if v.Informed != nil {
		kv.Items = append(kv.Items, KeyValue{Key: "Knows of this referral", Value: yesNo(*v.Informed), Field: "patientView.informed"})
	}
	if v.Agrees != nil {
		kv.Items = append(kv.Items, KeyValue{Key: "Agrees to this referral", Value: yesNo(*v.Agrees), Field: "patientView.agrees"})
	}
	if v.Concerns != "" {
		kv.Items = append(kv.Items, KeyValue{Key: "Concerns and expectations", Value: v.Concerns, Field: "patientView.concerns"})
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
	kv := &KeyValueList{Field: "safety"}
	for _, it := range []KeyValue{
		{Key: "Safeguarding", Value: s.Safeguarding, Field: "safety.safeguarding"},
		{Key: "Risks to visiting staff", Value: s.Risks, Field: "safety.risks"},
		{Key: "Capacity and lasting power of attorney", Value: s.Capacity, Field: "safety.capacity"},
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
	c.section("Advice and guidance", "adviceAndGuidance", &Paragraph{Text: text, Field: "adviceAndGuidance"})
}

func (c *composer) form() {
	f := c.s.form
	if f == nil || len(f.Answers) == 0 {
		return
	}
	kv := &KeyValueList{Field: "proforma"}
	for _, a := range f.Answers {
		kv.Items = append(kv.Items, KeyValue{Key: a.Question, Value: a.Answer, Field: "proforma." + a.QuestionID})
	}
	c.section("Information requested by "+firstNonEmpty(f.Issuer, f.Title), "proforma", kv)
}

func (c *composer) statement() {
	if c.s.noStatement || c.s.forPatient {
		return
	}
	st := DefaultStatement()
	custom := c.s.statement != nil
	if custom {
		st = *c.s.statement
	}
	paras := append([]string(nil), st.Paragraphs...)
	if f := c.s.form; f != nil && !custom && len(paras) > 1 {
		paras[1] = formParagraph(firstNonEmpty(f.Title, "local referral form"))
	}
	c.add(&StatementBox{Title: st.Title, Paragraphs: paras, Citation: st.Source, Field: "statement"})
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
	c.add(&Signature{Closing: "Yours sincerely", Lines: lines, Field: "referrer"})
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
		c.add(&CopyList{Lines: lines, Field: "copies"})
	}
}

// addressLines returns an address's lines, then the town, then the
// postcode in its standard form.
func addressLines(a Address) []string {
	var out []string
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
	return strings.Join(nonEmpty(p.Title, p.GivenName, p.FamilyName), " ")
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

func requestPhrase(k RequestKind) string {
	switch k {
	case RequestDiagnosis:
		return "for assessment of"
	case RequestAdvice:
		return "for your advice on"
	case RequestTreatment:
		return "for treatment of"
	case RequestProcedure:
		return "for consideration of a procedure for"
	}
	return "regarding"
}

// runOn lower-cases the first letter of a sentence so that it runs on in
// the opening sentence, unless it starts an acronym or a name-like word.
func runOn(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsUpper(r) {
		return s
	}
	next, _ := utf8.DecodeRuneInString(s[n:])
	if !unicode.IsLower(next) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
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

// ageText is the age for the "Re:" block: "65", or "15 months" under two.
func ageText(dob, at Date) string {
	n := ageNumber(dob, at)
	if unit := ageUnit(dob, at); unit != "year" {
		return strconv.Itoa(n) + " " + unit + plural(n)
	}
	return strconv.Itoa(n)
}

// ageNumber and ageUnit give an age in years, or in months under two.
func ageNumber(dob, at Date) int {
	if y := dob.YearsTo(at); y >= 2 {
		return y
	}
	months := (at.t.Year()-dob.t.Year())*12 + int(at.t.Month()-dob.t.Month())
	if at.t.Day() < dob.t.Day() {
		months--
	}
	return max(months, 0)
}

func ageUnit(dob, at Date) string {
	if dob.YearsTo(at) >= 2 {
		return "year"
	}
	return "month"
}

func ageAdjective(dob, at Date) string {
	return fmt.Sprintf("%d-%s-old", ageNumber(dob, at), ageUnit(dob, at))
}

func article(n int) string {
	s := strconv.Itoa(n)
	if s[0] == '8' || s == "11" || s == "18" {
		return "an"
	}
	return "a"
}

func personNoun(sex string, years int) string {
	switch strings.ToLower(strings.TrimSpace(sex)) {
	case "female", "f", "woman", "girl":
		if years < 18 {
			return "girl"
		}
		return "woman"
	case "male", "m", "man", "boy":
		if years < 18 {
			return "boy"
		}
		return "man"
	}
	if years < 18 {
		return "child"
	}
	return "adult"
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
