package hardening

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

// heapLimit is the most heap the largest referral may need on its way to
// a PDF, as the largest live heap a collection finds. The peak heap also
// holds garbage not yet collected: the collector lets the heap grow to
// twice the live heap (GOGC=100) before it collects, and further while a
// loaded machine gives its background work little time, so the peak is
// held to twice the limit.
const heapLimit = 64 << 20

// fillText returns text of exactly n characters. "prose" is words and
// sentences; "lines" is as many lines as n allows (one letter and a line
// break each), the text that makes the most pages; "word" is one word
// with no space to break at.
func fillText(style string, n int) string {
	var b strings.Builder
	switch style {
	case "lines":
		for b.Len() < n-1 {
			b.WriteString("x\n")
		}
	case "word":
		return strings.Repeat("ab", n/2) + strings.Repeat("c", n%2)
	default:
		words := []string{"Intermittent", "palpitations", "with", "breathlessness", "on", "exertion", "and", "no",
			"syncope;", "ECG", "normal,", "echo", "awaited.", "She", "is", "anxious", "about", "driving."}
		for i := 0; b.Len() < n; i++ {
			b.WriteString(words[i%len(words)])
			b.WriteByte(' ')
		}
	}
	s := b.String()
	if len(s) < n {
		s += strings.Repeat(".", n-len(s))
	}
	return s[:n]
}

// largestReferral returns the largest referral the input limits accept,
// as JSON: every free-text field at 20,000 characters in the given style
// (the examination one unbroken word), every list at 200 items, and the
// items' text as long as the 1 MiB document limit then allows (itemLen,
// found by search).
func largestReferral(t testing.TB, style string) (doc []byte, itemLen int) {
	t.Helper()
	build := func(l int) []byte {
		big := fillText(style, referral.MaxTextLength)
		item := func(i int) string { return fillText("prose", l-4) + itoa(1000+i) }
		yes := true
		addr := func(n int) referral.Address {
			a := referral.Address{Town: "Newcastle upon Tyne", Postcode: "NE6 5HN"}
			for i := range n {
				a.Lines = append(a.Lines, item(i))
			}
			return a
		}
		d := referral.NewDate(2026, 11, 20)
		r := referral.Referral{
			Date: d, Reference: item(0), Priority: referral.PriorityUrgent, PriorityReason: big,
			Referrer: referral.Referrer{Name: "Dr James Robson", Role: "GP Partner", GMCNumber: "4712309", Phone: "0191 498 0178", Email: "james.robson@nhs.net"},
			Practice: referral.Practice{Name: "Heaton Park Surgery", ODSCode: "A86012", Address: addr(200), Phone: "0191 498 0177", Email: "heaton.park@nhs.net"},
			Recipient: referral.Recipient{Service: "Cardiology Outpatients", Specialty: "Cardiology", Clinician: "Dr Ruth Okafor",
				Organisation: item(1), ERSServiceID: "8140213"},
			Patient: referral.Patient{Title: "Ms", GivenName: "Priya", FamilyName: "Natarajan", PreferredName: "Pri",
				DateOfBirth: referral.NewDate(1986, 10, 8), NHSNumber: "9990000174", Sex: "Female", Address: addr(200),
				Email: "priya@example.com"},
			Reason:          big,
			Request:         referral.Request{Kind: referral.RequestOther, Detail: big},
			History:         big,
			Examination:     fillText("word", referral.MaxTextLength),
			ManagementSoFar: big,
			FamilyHistory:   big,
			SocialHistory:   big,
			Medications:     referral.Medications{State: referral.StateRecorded},
			Allergies:       referral.Allergies{State: referral.StateRecorded},
			PatientView:     &referral.PatientView{Informed: &yes, Agrees: &yes, Concerns: big},
			Communication: &referral.Communication{
				Interpreter: &referral.Interpreter{Language: "Tamil", Dialect: item(2)},
				Carer:       &referral.Carer{Name: "Arjun Natarajan", Relationship: item(3), Phone: "07700 900871"},
			},
			Safety:            &referral.Safety{Safeguarding: big, RiskToSelf: big, RiskToOthers: big, RiskToStaff: big, Capacity: big},
			AdviceAndGuidance: &referral.AdviceAndGuidance{Considered: &yes, Reason: big},
			Copies:            &referral.Copies{Patient: &yes},
		}
		ra := addr(200)
		r.Recipient.Address = &ra
		for i := range referral.MaxListItems {
			r.Patient.Phones = append(r.Patient.Phones, referral.Phone{Kind: "mobile", Number: "07700 900" + itoa(100 + i)[0:3]})
			r.Investigations = append(r.Investigations, referral.Investigation{Name: item(i), Result: item(i), Date: d, Comment: item(i)})
			r.PastHistory = append(r.PastHistory, referral.Condition{Condition: item(i), Since: item(i), Note: item(i)})
			r.Medications.Items = append(r.Medications.Items, referral.Medication{Name: item(i), Dose: item(i), Since: item(i)})
			r.Allergies.Items = append(r.Allergies.Items, referral.Allergy{Substance: item(i), Reaction: item(i), Severity: item(i)})
			r.Communication.AccessibleInformation = append(r.Communication.AccessibleInformation, item(i))
			r.Communication.ReasonableAdjustments = append(r.Communication.ReasonableAdjustments, item(i))
			r.Attachments = append(r.Attachments, referral.Attachment{Title: item(i), Date: d})
			r.Copies.Others = append(r.Copies.Others, referral.CopyRecipient{Name: item(i)})
		}
		b, err := json.Marshal(r)
		require.NoError(t, err)
		return b
	}
	lo, hi := 5, referral.MaxTextLength // lo fits, hi does not
	require.LessOrEqual(t, len(build(lo)), referral.MaxDocumentBytes, "the fixed fields alone exceed the limit")
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if len(build(mid)) <= referral.MaxDocumentBytes {
			lo = mid
		} else {
			hi = mid
		}
	}
	return build(lo), lo
}

// toPDF takes a document through Decode, Validate, Compose and Render.
func toPDF(r *pdf.Renderer, doc []byte) ([]byte, error) {
	ref, err := referral.Decode(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	if err := ref.Validate(); err != nil {
		return nil, err
	}
	l, err := referral.Compose(ref)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := r.Render(&buf, l); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pageCount counts the page objects of a PDF made by fpdf.
func pageCount(b []byte) int {
	return bytes.Count(b, []byte("/Type /Page")) - bytes.Count(b, []byte("/Type /Pages"))
}

// heapUse is what peakHeap measured.
type heapUse struct {
	peak   uint64 // the largest heap seen: live and not yet swept objects
	live   uint64 // the largest live heap a collection found
	before uint64 // the heap before
	total  uint64 // bytes allocated in all
}

// peakHeap runs f and samples the heap meanwhile, every 100µs. Two
// collections first empty the caches (sync.Pool) that would otherwise
// count earlier work against f.
func peakHeap(f func()) heapUse {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	u := heapUse{before: ms.HeapAlloc, total: ms.TotalAlloc}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(100 * time.Microsecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			u.peak = max(u.peak, s[0].Value.Uint64())
			u.live = max(u.live, s[1].Value.Uint64())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	runtime.ReadMemStats(&ms)
	close(stop)
	<-done
	u.peak = max(u.peak, u.live, ms.HeapAlloc)
	u.total = ms.TotalAlloc - u.total
	return u
}

// TestLargestReferralMemory: the largest referral the input limits accept
// (see largestReferral) decodes, validates, composes and renders holding
// a live heap under heapLimit, and a peak heap under twice that, in each
// text style. The figures are logged.
func TestLargestReferralMemory(t *testing.T) {
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	for _, style := range []string{"prose", "lines"} {
		t.Run(style, func(t *testing.T) {
			doc, itemLen := largestReferral(t, style)
			require.LessOrEqual(t, len(doc), referral.MaxDocumentBytes)
			ref, err := decodeAndValidate(doc)
			require.NoError(t, err, "the largest referral is accepted")
			require.Equal(t, referral.PathLetter, referral.Decide(ref).Path)
			require.Len(t, ref.Investigations, referral.MaxListItems)
			require.Equal(t, referral.MaxTextLength, utf8.RuneCountInString(ref.History))

			var out []byte
			start := time.Now()
			u := peakHeap(func() { out, err = toPDF(r, doc) })
			elapsed := time.Since(start)
			require.NoError(t, err)
			t.Logf("%s: document %d bytes (list items of %d characters); PDF of %d pages, %d bytes, in %s; "+
				"peak heap %.1f MB (%.1f MB before; largest live heap %.1f MB); allocated %.1f MB in all",
				style, len(doc), itemLen, pageCount(out), len(out), elapsed.Round(time.Millisecond),
				mb(u.peak), mb(u.before), mb(u.live), mb(u.total))
			assert.Less(t, u.live, uint64(heapLimit), "live heap %.1f MB", mb(u.live))
			assert.Less(t, u.peak, uint64(2*heapLimit), "peak heap %.1f MB", mb(u.peak))
		})
	}
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }

// BenchmarkLargestReferral takes the largest accepted referral (prose
// style) from JSON to PDF.
func BenchmarkLargestReferral(b *testing.B) {
	r, err := pdf.NewRenderer()
	require.NoError(b, err)
	doc, _ := largestReferral(b, "prose")
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := toPDF(r, doc); err != nil {
			b.Fatal(err)
		}
	}
}

// worstLimit is the most heap a refused document of 1 MiB may cost.
const worstLimit = 50 << 20

// worstDocuments are 1 MiB documents (just under the limit) built to cost
// the most on their way to a refusal: as many list items, keys, faults
// and escapes as fit.
func worstDocuments(t testing.TB) map[string][]byte {
	t.Helper()
	base := string(mustRead(t, "../../testdata/referrals/cardiology-palpitations.json"))
	fill := func(head, item, sep, tail string) []byte {
		var b strings.Builder
		b.WriteString(head)
		for i := 0; b.Len()+len(item)+len(sep)+len(tail) < referral.MaxDocumentBytes; i++ {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(item)
		}
		b.WriteString(tail)
		return []byte(b.String())
	}
	// Every list of the form, and every text, faulty.
	var many strings.Builder
	many.WriteString(`{"priority": " ", "date": "1900-01-01", "patient": {"givenName": "\u200b", "phones": [`)
	for i := range referral.MaxListItems {
		if i > 0 {
			many.WriteString(",")
		}
		many.WriteString(`{"number": "x"}`)
	}
	many.WriteString(`]}, "investigations": [`)
	for i := range referral.MaxListItems {
		if i > 0 {
			many.WriteString(",")
		}
		many.WriteString(`{"name": " ", "result": "\u00a0", "date": "2026-02-30"}`)
	}
	many.WriteString(`]}`)
	return map[string][]byte{
		"340,000 empty objects":     fill(`{"investigations": [`, `{}`, `,`, `]}`),
		"500,000 numbers in a list": fill(`{"attachments": [`, `1`, `,`, `]}`),
		"unknown keys":              fill(`{`, `"a":0`, `,`, `}`),
		"duplicate keys":            fill(`{`, `"reason":"a"`, `,`, `}`),
		"nulls":                     fill(`{"investigations": [`, `null`, `,`, `]}`),
		"escaped text":              fill(`{"history": "`, `\u00e9`, ``, `"}`),
		"faults in every item":      []byte(many.String()),
		"deep unknown nesting":      fill(`{"x": `, `[`, ``, ``),
		"a valid referral, padded":  []byte(`{` + strings.Repeat(" ", referral.MaxDocumentBytes-len(base)) + base[1:]),
	}
}

// refuse takes a document through Decode and Validate, and makes the
// answer a server would give: the errors as text and as JSON.
func refuse(doc []byte) (int, error) {
	ref, err := referral.Decode(bytes.NewReader(doc))
	if err == nil {
		err = ref.Validate()
	}
	if err == nil {
		return 0, nil
	}
	var fes referral.FieldErrors
	if errors.As(err, &fes) {
		b, jerr := json.Marshal(fes)
		if jerr != nil {
			return 0, jerr
		}
		return len(b) + len(err.Error()), err
	}
	return len(err.Error()), err
}

// TestWorstDocumentMemory: the costliest 1 MiB documents are refused (or
// accepted) with a peak heap under 50 MB, at most MaxFieldErrors errors
// and a small answer. The figures are logged.
func TestWorstDocumentMemory(t *testing.T) {
	for name, doc := range worstDocuments(t) {
		t.Run(name, func(t *testing.T) {
			require.LessOrEqual(t, len(doc), referral.MaxDocumentBytes)
			var size int
			var err error
			u := peakHeap(func() { size, err = refuse(doc) })
			var fes referral.FieldErrors
			if errors.As(err, &fes) {
				assert.LessOrEqual(t, len(fes), referral.MaxFieldErrors+1)
			}
			assert.Less(t, size, 64<<10, "the answer is small")
			t.Logf("%s: %d bytes; %d errors, answer %d bytes; peak heap %.1f MB (%.1f MB before), allocated %.1f MB",
				name, len(doc), len(fes), size, mb(u.peak), mb(u.before), mb(u.total))
			assert.Less(t, u.peak, uint64(worstLimit), "peak heap %.1f MB", mb(u.peak))
		})
	}
}

// BenchmarkWorstDocument refuses each of the worst 1 MiB documents.
func BenchmarkWorstDocument(b *testing.B) {
	for name, doc := range worstDocuments(b) {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				refuse(doc)
			}
		})
	}
}
