package referral

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fakeForm FormSection

func (f fakeForm) Section() FormSection { return FormSection(f) }

func TestDecide(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *Referral)
		opts   []Option
		path   Path
	}{
		{"routine letter", func(r *Referral) { r.Priority = PriorityRoutine }, nil, PathLetter},
		{"urgent letter", func(r *Referral) {}, nil, PathLetter},
		{"two-week wait", func(r *Referral) { r.Priority = PriorityTwoWeekWait }, nil, PathERS},
		{"alias by case and spacing", func(r *Referral) { r.Priority = ParsePriority(" Two Week Wait ") }, nil, PathERS},
		{"eRS code", func(r *Referral) { r.Priority = ParsePriority("TWO_WEEK_WAIT") }, nil, PathERS},
		{"suspected-cancer service", func(r *Referral) { r.Priority = PriorityRoutine; r.Recipient.SuspectedCancer = true }, nil, PathERS},
		{"2WW form", func(r *Referral) {}, []Option{WithProforma(fakeForm{Title: "Lower GI 2WW form", TwoWeekWait: true})}, PathERS},
		{"ordinary form", func(r *Referral) {}, []Option{WithProforma(fakeForm{Title: "Dermatology form"})}, PathLetter},
		{"nil form", func(r *Referral) {}, []Option{WithProforma(nil), nil}, PathLetter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fullReferral(t)
			tt.change(r)
			rt := Decide(r, tt.opts...)
			assert.Equal(t, tt.path, rt.Path)
			assert.NotEmpty(t, rt.Reasons)
			if tt.path == PathERS {
				require.NotNil(t, rt.Handoff)
				assert.Equal(t, "TWO_WEEK_WAIT", rt.Handoff.PriorityCode)
				assert.Equal(t, r.Patient.NHSNumber, rt.Handoff.Patient.NHSNumber)
				assert.Equal(t, r.Patient.Address.Postcode, rt.Handoff.Patient.Address.Postcode)
				assert.Equal(t, r.Practice.ODSCode, rt.Handoff.Practice.ODSCode)
				assert.Equal(t, r.Patient.Phones, rt.Handoff.Patient.Phones)
				assert.Equal(t, NationEngland, rt.Handoff.Nation)
				assert.Equal(t, ReferViaERS, rt.Handoff.Via)
				assert.Len(t, rt.Handoff.Checklist, 5)
				assert.Contains(t, rt.Handoff.Summary, r.History)
				assert.Contains(t, rt.Handoff.Summary, r.Investigations[0].Result)
				b, err := json.Marshal(rt)
				require.NoError(t, err)
				assert.Contains(t, string(b), `"priorityCode":"TWO_WEEK_WAIT"`)
			} else {
				assert.Nil(t, rt.Handoff)
			}
		})
	}
}

// TestDecideNil checks that no referral is never routed to a letter (nor to
// eRS): the Route has an empty Path and says why.
func TestDecideNil(t *testing.T) {
	for _, opts := range [][]Option{nil, {WithProforma(nil)}} {
		rt := Decide(nil, opts...)
		assert.Empty(t, rt.Path)
		assert.NotEqual(t, PathLetter, rt.Path)
		assert.Nil(t, rt.Handoff)
		assert.Equal(t, []string{"no referral given"}, rt.Reasons)
		assert.Empty(t, rt.Warnings)
	}
}

func TestDecideWarnings(t *testing.T) {
	codes := func(ws []Warning) []string {
		var out []string
		for _, w := range ws {
			out = append(out, w.Path+" "+w.Code)
		}
		return out
	}
	r := fullReferral(t)
	r.Copies.Patient = new(bool)
	assert.Empty(t, Decide(r).Warnings, "the full referral, without a copy to the patient, needs no warning")

	r.History = "Weight loss and a change in bowel habit. ?Malignancy."
	r.Examination = "Red flag: palpable mass"
	r.PriorityReason = ""
	assert.ElementsMatch(t, []string{
		"history possible-suspected-cancer", "examination possible-suspected-cancer", "priorityReason priority-reason-missing",
	}, codes(Decide(r).Warnings))

	min := fullReferral(t)
	min.Priority = PriorityRoutine
	min.Practice.Email, min.Examination, min.ManagementSoFar = "", "", ""
	min.Investigations, min.PatientView = nil, nil
	min.Copies.Patient = new(bool)
	assert.ElementsMatch(t, []string{
		"practice.email recommended-field-missing", "examination recommended-field-missing",
		"investigations recommended-field-missing", "managementSoFar recommended-field-missing",
		"patientView recommended-field-missing",
	}, codes(Decide(min).Warnings))

	for _, w := range Decide(r).Warnings {
		assert.NotContains(t, w.Message, "Malignancy")
		assert.NotContains(t, w.Message, "mass")
	}
}

// TestPatientCopyWarnings: a patient copy that is not stated is no copy
// and a warning; a copy to the patient of a letter holding safeguarding,
// a risk or a carer's details is a warning for each, naming the field.
func TestPatientCopyWarnings(t *testing.T) {
	codes := func(r *Referral) []string {
		var out []string
		for _, w := range Decide(r).Warnings {
			if strings.HasPrefix(w.Code, "patient-copy") {
				out = append(out, w.Path+" "+w.Code)
			}
		}
		return out
	}
	tests := []struct {
		name   string
		change func(r *Referral)
		want   []string
		copy   bool
	}{
		{"no copies part", func(r *Referral) { r.Copies = nil }, []string{"copies.patient patient-copy-not-stated"}, false},
		{"patient null", func(r *Referral) { r.Copies.Patient = nil }, []string{"copies.patient patient-copy-not-stated"}, false},
		{"patient false", func(r *Referral) { r.Copies.Patient = new(bool) }, nil, false},
		{"patient true, nothing sensitive", func(r *Referral) { r.Safety = &Safety{Capacity: "Has capacity"}; r.Communication.Carer = nil }, nil, true},
		{"patient true, all", func(r *Referral) {}, []string{
			"safety.safeguarding patient-copy-check", "safety.riskToSelf patient-copy-check",
			"safety.riskToOthers patient-copy-check", "safety.riskToStaff patient-copy-check",
			"communication.carer patient-copy-check"}, true},
		{"patient true, risk to self", func(r *Referral) { r.Safety = &Safety{RiskToSelf: "Passive thoughts"}; r.Communication = nil },
			[]string{"safety.riskToSelf patient-copy-check"}, true},
		{"patient true, carer only", func(r *Referral) { r.Safety = nil }, []string{"communication.carer patient-copy-check"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fullReferral(t)
			tt.change(r)
			assert.ElementsMatch(t, tt.want, codes(r))
			assert.Equal(t, tt.copy, r.CopyToPatient())
			for _, w := range Decide(r).Warnings {
				assert.NotContains(t, w.Message, "Róisín")
				assert.NotContains(t, w.Message, "None known")
			}
		})
	}
}

// TestDecideTestdata routes every example: files named 2ww-* take the eRS path.
func TestDecideTestdata(t *testing.T) {
	files := testdataFiles(t, "referrals/*.json")
	require.NotEmpty(t, files)
	for _, f := range files {
		r := decodeFile(t, f)
		want := PathLetter
		if strings.HasPrefix(filepath.Base(f), "2ww-") {
			want = PathERS
		}
		assert.Equal(t, want, Decide(r).Path, f)
	}
}

// TestPriorityAliasInGo: a Referral built in Go, not decoded, may hold an
// alias; it is routed and printed as its canonical priority.
func TestPriorityAliasInGo(t *testing.T) {
	r := fullReferral(t)
	r.Priority = "2WW"
	assert.NoError(t, r.validateAt(fixedClock()))
	assert.Equal(t, PathERS, Decide(r).Path)
	_, err := Compose(r, WithClock(fixedClock))
	assert.ErrorIs(t, err, ErrTwoWeekWait)

	r.Priority = " Two Week Wait "
	assert.Equal(t, PathERS, Decide(r).Path)

	r.Priority = "URGENT"
	assert.Contains(t, composeText(t, r), "URGENT REFERRAL")
	assert.Equal(t, "URGENT", r.Priority.ERSCode())
}

// TestCancerCues: every wording the outside review found unwarned, and the
// documented cues, warn; so do they in any case and with any white space.
func TestCancerCues(t *testing.T) {
	for _, s := range []string{
		// The review's examples.
		"Suspected bowel cancer", "?Ca lung", "Query lung cancer", "possible melanoma", "likely malignant",
		"Possible carcinoma", "?tumour", "2 week wait pathway", "suspected\u00a0cancer", "suspected\ncancer",
		"suspected\r\n  cancer", "SUSPECTED CANCER", "suspected\u202fcancer", "suspected\u2028cancer",
		// The documented cues.
		"cancer", "cancerous lesion", "adenocarcinoma of the colon", "malignancy", "tumor", "tumours", "neoplasm",
		"neoplastic", "melanoma", "non-Hodgkin lymphoma", "osteosarcoma", "leukaemia", "leukemia", "myeloma",
		"a mass in the left breast", "masses in the neck", "no pain but a mass in the groin", "? Ca prostate", "query Ca", "possible ca", "suspected Ca",
		"2WW", "2ww referral", "2 ww", "two week wait", "two-week-wait", "2-week wait", "two weeks wait",
		"USC", "NG12 criteria met", "NG 12", "red flag", "red-flag symptoms", "no red flags", "fast track", "fast-tracked",
		"metastatic disease", "rapid access clinic", "urgent suspected",
		// Decided: negation is not parsed.
		"no family history of cancer",
		// Invisible marks inside a word do not hide it.
		"can\u200bcer", "mela\u00adnoma",
	} {
		assert.True(t, hasCancerCue(s), "%q does not warn", s)
	}
}

// TestNoCancerCue: ordinary referral wording does not warn.
func TestNoCancerCue(t *testing.T) {
	ordinary := []string{
		"Intermittent palpitations for six months, worse with caffeine.",
		"Knee pain on stairs; X-ray shows moderate medial osteoarthritis.",
		"Requesting assessment for hip replacement.",
		"Severe hand eczema not controlled by potent topical steroids.",
		"Low mood since the birth of her second child.",
		"First seizure at work, witnessed by colleagues.",
		"Poorly controlled asthma despite step 3 treatment.",
		"HbA1c 78 mmol/mol on maximal oral therapy.",
		"Recurrent urinary tract infections, three in six months.",
		"Chronic low back pain without sciatica.",
		"Tinnitus in the right ear for a year, hearing test normal.",
		"Difficulty sleeping and early morning waking.",
		"Body mass index 41; wishes to discuss bariatric surgery.",
		"Loss of muscle mass after a long ICU stay.",
		"Bone mass density scan showed osteopenia.",
		"Calcium 2.41 mmol/L, within range.",
		"Carpal tunnel symptoms confirmed on nerve conduction studies.",
		"Heavy menstrual bleeding, ferritin 9.",
		"Frequent migraines with aura, four a month.",
		"Swollen ankles in the evenings; echo awaited.",
		"Refer to physiotherapy for shoulder rehabilitation.",
		"Varicose veins with skin changes at the ankle.",
		"Request for vasectomy counselling.",
		"Ingrowing toenail, recurrent despite partial avulsion.",
		"Reflux symptoms controlled on omeprazole.",
		"Child with glue ear and speech delay.",
		"Gout, three flares this year despite allopurinol.",
		"Psoriasis affecting the scalp and elbows.",
		"Anxiety with panic attacks, started sertraline.",
		"Dizziness on standing; blood pressure drops 25 mmHg.",
		"Request review of his long-term warfarin.",
		"Urgent review please: unable to weight bear.",
		"She would like to discuss options for contraception.",
		"Hearing aids review.",
		"Sleep apnoea suspected, Epworth score 16.",
		"Possible coeliac disease, tTG raised.",
		"Likely irritable bowel syndrome, calprotectin normal.",
		"Query gallstones: ultrasound booked.",
		"Suspected carpal tunnel syndrome on the left.",
		"Two weeks of cough after a viral illness.",
		"Seen twice in the last week with wheeze.",
		"Waiting list for cataract surgery.",
		"Track and trace contact; no symptoms.",
		"Flagged by the pharmacist for a medication review.",
		"Red eye with photophobia, seen by optician.",
		"Cast removed after a wrist fracture.",
		"Smoker, 20 pack-years; wishes to stop.",
		"Massage therapy helped her neck pain.",
		"USB device used for home blood pressure readings.",
		"Lives alone, walks with a stick, carer twice a day.",
		"Temperature 37.8; ca. 3 days of symptoms.",
		"Abdomen soft, no palpable masses.",
		"No adnexal masses.",
		"Nil masses felt.",
	}
	require.GreaterOrEqual(t, len(ordinary), 50)
	for _, s := range ordinary {
		assert.False(t, hasCancerCue(s), "%q warns", s)
	}
}

// TestServiceCancerWarning: a routine or urgent referral to a service or
// specialty whose name suggests suspected cancer is warned about, and
// stays on the letter path: the clinician decides.
func TestServiceCancerWarning(t *testing.T) {
	for _, name := range []string{"Two-week wait breast clinic", "2WW Colorectal", "Urgent Suspected Cancer - Skin",
		"USC Gynaecology", "Fast track haematuria", "Suspected cancer (lung)", "Lower GI 2 week wait"} {
		for _, field := range []string{"service", "specialty"} {
			r := fullReferral(t)
			if field == "service" {
				r.Recipient.Service = name
			} else {
				r.Recipient.Specialty = name
			}
			r.Copies = nil // no patient-copy warnings
			rt := Decide(r)
			assert.Equal(t, PathLetter, rt.Path, name)
			rt.Warnings = slices.DeleteFunc(rt.Warnings, func(w Warning) bool { return w.Code == WarnPatientCopyNotStated })
			require.Len(t, rt.Warnings, 1, name)
			assert.Equal(t, Warning{Code: WarnPossibleCancer, Path: "recipient." + field, Message: rt.Warnings[0].Message}, rt.Warnings[0])
			assert.NotContains(t, rt.Warnings[0].Message, name)
		}
	}
}

// TestFormAnswerCancerWarning: an answer to a local form (WithProforma)
// that suggests suspected cancer on a routine or urgent letter gets the
// possible-suspected-cancer warning, named by its question, as the
// referral's own free text does; an ordinary answer does not.
func TestFormAnswerCancerWarning(t *testing.T) {
	form := fakeForm{Title: "Dermatology Referral Form", Answers: []FormAnswer{
		{QuestionID: "lesion-site", Question: "Site of the lesion", Answer: "Left upper back"},
		{QuestionID: "lesion-change", Question: "Has it changed?", Answer: "Growing and darker, ?melanoma"},
	}}
	r := fullReferral(t)
	rt := Decide(r, WithProforma(form))
	require.Equal(t, PathLetter, rt.Path)
	var got []Warning
	for _, w := range rt.Warnings {
		if w.Code == WarnPossibleCancer {
			got = append(got, w)
		}
	}
	require.Len(t, got, 1)
	assert.Equal(t, "answers.lesion-change", got[0].Path)
	assert.NotContains(t, got[0].Message, "melanoma")
}

// legacyCueWords is how cueWords split a text before it cut the words
// from one string: the oracle of FuzzCueWords.
func legacyCueWords(s string) []string {
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.Is(unicode.Cf, r):
		case r == '?':
			flush()
			words = append(words, "?")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return words
}

// FuzzCueWords: the words of a text are what they were, one text after
// another through the same buffers.
func FuzzCueWords(f *testing.F) {
	for _, s := range []string{"No palpable masses", "?CA colon", "2WW referral", "Ca\u00adncer", "İstanbul ĲSSEL",
		"a??b", "\xffmass\xfe", "ﬁbroid Σίσυφος", "red\u200bflag", "", "?", "  x  "} {
		f.Add(s, "Two week wait?")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var c cueWords
		for _, s := range []string{a, b, a} {
			want := legacyCueWords(s)
			got := c.split(s)
			if len(got) != len(want) || (len(got) > 0 && !slices.Equal(got, want)) {
				t.Fatalf("split(%q) = %q, want %q", s, got, want)
			}
		}
	})
}
