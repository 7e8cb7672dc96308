package referral

import (
	"slices"
	"strings"
)

// Nation is the UK nation a practice is in. The GP contract, the NHS
// e-Referral Service and the default contractual statement are England's;
// Wales, Scotland and Northern Ireland have their own.
type Nation string

// The nations.
const (
	NationEngland         Nation = "england"
	NationWales           Nation = "wales"
	NationScotland        Nation = "scotland"
	NationNorthernIreland Nation = "northern-ireland"
)

// Valid reports whether n is one of the four nations.
func (n Nation) Valid() bool {
	switch n {
	case NationEngland, NationWales, NationScotland, NationNorthernIreland:
		return true
	}
	return false
}

// Name returns the nation's name in words, such as "Northern Ireland", or
// "" for an invalid nation.
func (n Nation) Name() string {
	switch n {
	case NationEngland:
		return "England"
	case NationWales:
		return "Wales"
	case NationScotland:
		return "Scotland"
	case NationNorthernIreland:
		return "Northern Ireland"
	}
	return ""
}

// scottishAreas are the postcode areas that lie wholly in Scotland. TD and
// CA are left out: TD15 (Berwick-upon-Tweed) is in England, and most of CA
// is in England too.
var scottishAreas = []string{
	"AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "ZE",
}

// Inference rules, as the nation-inferred warning names them.
const (
	ruleODSWales  = "the practice ODS code starts with W"
	rulePostBT    = "the practice postcode is in the BT area"
	rulePostScot  = "the practice postcode area lies wholly in Scotland"
	ruleDefaultEn = "no rule placed the practice in Wales, Scotland or Northern Ireland"
)

// EffectiveNation returns the practice's nation: the one given, or else one
// inferred from its ODS code and postcode. Wales when the ODS code starts
// with W; Northern Ireland for a BT postcode; Scotland for a postcode area
// wholly in Scotland; otherwise England. rule says which inference was
// made, and is "" when the nation was given.
func (p Practice) EffectiveNation() (n Nation, rule string) {
	if p.Nation != "" {
		return p.Nation, ""
	}
	if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(p.ODSCode)), "W") {
		return NationWales, ruleODSWales
	}
	switch area := postcodeArea(p.Address.Postcode); {
	case area == "BT":
		return NationNorthernIreland, rulePostBT
	case area != "" && slices.Contains(scottishAreas, area):
		return NationScotland, rulePostScot
	}
	return NationEngland, ruleDefaultEn
}

// postcodeArea returns the letters that begin a postcode, upper-cased:
// "G" for "G1 1AA", "EH" for "eh1 1aa".
func postcodeArea(postcode string) string {
	s := strings.ToUpper(strings.TrimSpace(postcode))
	i := strings.IndexFunc(s, func(r rune) bool { return r < 'A' || r > 'Z' })
	if i < 0 {
		i = len(s)
	}
	return s[:i]
}
