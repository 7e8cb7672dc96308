package referral

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fullJSON is a fictional referral with every part of the form present.
const fullJSON = `{
  "date": "2026-11-20",
  "reference": "KMP/2026/0412",
  "priority": "urgent",
  "priorityReason": "Rapidly worsening and now unable to work",
  "ubrn": "0000 0007 0000",
  "referrer": {"name": "Dr Hannah Okafor", "role": "GP partner", "gmcNumber": "7012345", "nmcPin": "12A3456B", "hcpcNumber": "PA123456", "phone": "0113 496 0001", "email": "hannah.okafor@nhs.net"},
  "practice": {"name": "Kirkgate Medical Practice", "odsCode": "B86010", "address": {"lines": ["14 Kirkgate", "Second Floor"], "town": "Leeds", "postcode": "LS1 6BH"}, "phone": "0113 496 0000", "email": "kirkgate.practice@nhs.net", "nation": "england"},
  "recipient": {"service": "Dermatology Outpatients", "specialty": "Dermatology", "clinician": "Dr Anjali Patel", "organisation": "Leeds Teaching Hospitals NHS Trust", "address": {"lines": ["Chapel Allerton Hospital", "Chapeltown Road"], "town": "Leeds", "postcode": "LS7 4SA"}, "ersServiceId": "11002"},
  "patient": {"title": "Ms", "givenName": "Siobhán", "familyName": "Ó Súilleabháin", "preferredName": "Shiv", "dateOfBirth": "1961-03-03", "nhsNumber": "999 000 0018", "sex": "female", "address": {"lines": ["3 Mill Lane", "Headingley"], "town": "Leeds", "postcode": "LS6 2AB"}, "phones": [{"kind": "mobile", "number": "07700 900123"}, {"kind": "home", "number": "0113 496 0999"}], "email": "shiv@example.com"},
  "reason": "Severe hand eczema not controlled by potent topical steroids",
  "request": {"kind": "treatment", "detail": "Is she a candidate for alitretinoin or phototherapy?"},
  "history": "Eighteen months of bilateral hand eczema, worse at work as a theatre nurse. Fissuring of the fingertips since September.",
  "examination": "Lichenified plaques over both palms with fissures; no pustules; nails normal.",
  "investigations": [
    {"name": "Patch testing", "result": "Positive to thiuram mix", "date": "2026-06-12", "comment": "Glove change advised"},
    {"name": "FBC", "result": "Normal", "date": "2026-10-01"}
  ],
  "managementSoFar": "Emollients, mometasone ointment for twelve weeks, occupational health review.",
  "pastHistory": [{"condition": "Asthma", "since": "childhood", "note": "Well controlled"}, {"condition": "Hypothyroidism", "since": "2015"}],
  "medications": {"state": "recorded", "items": [{"name": "Mometasone 0.1% ointment", "dose": "Apply once daily", "since": "2026-03"}, {"name": "Levothyroxine 100 microgram tablets", "dose": "One daily"}]},
  "allergies": {"state": "recorded", "items": [{"substance": "Penicillin", "reaction": "Urticarial rash", "severity": "moderate"}]},
  "familyHistory": "Mother had psoriasis.",
  "socialHistory": "Lives with her partner; non-smoker.",
  "patientView": {"informed": true, "agrees": true, "concerns": "Worried she may have to give up nursing."},
  "communication": {"interpreter": {"language": "Irish", "dialect": "Munster"}, "accessibleInformation": ["Large print (16 point)"], "reasonableAdjustments": ["Morning appointments"], "carer": {"name": "Róisín Byrne", "relationship": "partner", "phone": "07700 900456"}},
  "safety": {"safeguarding": "No concerns", "riskToSelf": "None known", "riskToOthers": "None known", "riskToStaff": "None known", "capacity": "Has capacity for this decision"},
  "adviceAndGuidance": {"considered": true, "reason": "she needs systemic treatment that must be started in clinic"},
  "attachments": [{"title": "Patch test report", "date": "2026-06-12"}],
  "copies": {"patient": true, "others": [{"name": "Occupational Health, Leeds Teaching Hospitals", "address": {"lines": ["Worsley Building"], "town": "Leeds", "postcode": "LS2 9JT"}}]}
}`

func fullReferral(t testing.TB) *Referral {
	t.Helper()
	r, err := Decode(strings.NewReader(fullJSON))
	require.NoError(t, err)
	return r
}

// fixedClock is the clock of every test that composes a letter.
func fixedClock() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC) }

// testdataFiles lists the files matching pattern under ../testdata.
func testdataFiles(t testing.TB, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", pattern))
	require.NoError(t, err)
	sort.Strings(files)
	return files
}

func decodeFile(t testing.TB, path string) *Referral {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	r, err := Decode(bytes.NewReader(b))
	require.NoError(t, err, path)
	return r
}

// leaf is one non-empty value of a referral with its path.
type leaf struct {
	path string
	v    reflect.Value
}

// leaves lists every non-empty string, Date and bool in v by JSON path.
func leaves(v reflect.Value, path string, out *[]leaf) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			leaves(v.Elem(), path, out)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[Date]() {
			if !v.Interface().(Date).IsZero() {
				*out = append(*out, leaf{path, v})
			}
			return
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "" {
				continue
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			leaves(v.Field(i), p, out)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			leaves(v.Index(i), pathIndex(path, i), out)
		}
	case reflect.String:
		if strings.TrimSpace(v.String()) != "" {
			*out = append(*out, leaf{path, v})
		}
	case reflect.Bool:
		*out = append(*out, leaf{path, v})
	}
}

// rawAt returns the JSON value at a FieldError path in a decoded document.
func rawAt(doc any, path string) (any, bool) {
	cur := doc
	for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' }) {
		switch c := cur.(type) {
		case map[string]any:
			var ok bool
			if cur, ok = c[part]; !ok {
				return nil, false
			}
		case []any:
			var i int
			if _, err := jsonNumber(strings.TrimSuffix(part, "]"), &i); err != nil || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func jsonNumber(s string, i *int) (int, error) {
	err := json.Unmarshal([]byte(s), i)
	return *i, err
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
