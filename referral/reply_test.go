package referral

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// replyPair is a returned document with the referral it answers.
type replyPair struct {
	name string
	ref  *Referral
	ret  *Returned
}

// replyPairs loads testdata/returned, each with its referral.
func replyPairs(t testing.TB) []replyPair {
	t.Helper()
	var out []replyPair
	for _, f := range testdataFiles(t, "returned/*.json") {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		ret, err := DecodeReturned(bytes.NewReader(mustRead(t, f)))
		require.NoError(t, err, f)
		out = append(out, replyPair{name, decodeFile(t, filepath.Join("..", "testdata", "referrals", name+".json")), ret})
	}
	require.GreaterOrEqual(t, len(out), 2)
	return out
}

func replyText(t testing.TB, r *Referral, ret *Returned, opts ...Option) string {
	t.Helper()
	l, err := ComposeReply(r, ret, append([]Option{WithClock(fixedClock)}, opts...)...)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, l.WriteText(&b))
	return b.String()
}

// TestReplyGolden compares the text of each reply with its golden file.
// Refresh with: go test ./referral -update
func TestReplyGolden(t *testing.T) {
	for _, p := range replyPairs(t) {
		text := replyText(t, p.ref, p.ret)
		golden := filepath.Join("..", "testdata", "golden", p.name+".reply.txt")
		if *update {
			require.NoError(t, os.WriteFile(golden, []byte(text), 0o644))
			continue
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err, "missing golden file: run go test ./referral -update")
		assert.Equal(t, string(want), text, golden)
	}
}

// TestReplyNothingLost checks that every value of the returned document
// and every identifier of the referral reaches the reply: for the testdata
// pairs, and for returned documents with random parts removed and random
// text put in.
func TestReplyNothingLost(t *testing.T) {
	for _, p := range replyPairs(t) {
		assertReplyComplete(t, p.name, p.ref, p.ret, replyText(t, p.ref, p.ret))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	pairs := replyPairs(t)
	for i := range 200 {
		p := pairs[0]
		ret := randomReturned(t, rng, p.ret)
		assertReplyComplete(t, fmt.Sprintf("generated %d", i), p.ref, ret, replyText(t, p.ref, ret))
	}
}

func assertReplyComplete(t *testing.T, name string, r *Referral, ret *Returned, text string) {
	t.Helper()
	hay := squash(text)
	var ls []leaf
	leaves(reflect.ValueOf(ret).Elem(), "returned", &ls)
	p := r.Patient
	ids := []leaf{
		{"referral.date", reflect.ValueOf(r.Date)},
		{"referral.reference", reflect.ValueOf(r.Reference)},
		{"referral.recipient.service", reflect.ValueOf(r.Recipient.Service)},
		{"referral.patient.title", reflect.ValueOf(p.Title)},
		{"referral.patient.givenName", reflect.ValueOf(p.GivenName)},
		{"referral.patient.familyName", reflect.ValueOf(p.FamilyName)},
		{"referral.patient.dateOfBirth", reflect.ValueOf(p.DateOfBirth)},
		{"referral.patient.nhsNumber", reflect.ValueOf(p.NHSNumber)},
		{"referral.patient.address.town", reflect.ValueOf(p.Address.Town)},
		{"referral.patient.address.postcode", reflect.ValueOf(p.Address.Postcode)},
		{"referral.referrer.name", reflect.ValueOf(r.Referrer.Name)},
		{"referral.referrer.phone", reflect.ValueOf(r.Referrer.Phone)},
		{"referral.practice.name", reflect.ValueOf(r.Practice.Name)},
		{"referral.practice.odsCode", reflect.ValueOf(r.Practice.ODSCode)},
	}
	for i, l := range p.Address.Lines {
		ids = append(ids, leaf{pathIndex("referral.patient.address.lines", i), reflect.ValueOf(l)})
	}
	require.NotEmpty(t, ls)
	for _, l := range append(ls, ids...) {
		var want string
		switch v := l.v.Interface().(type) {
		case Date:
			want = v.Long()
		case NHSNumber:
			want = v.String()
		case UBRN:
			want = v.String()
		case string:
			want = v
			if strings.HasSuffix(l.path, "postcode") {
				want = NormalizePostcode(v)
			}
		default:
			t.Fatalf("%s: unexpected type at %s", name, l.path)
		}
		if want == "" {
			continue
		}
		if !strings.Contains(hay, squash(want)) {
			t.Errorf("%s: the value of %s is not in the reply", name, l.path)
		}
	}
	// The reason is quoted whole, as given.
	assert.Contains(t, text, "\u201c"+firstLine(strings.TrimSpace(ret.Reason)), name)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	if f := strings.Fields(l); len(f) > 0 {
		return f[0]
	}
	return l
}

// randomReturned returns a copy of ret with optional parts randomly
// removed and its free text replaced.
func randomReturned(t testing.TB, rng *rand.Rand, ret *Returned) *Returned {
	t.Helper()
	words := []string{"form", "Zoë", "Ó Súilleabháin", "proforma v4", "<5%", "&", "naïve", "—", "e-RS", "\"quoted\"", "resubmit"}
	text := func() string {
		var b []string
		for range 1 + rng.IntN(30) {
			b = append(b, words[rng.IntN(len(words))])
		}
		return strings.Join(b, " ")
	}
	maybe := func() bool { return rng.IntN(3) == 0 }
	c := *ret
	c.Reason = text()
	if maybe() {
		c.Reason += "\n\n" + text()
	}
	c.By = text()
	if maybe() {
		c.Address = nil
	}
	if maybe() {
		c.Reference = ""
	} else {
		c.Reference = text()
	}
	if maybe() {
		c.UBRN = ""
	}
	if ret.Copies != nil {
		cp := *ret.Copies
		if maybe() {
			cp.Commissioner = nil
		}
		if maybe() {
			cp.LMC = &CopyRecipient{Name: text()}
		}
		c.Copies = &cp
	}
	if maybe() {
		c.Copies = nil
	}
	require.NoError(t, c.Validate())
	return &c
}

// TestReplyCitation checks the contractual position: in England the
// checked citation, word for word, in a paragraph of its own; outside
// England nothing that cites English law unless the caller gives its own
// wording; and never more than the statement claims.
func TestReplyCitation(t *testing.T) {
	english := []string{"Regulations 2015", "regulation 17", "GMS", "BMA", "GP contract"}
	custom := Statement{Title: "x", Paragraphs: []string{"Our own words on referral forms."}, Source: "Our policy"}
	tests := []struct {
		name   string
		change func(r *Referral)
		opts   []Option
		cites  bool
		has    []string
	}{
		{"England", func(r *Referral) {}, nil, true, nil},
		{"Wales", func(r *Referral) { r.Practice.Nation, r.Practice.ODSCode = "", "W91016" }, nil, false, nil},
		{"Northern Ireland", func(r *Referral) { r.Practice.Nation, r.Practice.Address.Postcode = "", "BT9 7AB" }, nil, false, nil},
		{"Scotland, as given", func(r *Referral) { r.Practice.Nation = NationScotland }, nil, false, nil},
		{"without statement", func(r *Referral) {}, []Option{WithoutStatement()}, false, nil},
		{"own words in Wales", func(r *Referral) { r.Practice.Nation, r.Practice.ODSCode = "", "W91016" }, []Option{WithStatement(custom)}, false,
			[]string{"Our own words on referral forms.", "Source: Our policy"}},
		{"own words in England", func(r *Referral) {}, []Option{WithStatement(custom)}, false,
			[]string{"Our own words on referral forms."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := replyPairs(t)[0]
			tt.change(p.ref)
			l, err := ComposeReply(p.ref, p.ret, append([]Option{WithClock(fixedClock)}, tt.opts...)...)
			require.NoError(t, err)
			var paras []string
			for _, b := range l.Blocks {
				if para, ok := b.(*Paragraph); ok {
					paras = append(paras, para.Text)
				}
			}
			all := strings.Join(paras, "\n")
			if tt.cites {
				assert.Contains(t, paras, formNotUsed)
			} else {
				for _, s := range english {
					assert.NotContains(t, all, s)
				}
			}
			for _, s := range tt.has {
				assert.Contains(t, paras, s)
			}
			// What every reply says, and what none may say.
			assert.Contains(t, all, "holds the clinical information needed to triage it")
			assert.Contains(t, all, "triage the referral on clinical grounds")
			assert.Contains(t, all, "contact the referrer")
			low := strings.ToLower(all)
			for _, s := range []string{"may not reject", "may not return", "must not", "cannot reject", "standard contract", "clause", "breach", "obliged"} {
				assert.NotContains(t, low, s)
			}
		})
	}
	// The citation is the statement's, in the same checked words.
	assert.Contains(t, formNotUsed, contractBasis("Using one"))
	assert.Contains(t, strings.Join(DefaultStatement().Paragraphs, " "), contractBasis("Using one"))
	assert.Contains(t, formNotUsed, "regulation 17(4) and (5)")
	assert.Contains(t, formNotUsed, "in discussion with the patient")
	assert.Contains(t, formNotUsed, "BMA GPC England")
}

func TestReplyLetter(t *testing.T) {
	p := replyPairs(t)[0]
	l, err := ComposeReply(p.ref, p.ret, WithClock(fixedClock))
	require.NoError(t, err)
	assert.Equal(t, "Reply to a returned referral: Dermatology", l.Meta.Title)
	assert.Equal(t, "21 November 2026", l.Meta.Date.Long())
	assert.Equal(t, p.ref.Patient.NHSNumber.String(), l.Meta.Patient.NHSNumber)
	assert.NotContains(t, l.Meta.Title+l.Meta.Subject, p.ref.Patient.FamilyName)
	text := squash(replyText(t, p.ref, p.ret))
	assert.Contains(t, text, squash("Enclosure: the original referral letter of 18 November 2026"))
	assert.Contains(t, text, squash("Dear Colleague,"))
	assert.Contains(t, text, squash("e-RS UBRN 0000 4000 1234, returned on 20 November 2026"))
	assert.Contains(t, text, squash("cc: NHS West Yorkshire ICB, White Rose House"))
	// Fields name their place in the request {"referral": ..., "returned": ...}.
	for _, b := range l.Blocks {
		if f := b.BlockPath(); f != "statement" {
			assert.Regexp(t, `^(referral|returned)(\.|$)`, f)
		}
	}

	tests := []struct {
		name   string
		change func(r *Referral, ret *Returned)
		has    []string
		hasNot []string
	}{
		{"no address, the service referred to", func(r *Referral, ret *Returned) {
			ret.Address, ret.By = nil, "dermatology outpatients"
		}, []string{"dermatology outpatients\nLeeds Teaching Hospitals NHS Trust\nChapel Allerton Hospital"}, nil},
		{"no address, another service", func(r *Referral, ret *Returned) { ret.Address = nil },
			[]string{"Dermatology Referral Hub\n\nDate:"}, []string{"Chapel Allerton"}},
		{"no copies", func(r *Referral, ret *Returned) { ret.Copies = nil }, nil, []string{"cc:"}},
		{"no UBRN or references", func(r *Referral, ret *Returned) { ret.UBRN, ret.Reference, r.Reference = "", "", "" },
			[]string{", returned on 20 November 2026"}, []string{"UBRN", "reference"}},
		{"UBRN with hyphens", func(r *Referral, ret *Returned) { ret.UBRN = "0000-4000-1234" }, []string{"UBRN 0000 4000 1234"}, nil},
		{"the referral's UBRN only", func(r *Referral, ret *Returned) { ret.UBRN, r.UBRN = "", "0000 4000 5678" },
			[]string{"e-RS UBRN 0000 4000 5678, returned on"}, nil},
		// Neither UBRN is dropped when they differ.
		{"two UBRNs", func(r *Referral, ret *Returned) { r.UBRN = "0000 4000 5678" },
			[]string{"e-RS UBRN 0000 4000 5678", "0000 4000 1234"}, nil},
		{"the same UBRN twice", func(r *Referral, ret *Returned) { r.UBRN = "000040001234" },
			[]string{"e-RS UBRN 0000 4000 1234, returned on"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := replyPairs(t)[0]
			tt.change(p.ref, p.ret)
			text := squash(replyText(t, p.ref, p.ret))
			for _, s := range tt.has {
				assert.Contains(t, text, squash(s))
			}
			for _, s := range tt.hasNot {
				assert.NotContains(t, text, squash(s))
			}
		})
	}
}

func TestReplyTwoWeekWait(t *testing.T) {
	cases := map[string]func(r *Referral) []Option{
		"priority":     func(r *Referral) []Option { r.Priority = PriorityTwoWeekWait; return nil },
		"alias":        func(r *Referral) []Option { r.Priority = ParsePriority("USC"); return nil },
		"service flag": func(r *Referral) []Option { r.Recipient.SuspectedCancer = true; return nil },
		"2WW proforma": func(r *Referral) []Option { return []Option{WithProforma(fakeForm{TwoWeekWait: true})} },
		"own statement": func(r *Referral) []Option {
			r.Priority = PriorityTwoWeekWait
			return []Option{WithStatement(DefaultStatement())}
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			p := replyPairs(t)[0]
			l, err := ComposeReply(p.ref, p.ret, append([]Option{WithClock(fixedClock)}, setup(p.ref)...)...)
			assert.Nil(t, l)
			require.ErrorIs(t, err, ErrTwoWeekWait)
			var tw *TwoWeekWaitError
			require.ErrorAs(t, err, &tw)
			assert.Equal(t, "TWO_WEEK_WAIT", tw.Handoff().PriorityCode)
		})
	}
}

func TestReplyInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *Referral, ret *Returned)
		want   []string // path/rule
		secret string   // a value that must not appear in the error
	}{
		{"returned blank", func(r *Referral, ret *Returned) { *ret = Returned{} },
			[]string{"returned.by/required", "returned.reason/required", "returned.date/required"}, ""},
		{"blank text", func(r *Referral, ret *Returned) { ret.By, ret.Reason = " \u200b ", "\n\t" },
			[]string{"returned.by/required", "returned.reason/required"}, ""},
		{"returned date not real", func(r *Referral, ret *Returned) { ret.Date = Date{invalid: true} },
			[]string{"returned.date/date"}, ""},
		{"returned in the future", func(r *Referral, ret *Returned) { ret.Date = NewDate(2026, 11, 22) },
			[]string{"returned.date/date-future"}, ""},
		{"returned before it was sent", func(r *Referral, ret *Returned) { ret.Date = NewDate(2026, 11, 17) },
			[]string{"returned.date/date-order"}, ""},
		{"bad UBRN", func(r *Referral, ret *Returned) { ret.UBRN = "0000 4000 12345" },
			[]string{"returned.ubrn/ubrn"}, "12345"},
		{"UBRN with letters", func(r *Referral, ret *Returned) { ret.UBRN = "0000 4000 ABCD" },
			[]string{"returned.ubrn/ubrn"}, "ABCD"},
		{"copy without a name", func(r *Referral, ret *Returned) { ret.Copies.LMC.Name = "" },
			[]string{"returned.copies.lmc.name/required"}, ""},
		{"bad postcode", func(r *Referral, ret *Returned) { ret.Copies.Commissioner.Address.Postcode = "QQ1 9ZZ" },
			[]string{"returned.copies.commissioner.address.postcode/postcode"}, "QQ1"},
		{"control character", func(r *Referral, ret *Returned) { ret.Reason = "Wrong form\x07 for Zoë" },
			[]string{"returned.reason/control-chars"}, "Zoë"},
		{"too long", func(r *Referral, ret *Returned) { ret.Reason = strings.Repeat("Zoë ", 5001) },
			[]string{"returned.reason/max-length"}, "Zoë"},
		{"referral without a date", func(r *Referral, ret *Returned) { r.Date = Date{} },
			[]string{"referral.date/required"}, ""},
		{"both invalid", func(r *Referral, ret *Returned) { r.Patient.NHSNumber = "9990000019"; ret.By = "" },
			[]string{"referral.patient.nhsNumber/nhsnumber", "returned.by/required"}, "9990000019"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := replyPairs(t)[0]
			tt.change(p.ref, p.ret)
			l, err := ComposeReply(p.ref, p.ret, WithClock(fixedClock))
			assert.Nil(t, l)
			var fes FieldErrors
			require.ErrorAs(t, err, &fes)
			var got []string
			for _, fe := range fes {
				got = append(got, fe.Path+"/"+fe.Rule)
			}
			assert.ElementsMatch(t, tt.want, got)
			if tt.secret != "" {
				assert.NotContains(t, err.Error(), tt.secret)
			}
		})
	}
	t.Run("nil", func(t *testing.T) {
		l, err := ComposeReply(nil, nil)
		assert.Nil(t, l)
		var fes FieldErrors
		require.ErrorAs(t, err, &fes)
		assert.Equal(t, "referral: is required\nreturned: is required", fes.Error())
		assert.Error(t, (*Returned)(nil).Validate())
	})
}

func TestDecodeReturned(t *testing.T) {
	tests := []struct {
		name, doc string
		want      string // path/rule of the first error
	}{
		{"unknown field", `{"date": "2026-11-20", "by": "x", "reason": "y", "patient": "Zoë"}`, "/unknown-field"},
		{"duplicate", `{"date": "2026-11-20", "by": "x", "by": "z", "reason": "y"}`, "by/duplicate-field"},
		{"wrong type", `{"date": 20261120, "by": "x", "reason": "y"}`, "date/type"},
		{"copies as a list", `{"date": "2026-11-20", "by": "x", "reason": "y", "copies": []}`, "copies/type"},
		{"trailing data", `{"date": "2026-11-20", "by": "x", "reason": "y"} {}`, "/trailing-data"},
		{"syntax", `{"date": "2026-11-20", "by": "Zoë`, "/syntax"},
		{"not UTF-8", "{\"by\": \"\xff\"}", "/utf8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ret, err := DecodeReturned(strings.NewReader(tt.doc))
			assert.Nil(t, ret)
			var fes FieldErrors
			require.ErrorAs(t, err, &fes)
			assert.Equal(t, tt.want, fes[0].Path+"/"+fes[0].Rule)
			assert.NotContains(t, err.Error(), "Zoë")
			assert.NotContains(t, err.Error(), "the referral form")
		})
	}
	_, err := DecodeReturned(strings.NewReader(`{"reason": "` + strings.Repeat("x", MaxDocumentBytes) + `"}`))
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = DecodeReturned(iotestErrReader{})
	assert.Error(t, err)

	ret, err := DecodeReturned(strings.NewReader("\xef\xbb\xbf" + `{"date": "2026-11-20", "by": "x", "reason": "y", "ubrn": null}`))
	require.NoError(t, err)
	assert.Equal(t, NewDate(2026, 11, 20), ret.Date)
	require.NoError(t, ret.Validate())
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("broken") }

func FuzzComposeReply(f *testing.F) {
	for _, file := range testdataFiles(f, "returned/*.json") {
		f.Add(mustRead(f, file))
	}
	f.Add([]byte(`{"date": "2026-11-20", "by": "", "reason": "\u0000", "ubrn": "x"}`))
	f.Add([]byte(`{"copies": {"lmc": null, "commissioner": {"address": {}}}}`))
	ref := decodeFile(f, filepath.Join("..", "testdata", "referrals", "dermatology-eczema.json"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		ret, err := DecodeReturned(bytes.NewReader(doc))
		if err != nil {
			if ret != nil {
				t.Fatal("a document with an error")
			}
			return
		}
		l, err := ComposeReply(ref, ret, WithClock(fixedClock))
		if err != nil {
			if l != nil {
				t.Fatal("a reply with an error")
			}
			if strings.Contains(err.Error(), "9990000018") {
				t.Fatal("patient data in the error")
			}
			return
		}
		if err := l.WriteText(&bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkComposeReply(b *testing.B) {
	p := replyPairs(b)[0]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ComposeReply(p.ref, p.ret, WithClock(fixedClock)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReplyForPatient: a reply has no patient's copy; asking for one is an
// error, never the service's reply headed for the patient.
func TestReplyForPatient(t *testing.T) {
	p := replyPairs(t)[0]
	l, err := ComposeReply(p.ref, p.ret, WithClock(fixedClock), ForPatient())
	assert.Nil(t, l)
	assert.ErrorIs(t, err, ErrNoPatientCopy)
}

// TestReplyOldReferral: a referral written two years ago, valid then,
// still gets a reply; its date is not held to today's letter-date window.
func TestReplyOldReferral(t *testing.T) {
	p := replyPairs(t)[0]
	p.ref.Date = p.ref.Date.AddYears(-2)
	text := replyText(t, p.ref, p.ret)
	assert.Contains(t, text, "Referral of "+p.ref.Date.Long())
}
