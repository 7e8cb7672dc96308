package referral

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func composeText(t testing.TB, r *Referral, opts ...Option) string {
	t.Helper()
	l, err := Compose(r, append([]Option{WithClock(fixedClock)}, opts...)...)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, l.WriteText(&b))
	return b.String()
}

func TestComposeOpening(t *testing.T) {
	r := fullReferral(t)
	l, err := Compose(r, WithClock(fixedClock))
	require.NoError(t, err)
	var opening, salutation string
	for i, b := range l.Blocks {
		if p, ok := b.(*Paragraph); ok && strings.HasPrefix(p.Text, "Dear ") {
			salutation = p.Text
			opening = l.Blocks[i+1].(*Paragraph).Text
			break
		}
	}
	assert.Equal(t, "Dear Dr Patel,", salutation)
	assert.Equal(t, "I would be grateful if you could see Ms Ó Súilleabháin for consideration of treatment.", opening)
	assert.Equal(t, "Referral letter: Dermatology", l.Meta.Title)
	assert.Equal(t, "999 000 0018", l.Meta.Patient.NHSNumber)
	assert.Equal(t, "3 March 1961", l.Meta.Patient.DateOfBirth)
	assert.Equal(t, "Ms Siobhán Ó Súilleabháin", l.Meta.Patient.Name)
	assert.Equal(t, "en-GB", l.Meta.Language)
	assert.Equal(t, "20 November 2026", l.Meta.Date.Long())
	assert.NotContains(t, l.Meta.Title, "Siobhán")
}

func TestComposeRules(t *testing.T) {
	tests := []struct {
		name    string
		change  func(r *Referral)
		has     []string
		hasNot  []string
		options []Option
	}{
		{"no clinician", func(r *Referral) { r.Recipient.Clinician = "" }, []string{"Dear Colleague,"}, []string{"Dear Dr"}, nil},
		{"clinician without title", func(r *Referral) { r.Recipient.Clinician = "Anjali Patel" }, []string{"Dear Anjali Patel,"}, nil, nil},
		{"unknown allergies", func(r *Referral) { r.Allergies = Allergies{State: StateUnknown} },
			[]string{"Allergy status not recorded"}, []string{"No known drug allergies"}, nil},
		{"no known allergies", func(r *Referral) { r.Allergies = Allergies{State: StateRecorded, Items: []Allergy{}} },
			[]string{"No known drug allergies."}, []string{"not recorded"}, nil},
		{"unknown medication", func(r *Referral) { r.Medications = Medications{State: StateUnknown} },
			[]string{"Medication status not recorded"}, []string{"No current medication"}, nil},
		{"no medication", func(r *Referral) { r.Medications = Medications{State: StateRecorded, Items: []Medication{}} },
			[]string{"No current medication."}, nil, nil},
		{"routine has no banner", func(r *Referral) { r.Priority = PriorityRoutine }, []string{"Priority: Routine"}, []string{"URGENT REFERRAL"}, nil},
		{"urgent banner", func(r *Referral) {}, []string{"Priority: Urgent", "URGENT REFERRAL", "Reason for urgency: Rapidly worsening"}, nil, nil},
		{"child", func(r *Referral) {
			r.Patient.Title, r.Patient.GivenName, r.Patient.FamilyName, r.Patient.Sex = "", "Zoë", "Kowalczyk", "male"
			r.Patient.DateOfBirth = NewDate(2025, 8, 2)
		}, []string{"see Zoë Kowalczyk for consideration of treatment.", "(age 15 months). Sex: Male"}, []string{"boy", "-old"}, nil},
		{"toddler", func(r *Referral) { r.Patient.DateOfBirth = NewDate(2024, 8, 2) },
			[]string{"(age 2 years 3 months)"}, nil, nil},
		{"four, whole years", func(r *Referral) { r.Patient.DateOfBirth = NewDate(2022, 11, 20) },
			[]string{"(age 4 years)"}, nil, nil},
		{"eight-year-old", func(r *Referral) { r.Patient.DateOfBirth = NewDate(2018, 1, 1); r.Patient.Sex = "" },
			[]string{"(age 8)\n3 Mill Lane"}, []string{"adult", "-year-old", "Sex:"}, nil},
		{"no sex, adult", func(r *Referral) { r.Patient.Sex = "" }, []string{"see Ms Ó Súilleabháin for"}, []string{"adult", "woman"}, nil},
		{"request advice", func(r *Referral) { r.Request = Request{Kind: RequestAdvice} },
			[]string{"see Ms Ó Súilleabháin for your advice.", "Reason for referral: Severe hand eczema not controlled by potent topical steroids", "Asked: Advice"},
			[]string{"My question", "advice on"}, nil},
		{"request diagnosis", func(r *Referral) { r.Request = Request{Kind: RequestDiagnosis} },
			[]string{"for assessment and diagnosis.", "Asked: Assessment and diagnosis"}, nil, nil},
		{"request procedure", func(r *Referral) { r.Request = Request{Kind: RequestProcedure, Detail: "Carpal tunnel release?"} },
			[]string{"for consideration of a procedure.", "My question: Carpal tunnel release?"}, nil, nil},
		{"request other", func(r *Referral) { r.Request = Request{Kind: RequestOther, Detail: "Please review the ECG."} },
			[]string{"see Ms Ó Súilleabháin.", "Asked: Please review the ECG.", "My question: Please review the ECG."}, nil, nil},
		{"reason kept as written", func(r *Referral) { r.Reason = "A witnessed tonic-clonic seizure. NB: first event." },
			[]string{"Reason for referral: A witnessed tonic-clonic seizure. NB: first event."}, []string{"a witnessed"}, nil},
		{"since as dates", func(r *Referral) {
			r.Medications.Items[0].Since = "2026-11-18"
			r.PastHistory[1].Since = "2025-03"
		}, []string{"18 November 2026", "March 2025", "childhood"}, []string{"2026-11-18", "2025-03"}, nil},
		{"at a glance, allergies unknown", func(r *Referral) { r.Allergies = Allergies{State: StateUnknown} },
			[]string{"Allergies: Allergy status not recorded"}, nil, nil},
		{"at a glance, no allergies", func(r *Referral) { r.Allergies = Allergies{State: StateRecorded, Items: []Allergy{}} },
			[]string{"Allergies: No known drug allergies"}, nil, nil},
		{"at a glance, allergy list", func(r *Referral) {},
			[]string{"Allergies: Penicillin (Urticarial rash, moderate)", "Interpreter: Irish (Munster)"}, nil, nil},
		{"at a glance, safety pointer", func(r *Referral) { r.Safety = &Safety{RiskToSelf: "Low mood"} },
			[]string{"Safety: See Safety below (risk to self)", "Risk to self: Low mood"}, []string{"Risk to staff"}, nil},
		{"at a glance, no safety", func(r *Referral) { r.Safety = &Safety{Capacity: "Has capacity"} },
			[]string{"Capacity and lasting power of attorney: Has capacity"}, []string{"see Safety below"}, nil},
		{"risk labels", func(r *Referral) {
			r.Safety = &Safety{RiskToSelf: "Self one.", RiskToOthers: "Others two.", RiskToStaff: "Staff three."}
		}, []string{"Risk to self: Self one.", "Risk to others: Others two.", "Risk to staff (lone working, home visits): Staff three."},
			[]string{"visiting staff"}, nil},
		{"A&G not sought", func(r *Referral) { r.AdviceAndGuidance.Considered = new(bool) },
			[]string{"Advice and guidance was not sought before this referral. she needs"}, nil, nil},
		{"no copy to patient", func(r *Referral) { r.Copies.Patient = new(bool) },
			[]string{"cc: Occupational Health"}, []string{"cc: the patient"}, nil},
		{"copy to patient not stated", func(r *Referral) { r.Copies = nil }, nil, []string{"cc: the patient"}, nil},
		{"copy to patient null", func(r *Referral) { r.Copies.Patient = nil }, []string{"cc: Occupational Health"}, []string{"cc: the patient"}, nil},
		{"copy to patient", func(r *Referral) {}, []string{"cc: the patient"}, nil, nil},
		{"without statement", func(r *Referral) {}, nil, []string{"About this referral", "regulation 17"}, []Option{WithoutStatement()}},
		{"own statement", func(r *Referral) {}, []string{"Our own words.", "Source: Our policy"}, []string{"regulation 17"},
			[]Option{WithStatement(Statement{Title: "Note", Paragraphs: []string{"Our own words."}, Source: "Our policy"})}},
		{"named form", func(r *Referral) {}, []string{
			"The Hand Eczema Referral Form was not used; this letter answers its required clinical questions. Using one is not a GP contract requirement",
			"Information requested by NHS Example ICB", "Occupational exposure?: Yes, latex gloves"},
			[]string{"A local referral form was not used", "Not available at the time of referral", "except"},
			[]Option{WithProforma(fakeForm{Title: "Hand Eczema Referral Form", Issuer: "NHS Example ICB",
				Answers: []FormAnswer{{QuestionID: "q4", Question: "Occupational exposure?", Answer: "Yes, latex gloves"}}})}},
		{"form with open required questions", func(r *Referral) {}, []string{
			"this letter answers its required clinical questions except those listed as not available.",
			"Not available at the time of referral", "- Informant account\n- Cognitive test and score"},
			[]string{"Information requested by"},
			[]Option{WithProforma(fakeForm{Title: "Memory Form", Unavailable: []string{"Informant account", "Cognitive test and score"}})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fullReferral(t)
			tt.change(r)
			text := composeText(t, r, tt.options...)
			// Unwrap the text, the statement box's borders included.
			flat := squash(strings.ReplaceAll(text, "|", ""))
			for _, s := range tt.has {
				assert.Contains(t, flat, squash(s))
			}
			for _, s := range tt.hasNot {
				assert.NotContains(t, flat, squash(s))
			}
		})
	}
}

func TestComposeRefusesTwoWeekWait(t *testing.T) {
	cases := map[string]func(r *Referral) []Option{
		"priority":     func(r *Referral) []Option { r.Priority = PriorityTwoWeekWait; return nil },
		"alias":        func(r *Referral) []Option { r.Priority = ParsePriority(" 2ww "); return nil },
		"service flag": func(r *Referral) []Option { r.Recipient.SuspectedCancer = true; return nil },
		"2WW proforma": func(r *Referral) []Option { return []Option{WithProforma(fakeForm{TwoWeekWait: true, Title: "USC"})} },
		"2WW, form last": func(r *Referral) []Option {
			r.Priority = PriorityTwoWeekWait
			return []Option{WithProforma(fakeForm{})}
		},
	}
	optionSets := map[string][]Option{
		"none":      nil,
		"clock":     {WithClock(fixedClock)},
		"statement": {WithStatement(Statement{Title: "x", Paragraphs: []string{"y"}})},
		"without":   {WithoutStatement()},
		"form":      {WithProforma(fakeForm{Title: "ordinary"})},
		"all":       {WithClock(time.Now), WithoutStatement(), WithStatement(DefaultStatement()), WithProforma(fakeForm{})},
	}
	for cname, setup := range cases {
		for oname, opts := range optionSets {
			t.Run(cname+"/"+oname, func(t *testing.T) {
				r := fullReferral(t)
				all := append(append([]Option{}, opts...), setup(r)...)
				l, err := Compose(r, all...)
				assert.Nil(t, l)
				require.ErrorIs(t, err, ErrTwoWeekWait)
				var tw *TwoWeekWaitError
				require.ErrorAs(t, err, &tw)
				require.NotNil(t, tw.Handoff())
				assert.Equal(t, "TWO_WEEK_WAIT", tw.Handoff().PriorityCode)
				assert.NotContains(t, err.Error(), "9990000018")
				assert.NotContains(t, err.Error(), "Siobhán")
			})
		}
	}
	for _, f := range testdataFiles(t, "referrals/2ww-*.json") {
		l, err := Compose(decodeFile(t, f))
		assert.Nil(t, l, f)
		assert.ErrorIs(t, err, ErrTwoWeekWait, f)
	}
}

func TestComposeInvalid(t *testing.T) {
	l, err := Compose(nil)
	assert.Nil(t, l)
	assert.Error(t, err)
	r := fullReferral(t)
	r.Patient.NHSNumber = "9990000019"
	r.Priority = PriorityTwoWeekWait // validation comes first
	l, err = Compose(r)
	assert.Nil(t, l)
	var fes FieldErrors
	require.ErrorAs(t, err, &fes)
	assert.Equal(t, "patient.nhsNumber", fes[0].Path)
	assert.Error(t, (*Letter)(nil).WriteText(&bytes.Buffer{}))
}

func TestWriteTextWidth(t *testing.T) {
	r := fullReferral(t)
	r.History = strings.Repeat("word ", 300) + strings.Repeat("x", 400)
	r.Patient.Address.Lines = []string{strings.Repeat("Long Street Name ", 20)}
	text := composeText(t, r)
	for _, line := range strings.Split(text, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), TextWidth, line)
	}
}

func TestWriteTextError(t *testing.T) {
	l, err := Compose(fullReferral(t), WithClock(fixedClock))
	require.NoError(t, err)
	var full bytes.Buffer
	require.NoError(t, l.WriteText(&full))
	for _, n := range []int{0, 1, 100, full.Len() - 1} {
		w := &failAfter{n: n}
		assert.Error(t, l.WriteText(w), "failing at byte %d", n)
	}
}

type failAfter struct{ n, written int }

func (w *failAfter) Write(p []byte) (int, error) {
	if w.written+len(p) > w.n {
		k := w.n - w.written
		w.written = w.n
		return k, errors.New("disk full")
	}
	w.written += len(p)
	return len(p), nil
}

// TestGolden compares the text of each letter-path example with its golden
// file. Refresh with: go test ./referral -update
func TestGolden(t *testing.T) {
	files := testdataFiles(t, "referrals/*.json")
	n := 0
	for _, f := range files {
		r := decodeFile(t, f)
		if Decide(r).Path != PathLetter {
			continue
		}
		n++
		text := composeText(t, r)
		golden := filepath.Join("..", "testdata", "golden", strings.TrimSuffix(filepath.Base(f), ".json")+".txt")
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
			require.NoError(t, os.WriteFile(golden, []byte(text), 0o644))
			continue
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err, "missing golden file: run go test ./referral -update")
		assert.Equal(t, string(want), text, golden)
	}
	assert.GreaterOrEqual(t, n, 10)
}

// TestNothingLost checks that every value a referral holds reaches the text
// of its letter: the example referrals, and referrals generated from the
// full one with random parts removed and random text put in.
func TestNothingLost(t *testing.T) {
	for _, f := range testdataFiles(t, "referrals/*.json") {
		r := decodeFile(t, f)
		if Decide(r).Path != PathLetter {
			continue
		}
		assertAllPresent(t, f, r, composeText(t, r))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		r := generate(t, rng)
		assertAllPresent(t, fmt.Sprintf("generated %d", i), r, composeText(t, r))
	}
}

func assertAllPresent(t *testing.T, name string, r *Referral, text string) {
	t.Helper()
	hay := squash(text)
	var ls []leaf
	leaves(reflect.ValueOf(r).Elem(), "", &ls)
	for _, l := range ls {
		var want string
		switch v := l.v.Interface().(type) {
		case Date:
			if l.path == "date" && !v.Valid() {
				continue
			}
			want = v.Long()
		case NHSNumber:
			want = v.String()
		case Priority, State, RequestKind:
			continue // printed in words: checked by TestComposeRules
		case bool:
			if l.path == "recipient.suspectedCancer" || l.path == "copies.patient" {
				continue // routing and the cc line: checked elsewhere
			}
			want = yesNo(v)
			if strings.HasPrefix(l.path, "adviceAndGuidance") {
				want = map[bool]string{true: "was considered", false: "was not sought"}[v]
			}
		case string:
			want = v
			if strings.HasSuffix(l.path, "postcode") {
				want = NormalizePostcode(v)
			}
			switch {
			case strings.HasSuffix(l.path, ".since"):
				want = sinceText(v) // an ISO date prints as a date
			case l.path == "patient.sex":
				want = sexText(v)
			case strings.HasPrefix(l.path, "patient.phones[") && strings.HasSuffix(l.path, ".kind"):
				want = capitalise(v)
			}
		}
		if !strings.Contains(hay, squash(want)) {
			t.Errorf("%s: the value of %s is not in the letter", name, l.path)
		}
	}
}

// squash drops white space, so that wrapping does not count; case is kept,
// since the referrer's words are printed exactly as given.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// generate returns the full referral with optional parts randomly removed
// and free text randomly replaced, lists of random length included.
func generate(t testing.TB, rng *rand.Rand) *Referral {
	r := fullReferral(t)
	words := []string{"pain", "Zoë", "Łukasz", "Ó Súilleabháin", "night sweats", "3 cm", "x2/day", "<5%", "&", "naïve", "—", "résumé", "twenty-one"}
	text := func() string {
		n := 1 + rng.IntN(40)
		var b []string
		for range n {
			b = append(b, words[rng.IntN(len(words))])
		}
		return strings.Join(b, " ")
	}
	maybe := func() bool { return rng.IntN(3) == 0 }
	r.History = text()
	if maybe() {
		r.Examination = ""
	} else {
		r.Examination = text()
	}
	if maybe() {
		r.PatientView = nil
	}
	if maybe() {
		r.Communication = nil
	}
	if maybe() {
		r.Safety = &Safety{RiskToSelf: text(), RiskToOthers: text(), RiskToStaff: text()}
	}
	if maybe() {
		r.AdviceAndGuidance = &AdviceAndGuidance{Reason: text()}
	}
	if maybe() {
		r.Copies = nil
	}
	if maybe() {
		r.Attachments = nil
	}
	r.Investigations = nil
	for i := range rng.IntN(12) {
		r.Investigations = append(r.Investigations, Investigation{Name: text(), Result: text(), Comment: text(), Date: NewDate(2026, time.Month(1+i%12), 1+i)})
	}
	r.Medications.Items = []Medication{}
	for range rng.IntN(15) {
		r.Medications.Items = append(r.Medications.Items, Medication{Name: text(), Dose: text()})
	}
	if maybe() {
		r.Allergies = Allergies{State: StateUnknown}
	}
	r.PastHistory = nil
	for range rng.IntN(6) {
		r.PastHistory = append(r.PastHistory, Condition{Condition: text(), Note: text()})
	}
	r.FamilyHistory = text()
	return r
}

// longReferral has 50 investigations, 40 medicines and a 5,000-word history
// (in short words, to stay within the 20,000-character field limit).
func longReferral(t testing.TB) *Referral {
	r := fullReferral(t)
	sentence := "She had a sore leg and it got bad at work so we saw her. " // 15 words
	r.History = strings.TrimSpace(strings.Repeat(sentence, 5000/15+1))
	r.Investigations = nil
	for i := range 50 {
		r.Investigations = append(r.Investigations, Investigation{Name: fmt.Sprintf("Test %d", i), Result: "Within the reference range, repeated twice", Date: NewDate(2026, 10, 1+i%28)})
	}
	r.Medications.Items = nil
	for i := range 40 {
		r.Medications.Items = append(r.Medications.Items, Medication{Name: fmt.Sprintf("Medicine %d 10 mg tablets", i), Dose: "One twice daily", Since: "2025"})
	}
	return r
}

func TestComposeLong(t *testing.T) {
	r := longReferral(t)
	require.NoError(t, r.Validate())
	assertAllPresent(t, "long", r, composeText(t, r))
}

func BenchmarkCompose(b *testing.B) {
	for _, bc := range []struct {
		name string
		r    *Referral
	}{{"typical", fullReferral(b)}, {"long", longReferral(b)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compose(bc.r, WithClock(fixedClock)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"+text", func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for b.Loop() {
				l, err := Compose(bc.r, WithClock(fixedClock))
				if err != nil {
					b.Fatal(err)
				}
				buf.Reset()
				if err := l.WriteText(&buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeValidateDecide(b *testing.B) {
	doc := []byte(fullJSON)
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		r, err := Decode(bytes.NewReader(doc))
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Validate(); err != nil {
			b.Fatal(err)
		}
		if Decide(r).Path != PathLetter {
			b.Fatal("wrong path")
		}
	}
}

func FuzzCompose(f *testing.F) {
	f.Add("Severe eczema", "History", "Penicillin", "Dr Patel", "routine")
	f.Add("", "\x00", "", "", "2ww")
	f.Fuzz(func(t *testing.T, reason, history, allergy, clinician, priority string) {
		r := fullReferral(t)
		r.Reason, r.History, r.Recipient.Clinician = reason, history, clinician
		r.Priority = ParsePriority(priority)
		r.Allergies.Items = []Allergy{{Substance: allergy}}
		l, err := Compose(r, WithClock(fixedClock))
		if err != nil {
			if l != nil {
				t.Fatal("a letter with an error")
			}
			if strings.Contains(err.Error(), "9990000018") {
				t.Fatal("patient data in the error")
			}
			return
		}
		if r.Priority == PriorityTwoWeekWait {
			t.Fatal("a 2WW case became a letter")
		}
		if err := l.WriteText(&bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestLetterOrder checks the letter's order: the At a glance block right
// after the "Re:" block, communication needs and the priority banner
// before the salutation, Safety before the clinical history, the
// statement after the clinical sections, and the signature and copies
// last.
func TestLetterOrder(t *testing.T) {
	l, err := Compose(fullReferral(t), WithClock(fixedClock))
	require.NoError(t, err)
	index := map[string]int{}
	for i, b := range l.Blocks {
		key := reflect.TypeOf(b).Elem().Name()
		switch b := b.(type) {
		case *Notice:
			key = b.Title
		case *Heading:
			key = b.Text
		case *Summary:
			key = b.Title
		case *Paragraph:
			if strings.HasPrefix(b.Text, "Re: ") {
				key = "Re:"
			}
			if strings.HasPrefix(b.Text, "Dear ") {
				key = "salutation"
			}
		}
		if _, seen := index[key]; !seen {
			index[key] = i
		}
	}
	order := []string{"Letterhead", "Addressee", "Re:", "At a glance", "URGENT REFERRAL", "Communication needs", "salutation",
		"Safety", "History of presenting complaint", "Investigations", "Current medication", "Allergies and adverse reactions",
		"StatementBox", "Signature", "CopyList"}
	for i := 1; i < len(order); i++ {
		require.Contains(t, index, order[i])
		assert.Less(t, index[order[i-1]], index[order[i]], "%s must come before %s", order[i-1], order[i])
	}
	assert.Less(t, index["Communication needs"], 7, "communication needs are near the top")
}

// TestRisksReplaced: the old single safety.risks field is refused by name,
// never read as one of the three risks; each of those decodes to its own
// field and prints under its own label, before the clinical history.
func TestRisksReplaced(t *testing.T) {
	old := strings.Replace(fullJSON, `"riskToSelf": "None known"`, `"risks": "None known"`, 1)
	require.NotEqual(t, fullJSON, old)
	_, err := Decode(strings.NewReader(old))
	var fes FieldErrors
	require.ErrorAs(t, err, &fes)
	require.Len(t, fes, 1)
	assert.Equal(t, "safety.risks", fes[0].Path)
	assert.NotContains(t, err.Error(), "None known")

	r := fullReferral(t)
	r.Safety = &Safety{RiskToSelf: "Self words", RiskToOthers: "Others words", RiskToStaff: "Staff words"}
	l, err := Compose(r, WithClock(fixedClock))
	require.NoError(t, err)
	var kv *KeyValueList
	safety, history := -1, -1
	for i, b := range l.Blocks {
		switch b := b.(type) {
		case *KeyValueList:
			if b.Path == "safety" {
				kv = b
			}
		case *Heading:
			switch b.Text {
			case "Safety":
				safety = i
			case "History of presenting complaint":
				history = i
			}
		}
	}
	require.NotNil(t, kv)
	assert.Equal(t, []KeyValue{
		{Key: "Risk to self", Value: "Self words", Path: "safety.riskToSelf"},
		{Key: "Risk to others", Value: "Others words", Path: "safety.riskToOthers"},
		{Key: "Risk to staff (lone working, home visits)", Value: "Staff words", Path: "safety.riskToStaff"},
	}, kv.Items)
	assert.Less(t, safety, history, "Safety prints before the clinical history")
}

// TestAtAGlanceAndOpening checks every example letter, and the full
// referral with each request kind, sex and age: the At a glance block
// comes right after the "Re:" block with at most six items, always the
// priority in words, what is asked and the allergy state, the interpreter
// and a Safety pointer exactly when given; the opening is one of the fixed
// sentences, and the reason and question follow in the referrer's words.
func TestAtAGlanceAndOpening(t *testing.T) {
	check := func(t *testing.T, r *Referral) {
		l, err := Compose(r, WithClock(fixedClock))
		require.NoError(t, err)
		re := -1
		for i, b := range l.Blocks {
			if p, ok := b.(*Paragraph); ok && strings.HasPrefix(p.Text, "Re: ") {
				re = i
				break
			}
		}
		require.GreaterOrEqual(t, re, 0)
		sm, ok := l.Blocks[re+1].(*Summary)
		require.True(t, ok, "At a glance follows the Re: block")
		assert.Equal(t, "At a glance", sm.Title)
		assert.LessOrEqual(t, len(sm.Items), 6)
		items := map[string]string{}
		var keys []string
		for _, it := range sm.Items {
			items[it.Key] = it.Value
			keys = append(keys, it.Key)
		}
		require.GreaterOrEqual(t, len(keys), 3)
		assert.Equal(t, []string{"Priority", "Asked", "Allergies"}, keys[:3])
		assert.True(t, strings.HasPrefix(items["Priority"], map[bool]string{true: "Routine", false: "Urgent"}[r.Priority.canonical() == PriorityRoutine]))
		switch {
		case r.Allergies.State == StateUnknown:
			assert.Equal(t, "Allergy status not recorded", items["Allergies"])
		case len(r.Allergies.Items) == 0:
			assert.Equal(t, "No known drug allergies", items["Allergies"])
		default:
			for _, a := range r.Allergies.Items {
				assert.Contains(t, items["Allergies"], a.Substance)
			}
		}
		_, hasInterp := items["Interpreter"]
		assert.Equal(t, r.Communication != nil && r.Communication.Interpreter != nil, hasInterp)
		_, hasSafety := items["Safety"]
		assert.Equal(t, r.Safety.hasRisk(), hasSafety)

		opening := l.Blocks[indexOfSalutation(t, l)+1].(*Paragraph).Text
		sentences := map[RequestKind]string{
			RequestDiagnosis: " for assessment and diagnosis.", RequestAdvice: " for your advice.",
			RequestTreatment: " for consideration of treatment.", RequestProcedure: " for consideration of a procedure.",
			RequestOther: ".",
		}
		assert.Equal(t, "I would be grateful if you could see "+patientRef(r.Patient)+sentences[r.Request.Kind], opening)
		kv := l.Blocks[indexOfSalutation(t, l)+2].(*KeyValueList)
		assert.Equal(t, KeyValue{Key: "Reason for referral", Value: strings.TrimSpace(r.Reason), Path: "reason"}, kv.Items[0])
		if d := strings.TrimSpace(r.Request.Detail); d != "" {
			assert.Equal(t, KeyValue{Key: "My question", Value: d, Path: "request.detail"}, kv.Items[1])
		}
	}
	for _, f := range testdataFiles(t, "referrals/*.json") {
		r := decodeFile(t, f)
		if Decide(r).Path != PathLetter {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) { check(t, r) })
	}
	for _, kind := range []RequestKind{RequestDiagnosis, RequestAdvice, RequestTreatment, RequestProcedure, RequestOther} {
		for _, sex := range []string{"", "female", "M", "Indeterminate"} {
			for _, born := range []Date{NewDate(2026, 10, 1), NewDate(2024, 1, 31), NewDate(1930, 2, 28)} {
				r := fullReferral(t)
				r.Request = Request{Kind: kind, Detail: "What next?"}
				r.Patient.Sex, r.Patient.DateOfBirth = sex, born
				t.Run(fmt.Sprintf("%s/%q/%s", kind, sex, born), func(t *testing.T) { check(t, r) })
			}
		}
	}
}

func indexOfSalutation(t *testing.T, l *Letter) int {
	t.Helper()
	for i, b := range l.Blocks {
		if p, ok := b.(*Paragraph); ok && strings.HasPrefix(p.Text, "Dear ") {
			return i
		}
	}
	t.Fatal("no salutation")
	return -1
}

// TestAgeSinceSexText checks how the letter prints an age, a free-text
// "since" and the recorded sex.
func TestAgeSinceSexText(t *testing.T) {
	at := NewDate(2026, 11, 20)
	ages := []struct {
		born Date
		want string
	}{
		{NewDate(2026, 11, 20), "0 months"},
		{NewDate(2026, 10, 20), "1 month"},
		{NewDate(2024, 11, 21), "23 months"},
		{NewDate(2024, 11, 20), "2 years"},
		{NewDate(2024, 8, 5), "2 years 3 months"},
		{NewDate(2023, 10, 20), "3 years 1 month"},
		{NewDate(2021, 11, 21), "4 years 11 months"},
		{NewDate(2021, 11, 20), "5"},
		{NewDate(1961, 3, 3), "65"},
	}
	for _, a := range ages {
		assert.Equal(t, a.want, ageText(a.born, at), a.born.String())
	}
	for in, want := range map[string]string{
		"2026-11-18": "18 November 2026", "2025-03": "March 2025", " 2019 ": " 2019 ", "childhood": "childhood",
		"2026-13": "2026-13", "2026-02-30": "2026-02-30", "since 2025-03": "since 2025-03", "": "",
	} {
		assert.Equal(t, want, sinceText(in), in)
	}
	for in, want := range map[string]string{
		"female": "Female", "F": "Female", "MALE": "Male", "m": "Male", "indeterminate": "Indeterminate", "": "",
	} {
		assert.Equal(t, want, sexText(in), in)
	}
}

// TestBlockPaths: every block of a composed letter names the field it
// shows, and BlockPath returns the block's Path.
func TestBlockPaths(t *testing.T) {
	letters := 0
	for _, f := range testdataFiles(t, "referrals/*.json") {
		r := decodeFile(t, f)
		if Decide(r, WithClock(fixedClock)).Path != PathLetter {
			continue
		}
		l, err := Compose(r, WithClock(fixedClock))
		require.NoError(t, err, f)
		letters++
		for i, b := range l.Blocks {
			p := reflect.ValueOf(b).Elem().FieldByName("Path")
			require.True(t, p.IsValid(), "%s: block %d (%T) has no Path", f, i, b)
			assert.NotEmpty(t, b.BlockPath(), "%s: block %d (%T)", f, i, b)
			assert.Equal(t, p.String(), b.BlockPath(), "%s: block %d (%T)", f, i, b)
		}
	}
	assert.Greater(t, letters, 3, "letters composed")
}
