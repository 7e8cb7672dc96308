package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	good    = "../../testdata/referrals/dermatology-eczema.json"
	tww     = "../../testdata/referrals/2ww-breast.json"
	patient = "Siobhán" // no patient field may reach stderr
)

func refer(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func absPath(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	require.NoError(t, err)
	return a
}

func TestReferPDF(t *testing.T) {
	out := filepath.Join(t.TempDir(), "letter.pdf")
	code, stdout, stderr := refer(t, "-o", out, good)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(b, []byte("%PDF-1.")))
	assert.Contains(t, stderr, "wrote")
}

func TestReferDefaultName(t *testing.T) {
	in := absPath(t, good)
	t.Chdir(t.TempDir())
	code, _, stderr := refer(t, in)
	require.Equal(t, 0, code, stderr)
	_, err := os.Stat("dermatology-eczema.pdf")
	assert.NoError(t, err)

	code, _, stderr = refer(t, "-format", "text", in)
	require.Equal(t, 0, code, stderr)
	b, err := os.ReadFile("dermatology-eczema.txt")
	require.NoError(t, err)
	assert.Contains(t, string(b), "About this referral")
}

func TestReferTextToStdout(t *testing.T) {
	code, stdout, stderr := refer(t, "-format", "text", "-o", "-", good)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Dear ")
	assert.Contains(t, stdout, "About this referral")

	code, stdout, _ = refer(t, "-format", "text", "-o", "-", "-no-statement", good)
	require.Equal(t, 0, code)
	assert.NotContains(t, stdout, "About this referral")

	st := filepath.Join(t.TempDir(), "statement.json")
	require.NoError(t, os.WriteFile(st, []byte(`{"title": "Our note", "paragraphs": ["Referred by letter, as our practice policy."], "source": "Practice policy"}`), 0o644))
	code, stdout, stderr = refer(t, "-format", "text", "-o", "-", "-statement", st, good)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Our note")
	assert.NotContains(t, stdout, "About this referral")
}

func TestReferInvalid(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "bad.json")
	doc, err := os.ReadFile(good)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	m["patient"].(map[string]any)["nhsNumber"] = "9990000019"
	delete(m, "history")
	b, _ := json.Marshal(m)
	require.NoError(t, os.WriteFile(in, b, 0o644))

	out := filepath.Join(dir, "bad.pdf")
	code, stdout, stderr := refer(t, "-o", out, in)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "refer: patient.nhsNumber: fails the NHS number check digit\n")
	assert.Contains(t, stderr, "refer: history: is required\n")
	assert.NotContains(t, stderr, "9990000019")
	assert.NotContains(t, stderr, patient)
	assertNoFiles(t, dir, "bad.json")

	for name, args := range map[string][]string{
		"no file":         {},
		"two files":       {good, good},
		"bad format":      {"-format", "docx", good},
		"answers no form": {"-answers", "x.json", good},
		"bad flag":        {"-nope", good},
	} {
		code, _, _ := refer(t, args...)
		assert.Equal(t, 2, code, name)
	}
	require.NoError(t, os.WriteFile(in, []byte(`{"priority": "routine", "oops": 1}`), 0o644))
	code, _, stderr = refer(t, "-o", out, in)
	assert.Equal(t, 2, code)
	assert.Regexp(t, `^(refer: .+\n)+$`, stderr, "every line carries the prefix")
	assert.Contains(t, stderr, "unknown field (2nd key of the document)")
	assert.NotContains(t, stderr, "oops")
	assertNoFiles(t, dir, "bad.json")
}

// TestReferPDFWarning: a warning of the PDF renderer is printed with its
// path and code, like Decide's, and never with the text.
func TestReferPDFWarning(t *testing.T) {
	dir := t.TempDir()
	var doc map[string]any
	b, err := os.ReadFile(good)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &doc))
	doc["history"] = "Itchy rash for a year, worse at night 💔."
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	in := filepath.Join(dir, "in.json")
	require.NoError(t, os.WriteFile(in, b, 0o644))
	code, _, stderr := refer(t, "-o", filepath.Join(dir, "out.pdf"), in)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, `warning: history: 1 character the font cannot show replaced by "[?]" (character-replaced)`+"\n")
	assert.NotContains(t, stderr, "(pdf)")
	assert.NotContains(t, stderr, "Itchy")
}

func TestReferTwoWeekWait(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := refer(t, "-o", filepath.Join(dir, "x.pdf"), tww)
	assert.Equal(t, 3, code)
	assert.Equal(t, 1, strings.Count(stderr, "\n")-strings.Count(stderr, "warning: "), stderr)
	assert.Contains(t, stderr, "e-Referral Service")
	var h map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &h))
	assert.Equal(t, "TWO_WEEK_WAIT", h["priorityCode"])
	assertNoFiles(t, dir)
}

// TestReferTwoWeekWaitWales: outside England the route named is the
// nation's own, never e-RS.
func TestReferTwoWeekWaitWales(t *testing.T) {
	b, err := os.ReadFile(tww)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	doc["practice"].(map[string]any)["nation"] = "wales"
	dir := t.TempDir()
	in := filepath.Join(dir, "wales.json")
	writeJSON(t, in, doc)
	code, _, stderr := refer(t, "-o", filepath.Join(dir, "x.pdf"), in)
	assert.Equal(t, 3, code)
	assert.Contains(t, stderr, "refer through the urgent suspected-cancer referral route used in Wales (not e-RS)")
	assert.NotContains(t, stderr, "e-Referral Service")
}

func TestReferProforma(t *testing.T) {
	forms, _ := filepath.Glob("../../testdata/proformas/*.json")
	if len(forms) == 0 {
		t.Skip("no proformas in testdata yet")
	}
	answers, _ := filepath.Glob("../../testdata/proformas/answers/*.json")
	require.NotEmpty(t, answers)
	// Find a form and answers file that go together: the answers file
	// names its form by file name.
	for _, a := range answers {
		form := filepath.Join("../../testdata/proformas", strings.Split(filepath.Base(a), ".")[0]+".json")
		if _, err := os.Stat(form); err != nil {
			continue
		}
		code, stdout, stderr := refer(t, "-format", "text", "-o", "-", "-proforma", form, "-answers", a, good)
		if code == 3 {
			continue // a two-week-wait form
		}
		require.Equal(t, 0, code, stderr)
		flat := strings.Join(strings.Fields(strings.ReplaceAll(stdout, "|", "")), " ")
		assert.Regexp(t, `(?m)^proforma: \d+ answered, \d+ open \(\d+ required\), \d+ not needed$`, stderr)
		assert.Contains(t, flat, "was not used; this letter answers its required clinical questions")
		assert.Contains(t, flat, "Information requested by")
		return
	}
	t.Fatal("no form with an answers file")
}

// TestReferProformaErrors: each problem with the form's answers is a
// line of its own on stderr, as field errors are.
func TestReferProformaErrors(t *testing.T) {
	dir := t.TempDir()
	answers := filepath.Join(dir, "answers.json")
	require.NoError(t, os.WriteFile(answers, []byte(`{"duration": "twelve", "driving": "perhaps"}`), 0o644))
	code, stdout, stderr := refer(t, "-o", filepath.Join(dir, "x.pdf"),
		"-proforma", "../../testdata/proformas/memory-clinic.json", "-answers", answers,
		"../../testdata/referrals/memory-clinic-cognitive-decline.json")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Regexp(t, `(?m)^refer: (answers\.json: )?answers\.duration: must be a number`, stderr)
	assert.Regexp(t, `(?m)^refer: (answers\.json: )?answers\.driving: must be yes or no`, stderr)
	assert.NotContains(t, stderr, `\n`)
	assertNoFiles(t, dir, "answers.json")
}

// TestReferImageTooLarge: a -logo or -signature file too large for any
// image (or endless, such as /dev/zero) is refused without reading it all.
func TestReferImageTooLarge(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.png")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(maxImageFile+1)) // sparse: no disk used
	require.NoError(t, f.Close())
	for _, flag := range []string{"-logo", "-signature"} {
		code, stdout, stderr := refer(t, flag, big, "-o", filepath.Join(dir, "x.pdf"), good)
		assert.Equal(t, 2, code, flag)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "is larger than 32 MiB", flag)
		assertNoFiles(t, dir, "big.png")
	}
}

func TestReferFailures(t *testing.T) {
	code, _, stderr := refer(t, "missing.json")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "missing.json")

	dir := t.TempDir()
	logo := filepath.Join(dir, "logo.png")
	require.NoError(t, os.WriteFile(logo, []byte("\x89PNG\r\n\x1a\nnot really"), 0o644))
	code, _, _ = refer(t, "-logo", logo, "-o", filepath.Join(dir, "x.pdf"), good)
	assert.Equal(t, 2, code)
	assertNoFiles(t, dir, "logo.png")

	// An output folder that does not exist: no letter, no temporary file,
	// and the message names the folder.
	missing := filepath.Join(dir, "nope")
	code, _, stderr = refer(t, "-o", filepath.Join(missing, "x.pdf"), good)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "refer: the output folder "+strconv.Quote(missing)+" does not exist\n")
	assert.NotContains(t, stderr, ".tmp")
	assertNoFiles(t, dir, "logo.png")
}

// TestReferHelp: -h asks for the usage: on stdout, exit 0.
func TestReferHelp(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		code, stdout, stderr := refer(t, arg)
		assert.Equal(t, 0, code, arg)
		assert.Empty(t, stderr, arg)
		assert.True(t, strings.HasPrefix(stdout, "usage: refer [flags] REFERRAL.json\n"), arg)
		assert.Contains(t, stdout, "-signature file", arg)
	}
	code, stdout, stderr := refer(t, "-nope")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "flag provided but not defined: -nope")
	assert.Contains(t, stderr, "usage: refer")
}

// TestReferImages: -logo and -signature reach the PDF; a file that is not
// an image is invalid input.
func TestReferImages(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "img.png")
	var b bytes.Buffer
	m := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := range 40 {
		m.Set(x, x/2, color.Black)
	}
	require.NoError(t, png.Encode(&b, m))
	require.NoError(t, os.WriteFile(img, b.Bytes(), 0o644))
	count := func(args ...string) int {
		t.Helper()
		out := filepath.Join(dir, "x.pdf")
		code, _, stderr := refer(t, append(append([]string{"-o", out}, args...), good)...)
		require.Equal(t, 0, code, stderr)
		return bytes.Count(mustRead(t, out), []byte("/Subtype /Image"))
	}
	none := count()
	assert.Equal(t, none+1, count("-logo", img))
	assert.Equal(t, none+1, count("-signature", img))
	assert.Equal(t, none+2, count("-logo", img, "-signature", img))

	notImage := filepath.Join(dir, "sig.png")
	require.NoError(t, os.WriteFile(notImage, []byte("not an image"), 0o644))
	code, _, stderr := refer(t, "-signature", notImage, "-o", filepath.Join(dir, "y.pdf"), good)
	assert.Equal(t, 2, code)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	assert.True(t, strings.HasPrefix(lines[len(lines)-1], "refer: "), stderr)
	_, err := os.Stat(filepath.Join(dir, "y.pdf"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// TestReferSyntaxColumn: a JSON error names the line and column of the
// byte at fault.
func TestReferSyntaxColumn(t *testing.T) {
	in := filepath.Join(t.TempDir(), "x.json")
	require.NoError(t, os.WriteFile(in, []byte("x"), 0o644))
	code, _, stderr := refer(t, in)
	assert.Equal(t, 2, code)
	assert.Equal(t, "refer: malformed JSON at line 1, column 1\n", stderr)
}

// TestReferEscaped: no control character or bidirectional mark from a
// key or a file name reaches stderr raw.
func TestReferEscaped(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in\x1b]0;title\x07\u202e.json")
	require.NoError(t, os.WriteFile(in, []byte(`{"\u001b]0;owned\u0007\u009b2J\u202e": 1}`), 0o644))
	_, _, stderr := refer(t, in)
	_, _, stderr2 := refer(t, "-statement", in, good)
	_, _, stderr3 := refer(t, filepath.Join(dir, "missing\x1b[2J.json"))
	for _, out := range []string{stderr, stderr2, stderr3} {
		assert.NotEmpty(t, out)
		for _, raw := range []string{"\x1b", "\x07", "\u009b", "\u202e"} {
			assert.NotContains(t, out, raw)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

func assertNoFiles(t *testing.T, dir string, except ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, except, names)
}
