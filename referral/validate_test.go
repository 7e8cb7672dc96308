package referral

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateRules(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *Referral)
		want   []string // "path rule"
	}{
		{"valid", func(r *Referral) {}, nil},
		{"nhs check digit", func(r *Referral) { r.Patient.NHSNumber = "9990000019" }, []string{"patient.nhsNumber nhsnumber"}},
		{"nhs missing", func(r *Referral) { r.Patient.NHSNumber = "" }, []string{"patient.nhsNumber required"}},
		{"postcode", func(r *Referral) { r.Patient.Address.Postcode = "QQ1 1QQ" }, []string{"patient.address.postcode postcode"}},
		{"gmc", func(r *Referral) { r.Referrer.GMCNumber = "12345" }, []string{"referrer.gmcNumber gmc"}},
		{"nmc", func(r *Referral) { r.Referrer.NMCPin = "12A3456" }, []string{"referrer.nmcPin nmcpin"}},
		{"hcpc", func(r *Referral) { r.Referrer.HCPCNumber = "123456" }, []string{"referrer.hcpcNumber hcpc"}},
		{"no registration", func(r *Referral) { r.Referrer.GMCNumber, r.Referrer.NMCPin, r.Referrer.HCPCNumber = "", "", "" }, []string{"referrer registration"}},
		{"ods", func(r *Referral) { r.Practice.ODSCode = "RR8" }, []string{"practice.odsCode odspractice"}},
		{"email", func(r *Referral) { r.Patient.Email = "not-an-email" }, []string{"patient.email email"}},
		{"phone", func(r *Referral) { r.Patient.Phones[1].Number = "12345" }, []string{"patient.phones[1].number ukphone"}},
		{"no phones", func(r *Referral) { r.Patient.Phones = nil }, []string{"patient.phones required"}},
		{"empty phones", func(r *Referral) { r.Patient.Phones = []Phone{} }, []string{"patient.phones required"}},
		{"allergy state missing", func(r *Referral) { r.Allergies.State = "" }, []string{"allergies.state required"}},
		{"allergy state wrong", func(r *Referral) { r.Allergies.State = "none" }, []string{"allergies.state oneof"}},
		{"unknown allergies with items", func(r *Referral) { r.Allergies.State = StateUnknown }, []string{"allergies.items state-items"}},
		{"unknown medication with items", func(r *Referral) { r.Medications.State = StateUnknown }, []string{"medications.items state-items"}},
		{"medication state missing", func(r *Referral) { r.Medications = Medications{} }, []string{"medications.state required"}},
		{"request other needs detail", func(r *Referral) { r.Request = Request{Kind: RequestOther} }, []string{"request.detail required"}},
		{"request kind", func(r *Referral) { r.Request.Kind = "opinion" }, []string{"request.kind oneof"}},
		{"priority", func(r *Referral) { r.Priority = "soon" }, []string{"priority priority"}},
		{"priority missing", func(r *Referral) { r.Priority = "" }, []string{"priority required"}},
		{"dob missing", func(r *Referral) { r.Patient.DateOfBirth = Date{} }, []string{"patient.dateOfBirth required"}},
		{"dob not real", func(r *Referral) { r.Patient.DateOfBirth = NewDate(1961, 2, 30) }, []string{"patient.dateOfBirth date"}},
		{"dob future", func(r *Referral) { r.Patient.DateOfBirth = NewDate(2026, 11, 21) }, []string{"patient.dateOfBirth dob-future"}},
		{"dob too old", func(r *Referral) { r.Patient.DateOfBirth = NewDate(1896, 11, 19) }, []string{"patient.dateOfBirth dob-too-old"}},
		{"investigation date", func(r *Referral) { r.Investigations[1].Date = NewDate(2026, 13, 1) }, []string{"investigations[1].date date"}},
		{"investigation result", func(r *Referral) { r.Investigations[0].Result = "" }, []string{"investigations[0].result required"}},
		{"text too long", func(r *Referral) { r.History = strings.Repeat("é", MaxTextLength+1) }, []string{"history max-length"}},
		{"text at limit", func(r *Referral) { r.History = strings.Repeat("é", MaxTextLength) }, nil},
		{"too many items", func(r *Referral) {
			r.PastHistory = make([]Condition, MaxListItems+1)
			for i := range r.PastHistory {
				r.PastHistory[i].Condition = "Asthma"
			}
		}, []string{"pastHistory max-items"}},
		{"control character", func(r *Referral) { r.Examination = "bell\a" }, []string{"examination control-chars"}},
		{"newline and tab allowed", func(r *Referral) { r.Examination = "one\n\ttwo" }, nil},
		{"invalid utf8", func(r *Referral) { r.Reason = "caf\xe9" }, []string{"reason utf8"}},
		{"nhs one digit repeated", func(r *Referral) { r.Patient.NHSNumber = "5555555555" }, []string{"patient.nhsNumber nhsnumber"}},
		// Dates against today (the clock, 21 November 2026).
		{"dob after today", func(r *Referral) { r.Date = Date{}; r.Patient.DateOfBirth = NewDate(2090, 1, 1) }, []string{"patient.dateOfBirth dob-future"}},
		{"letter in 2095, birth in 2090", func(r *Referral) { r.Date = NewDate(2095, 1, 1); r.Patient.DateOfBirth = NewDate(2090, 1, 1) },
			[]string{"date letter-date", "patient.dateOfBirth dob-future"}},
		{"letter in the year 100", func(r *Referral) { r.Date = NewDate(100, 1, 1) }, []string{"date letter-date"}},
		{"letter in 1900", func(r *Referral) { r.Date = NewDate(1900, 6, 1) }, []string{"date letter-date"}},
		{"letter a year back", func(r *Referral) { r.Date = NewDate(2025, 11, 21) }, nil},
		{"letter a year and a day back", func(r *Referral) { r.Date = NewDate(2025, 11, 20) }, []string{"date letter-date"}},
		{"letter 30 days ahead", func(r *Referral) { r.Date = NewDate(2026, 12, 21) }, nil},
		{"letter 31 days ahead", func(r *Referral) { r.Date = NewDate(2026, 12, 22) }, []string{"date letter-date"}},
		// A recorded list has its items; missing items are not "none".
		{"recorded medication without items", func(r *Referral) { r.Medications.Items = nil }, []string{"medications.items required"}},
		{"recorded allergies without items", func(r *Referral) { r.Allergies.Items = nil }, []string{"allergies.items required"}},
		{"recorded none", func(r *Referral) { r.Allergies.Items, r.Medications.Items = []Allergy{}, []Medication{} }, nil},
		{"unknown without items", func(r *Referral) { r.Allergies = Allergies{State: StateUnknown} }, nil},
		// Blank is not an answer.
		{"blank reason", func(r *Referral) { r.Reason = " \t\n\u00a0\u200b\u200c\u200d\u2060\ufeff" }, []string{"reason required"}},
		{"blank history", func(r *Referral) { r.History = "\u3000\u2003\u202f" }, []string{"history required"}},
		{"blank family name", func(r *Referral) { r.Patient.FamilyName = "\u200b" }, []string{"patient.familyName required"}},
		{"blank given name", func(r *Referral) { r.Patient.GivenName = "\u00a0" }, []string{"patient.givenName required"}},
		{"blank optional title", func(r *Referral) { r.Patient.Title = " " }, []string{"patient.title blank"}},
		{"blank optional examination", func(r *Referral) { r.Examination = "\ufeff" }, []string{"examination blank"}},
		{"blank allergy substance", func(r *Referral) { r.Allergies.Items[0].Substance = "\u2060" }, []string{"allergies.items[0].substance required"}},
		{"blank address line", func(r *Referral) { r.Patient.Address.Lines[1] = "\u00a0\u00a0" }, []string{"patient.address.lines[1] required"}},
		{"empty address line", func(r *Referral) { r.Patient.Address.Lines[0] = "" }, []string{"patient.address.lines[0] required"}},
		{"blank accessible information", func(r *Referral) { r.Communication.AccessibleInformation = []string{" "} },
			[]string{"communication.accessibleInformation[0] required"}},
		{"blank phone number", func(r *Referral) { r.Patient.Phones[0].Number = "\u200b" }, []string{"patient.phones[0].number required"}},
		{"blank priority", func(r *Referral) { r.Priority = " " }, []string{"priority required"}},
		{"blank referrer name", func(r *Referral) { r.Referrer.Name = "\u200d" }, []string{"referrer.name required"}},
		{"blank carer name", func(r *Referral) { r.Communication.Carer.Name = "\t" }, []string{"communication.carer.name required"}},
		// Names are one line with no invisible marks.
		{"family name with a line break", func(r *Referral) { r.Patient.FamilyName = "Ó\nSúilleabháin" }, []string{"patient.familyName name-chars"}},
		{"given name with a tab", func(r *Referral) { r.Patient.GivenName = "Siob\thán" }, []string{"patient.givenName name-chars"}},
		{"preferred name with a zero-width space", func(r *Referral) { r.Patient.PreferredName = "Sh\u200biv" }, []string{"patient.preferredName name-chars"}},
		{"title with a BOM", func(r *Referral) { r.Patient.Title = "\ufeffMs" }, []string{"patient.title name-chars"}},
		{"referrer name with a right-to-left mark", func(r *Referral) { r.Referrer.Name = "Dr\u200f Okafor" }, []string{"referrer.name name-chars"}},
		{"carer name with a line separator", func(r *Referral) { r.Communication.Carer.Name = "Róisín\u2028Byrne" }, []string{"communication.carer.name name-chars"}},
		{"clinician with a word joiner", func(r *Referral) { r.Recipient.Clinician = "Dr\u2060Patel" }, []string{"recipient.clinician name-chars"}},
		{"clinician with CRLF", func(r *Referral) { r.Recipient.Clinician = "Dr Anjali\r\nPatel" }, []string{"recipient.clinician control-chars"}},
		{"names may hold spaces, apostrophes and accents", func(r *Referral) { r.Patient.FamilyName = "O'Brien-Ní Dhuibhir" }, nil},
		{"history may hold line breaks and tabs", func(r *Referral) { r.History = "one\n\ttwo" }, nil},
		{"several at once", func(r *Referral) {
			r.Reason, r.History = "", ""
			r.Practice.Address.Postcode = "nope"
			r.Communication.Carer.Phone = "999"
		}, []string{"reason required", "history required", "practice.address.postcode postcode", "communication.carer.phone ukphone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fullReferral(t)
			tt.change(r)
			err := r.validateAt(fixedClock())
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			var fes FieldErrors
			require.ErrorAs(t, err, &fes)
			assert.ElementsMatch(t, tt.want, pathRules(fes))
			for _, fe := range fes {
				assert.NotEmpty(t, fe.Message)
				assert.NotContains(t, fe.Message, "Siobhán")
			}
		})
	}
}

func pathRules(fes FieldErrors) []string {
	var out []string
	for _, fe := range fes {
		out = append(out, fe.Path+" "+fe.Rule)
	}
	return out
}

// TestReferralsValid checks that every example referral is valid.
func TestReferralsValid(t *testing.T) {
	files := testdataFiles(t, "referrals/*.json")
	require.GreaterOrEqual(t, len(files), 15)
	for _, f := range files {
		r := decodeFile(t, f)
		assert.NoError(t, r.Validate(), f)
	}
}

// TestInvalidDocuments checks each document in testdata/invalid against
// its .want file, and that no message repeats the failing field's value.
func TestInvalidDocuments(t *testing.T) {
	files := testdataFiles(t, "invalid/*.json")
	require.GreaterOrEqual(t, len(files), 25)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			b := mustRead(t, f)
			want := readWant(t, strings.TrimSuffix(f, ".json")+".want")
			r, err := Decode(bytes.NewReader(b))
			if err == nil {
				err = r.validateAt(fixedClock())
			}
			var fes FieldErrors
			require.ErrorAs(t, err, &fes)
			assert.ElementsMatch(t, want, pathRules(fes))

			var doc any
			if json.Unmarshal(b, &doc) != nil {
				return
			}
			for _, fe := range fes {
				v, ok := rawAt(doc, fe.Path)
				s, isString := v.(string)
				if !ok || !isString || len(s) < 3 {
					continue
				}
				assert.NotContains(t, err.Error(), s, "the error repeats the value of %s", fe.Path)
			}
		})
	}
}

func readWant(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, rule, ok := strings.Cut(line, " ")
		require.True(t, ok, "bad line in %s", path)
		if p == "-" {
			p = ""
		}
		out = append(out, p+" "+strings.TrimSpace(rule))
	}
	require.NoError(t, sc.Err())
	return out
}

func TestBidiControls(t *testing.T) {
	for _, c := range []rune{0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069} {
		r := fullReferral(t)
		r.Patient.FamilyName = "O" + string(c) + "Brien"
		var fes FieldErrors
		require.ErrorAs(t, r.validateAt(fixedClock()), &fes)
		assert.Equal(t, []string{"patient.familyName control-chars"}, pathRules(fes))
	}
	r := fullReferral(t)
	r.Patient.FamilyName = "كريم" // right-to-left text itself is fine
	assert.NoError(t, r.validateAt(fixedClock()))
}

func TestValidateNameLength(t *testing.T) {
	for _, tt := range []struct {
		name                 string
		title, given, family string
		want                 []string
	}{
		{"at the limit", "Ms", strings.Repeat("a", 47), strings.Repeat("b", 49), nil},
		{"one over", "Ms", strings.Repeat("a", 47), strings.Repeat("b", 50), []string{"patient name-length"}},
		{"a 632-character family name", "", "Priya", strings.Repeat("N", 632), []string{"patient name-length"}},
		{"a 20,000-character title", strings.Repeat("Dr", 10000), "Priya", "Natarajan", []string{"patient name-length"}},
		{"multi-byte characters count once", "", strings.Repeat("é", 50), strings.Repeat("Ѿ", 49), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := fullReferral(t)
			r.Patient.Title, r.Patient.GivenName, r.Patient.FamilyName = tt.title, tt.given, tt.family
			err := r.validateAt(fixedClock())
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			var fes FieldErrors
			require.ErrorAs(t, err, &fes)
			assert.ElementsMatch(t, tt.want, pathRules(fes))
		})
	}
}

// TestValidateErrorCap: a Go-built referral with thousands of faults gives
// MaxFieldErrors of them and a count of the rest; a list over its limit is
// reported once and its items beyond the limit are not checked.
func TestValidateErrorCap(t *testing.T) {
	r := fullReferral(t)
	r.Investigations = make([]Investigation, 340000)
	var fes FieldErrors
	require.ErrorAs(t, r.validateAt(fixedClock()), &fes)
	require.Len(t, fes, MaxFieldErrors+1)
	assert.Equal(t, "investigations max-items", pathRules(fes[:1])[0])
	// 1 + 200 items x 2 required fields, of which 100 are listed.
	assert.Equal(t, FieldError{Rule: RuleMoreErrors, Message: "and 301 more"}, fes[MaxFieldErrors])
	assert.Len(t, r.Investigations, 340000, "the referral is not changed")

	r = fullReferral(t)
	r.Reason = ""
	require.ErrorAs(t, r.validateAt(fixedClock()), &fes)
	assert.Len(t, fes, 1, "no count when under the cap")
}

// TestCharacterTables keeps the rune tables that Validate and the schema's
// patterns share in step with the Unicode categories they stand for, in
// the Unicode version of the Go release that builds them: format
// characters are category Cf; invisible ones are those, controls, white
// space and the fillers; a name refuses line breaks, the tab, U+034F and
// the format characters.
func TestCharacterTables(t *testing.T) {
	fillers := []rune{0x34f, 0x115f, 0x1160, 0x2800, 0x3164, 0xffa0}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		cf := unicode.Is(unicode.Cf, r)
		if inRanges(r, formatRanges) != cf {
			t.Fatalf("formatRanges and category Cf disagree on %U", r)
		}
		want := cf || unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) || slices.Contains(fillers, r)
		if invisible(r) != want {
			t.Fatalf("invisible(%U) = %v, want %v", r, !want, want)
		}
		wantName := cf || strings.ContainsRune("\t\n\r\u0085\u2028\u2029\u034f", r)
		if badInName(string(r)) != wantName {
			t.Fatalf("badInName(%U) = %v, want %v", r, !wantName, wantName)
		}
	}
	for _, r := range controlRanges {
		assert.True(t, invisible(r[0]) && invisible(r[1]), "%U: a control character is invisible", r[0])
	}
}
