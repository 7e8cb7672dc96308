package pdf

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

func TestUnprintableText(t *testing.T) {
	l := handLetter()
	hist := l.Blocks[blockIndex(t, l, "history", &referral.Paragraph{})].(*referral.Paragraph)
	hist.Text = "Pain score 8/10 😣 since March; family 👨‍👩‍👧 supportive."
	tb := l.Blocks[blockIndex(t, l, "investigations", &referral.Table{})].(*referral.Table)
	tb.Rows[1][3] = "Report in 中文 attached"
	kv := l.Blocks[blockIndex(t, l, "patientView", &referral.KeyValueList{})].(*referral.KeyValueList)
	kv.Items[1].Value = "Wants to keep working\x07 as a florist" // a control character
	l.Meta.Patient.Name = "Ms Aisha 😊 Khan"
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, ws := render(t, r, l)
	validate(t, pdf)

	assert.Equal(t, []Warning{
		{Code: WarnCharacterReplaced, Path: "patient", Message: `1 character the font cannot show replaced by "[?]"`},
		{Code: WarnCharacterReplaced, Path: "history", Message: `6 characters the font cannot show replaced by "[?]"`},
		{Code: WarnCharacterReplaced, Path: "investigations[1]", Message: `2 characters the font cannot show replaced by "[?]"`},
		{Code: WarnCharacterReplaced, Path: "patientView.concerns", Message: `1 character the font cannot show replaced by "[?]"`},
	}, ws)
	for _, w := range ws {
		for _, secret := range []string{"😣", "中", "Aisha", "florist", "Pain"} {
			assert.NotContains(t, w.String(), secret, "warnings never hold the text")
		}
	}

	doc := readPDF(t, pdf)
	body := doc.bodyText()
	assert.Contains(t, body, "Pain score 8/10 [?] since March; family [?] supportive.", "a run of missing characters is one marker")
	assert.Contains(t, body, "Report in [?] attached")
	assert.Contains(t, body, "Wants to keep working[?] as a florist")
	for i := range doc.pages {
		assert.Contains(t, doc.footer(i), "Ms Aisha [?] Khan")
	}
}

func TestCyrillicUsesTheFullFont(t *testing.T) {
	// Cyrillic is outside the common cut but inside Liberation Sans: it
	// prints, with no warning.
	l := handLetter()
	hist := l.Blocks[blockIndex(t, l, "history", &referral.Paragraph{})].(*referral.Paragraph)
	hist.Text = "Her name in her passport is Ольга Петренко."
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, ws := render(t, r, l)
	assert.Empty(t, ws)
	validate(t, pdf)
	assert.Contains(t, readPDF(t, pdf).bodyText(), "Ольга Петренко")
}

func TestCleanText(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	cases := []struct {
		in, want string
		missing  int
	}{
		{"plain text", "plain text", 0},
		{"Zoe\u0308 decomposed", "Zoë decomposed", 0}, // NFC
		{"line\r\nbreak\rhere", "line\nbreak\nhere", 0},
		{"tab\there", "tab here", 0},
		{"bad \xff\xfe utf-8", "bad [?] utf-8", 2},
		{"nul\x00byte", "nul[?]byte", 1},
		{"😀😀 two", "[?] two", 2},
		{"שלום Hebrew", "[?] Hebrew", 4}, // right to left: not laid out
		{"≤ 5 µg/L, 37.5 °C, ½ tablet, €10, “quoted” – dash", "≤ 5 µg/L, 37.5 °C, ½ tablet, €10, “quoted” – dash", 0},
	}
	for _, c := range cases {
		cl := newCleaner(fs, "")
		assert.Equal(t, c.want, cl.clean(c.in, regular, "f"), "%q", c.in)
		assert.Equal(t, c.missing, cl.counts["f"], "%q", c.in)
		if c.missing == 0 {
			assert.Empty(t, cl.warnings())
		}
	}
}

func TestWarningsAreNamedByField(t *testing.T) {
	// The same field in several places gives one warning with the total.
	fs, err := loadFonts()
	require.NoError(t, err)
	cl := newCleaner(fs, "")
	cl.clean("a 😀", regular, "history")
	cl.clean("b 😀😀", bold, "history")
	cl.clean("c 😀", regular, "reason")
	ws := cl.warnings()
	require.Len(t, ws, 2)
	assert.Equal(t, "history", ws[0].Path)
	assert.True(t, strings.HasPrefix(ws[0].Message, "3 characters"))
	assert.Equal(t, "reason", ws[1].Path)
}

// TestNameWarningBlamesThePatient: a character the font cannot show in the
// patient's name is blamed on the patient, though the opening paragraph
// (a "reason" block) prints the name too; the same character elsewhere in
// that paragraph is still blamed on the reason.
func TestNameWarningBlamesThePatient(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	for _, tt := range []struct {
		name, family, reason string
		want                 []string
	}{
		{"family name", "Natarajan😊", "Palpitations", []string{"patient"}},
		{"Hebrew family name", "נתנזון", "Palpitations", []string{"patient"}},
		{"and the reason", "Natarajan😊", "Palpitations 😊", []string{"patient", "reason"}},
		{"the reason alone", "Natarajan", "Palpitations 😊", []string{"reason"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.NewReplacer(`"familyName": "Natarajan"`, `"familyName": "`+tt.family+`"`,
				`"reason": "`, `"reason": "`+tt.reason+`. `).Replace(readString(t, "../testdata/referrals/cardiology-palpitations.json"))
			l, err := composeJSON([]byte(doc))
			require.NoError(t, err)
			_, ws := render(t, r, l)
			var fields []string
			for _, w := range ws {
				fields = append(fields, w.Path)
			}
			assert.ElementsMatch(t, tt.want, fields)
		})
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}
