package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBatchPatientCopy: the batch writes NAME.patient.pdf beside NAME.pdf
// when the patient's copy is due, and not otherwise.
func TestBatchPatientCopy(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	copyFiles(t, in, "../../testdata/referrals/ophthalmology-wet-amd.json", "../../testdata/referrals/paediatrics-faltering-growth.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-in", in, "-out", out}, &stdout, &stderr, false)
	require.Equal(t, 0, code, stderr.String())
	b, err := os.ReadFile(filepath.Join(out, "ophthalmology-wet-amd.patient.pdf"))
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(b, []byte("%PDF-1.")))
	_, err = os.Stat(filepath.Join(out, "paediatrics-faltering-growth.pdf"))
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(out, "paediatrics-faltering-growth.patient.pdf"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
