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

// TestReferPatientCopy: a referral with a copy due gets NAME.patient.pdf
// beside NAME.pdf, headed for the patient; one without gets none.
func TestReferPatientCopy(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "amd.pdf")
	code, _, stderr := refer(t, "-o", out, "../../testdata/referrals/ophthalmology-wet-amd.json")
	require.Equal(t, 0, code, stderr)
	b, err := os.ReadFile(filepath.Join(dir, "amd.patient.pdf"))
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(b, []byte("%PDF-1.")))
	assert.Contains(t, stderr, "amd.patient.pdf")

	code, _, stderr = refer(t, "-format", "text", "-o", filepath.Join(dir, "amd.txt"), "../../testdata/referrals/ophthalmology-wet-amd.json")
	require.Equal(t, 0, code, stderr)
	b, err = os.ReadFile(filepath.Join(dir, "amd.patient.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(b), "Copy for the patient")
	assert.NotContains(t, string(b), "About this referral", "no contractual statement")

	// On stdout there is no place for the copy: refer says so.
	code, stdout, stderr := refer(t, "-o", "-", "../../testdata/referrals/ophthalmology-wet-amd.json")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "%PDF-1."))
	assert.Contains(t, stderr, "the patient's copy is due but not written with -o -")

	out = filepath.Join(dir, "child.pdf")
	code, _, stderr = refer(t, "-o", out, "../../testdata/referrals/paediatrics-faltering-growth.json")
	require.Equal(t, 0, code, stderr)
	_, err = os.Stat(filepath.Join(dir, "child.patient.pdf"))
	assert.ErrorIs(t, err, os.ErrNotExist, "copies.patient is false")
}

// TestReferStaleOutputs: run again on a referral that changed, refer
// leaves no earlier patient's copy or letter that this run's outcome does
// not make, and says which it removed.
func TestReferStaleOutputs(t *testing.T) {
	tests := []struct {
		name     string
		format   string
		change   func(ref map[string]any)
		code     int
		gone     []string
		kept     []string
		stderrIn string
	}{
		{"the copy is no longer due", "pdf", func(ref map[string]any) { ref["copies"] = map[string]any{"patient": false} },
			0, []string{"case.patient.pdf", "case.patient.txt"}, []string{"case.pdf"}, `removed the stale "`},
		{"email, then large print", "pdf", func(ref map[string]any) {}, 0, []string{"case.patient.txt"}, []string{"case.pdf", "case.patient.pdf"}, "case.patient.txt"},
		{"now a two-week-wait case", "pdf", func(ref map[string]any) { ref["priority"] = "two-week-wait" },
			3, []string{"case.pdf", "case.patient.pdf", "case.patient.txt"}, nil, "case.pdf"},
		{"now a two-week-wait case, text", "text", func(ref map[string]any) { ref["priority"] = "two-week-wait" },
			3, []string{"case.txt", "case.patient.txt"}, nil, "case.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := os.ReadFile("../../testdata/referrals/ophthalmology-wet-amd.json")
			require.NoError(t, err)
			var ref map[string]any
			require.NoError(t, json.Unmarshal(b, &ref))
			dir := t.TempDir()
			in := filepath.Join(dir, "case.json")
			ext := map[string]string{"pdf": ".pdf", "text": ".txt"}[tt.format]
			out := filepath.Join(dir, "case"+ext)

			// First run: a copy by email, so every copy file is there.
			ref["communication"].(map[string]any)["patientCopyFormat"] = map[string]any{"kind": "email"}
			writeJSON(t, in, ref)
			code, _, stderr := refer(t, "-format", tt.format, "-o", out, in)
			require.Equal(t, 0, code, stderr)
			require.FileExists(t, filepath.Join(dir, "case.patient.txt"))

			ref["communication"].(map[string]any)["patientCopyFormat"] = map[string]any{"kind": "large-print", "pointSize": 24}
			tt.change(ref)
			writeJSON(t, in, ref)
			code, _, stderr = refer(t, "-format", tt.format, "-o", out, in)
			require.Equal(t, tt.code, code, stderr)
			for _, f := range tt.gone {
				assert.NoFileExists(t, filepath.Join(dir, f))
			}
			for _, f := range tt.kept {
				assert.FileExists(t, filepath.Join(dir, f))
			}
			assert.Contains(t, stderr, tt.stderrIn)
		})
	}
}

// TestReferStaleNeverInput: the stale outputs removed on a two-week-wait
// case never include the input, even when -o names it.
func TestReferStaleNeverInput(t *testing.T) {
	b, err := os.ReadFile("../../testdata/referrals/ophthalmology-wet-amd.json")
	require.NoError(t, err)
	var ref map[string]any
	require.NoError(t, json.Unmarshal(b, &ref))
	ref["priority"] = "two-week-wait"
	dir := t.TempDir()
	in := filepath.Join(dir, "case.json")
	writeJSON(t, in, ref)
	code, _, stderr := refer(t, "-o", in, in)
	assert.Equal(t, 3, code, stderr)
	assert.FileExists(t, in)
	code, _, stderr = refer(t, "-returned", absPath(t, returned), "-o", in, in)
	assert.Equal(t, 3, code, stderr)
	assert.FileExists(t, in)
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// TestReferHostileNameCopy: a patient's copy at 36 point with a name of 98
// wide letters and no spaces, the worst the name limit allows, renders
// beside the letter (its footer once outgrew the page on a narrow page).
func TestReferHostileNameCopy(t *testing.T) {
	b, err := os.ReadFile("../../testdata/referrals/ophthalmology-wet-amd.json")
	require.NoError(t, err)
	var ref map[string]any
	require.NoError(t, json.Unmarshal(b, &ref))
	p := ref["patient"].(map[string]any)
	delete(p, "title")
	p["givenName"], p["familyName"] = "W", strings.Repeat("W", 97)
	ref["communication"].(map[string]any)["patientCopyFormat"] = map[string]any{"kind": "large-print", "pointSize": 36}
	dir := t.TempDir()
	in := filepath.Join(dir, "case.json")
	writeJSON(t, in, ref)
	code, _, stderr := refer(t, "-o", filepath.Join(dir, "case.pdf"), in)
	require.Equal(t, 0, code, stderr)
	for _, name := range []string{"case.pdf", "case.patient.pdf"} {
		_, err := os.Stat(filepath.Join(dir, name))
		assert.NoError(t, err, name)
	}
}

// TestReferStaleAcrossFormats: when a case becomes two-week wait, no
// output an earlier run wrote for it stands, whatever format or mode that
// run used: a PDF letter and its copies after a text run, or after a
// -returned run.
func TestReferStaleAcrossFormats(t *testing.T) {
	b, err := os.ReadFile("../../testdata/referrals/ophthalmology-wet-amd.json")
	require.NoError(t, err)
	for _, second := range [][]string{{"-format", "text"}, {"-returned", "../../testdata/returned/dermatology-eczema.json"}} {
		t.Run(second[0], func(t *testing.T) {
			var ref map[string]any
			require.NoError(t, json.Unmarshal(b, &ref))
			ref["communication"].(map[string]any)["patientCopyFormat"] = map[string]any{"kind": "email"}
			dir := t.TempDir()
			in := filepath.Join(dir, "case.json")
			writeJSON(t, in, ref)
			code, _, stderr := refer(t, "-o", filepath.Join(dir, "case.pdf"), in)
			require.Equal(t, 0, code, stderr)
			require.FileExists(t, filepath.Join(dir, "case.patient.pdf"))

			ref["priority"] = "two-week-wait"
			writeJSON(t, in, ref)
			args := append(append([]string{}, second...), "-o", filepath.Join(dir, "case.txt"), in)
			code, _, stderr = refer(t, args...)
			require.Equal(t, 3, code, stderr)
			assertNoFiles(t, dir, "case.json")
		})
	}
}
