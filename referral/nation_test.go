package referral

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEffectiveNation(t *testing.T) {
	tests := []struct {
		ods, postcode string
		given         Nation
		want          Nation
		rule          string
	}{
		{"A81001", "LS1 6BH", "", NationEngland, ruleDefaultEn},
		{"W93042", "LL57 2PW", "", NationWales, ruleODSWales},
		{"W93042", "BT1 1AA", "", NationWales, ruleODSWales}, // the ODS rule comes first
		{"Z00001", "BT7 1NN", "", NationNorthernIreland, rulePostBT},
		{"Z00001", "bt7 1nn", "", NationNorthernIreland, rulePostBT},
		{"S12345", "G1 1AA", "", NationScotland, rulePostScot},
		{"S12345", "ZE1 0AA", "", NationScotland, rulePostScot},
		{"A81001", "GL1 1AA", "", NationEngland, ruleDefaultEn},  // GL is Gloucester, not G
		{"A81001", "TD15 1AA", "", NationEngland, ruleDefaultEn}, // Berwick-upon-Tweed
		{"A81001", "CA1 1AA", "", NationEngland, ruleDefaultEn},
		{"A81001", "", "", NationEngland, ruleDefaultEn},
		{"W93042", "LL57 2PW", NationEngland, NationEngland, ""}, // given wins
		{"A81001", "LS1 6BH", NationScotland, NationScotland, ""},
	}
	for _, tt := range tests {
		p := Practice{ODSCode: tt.ods, Address: Address{Postcode: tt.postcode}, Nation: tt.given}
		n, rule := p.EffectiveNation()
		assert.Equal(t, tt.want, n, tt)
		assert.Equal(t, tt.rule, rule, tt)
	}
}

// TestScottishAreas keeps the list of postcode areas wholly in Scotland:
// every area listed is Scottish, and areas shared with England are not.
func TestScottishAreas(t *testing.T) {
	assert.ElementsMatch(t, []string{"AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "ZE"},
		scottishAreas)
	for _, shared := range []string{"TD", "CA", "NE", "BT", "LL"} {
		assert.NotContains(t, scottishAreas, shared)
	}
}

func TestNationNames(t *testing.T) {
	for n, name := range map[Nation]string{NationEngland: "England", NationWales: "Wales",
		NationScotland: "Scotland", NationNorthernIreland: "Northern Ireland", "mars": ""} {
		assert.Equal(t, name, n.Name())
		assert.Equal(t, name != "", n.Valid())
	}
}

func TestNationValidated(t *testing.T) {
	r := fullReferral(t)
	r.Practice.Nation = "Wales"
	var fe FieldErrors
	require.ErrorAs(t, r.Validate(), &fe)
	require.Len(t, fe, 1)
	assert.Equal(t, "practice.nation", fe[0].Path)
	r.Practice.Nation = NationNorthernIreland
	assert.NoError(t, r.Validate())
}

func TestNationInferredWarning(t *testing.T) {
	r := fullReferral(t)
	r.Practice.Nation, r.Practice.ODSCode = "", "W93042"
	for _, p := range []Priority{PriorityRoutine, PriorityTwoWeekWait} {
		r.Priority = p
		rt := Decide(r)
		var w *Warning
		for i := range rt.Warnings {
			if rt.Warnings[i].Code == WarnNationInferred {
				w = &rt.Warnings[i]
			}
		}
		require.NotNil(t, w, p)
		assert.Equal(t, "practice.nation", w.Path)
		assert.Contains(t, w.Message, "Wales")
		assert.Contains(t, w.Message, ruleODSWales)
	}
	r.Practice.Nation = NationWales
	for _, w := range Decide(r).Warnings {
		assert.NotEqual(t, WarnNationInferred, w.Code)
	}
}

// TestWelshTwoWeekWait: a Welsh two-week-wait case is still never a letter,
// and its handoff names Wales, not e-RS.
func TestWelshTwoWeekWait(t *testing.T) {
	r := fullReferral(t)
	r.Practice.Nation, r.Practice.ODSCode = "", "W93042"
	r.Priority = PriorityTwoWeekWait
	_, err := Compose(r, WithStatement(Statement{Title: "x", Paragraphs: []string{"y"}}))
	var tw *TwoWeekWaitError
	require.ErrorAs(t, err, &tw)
	h := tw.Handoff()
	assert.Equal(t, NationWales, h.Nation)
	assert.Equal(t, NationWales, h.Practice.Nation)
	assert.Contains(t, h.Via, "Wales")
	assert.NotContains(t, h.Via, "e-Referral Service")
	for _, c := range h.Checklist {
		assert.NotContains(t, c.Text, "e-RS", c.Code)
	}
}
