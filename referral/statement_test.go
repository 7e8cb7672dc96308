package referral

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func statementWords(st Statement) int {
	return len(strings.Fields(st.Title + " " + strings.Join(st.Paragraphs, " ")))
}

func TestDefaultStatement(t *testing.T) {
	st := DefaultStatement()
	all := strings.Join(st.Paragraphs, " ")
	assert.Less(t, statementWords(st), 110)
	for _, want := range []string{
		"referral by letter", "clinical information needed",
		"A local referral form was not used",
		"regulation 17(4) and (5) of the NHS (General Medical Services Contracts) Regulations 2015",
		"in discussion with the patient", "including referral",
		"BMA GPC England",
		"please contact the referrer rather than returning the referral",
	} {
		assert.Contains(t, all, want)
	}
	for _, never := range []string{"Standard Contract", "do not return", "do not reject", "administrative grounds",
		"GMS/PMS", "UBRN", "e-Referral"} {
		assert.NotContains(t, all+" "+st.Source, never)
	}
	assert.Contains(t, st.Source, "SI 2015/1862")
	assert.Contains(t, st.Source, "regulation 17(4) and (5)")
	// Changing the returned value does not change the default.
	st.Paragraphs[0] = "changed"
	assert.NotEqual(t, "changed", DefaultStatement().Paragraphs[0])
}

func TestStatementVariants(t *testing.T) {
	long := &FormSection{Title: "West Yorkshire Adult Dermatology Referral Form (2026 edition)"}
	tests := []struct {
		name   string
		ubrn   UBRN
		form   *FormSection
		has    []string
		hasNot []string
	}{
		{"with UBRN", "000000070000", nil,
			[]string{"This letter is attached to e-Referral UBRN 0000 0007 0000."}, nil},
		{"UBRN with spaces", "0000 0007 0000", nil, []string{"UBRN 0000 0007 0000."}, nil},
		{"with form and UBRN", "000000070000", long,
			[]string{"The " + long.Title + " was not used; this letter answers its required clinical questions. Using one is not a GP contract requirement", "UBRN 0000 0007 0000"},
			[]string{"A local referral form", "except"}},
		{"form with open questions and UBRN", "000000070000", &FormSection{Title: long.Title, Unavailable: []string{"Informant account"}},
			[]string{"was not used; this letter answers its required clinical questions except those listed as not available. Using one"}, nil},
		{"form without title", "", &FormSection{}, []string{"The local referral form was not used;"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := defaultStatement(tt.ubrn, tt.form)
			all := strings.Join(st.Paragraphs, " ")
			title := 0
			if tt.form != nil {
				title = len(strings.Fields(tt.form.Title))
			}
			assert.Less(t, statementWords(st)-title, 110, "besides the form's title")
			for _, s := range tt.has {
				assert.Contains(t, all, s)
			}
			for _, s := range tt.hasNot {
				assert.NotContains(t, all, s)
			}
			assert.Contains(t, all, contractBasis("Using one"))
			assert.Equal(t, statementSource, st.Source)
		})
	}
}

// TestStatementByNation: only a practice in England gets the default
// statement; elsewhere the letter has none unless the caller gives one, and
// Decide says why.
func TestStatementByNation(t *testing.T) {
	own := Statement{Title: "Note", Paragraphs: []string{"Our own words."}}
	tests := []struct {
		name      string
		change    func(r *Referral)
		opts      []Option
		statement string // "" for none
		warn      bool
	}{
		{"England inferred", func(r *Referral) {}, nil, "regulation 17(4)", false},
		{"England given", func(r *Referral) { r.Practice.Nation = NationEngland }, nil, "regulation 17(4)", false},
		{"Wales by ODS code", func(r *Referral) { r.Practice.ODSCode = "W93042" }, nil, "", true},
		{"Wales given", func(r *Referral) { r.Practice.Nation = NationWales }, nil, "", true},
		{"Scotland by postcode", func(r *Referral) { r.Practice.Address.Postcode = "EH1 1AA" }, nil, "", true},
		{"Northern Ireland by postcode", func(r *Referral) { r.Practice.Address.Postcode = "BT1 1AA" }, nil, "", true},
		{"Wales with own statement", func(r *Referral) { r.Practice.Nation = NationWales },
			[]Option{WithStatement(own)}, "Our own words.", false},
		{"Wales without statement", func(r *Referral) { r.Practice.Nation = NationWales },
			[]Option{WithoutStatement()}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fullReferral(t)
			r.Practice.Nation = ""
			tt.change(r)
			opts := append([]Option{WithClock(fixedClock)}, tt.opts...)
			l, err := Compose(r, opts...)
			require.NoError(t, err)
			var box *StatementBox
			for _, b := range l.Blocks {
				if sb, ok := b.(*StatementBox); ok {
					box = sb
				}
			}
			if tt.statement == "" {
				assert.Nil(t, box)
			} else {
				require.NotNil(t, box)
				assert.Contains(t, strings.Join(box.Paragraphs, " "), tt.statement)
			}
			var codes []string
			for _, w := range Decide(r, tt.opts...).Warnings {
				codes = append(codes, w.Code)
				assert.NotContains(t, w.Message, r.Practice.ODSCode)
				assert.NotContains(t, w.Message, r.Practice.Address.Postcode)
			}
			if tt.warn {
				assert.Contains(t, codes, WarnStatementNotApplicable)
			} else {
				assert.NotContains(t, codes, WarnStatementNotApplicable)
			}
		})
	}
}

func TestUBRNReference(t *testing.T) {
	r := fullReferral(t)
	r.UBRN = "0000 0007 0000"
	require.NoError(t, r.Validate())
	text := composeText(t, r)
	assert.Contains(t, text, "e-RS UBRN: 0000 0007 0000")
	assert.Contains(t, squash(strings.ReplaceAll(text, "|", "")), squash("attached to e-Referral UBRN 0000 0007 0000."))

	r.UBRN = "0000-0007-0000" // hyphens, as some systems print it
	require.NoError(t, r.Validate())
	assert.Contains(t, composeText(t, r), "e-RS UBRN: 0000 0007 0000")

	for _, bad := range []UBRN{"12345678901", "1234567890123", "0000_0007_0000", "00000007000x"} {
		r.UBRN = bad
		var fe FieldErrors
		require.ErrorAs(t, r.Validate(), &fe, bad)
		require.Len(t, fe, 1)
		assert.Equal(t, "ubrn", fe[0].Path)
		assert.Equal(t, RuleUBRN, fe[0].Rule)
		assert.NotContains(t, fe.Error(), string(bad))
	}
}
