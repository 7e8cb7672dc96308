package referral

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeFull(t *testing.T) {
	r := fullReferral(t)
	assert.Equal(t, NHSNumber("9990000018"), r.Patient.NHSNumber)
	assert.Equal(t, PriorityUrgent, r.Priority)
	assert.Equal(t, "2026-11-20", r.Date.String())
	assert.Equal(t, StateRecorded, r.Allergies.State)
	require.NotNil(t, r.PatientView.Informed)
	assert.True(t, *r.PatientView.Informed)
	assert.Len(t, r.Investigations, 2)
	assert.NoError(t, r.Validate())
}

func TestDecodeErrors(t *testing.T) {
	valid := fullJSON
	tests := []struct {
		name string
		doc  string
		want []string // "path rule"
	}{
		{"syntax", `{"date": "2026-11-20",`, []string{" syntax"}},
		{"truncated", valid[:len(valid)/2], []string{" syntax"}},
		{"empty", ``, []string{" syntax"}},
		{"not an object", `[1,2]`, []string{" type"}},
		{"trailing", valid + ` {}`, []string{" trailing-data"}},
		{"trailing garbage", valid + ` x`, []string{" syntax"}},
		{"unknown top", `{"nhsNumber": "9990000018"}`, []string{" unknown-field"}},
		{"unknown nested", strings.Replace(valid, `"nhsNumber"`, `"nhsNumbr"`, 1), []string{"patient unknown-field"}},
		{"case matters", strings.Replace(valid, `"nhsNumber"`, `"NHSNumber"`, 1), []string{"patient unknown-field"}},
		{"unknown in list", strings.Replace(valid, `"name": "FBC"`, `"name": "FBC", "units": "g/L"`, 1), []string{"investigations[1] unknown-field"}},
		{"wrong type", strings.Replace(valid, `"dateOfBirth": "1961-03-03"`, `"dateOfBirth": 19610303`, 1), []string{"patient.dateOfBirth type"}},
		{"bool as string", strings.Replace(valid, `"informed": true`, `"informed": "yes"`, 1), []string{"patientView.informed type"}},
		{"object for list", strings.Replace(valid, `"phones": [`, `"phones": {"a": [`, 1), []string{" syntax"}},
		{"list for string", strings.Replace(valid, `"reason": "Severe`, `"reason": ["Severe`, 1), []string{" syntax"}},
		{"string for list", `{"investigations": "none"}`, []string{"investigations type"}},
		{"duplicate", `{"reason": "a", "reason": "b"}`, []string{"reason duplicate-field"}},
		{"several", `{"x": 1, "patient": {"y": {"deep": [1, {"z": 2}]}, "phones": 3}}`, []string{" unknown-field", "patient unknown-field", "patient.phones type"}},
		{"invalid utf8", `{"reason": "caf` + "\xe9" + `"}`, []string{" utf8"}},
		// Null is never false: suspectedCancer has no "not stated" meaning.
		{"null suspectedCancer", strings.Replace(valid, `"ersServiceId"`, `"suspectedCancer": null, "ersServiceId"`, 1), []string{"recipient.suspectedCancer type"}},
		{"string suspectedCancer", strings.Replace(valid, `"ersServiceId"`, `"suspectedCancer": "yes", "ersServiceId"`, 1), []string{"recipient.suspectedCancer type"}},
		{"a list stops at its limit", `{"investigations": [` + strings.Repeat(`1,`, 500) + `1]}`,
			append(slices.Repeat([]string{"investigations[0] type"}, 0), investigationTypeErrors()...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Decode(strings.NewReader(tt.doc))
			assert.Nil(t, r)
			var fes FieldErrors
			require.ErrorAs(t, err, &fes)
			var got []string
			for _, fe := range fes {
				got = append(got, fe.Path+" "+fe.Rule)
				assert.NotEmpty(t, fe.Message)
			}
			assert.ElementsMatch(t, tt.want, got)
		})
	}
}

// investigationTypeErrors is what a list of 501 numbers for investigations
// gives: a type error for each item up to the limit, and the limit.
func investigationTypeErrors() []string {
	var out []string
	for i := range MaxListItems {
		out = append(out, pathIndex("investigations", i)+" type")
	}
	out = append(out, "investigations max-items")
	// 201 errors: the first 100 and a count of the rest.
	return append(out[:MaxFieldErrors], " "+RuleMoreErrors)
}

// TestDecodeNullAnswers: a null yes/no answer means "not stated", never no.
func TestDecodeNullAnswers(t *testing.T) {
	doc := strings.NewReplacer(`"informed": true`, `"informed": null`, `"agrees": true`, `"agrees": null`,
		`"considered": true`, `"considered": null`, `"patient": true`, `"patient": null`).Replace(fullJSON)
	r, err := Decode(strings.NewReader(doc))
	require.NoError(t, err)
	assert.Nil(t, r.PatientView.Informed)
	assert.Nil(t, r.PatientView.Agrees)
	assert.Nil(t, r.AdviceAndGuidance.Considered)
	assert.Nil(t, r.Copies.Patient)
	assert.False(t, r.Recipient.SuspectedCancer)
}

// TestDecodeUnknownKeyNotEchoed: an unknown key, which may hold patient
// data, control characters or a megabyte, never reaches an error: it is
// named by its parent's path and its position.
func TestDecodeUnknownKeyNotEchoed(t *testing.T) {
	tests := []struct {
		name, key, at string
		want          string
	}{
		{"patient data", `9990000018 José Ferreira 1981-05-09`, `"patient": {"title": "Ms", "givenName": "Siobhán", `,
			"patient: unknown field (3rd key)"},
		{"terminal escape", `\u001b]0;pwned\u0007`, `"patient": {`, "patient: unknown field (1st key)"},
		{"top level", `Ferreira`, `{`, "unknown field (1st key of the document)"},
		{"in a list", `José`, `{"name": "FBC", `, "investigations[1]: unknown field (2nd key)"},
		{"6th", `José`, `"dateOfBirth": "1961-03-03", `, "patient: unknown field (6th key)"},
		{"huge", strings.Repeat("José ", 100000), `"patient": {`, "patient: unknown field (1st key)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, fullJSON, tt.at)
			doc := strings.Replace(fullJSON, tt.at, tt.at+`"`+tt.key+`": "Ferreira", `, 1)
			_, err := Decode(strings.NewReader(doc))
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.NotContains(t, err.Error(), "José")
			assert.NotContains(t, err.Error(), "\x1b")
		})
	}
}

func TestOrdinalWords(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th",
		21: "21st", 22: "22nd", 23: "23rd", 101: "101st", 111: "111th", 112: "112th"} {
		assert.Equal(t, want, ordinal(n))
	}
}

// TestDecodeErrorCap: a document of thousands of faults gives the first
// MaxFieldErrors and a count of the rest, still reached with errors.As.
func TestDecodeErrorCap(t *testing.T) {
	doc := `{` + strings.Repeat(`"x": 1, `, 5000) + `"y": 2}`
	_, err := Decode(strings.NewReader(doc))
	var fes FieldErrors
	require.ErrorAs(t, err, &fes)
	require.Len(t, fes, MaxFieldErrors+1)
	assert.Equal(t, FieldError{Rule: RuleMoreErrors, Message: "and 4901 more"}, fes[MaxFieldErrors])
	assert.True(t, strings.HasSuffix(err.Error(), "\nand 4901 more"))
}

func TestDecodeSyntaxPosition(t *testing.T) {
	_, err := Decode(strings.NewReader("{\n  \"reason\": \"a\",\n  oops\n}"))
	require.Error(t, err)
	assert.Equal(t, "malformed JSON at line 3, column 3", err.Error())
}

func TestDecodeLimits(t *testing.T) {
	big := `{"history": "` + strings.Repeat("a", MaxDocumentBytes) + `"}`
	_, err := Decode(strings.NewReader(big))
	assert.ErrorIs(t, err, ErrTooLarge)

	// A byte-order mark is ignored.
	r, err := Decode(strings.NewReader("\xef\xbb\xbf" + fullJSON))
	require.NoError(t, err)
	assert.Equal(t, "Siobhán", r.Patient.GivenName)

	// Deep nesting in an unknown field is an error, not a crash.
	deep := `{"x": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`
	_, err = Decode(strings.NewReader(deep))
	assert.Error(t, err)

	// A reader's error is wrapped.
	boom := errors.New("boom")
	_, err = Decode(iotest.ErrReader(boom))
	assert.ErrorIs(t, err, boom)
}

func TestDecodeNormalises(t *testing.T) {
	doc := strings.NewReplacer(`"priority": "urgent"`, `"priority": " Two Week Wait "`, `"999 000 0018"`, `"999-000-0018"`).Replace(fullJSON)
	r, err := Decode(strings.NewReader(doc))
	require.NoError(t, err)
	assert.Equal(t, PriorityTwoWeekWait, r.Priority)
	assert.Equal(t, NHSNumber("9990000018"), r.Patient.NHSNumber)
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(fullJSON))
	f.Add([]byte(`{"priority": "2ww"}`))
	f.Add([]byte(`{"date": "2026-02-30", "patient": {"phones": [{}]}}`))
	for _, p := range testdataFiles(f, "referrals/*.json") {
		f.Add(mustRead(f, p))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Decode(bytes.NewReader(b))
		if err != nil {
			return
		}
		_ = r.Validate()
		rt := Decide(r)
		l, err := Compose(r, WithClock(fixedClock))
		if err == nil {
			if rt.Path != PathLetter {
				t.Fatal("a letter was composed for a case on the eRS path")
			}
			if err := l.WriteText(&bytes.Buffer{}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzShapeSyntax: the shape checker's own reading of JSON agrees with
// encoding/json on what is well-formed (for nesting encoding/json allows).
func FuzzShapeSyntax(f *testing.F) {
	for _, s := range []string{fullJSON, `{"a": [1, 2.5e-3, -0, "x\u00e9\n"]}`, `{"x": {"y": [true, false, null]}}`,
		`{"a": 01}`, `{"a": "\x01"}`, `{"a" 1}`, `{"a": [1,]}`, `{} {}`, `{"a": "\u12"}`, `[{"x": -}]`, `{"x": 1e}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !utf8.Valid(b) || bytes.Count(b, []byte("["))+bytes.Count(b, []byte("{")) > 1000 {
			return
		}
		errs := checkShape(b, reflect.TypeFor[Referral]())
		bad := len(errs) == 1 && (errs[0].Rule == RuleSyntax || errs[0].Rule == RuleTrailingData)
		if json.Valid(b) == bad {
			t.Fatalf("json.Valid says %v, the shape checker %v", json.Valid(b), errs)
		}
		if len(errs) == 0 {
			var r Referral
			if err := json.Unmarshal(b, &r); err != nil {
				t.Fatalf("the shape checker accepts what json.Unmarshal refuses: %v", err)
			}
		}
	})
}
