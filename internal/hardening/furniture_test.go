package hardening

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

// withNames returns the cardiology referral with the patient's names set.
func withNames(t *testing.T, title, given, family string) []byte {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(mustRead(t, "../../testdata/referrals/cardiology-palpitations.json"), &doc))
	p := doc["patient"].(map[string]any)
	p["title"], p["givenName"], p["familyName"] = title, given, family
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return b
}

// words returns n characters: words of k copies of r, one space apart.
func words(r string, k, n int) string {
	var b strings.Builder
	for i := 0; b.Len() == 0 || len([]rune(b.String())) < n; i++ {
		if i > 0 && i%(k+1) == k {
			b.WriteString(" ")
		} else {
			b.WriteString(r)
		}
	}
	return string([]rune(b.String())[:n])
}

// TestExtremeNamesRender: the page furniture prints the patient's name,
// date of birth and NHS number on every page. Every name Validate accepts
// renders, at every margin the renderer allows, however wide its
// characters (Ѿ is the widest glyph of Liberation Sans; an emoji prints as
// a three-character marker) and however its words break; the names the
// review found (a 632-character family name, a 40-line given name, a
// 20,000-character title) are refused by Validate, never by the PDF.
func TestExtremeNamesRender(t *testing.T) {
	const n = referral.MaxNameLength
	type names struct{ title, given, family string }
	valid := map[string]names{
		"unbroken widest":   {"", "Ѿ", strings.Repeat("Ѿ", n-2)},
		"unbroken W":        {"Dr", "W", strings.Repeat("W", n-5)},
		"emoji and widest":  {"", "Ѿ", strings.Repeat("😊Ѿ", (n-2)/2)},
		"long title":        {strings.Repeat("Ѿ", n-4), "Ѿ", "Ѿ"},
		"right-to-left":     {"", "א", strings.Repeat("אב", (n-2)/2)},
		"many given names":  {"Ms", words("Ѿ", 3, n-6), "Ѿ"},
		"accents as marks":  {"", "e\u0301", strings.Repeat("Ѿ\u0301", (n-3)/2)},
		"a hyphenated name": {"", "Ѿ", words("Ѿ-", 1, n-2)},
	}
	for k := 5; k <= 40; k++ { // words that waste most of each line
		valid["words of "+itoa(k)] = names{"", words("Ѿ", k, 20), words("Ѿ", k, n-21)}
	}
	for _, margin := range []float64{10, 20, 40} {
		r, err := pdf.NewRenderer(pdf.WithMargins(margin))
		require.NoError(t, err)
		for name, nm := range valid {
			t.Run(itoa(int(margin))+"mm/"+name, func(t *testing.T) {
				doc := withNames(t, nm.title, nm.given, nm.family)
				_, err := decodeAndValidate(doc)
				require.NoError(t, err, "valid")
				require.LessOrEqual(t, len([]rune(strings.TrimSpace(nm.title+" "+nm.given+" "+nm.family))), n)
				_, err = toPDF(r, doc)
				assert.NoError(t, err, "a document that validates renders")
				assert.False(t, errors.Is(err, pdf.ErrFurnitureTooLong))
			})
		}
	}

	refused := map[string]struct {
		names
		want []string
	}{
		"a 632-character family name":      {names{"", "Priya", strings.Repeat("N", 632)}, []string{"patient name-length"}},
		"a 40-line given name":             {names{"", strings.Repeat("Priya\n", 40), "Natarajan"}, []string{"patient.givenName name-chars", "patient name-length"}},
		"a 20,000-character title":         {names{strings.Repeat("Dr", 10000), "Priya", "Natarajan"}, []string{"patient name-length"}},
		"one over the limit":               {names{"", "Ѿ", strings.Repeat("Ѿ", n-1)}, []string{"patient name-length"}},
		"a 5-line family name under limit": {names{"", "Priya", "N\nN\nN\nN\nN"}, []string{"patient.familyName name-chars"}},
	}
	for name, c := range refused {
		t.Run("refused/"+name, func(t *testing.T) {
			_, err := decodeAndValidate(withNames(t, c.title, c.given, c.family))
			require.Error(t, err)
			assert.ElementsMatch(t, c.want, pathRules(err))
		})
	}
}
