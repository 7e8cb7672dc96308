package referral

// Statement is the contractual statement printed in a box near the end of
// the letter. Source records where its substance comes from.
// Its JSON form is {"title", "paragraphs", "source"}.
type Statement struct {
	Title      string   `json:"title"`
	Paragraphs []string `json:"paragraphs"`
	Source     string   `json:"source,omitempty"`
}

// contractBasis says why a practice need not use a local referral form,
// with subject naming what is not required ("Using one", "Using a local
// referral form"). Its wording was checked against the regulation's text
// (legislation.gov.uk/uksi/2015/1862/regulation/17): keep it accurate, and
// use it wherever refletter gives this reason.
func contractBasis(subject string) string {
	return subject + " is not a GP contract requirement: under regulation 17(4) and (5) " +
		"of the NHS (General Medical Services Contracts) Regulations 2015, the services for a patient's " +
		"management, including referral, are delivered in the manner the practice determines in " +
		"discussion with the patient. BMA GPC England has published guidance on this."
}

// statementSource names the sources of the default statement.
const statementSource = "NHS (General Medical Services Contracts) Regulations 2015 (SI 2015/1862), " +
	"regulation 17(4) and (5); BMA GPC England guidance on local referral forms."

// DefaultStatement returns the statement refletter prints in a letter from
// a practice in England unless an option replaces or removes it: a
// referral by letter holding the clinical information needed, made without
// a local form, which the GP contract does not require, and a request to
// contact the referrer if anything is missing. Besides a local form's
// title, it is under 110 words.
func DefaultStatement() Statement { return defaultStatement("", nil) }

// formNotUsed is the position on local forms, in the checked words of
// contractBasis, that the default statement and the reply both print. It
// cites English law.
var formNotUsed = "A local referral form was not used. " + contractBasis("Using one")

// citesEnglishLaw reports whether a letter from r's practice may cite
// English law: only for a practice in England, given or inferred.
func citesEnglishLaw(r *Referral) bool {
	n, _ := r.Practice.EffectiveNation()
	return n == NationEngland
}

// defaultStatement is DefaultStatement for a referral attached to the
// e-Referral ubrn (when valid) and replacing the local form f (when given).
func defaultStatement(ubrn UBRN, f *FormSection) Statement {
	form := formNotUsed
	if f != nil {
		answered := "this letter answers its required clinical questions"
		if len(f.Unavailable) > 0 {
			answered += " except those listed as not available"
		}
		form = "The " + firstNonEmpty(f.Title, "local referral form") + " was not used; " + answered + ". " +
			contractBasis("Using one")
	}
	paras := []string{
		"This is a referral by letter, holding the clinical information needed to assess the patient.",
		form,
	}
	if ubrn.Valid() {
		paras = append(paras, "This letter is attached to e-Referral UBRN "+ubrn.String()+".")
	}
	paras = append(paras, "If anything is missing, please contact the referrer rather than "+
		"returning the referral.")
	return Statement{Title: "About this referral", Paragraphs: paras, Source: statementSource}
}

// statementFor returns the statement r's letter prints, or false for none:
// the caller's own (WithStatement), none (WithoutStatement), or the default,
// which is printed only for a practice in England because it cites
// England's regulations.
func statementFor(r *Referral, s settings) (Statement, bool) {
	switch {
	case s.noStatement:
		return Statement{}, false
	case s.statement != nil:
		return *s.statement, true
	}
	if !citesEnglishLaw(r) {
		return Statement{}, false
	}
	return defaultStatement(r.UBRN, s.form), true
}
