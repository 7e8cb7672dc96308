package proforma

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadTestdataForms(t *testing.T) {
	twoWeekWait := 0
	for _, path := range formFiles(t) {
		t.Run(path, func(t *testing.T) {
			f := loadFormFile(t, path)
			assert.NotEmpty(t, f.ID)
			assert.NotEmpty(t, f.Title)
			assert.Contains(t, f.Issuer, "(fictional)", "issuers are invented")
			assert.True(t, f.Version.Valid(), "version date")
			assert.GreaterOrEqual(t, len(f.Questions), 10)
			assert.LessOrEqual(t, len(f.Questions), 30)
			var gates, admin, mapped, unmapped int
			for _, q := range f.Questions {
				switch {
				case q.Gate:
					gates++
				case q.Administrative:
					admin++
				case q.Maps != "":
					mapped++
				default:
					unmapped++ // clinically relevant, for the referrer to answer
				}
			}
			assert.Positive(t, gates, "gates")
			assert.Positive(t, admin, "administrative items")
			assert.Positive(t, mapped, "mapped questions")
			assert.Positive(t, unmapped, "unmapped clinical questions")
			if f.TwoWeekWait {
				twoWeekWait++
			}
		})
	}
	assert.Equal(t, 1, twoWeekWait, "one two-week-wait form (lower GI)")
}

// TestLoadRoundTrip checks that a loaded form marshals back to a
// definition Load reads to the same form.
func TestLoadRoundTrip(t *testing.T) {
	for _, path := range formFiles(t) {
		f := loadFormFile(t, path)
		b, err := json.Marshal(f)
		require.NoError(t, err)
		g, err := Load(bytes.NewReader(b))
		require.NoError(t, err, path)
		assert.Equal(t, f, g, path)
	}
}

const validForm = `{
  "id": "test-form",
  "title": "Test Referral Form",
  "issuer": "NHS Test ICB (fictional)",
  "specialty": "Testing",
  "version": "2025-01-31",
  "twoWeekWait": false,
  "questions": [
    {"id": "q1", "label": "NHS number", "kind": "text", "maps": "patient.nhsNumber", "required": true},
    {"id": "q2", "label": "Side", "kind": "choice", "choices": ["Left", "Right"]},
    {"id": "q3", "label": "Tried treatment for six weeks?", "kind": "yes-no", "gate": true},
    {"id": "q4", "label": "Practice stamp", "kind": "text", "administrative": true}
  ]
}`

func TestLoadValid(t *testing.T) {
	f, err := Load(strings.NewReader(validForm))
	require.NoError(t, err)
	assert.Equal(t, "test-form", f.ID)
	assert.Equal(t, "2025-01-31", f.Version.String())
	require.Len(t, f.Questions, 4)
	assert.Equal(t, Question{ID: "q2", Label: "Side", Kind: KindChoice, Choices: []string{"Left", "Right"}}, f.Questions[1])
	assert.True(t, f.Questions[2].Gate)
	assert.True(t, f.Questions[3].Administrative)
	q, ok := f.Question("q1")
	require.True(t, ok)
	assert.Equal(t, "patient.nhsNumber", q.Maps)
	_, ok = f.Question("q9")
	assert.False(t, ok)
}

// TestLoadStrict checks each way a definition can be wrong: the error is an
// Errors holding exactly the expected problems, each naming its place.
func TestLoadStrict(t *testing.T) {
	q := func(s string) string { // a form whose questions are s
		return `{"id": "f", "title": "T", "issuer": "I", "questions": [` + s + `]}`
	}
	ok := `{"id": "ok", "label": "L", "kind": "text"}`
	tests := []struct {
		name string
		in   string
		want []string // "path: message" of each problem, in order
	}{
		{"not JSON", `{"id": `, []string{"form is not valid JSON: it ends too soon"}},
		{"syntax", `{"id" "x"}`, []string{"form is not valid JSON (at byte 7)"}},
		{"trailing data", validForm + ` {}`, []string{"unexpected data after the form (at byte 561)"}},
		{"not an object", `[]`, []string{"must be an object"}},
		{"unknown field", `{"id": "f", "title": "T", "issuer": "I", "colour": "red", "questions": [` + ok + `]}`,
			[]string{`unknown field (4th key)`}},
		{"duplicate key", `{"id": "f", "id": "g", "title": "T", "issuer": "I", "questions": [` + ok + `]}`,
			[]string{`duplicate key (2nd key)`}},
		{"missing id title issuer", `{"questions": [` + ok + `]}`,
			[]string{"id: required", "title: required", "issuer: required"}},
		{"no questions", `{"id": "f", "title": "T", "issuer": "I", "questions": []}`,
			[]string{"questions: the form has no questions"}},
		{"questions missing", `{"id": "f", "title": "T", "issuer": "I"}`,
			[]string{"questions: the form has no questions"}},
		{"wrong types", `{"id": 7, "title": "T", "issuer": "I", "twoWeekWait": "yes", "questions": {}}`,
			[]string{"id: must be a string", "twoWeekWait: must be true or false", "questions: must be a list"}},
		{"null", `{"id": "f", "title": null, "issuer": "I", "questions": [` + ok + `]}`,
			[]string{"title: must be a string"}},
		{"bad version", `{"id": "f", "title": "T", "issuer": "I", "version": "2025-02-30", "questions": [` + ok + `]}`,
			[]string{"version: must be a real date in YYYY-MM-DD form"}},
		{"bad form id", `{"id": "a b", "title": "T", "issuer": "I", "questions": [` + ok + `]}`,
			[]string{"id: must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"}},
		{"question unknown field", q(ok + `, {"id": "b", "label": "L", "kind": "text", "help": "x"}`),
			[]string{`questions[1]: unknown field (4th key)`}},
		{"question not object", q(ok + `, "b"`), []string{"questions[1]: must be an object"}},
		{"bad kind", q(ok + `, {"id": "b", "label": "L", "kind": "essay"}`),
			[]string{"questions[1].kind: must be one of text, yes-no, date, number, choice"}},
		{"kind missing", q(`{"id": "a", "label": "L"}`), []string{"questions[0].kind: required"}},
		{"choice without choices", q(`{"id": "a", "label": "L", "kind": "choice"}`),
			[]string{"questions[0].choices: a choice question needs its choices"}},
		{"choices on text", q(`{"id": "a", "label": "L", "kind": "text", "choices": ["x"]}`),
			[]string{"questions[0].choices: only a choice question has choices"}},
		{"duplicate choice", q(`{"id": "a", "label": "L", "kind": "choice", "choices": ["Left", "left", ""]}`),
			[]string{"questions[0].choices[1]: duplicate choice", "questions[0].choices[2]: required"}},
		{"duplicate question id", q(ok + `, ` + ok),
			[]string{"questions[1].id: duplicate question id (also questions[0])"}},
		{"missing id and label", q(`{"kind": "text"}`),
			[]string{"questions[0].id: required", "questions[0].label: required"}},
		{"bad question id", q(`{"id": "-x", "label": "L", "kind": "text"}`),
			[]string{"questions[0].id: must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"}},
		{"maps no such field", q(ok + `, {"id": "b", "label": "L", "kind": "text", "maps": "patient.shoeSize"}`),
			[]string{"questions[1].maps: no such referral field"}},
		{"maps wrong case", q(`{"id": "a", "label": "L", "kind": "text", "maps": "patient.nhsnumber"}`),
			[]string{"questions[0].maps: no such referral field (did you mean patient.nhsNumber?)"}},
		{"maps with index", q(`{"id": "a", "label": "L", "kind": "text", "maps": "investigations[0].result"}`),
			[]string{"questions[0].maps: no such referral field"}},
		{"gate and administrative", q(`{"id": "a", "label": "L", "kind": "text", "gate": true, "administrative": true}`),
			[]string{"questions[0]: a question is a gate or an administrative item, not both"}},
		{"control character", q(`{"id": "a", "label": "L\u0007", "kind": "text"}`),
			[]string{"questions[0].label: holds a control character (only newline and tab are allowed)"}},
		{"wrong types in question", q(`{"id": "a", "label": "L", "kind": "choice", "choices": [1], "required": "yes"}`),
			[]string{"questions[0].choices[0]: must be a string", "questions[0].required: must be true or false"}},
		{"many at once", `{"title": "T", "issuer": "I", "questions": [{"id": "a", "label": "L", "kind": "list"}, {"id": "a", "label": "", "kind": "text", "maps": "nope"}]}`,
			[]string{"id: required", "questions[0].kind: must be one of text, yes-no, date, number, choice",
				"questions[1].id: duplicate question id (also questions[0])", "questions[1].label: required",
				"questions[1].maps: no such referral field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Load(strings.NewReader(tt.in))
			require.Error(t, err)
			assert.Nil(t, f)
			var es Errors
			require.ErrorAs(t, err, &es)
			got := make([]string, len(es))
			for i, e := range es {
				got[i] = e.Error()
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestLoadLimits(t *testing.T) {
	big := `{"id": "f", "title": "` + strings.Repeat("x", MaxSize) + `"}`
	_, err := Load(strings.NewReader(big))
	assert.ErrorIs(t, err, ErrTooLarge)

	_, err = Load(strings.NewReader("{\"id\": \"\xff\"}"))
	assert.EqualError(t, err, "form is not valid UTF-8")

	qs := make([]string, maxQuestions+1)
	for i := range qs {
		qs[i] = `{"id": "q` + strings.Repeat("1", 1) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `", "label": "L", "kind": "text"}`
	}
	_, err = Load(strings.NewReader(`{"id": "f", "title": "T", "issuer": "I", "questions": [` + strings.Join(qs, ",") + `]}`))
	assert.EqualError(t, err, "questions: more than 200 questions")

	long := `{"id": "f", "title": "` + strings.Repeat("x", maxText+1) + `", "issuer": "I", "questions": [{"id": "a", "label": "L", "kind": "text"}]}`
	_, err = Load(strings.NewReader(long))
	assert.EqualError(t, err, "title: is longer than 20000 characters")

	_, err = Load(errReader{})
	assert.ErrorIs(t, err, errBroken)
	_, err = Load(nil)
	assert.Error(t, err)
}

var errBroken = errors.New("broken reader")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBroken }

func TestValidate(t *testing.T) {
	var nilForm *Form
	assert.EqualError(t, nilForm.Validate(), "no form given")
	f := &Form{ID: "f", Title: "T", Issuer: "I", Questions: []Question{{ID: "a", Label: "L", Kind: KindDate, Maps: "patient.dateOfBirth"}}}
	assert.NoError(t, f.Validate())
	f.Questions = append(f.Questions, Question{ID: "a", Label: "L", Kind: "when"})
	assert.EqualError(t, f.Validate(), "questions[1].id: duplicate question id (also questions[0])\n"+
		"questions[1].kind: must be one of text, yes-no, date, number, choice")
}

func TestValidPath(t *testing.T) {
	for _, p := range []string{
		"patient.nhsNumber", "patient.dateOfBirth", "history", "examination", "investigations",
		"investigations.result", "medications", "medications.items.name", "allergies", "pastHistory",
		"communication.interpreter", "communication.interpreter.language", "patientView.agrees",
		"familyHistory", "safety.capacity", "copies.others.address.postcode", "priority", "date",
	} {
		assert.True(t, ValidPath(p), p)
	}
	for _, p := range []string{
		"", "patient.", ".patient", "patient.nhsnumber", "investigations[0]", "investigations.0.result",
		"patient.dateOfBirth.year", "Patient", "medications.State", "referral", "patient..nhsNumber",
	} {
		assert.False(t, ValidPath(p), p)
	}
}

// TestLoadByteOrderMark: a leading byte-order mark, as Windows tools write,
// is ignored by Load and LoadAnswers, as it is by referral.Decode.
func TestLoadByteOrderMark(t *testing.T) {
	f, err := Load(strings.NewReader("\xef\xbb\xbf" + validForm))
	require.NoError(t, err)
	assert.Equal(t, "test-form", f.ID)
	a, err := LoadAnswers(strings.NewReader("\xef\xbb\xbf" + `{"q4": "yes"}`))
	require.NoError(t, err)
	assert.Equal(t, "yes", a["q4"])
}
