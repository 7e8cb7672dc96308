package referral

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// onePassSeeds are documents whose reading is easy to get wrong: escapes
// (surrogate pairs, halves of pairs), null in each kind of field, empty
// and null lists, numbers, duplicates, retired and unknown fields, limits.
var onePassSeeds = []string{
	`{"reason": "a\"b\\c\/d\be\ff\ng\rh\ti\u00e9\u20AC"}`,
	`{"reason": "\ud83d\ude00 \ud83d \ude00 \ud83dx \ud83d\u0041 \udc00\ud83d"}`,
	`{"reason": "\ud800\ud800\udc00", "history": "\u0000\u001f"}`,
	`{"re\u0061son": "x", "patient": {"given\u004eame": "y"}}`,
	`{"date": null, "priority": null, "ubrn": null, "patient": {"nhsNumber": null, "dateOfBirth": null, "phones": null}}`,
	`{"patientView": null, "safety": {}, "copies": {"patient": null, "others": [null, {"name": "x", "address": null}]}}`,
	`{"medications": {"state": "recorded", "items": []}, "allergies": {"state": "recorded", "items": null}}`,
	`{"communication": {"patientCopyFormat": {"kind": "large-print", "pointSize": 16}}}`,
	`{"communication": {"patientCopyFormat": {"kind": "large-print", "pointSize": -0}}}`,
	`{"communication": {"patientCopyFormat": {"pointSize": 1.5}}}`,
	`{"communication": {"patientCopyFormat": {"pointSize": 2147483648}}}`,
	`{"communication": {"patientCopyFormat": {"pointSize": 1e2}}}`,
	`{"recipient": {"suspectedCancer": true}, "adviceAndGuidance": {"considered": false}}`,
	`{"recipient": {"suspectedCancer": null}}`,
	`{"reason": "a", "reason": "b", "investigations": [{}], "investigations": [{"name": "x"}]}`,
	`{"safety": {"risks": "x"}, "x": {"risks": 1}, "patient": {"Phones": []}}`,
	`{"patient": {"address": {"lines": ["a", null, "", "\u200b"]}}}`,
	`{"date": "2026-02-30", "patient": {"dateOfBirth": "1961-3-3"}, "attachments": [{"title": "t", "date": ""}]}`,
	`{"priority": " Two_Week wait ", "patient": {"nhsNumber": "999-000 0018"}}`,
	`{"investigations": [` + strings.Repeat(`{"name": "n"},`, MaxListItems) + `{"name": "n"}]}`,
	`{"reason": 1, "history": true, "patient": [], "phones": {}}`,
	` {"reason": "x"} `, `{"reason": "x"} {}`, `{"reason": "x"}]`, `{"reason": "x"`, `{"reason" "x"}`,
	`null`, `"x"`, `[]`, `{}`, "\ufeff{}",
}

// FuzzDecodeOnePass: Decode, reading the document once, gives exactly what
// it gave when it checked the document's shape and then gave it to
// json.Unmarshal (legacyDecode): the same referral, or the same errors.
func FuzzDecodeOnePass(f *testing.F) {
	f.Add([]byte(fullJSON))
	for _, s := range onePassSeeds {
		f.Add([]byte(s))
	}
	for _, p := range append(testdataFiles(f, "referrals/*.json"), testdataFiles(f, "invalid/*.json")...) {
		f.Add(mustRead(f, p))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Decode(bytes.NewReader(b))
		data, rerr := readDocument(bytes.NewReader(b))
		if rerr != nil {
			if !errors.Is(err, ErrTooLarge) {
				var fes FieldErrors
				if !errors.As(err, &fes) || len(fes) != 1 || fes[0].Rule != RuleEncoding {
					t.Fatalf("readDocument refuses the document, Decode gives %v", err)
				}
			}
			return
		}
		want, wantErrs := legacyDecode(data)
		if wantErrs != nil {
			var fes FieldErrors
			if !errors.As(err, &fes) || !reflect.DeepEqual(fes, wantErrs) {
				t.Fatalf("errors differ:\n got %v\nwant %v", err, wantErrs)
			}
			if got != nil {
				t.Fatal("a referral with errors")
			}
			return
		}
		if err != nil {
			t.Fatalf("Decode refuses what the two passes accept: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("the referrals differ:\n got %#v\nwant %#v", got, want)
		}
	})
}

// TestDecodeOnePassCorpus runs every referral of the test data through
// both readings, valid and invalid: the one-pass reading must agree on
// each, down to nil and empty lists.
func TestDecodeOnePassCorpus(t *testing.T) {
	files := append(testdataFiles(t, "referrals/*.json"), testdataFiles(t, "invalid/*.json")...)
	require.NotEmpty(t, files)
	for _, p := range files {
		data := mustRead(t, p)
		got, err := Decode(bytes.NewReader(data))
		want, wantErrs := legacyDecode(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
		if wantErrs != nil {
			assert.Equal(t, error(wantErrs), err, p)
			continue
		}
		require.NoError(t, err, p)
		assert.Equal(t, want, got, p)
	}
}

// TestDecodeEmptyAndNullLists: [] is a recorded list of none, null and a
// missing list are no list, as encoding/json reads them.
func TestDecodeEmptyAndNullLists(t *testing.T) {
	r, err := Decode(strings.NewReader(`{"medications": {"items": []}, "allergies": {"items": null}, "investigations": []}`))
	require.NoError(t, err)
	assert.NotNil(t, r.Medications.Items)
	assert.Empty(t, r.Medications.Items)
	assert.Nil(t, r.Allergies.Items)
	assert.NotNil(t, r.Investigations)
	assert.Nil(t, r.PastHistory)
}

// TestUnescape: the escapes of a JSON string, surrogate pairs and lone
// halves of pairs included, read as encoding/json reads them.
func TestUnescape(t *testing.T) {
	for raw, want := range map[string]string{
		`plain`:              "plain",
		`a\"b\\c\/d`:         `a"b\c/d`,
		`\b\f\n\r\t`:         "\b\f\n\r\t",
		`\u00e9\u00C9\u20ac`: "éÉ€",
		`\ud83d\ude00`:       "😀",
		`\ud83d`:             "\ufffd",
		`\ude00\ud83d`:       "\ufffd\ufffd",
		`\ud83dx`:            "\ufffdx",
		`\ud83d\u0041`:       "\ufffdA",
		`\ud800\ud800\udc00`: "\ufffd\U00010000",
		`é\n😀`:               "é\n😀",
		`\u0000`:             "\x00",
		`x\\u0041`:           `x\u0041`,
	} {
		got := string(unescape(nil, []byte(raw)))
		assert.Equal(t, want, got, raw)
		assert.True(t, utf8.ValidString(got))
	}
}

// TestReadDocument: a document reads the same whatever the reader, sized
// or not, a byte at a time or with its last bytes; a document over the
// limit is refused from any reader, and a reader's error is kept.
func TestReadDocument(t *testing.T) {
	big := strings.Repeat(" ", MaxDocumentBytes) + "{}"
	boom := errors.New("boom")
	tests := []struct {
		name string
		r    io.Reader
		want string
		err  error
	}{
		{"sized", strings.NewReader(fullJSON), fullJSON, nil},
		{"buffer", bytes.NewBufferString(fullJSON), fullJSON, nil},
		{"unsized", io.MultiReader(strings.NewReader(fullJSON[:100]), strings.NewReader(fullJSON[100:])), fullJSON, nil},
		{"a byte at a time", iotest.OneByteReader(strings.NewReader(fullJSON)), fullJSON, nil},
		{"data with EOF", iotest.DataErrReader(strings.NewReader(fullJSON)), fullJSON, nil},
		{"exactly the limit", strings.NewReader(big[2:]), big[2:], nil},
		{"over the limit, sized", strings.NewReader(big), "", ErrTooLarge},
		{"over the limit, unsized", io.MultiReader(strings.NewReader(big)), "", ErrTooLarge},
		{"over the limit, a byte at a time", iotest.OneByteReader(strings.NewReader(big)), "", ErrTooLarge},
		{"error", io.MultiReader(strings.NewReader(fullJSON[:100]), iotest.ErrReader(boom)), "", boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := readDocument(tt.r)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				assert.Nil(t, data)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(data))
		})
	}
}

// BenchmarkDecode reads fullJSON with Decode (one pass) and with the
// former reading (the shape checked, then json.Unmarshal).
func BenchmarkDecode(b *testing.B) {
	doc := []byte(fullJSON)
	b.Run("one-pass", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := Decode(bytes.NewReader(doc)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("two-pass", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			data, err := readDocument(bytes.NewReader(doc))
			if err != nil {
				b.Fatal(err)
			}
			if _, errs := legacyDecode(data); errs != nil {
				b.Fatal(errs)
			}
		}
	})
}
