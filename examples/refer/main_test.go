package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
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
	assert.Contains(t, stderr, "patient.nhsNumber: fails the NHS number check digit\n")
	assert.Contains(t, stderr, "history: is required\n")
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
	assert.Contains(t, stderr, "unknown field (2nd key of the document)")
	assert.NotContains(t, stderr, "oops")
	assertNoFiles(t, dir, "bad.json")
}

func TestReferTwoWeekWait(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := refer(t, "-o", filepath.Join(dir, "x.pdf"), tww)
	assert.Equal(t, 3, code)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.Contains(t, stderr, "e-Referral Service")
	var h map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &h))
	assert.Equal(t, "TWO_WEEK_WAIT", h["priorityCode"])
	assertNoFiles(t, dir)
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
		assert.Contains(t, flat, "was not used; its clinically relevant questions are answered in this letter")
		assert.Contains(t, flat, "Information requested by")
		return
	}
	t.Fatal("no form with an answers file")
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

	// An output folder that does not exist: no letter, no temporary file.
	code, _, _ = refer(t, "-o", filepath.Join(dir, "nope", "x.pdf"), good)
	assert.Equal(t, 1, code)
	assertNoFiles(t, dir, "logo.png")
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
