package hardening

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/proforma"
)

// problemLines returns a proforma error as its lines: each Problem's
// "place: message", or "too-large" for input over proforma.MaxSize. The
// rules are checked by assertRules and by proforma's own tests.
func problemLines(err error) []string {
	if err == nil {
		return []string{"ok"}
	}
	if errors.Is(err, proforma.ErrTooLarge) {
		return []string{"too-large"}
	}
	var ps proforma.Errors
	if !errors.As(err, &ps) {
		return []string{"unexpected error type: " + err.Error()}
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Error()
	}
	return out
}

// assertRules checks that every Problem of a proforma error names the
// rule it breaks.
func assertRules(t *testing.T, err error) {
	t.Helper()
	var ps proforma.Errors
	if !errors.As(err, &ps) {
		return
	}
	for _, p := range ps {
		assert.NotEmpty(t, p.Rule, "the rule of %q", p.Error())
	}
}

// TestInvalidProformas loads every form definition of
// testdata/invalid/proformas: proforma.Load reports exactly the .want
// problems, and the refer command given the form with -proforma exits 2
// and writes nothing.
func TestInvalidProformas(t *testing.T) {
	dir := filepath.Join(invalidDir, "proformas")
	good := abs(t, "../../testdata/referrals/cardiology-palpitations.json")
	for _, c := range cases(t, dir, ".json") {
		t.Run(c.name, func(t *testing.T) {
			def := c.input(t)
			err := within(t, caseTimeout, func() error {
				_, err := proforma.Load(bytes.NewReader(def))
				return err
			})
			assert.ElementsMatch(t, c.want, problemLines(err))
			assertRules(t, err)

			out := t.TempDir()
			res := refer(t, out, "-proforma", c.inputPath(t, ".json"), "-o", filepath.Join(out, "letter.pdf"), good)
			if err == nil {
				assert.Equal(t, 0, res.code, res.stderr)
				return
			}
			assert.Equal(t, 2, res.code, res.stderr)
			assert.Empty(t, res.stdout)
			assertDirEmpty(t, out)
		})
	}
}

// TestInvalidAnswers checks every answers file of
// testdata/invalid/answers against the form its .want names, for the
// referral it names: proforma.LoadAnswers and then Form.Check report
// exactly the .want problems, which never repeat an answer; the refer
// command exits 2 and writes nothing.
func TestInvalidAnswers(t *testing.T) {
	dir := filepath.Join(invalidDir, "answers")
	for _, c := range cases(t, dir, ".json") {
		t.Run(c.name, func(t *testing.T) {
			wantFile := filepath.Join(dir, c.name+".want")
			formPath := filepath.Join("../../testdata/proformas", header(t, wantFile, "form"))
			refPath := filepath.Join("../../testdata/referrals", header(t, wantFile, "referral"))
			fb, err := os.ReadFile(formPath)
			require.NoError(t, err)
			form, err := proforma.Load(bytes.NewReader(fb))
			require.NoError(t, err)
			rb, err := os.ReadFile(refPath)
			require.NoError(t, err)
			ref, err := decodeAndValidate(rb)
			require.NoError(t, err)

			data := c.input(t)
			err = within(t, caseTimeout, func() error {
				a, err := proforma.LoadAnswers(bytes.NewReader(data))
				if err != nil {
					return err
				}
				_, err = form.Check(ref, a)
				return err
			})
			require.Error(t, err)
			assert.ElementsMatch(t, c.want, problemLines(err))
			assertRules(t, err)
			answers := stringValues(data)
			assertNoPatientData(t, "the error", err.Error(), answers)

			out := t.TempDir()
			res := refer(t, out, "-proforma", abs(t, formPath), "-answers", c.inputPath(t, ".json"),
				"-o", filepath.Join(out, "letter.pdf"), abs(t, refPath))
			assert.Equal(t, 2, res.code, res.stderr)
			assert.Empty(t, res.stdout)
			assertNoPatientData(t, "stderr", res.stderr, answers)
			assertNoPatientData(t, "stderr", res.stderr, patientValues(rb))
			assertDirEmpty(t, out)
		})
	}
}
