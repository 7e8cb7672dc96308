package referral

// Statement is the contractual statement printed in a box near the end of
// the letter. Source records where its substance comes from.
// Its JSON form is {"title", "paragraphs", "source"}.
type Statement struct {
	Title      string   `json:"title"`
	Paragraphs []string `json:"paragraphs"`
	Source     string   `json:"source,omitempty"`
}

// DefaultStatement returns the statement refletter prints unless an option
// replaces or removes it: a referral by letter, complete in itself, made
// without a local form because the GP contract does not require one.
// It is under 120 words.
func DefaultStatement() Statement {
	return Statement{
		Title: "About this referral",
		Paragraphs: []string{
			"This is a formal referral for specialist assessment, made by letter. " +
				"It contains the clinical information needed to assess the patient.",
			"A local referral form was not used. Using one is not a requirement of the GP contract (GMS/PMS): " +
				"how a practice provides its services, including referral, is for the practice to decide.",
			"Please do not return or reject this referral on administrative grounds. " +
				"If you need more clinical information, please contact the referrer named below; " +
				"any decision not to accept the referral should come from a named clinician.",
		},
		Source: "NHS (General Medical Services Contracts) Regulations 2015, regulation 17; " +
			"BMA GPC England guidance on referral by letter in place of local forms.",
	}
}

// formParagraph is point 3 of the statement when a local form is named.
func formParagraph(title string, unavailable int) string {
	answered := "its required clinical questions are answered in this letter. "
	if unavailable > 0 {
		answered = "its required clinical questions are answered in this letter, except those listed as not available at the time of referral. "
	}
	return "The " + title + " was not used; " + answered +
		"Using a local form is not a requirement of the GP contract (GMS/PMS): " +
		"how a practice provides its services, including referral, is for the practice to decide."
}
