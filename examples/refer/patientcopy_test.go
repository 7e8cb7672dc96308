package main

import (
	"bytes"
	"os"
	"path/filepath"
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

	out = filepath.Join(dir, "child.pdf")
	code, _, stderr = refer(t, "-o", out, "../../testdata/referrals/paediatrics-faltering-growth.json")
	require.Equal(t, 0, code, stderr)
	_, err = os.Stat(filepath.Join(dir, "child.patient.pdf"))
	assert.ErrorIs(t, err, os.ErrNotExist, "copies.patient is false")
}
