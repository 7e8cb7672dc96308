package hardening

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

// disguisedWant is what a disguised/*.want file says.
type disguisedWant struct {
	errors      []string // "path rule"
	tooLarge    bool
	route       referral.Path
	warnings    []string // "code path"
	pdfWarnings []string // fields
}

func parseDisguisedWant(t *testing.T, lines []string) disguisedWant {
	t.Helper()
	var w disguisedWant
	for _, l := range lines {
		kind, rest, _ := strings.Cut(l, " ")
		switch kind {
		case "error":
			w.errors = append(w.errors, rest)
		case "too-large":
			w.tooLarge = true
		case "route":
			w.route = referral.Path(rest)
		case "warning":
			w.warnings = append(w.warnings, rest)
		case "pdf-warning":
			w.pdfWarnings = append(w.pdfWarnings, rest)
		default:
			t.Fatalf("unknown .want line %q", l)
		}
	}
	refused := len(w.errors) > 0 || w.tooLarge
	require.True(t, refused != (w.route != ""), "a case is refused or routed, not both")
	return w
}

// TestDisguised checks the valid-looking documents of
// testdata/invalid/disguised: two-week-wait cases disguised by case,
// spacing and wording still take the eRS path (and the refer command exits
// 3 with no letter); suspected-cancer wording warns on its field; hostile
// text is refused with its rule, or composes and renders with a PDF
// warning naming the field; limits hold for generated inputs.
func TestDisguised(t *testing.T) {
	dir := filepath.Join(invalidDir, "disguised")
	renderer, err := pdf.NewRenderer()
	require.NoError(t, err)
	for _, c := range cases(t, dir, ".json") {
		t.Run(c.name, func(t *testing.T) {
			skipKnownDefect(t, "disguised/"+c.name)
			w := parseDisguisedWant(t, c.want)
			doc := c.input(t)
			vals := patientValues(doc)
			out := t.TempDir()
			outFile := filepath.Join(out, "letter.pdf")
			in := c.inputPath(t, ".json")

			type outcome struct {
				ref   *referral.Referral
				err   error
				route referral.Route
			}
			o := within(t, caseTimeout, func() outcome {
				ref, err := decodeAndValidate(doc)
				var rt referral.Route
				if err == nil {
					rt = referral.Decide(ref)
				}
				return outcome{ref, err, rt}
			})

			if w.route == "" { // refused
				require.Error(t, o.err)
				assertNoPatientData(t, "the error", o.err.Error(), vals)
				if w.tooLarge {
					assert.ErrorIs(t, o.err, referral.ErrTooLarge)
				} else {
					assert.ElementsMatch(t, w.errors, pathRules(o.err))
				}
				res := refer(t, out, "-o", outFile, in)
				assert.Equal(t, 2, res.code, res.stderr)
				assert.Empty(t, res.stdout)
				assertNoPatientData(t, "stderr", res.stderr, vals)
				assertDirEmpty(t, out)
				return
			}

			require.NoError(t, o.err, "a valid document")
			require.Equal(t, w.route, o.route.Path, "route reasons: %v", o.route.Reasons)
			// Every warning listed is given; the suspected-cancer ones are
			// exactly those listed.
			var all, cues, wantCues []string
			for _, wn := range o.route.Warnings {
				assertNoPatientData(t, "a route warning", wn.Message, vals)
				all = append(all, wn.Code+" "+wn.Path)
				if wn.Code == referral.WarnPossibleCancer {
					cues = append(cues, wn.Code+" "+wn.Path)
				}
			}
			for _, wn := range w.warnings {
				assert.Contains(t, all, wn)
				if strings.HasPrefix(wn, referral.WarnPossibleCancer+" ") {
					wantCues = append(wantCues, wn)
				}
			}
			assert.ElementsMatch(t, wantCues, cues, "suspected-cancer warnings")

			if w.route == referral.PathERS {
				require.NotNil(t, o.route.Handoff)
				assert.Equal(t, "TWO_WEEK_WAIT", o.route.Handoff.PriorityCode)
				letter, err := within(t, caseTimeout, func() composed { return compose(o.ref) }).get()
				assert.Nil(t, letter, "no letter for a two-week-wait case")
				assert.ErrorIs(t, err, referral.ErrTwoWeekWait)

				for _, format := range []string{"pdf", "text"} {
					res := refer(t, out, "-format", format, "-o", outFile, in)
					assert.Equal(t, 3, res.code, res.stderr)
					var h referral.Handoff
					require.NoError(t, json.Unmarshal([]byte(res.stdout), &h), "the handoff on stdout")
					assert.Equal(t, "TWO_WEEK_WAIT", h.PriorityCode)
					assertNoPatientData(t, "stderr", res.stderr, vals)
					assertDirEmpty(t, out)
				}
				return
			}

			letter, err := within(t, caseTimeout, func() composed { return compose(o.ref) }).get()
			require.NoError(t, err)
			type rendered struct {
				pdf   []byte
				warns []pdf.Warning
				err   error
			}
			r := within(t, caseTimeout, func() rendered {
				var buf bytes.Buffer
				ws, err := renderer.Render(&buf, letter)
				return rendered{buf.Bytes(), ws, err}
			})
			require.NoError(t, r.err)
			assert.True(t, bytes.HasPrefix(r.pdf, []byte("%PDF-")))
			var fields []string
			for _, wn := range r.warns {
				assertNoPatientData(t, "a PDF warning", wn.String(), vals)
				fields = append(fields, wn.Path)
			}
			slices.Sort(fields)
			assert.Equal(t, sorted(w.pdfWarnings), slices.Compact(fields), "PDF warnings")
			var text bytes.Buffer
			require.NoError(t, letter.WriteText(&text))

			res := refer(t, out, "-o", outFile, in)
			require.Equal(t, 0, res.code, res.stderr)
			assertNoPatientData(t, "stderr", res.stderr, vals)
			got, err := os.ReadFile(outFile)
			require.NoError(t, err)
			assert.Equal(t, r.pdf, got, "the command writes the same PDF")
		})
	}
}

// composed is Compose's result, for within.
type composed struct {
	letter *referral.Letter
	err    error
}

func (c composed) get() (*referral.Letter, error) { return c.letter, c.err }

func compose(ref *referral.Referral) composed {
	l, err := referral.Compose(ref)
	return composed{l, err}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	if s == nil {
		return nil
	}
	return s
}
