package referral

import "time"

// An Option changes how a referral is validated (WithClock), routed
// (WithProforma) and composed (all of them). Options are values: make them
// with the functions below and pass them to Validate, Decide or Compose.
type Option interface {
	apply(*settings)
}

type optionFunc func(*settings)

func (f optionFunc) apply(s *settings) { f(s) }

type settings struct {
	statement   *Statement
	noStatement bool
	form        *FormSection
	now         func() time.Time
	forPatient  bool
}

func settingsOf(opts []Option) settings {
	s := settings{now: time.Now}
	for _, o := range opts {
		if o != nil {
			o.apply(&s)
		}
	}
	return s
}

// WithStatement replaces the contractual statement. The letter prints it
// wherever the practice is, while the default statement is printed only
// for a practice in England.
func WithStatement(st Statement) Option {
	return optionFunc(func(s *settings) { s.statement = &st; s.noStatement = false })
}

// WithoutStatement leaves the contractual statement out.
func WithoutStatement() Option {
	return optionFunc(func(s *settings) { s.noStatement = true; s.statement = nil })
}

// ForPatient composes the patient's copy of the letter: the same letter,
// headed "Copy for the patient", without the contractual statement, and
// for large print with Meta.TextSize set to the point size asked. Compose
// fails with ErrNoPatientCopy when the referral gives the patient no copy.
// A format the library cannot produce (see PatientCopyFormat.Produced)
// still gets the standard copy, for the practice to work from; Decide
// warns of it.
func ForPatient() Option {
	return optionFunc(func(s *settings) { s.forPatient = true })
}

// WithClock sets the clock that says what today is, for reproducible
// results: Validate and Compose check dates against it, and Compose dates
// a letter that has no date by it.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(s *settings) {
		if now != nil {
			s.now = now
		}
	})
}

// Proforma is a local referral form checked against the referral, as
// package proforma's Report is. It is an interface so that this package
// need not import proforma.
type Proforma interface {
	Section() FormSection
}

// FormSection is what a checked local form contributes to the letter and
// the route.
type FormSection struct {
	ID          string
	Title       string // "Dermatology Referral Form"
	Issuer      string // "NHS West Yorkshire ICB"
	TwoWeekWait bool
	// Answers are the referrer's answers to questions the referral's own
	// fields do not cover. They are printed as question and answer pairs.
	Answers []FormAnswer
	// Unavailable are the labels of questions the form marks required
	// that nothing answers. The letter lists them as not available at the
	// time of referral and never claims them as answered.
	Unavailable []string
}

// FormAnswer is one question of a local form with its answer.
type FormAnswer struct {
	QuestionID string
	Question   string
	Answer     string
}

// WithProforma names the local form the letter replaces, adds the
// referrer's answers to it, and routes a two-week-wait form to eRS.
func WithProforma(p Proforma) Option {
	return optionFunc(func(s *settings) {
		if p == nil {
			return
		}
		f := p.Section()
		s.form = &f
	})
}
