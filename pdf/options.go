package pdf

import (
	"fmt"
	"image/color"
	"math"
	"time"
)

// An Option changes how letters are rendered. Options are values: make
// them once and pass them to NewRenderer (or Render). An option whose input
// is unusable makes NewRenderer fail with an *OptionError.
type Option interface {
	apply(*config) error
}

// config is what the options set.
type config struct {
	logo, signature []byte
	accent          rgb
	created         time.Time
	margin          float64 // mm
	textSize        float64 // pt; 0 for the default
}

func defaultConfig() config {
	return config{accent: nhsBlue, margin: 20}
}

type optionFunc func(*config) error

func (f optionFunc) apply(c *config) error { return f(c) }

// WithLogo prints a practice logo, PNG or JPEG, at the top left of the
// first page. The image is checked and prepared once, by NewRenderer:
// transparency is flattened onto white and a large image is scaled down.
func WithLogo(img []byte) Option {
	return optionFunc(func(c *config) error {
		c.logo = img
		return nil
	})
}

// WithSignature prints a signature image, PNG or JPEG, above the
// referrer's name in the sign-off. It is prepared as WithLogo's is.
func WithSignature(img []byte) Option {
	return optionFunc(func(c *config) error {
		c.signature = img
		return nil
	})
}

// WithAccent sets the accent colour used, sparingly, for the practice name,
// the rule under headings and highlighted notices. The default is NHS blue
// (#005EB8). Transparency is ignored.
func WithAccent(c color.Color) Option {
	return optionFunc(func(cf *config) error {
		if c == nil {
			return &OptionError{Option: "WithAccent", Reason: "no colour given"}
		}
		n := color.NRGBAModel.Convert(c).(color.NRGBA)
		cf.accent = rgb{n.R, n.G, n.B}
		return nil
	})
}

// WithCreationTime sets the creation and modification time recorded in the
// PDF. By default it is midnight (UTC) of the letter's date (1 January 2000
// for a letter with no date), so the same letter and options always give
// the same bytes.
func WithCreationTime(t time.Time) Option {
	return optionFunc(func(c *config) error {
		c.created = t
		return nil
	})
}

// WithMargins sets the page margins in millimetres, the same on all four
// sides; the default is 20. Margins from 10 to 40 mm are accepted.
func WithMargins(mm float64) Option {
	return optionFunc(func(c *config) error {
		if math.IsNaN(mm) || mm < 10 || mm > 40 {
			return &OptionError{Option: "WithMargins", Reason: "margins must be from 10 to 40 mm"}
		}
		c.margin = mm
		return nil
	})
}

// maxTextSize is the largest body text size, in points, WithTextSize and
// a letter's Meta.TextSize may ask for.
const maxTextSize = 36

// WithTextSize prints the body text at pt points, from the default 10.5
// up to 36, for the patient's large-print copy. Headings, tables, rules
// and images grow in proportion and the margins widen to match, up to
// 30 mm; the page stays A4, and text rewraps and repaginates, so nothing
// is clipped. The page furniture is the patient's copy's compact one, at
// 14 to 18 pt (see the package documentation). A letter whose
// Meta.TextSize is larger is printed at that size.
func WithTextSize(pt float64) Option {
	return optionFunc(func(c *config) error {
		if math.IsNaN(pt) || pt < bodySize || pt > maxTextSize {
			return &OptionError{Option: "WithTextSize", Reason: "the text size must be from 10.5 to 36 points"}
		}
		c.textSize = pt
		return nil
	})
}

// OptionError reports an option whose input cannot be used, such as a logo
// that is not a PNG or JPEG image. Err, when set, is the underlying cause.
type OptionError struct {
	Option string // "WithLogo"
	Reason string
	Err    error
}

func (e *OptionError) Error() string {
	s := fmt.Sprintf("pdf: %s: %s", e.Option, e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *OptionError) Unwrap() error { return e.Err }

// Is makes every OptionError match ErrOption.
func (e *OptionError) Is(target error) bool { return target == ErrOption }
