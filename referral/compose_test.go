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
	assert.Equal(t, "I would be grateful if you could see Ms Ó Súilleabháin, a 65-year-old woman, "+
		"for treatment of severe hand eczema not controlled by potent topical steroids. "+
		"Specifically, I am asking: Is she a candidate for alitretinoin or phototherapy?", opening)
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
		{"routine has no banner", func(r *Referral) { r.Priority = PriorityRoutine }, nil, []string{"URGENT REFERRAL"}, nil},
		{"urgent banner", func(r *Referral) {}, []string{"URGENT REFERRAL", "Reason for urgency: Rapidly worsening"}, nil, nil},
		{"child", func(r *Referral) {
			r.Patient.Title, r.Patient.GivenName, r.Patient.FamilyName, r.Patient.Sex = "", "Zoë", "Kowalczyk", "Male"
			r.Patient.DateOfBirth = NewDate(2025, 8, 2)
		}, []string{"see Zoë Kowalczyk, a 15-month-old boy", "(age 15 months)"}, nil, nil},
		{"eight-year-old", func(r *Referral) { r.Patient.DateOfBirth = NewDate(2018, 1, 1); r.Patient.Sex = "" },
			[]string{"an 8-year-old child"}, nil, nil},
		{"request kinds", func(r *Referral) { r.Request = Request{Kind: RequestAdvice} },
			[]string{"for your advice on severe hand eczema"}, []string{"Specifically"}, nil},
		{"A&G not sought", func(r *Referral) { r.AdviceAndGuidance.Considered = new(bool) },
			[]string{"Advice and guidance was not sought before this referral. she needs"}, nil, nil},
		{"no copy to patient", func(r *Referral) { r.Copies.Patient = new(bool) },
			[]string{"cc: Occupational Health"}, []string{"cc: the patient"}, nil},
		{"default copy", func(r *Referral) { r.Copies = nil }, []string{"cc: the patient"}, nil, nil},
		{"without statement", func(r *Referral) {}, nil, []string{"About this referral", "GMS/PMS"}, []Option{WithoutStatement()}},
		{"own statement", func(r *Referral) {}, []string{"Our own words.", "Source: Our policy"}, []string{"GMS/PMS"},
			[]Option{WithStatement(Statement{Title: "Note", Paragraphs: []string{"Our own words."}, Source: "Our policy"})}},
		{"named form", func(r *Referral) {}, []string{
			"The Hand Eczema Referral Form was not used; its clinically relevant questions are answered in this letter.",
			"Information requested by NHS Example ICB", "Occupational exposure?: Yes, latex gloves"},
			[]string{"A local referral form was not used"},
			[]Option{WithProforma(fakeForm{Title: "Hand Eczema Referral Form", Issuer: "NHS Example ICB",
				Answers: []FormAnswer{{QuestionID: "q4", Question: "Occupational exposure?", Answer: "Yes, latex gloves"}}})}},
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

func TestDefaultStatement(t *testing.T) {
	st := DefaultStatement()
	words := len(strings.Fields(st.Title + " " + strings.Join(st.Paragraphs, " ")))
	assert.Less(t, words, 120)
	all := strings.Join(st.Paragraphs, " ")
	assert.Contains(t, all, "formal referral")
	assert.Contains(t, all, "GMS/PMS")
	assert.Contains(t, all, "administrative grounds")
	assert.Contains(t, st.Source, "regulation 17")
	assert.Contains(t, st.Source, "BMA GPC England")
	assert.NotContains(t, all+st.Source, "Standard Contract")
	// Changing the returned value does not change the default.
	st.Paragraphs[0] = "changed"
	assert.NotEqual(t, "changed", DefaultStatement().Paragraphs[0])
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
			if l.path == "reason" {
				want = strings.TrimRight(strings.TrimSpace(v), ".")
			}
		}
		if !strings.Contains(hay, squash(want)) {
			t.Errorf("%s: the value of %s is not in the letter", name, l.path)
		}
	}
}

// squash folds case and drops white space, so wrapping and the lower-cased
// start of the reason do not count.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
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
		r.Safety = &Safety{Risks: text()}
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

// TestLetterOrder checks the order of DESIGN.md 5: communication needs and
// the priority banner come before the salutation, the statement comes
// after the clinical sections, and the signature and copies come last.
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
		case *Paragraph:
			if strings.HasPrefix(b.Text, "Dear ") {
				key = "salutation"
			}
		}
		if _, seen := index[key]; !seen {
			index[key] = i
		}
	}
	order := []string{"Letterhead", "Addressee", "URGENT REFERRAL", "Communication needs", "salutation",
		"History of presenting complaint", "Investigations", "Current medication", "Allergies and adverse reactions",
		"StatementBox", "Signature", "CopyList"}
	for i := 1; i < len(order); i++ {
		require.Contains(t, index, order[i])
		assert.Less(t, index[order[i-1]], index[order[i]], "%s must come before %s", order[i-1], order[i])
	}
	assert.Less(t, index["Communication needs"], 6, "communication needs are near the top")
}
