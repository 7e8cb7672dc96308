package patientcopy

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

func load(t *testing.T, name string) *referral.Referral {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "referrals", name+".json"))
	require.NoError(t, err)
	ref, err := referral.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	return ref
}

func TestFiles(t *testing.T) {
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	yes, no := true, false

	ref := load(t, "ophthalmology-wet-amd")
	files, _, err := Files(ref, r, false)
	require.NoError(t, err)
	require.Len(t, files, 1)
	assert.Equal(t, ".patient.pdf", files[0].Ext)
	assert.True(t, bytes.HasPrefix(files[0].Data, []byte("%PDF-")))

	files, _, err = Files(ref, r, true)
	require.NoError(t, err)
	require.Len(t, files, 1)
	assert.Equal(t, ".patient.txt", files[0].Ext)
	assert.Contains(t, string(files[0].Data), "Copy for the patient")

	ref.Communication.PatientCopyFormat = &referral.PatientCopyFormat{Kind: referral.CopyEmail}
	files, _, err = Files(ref, r, false)
	require.NoError(t, err)
	require.Len(t, files, 2, "email: the PDF and the plain text")
	assert.Equal(t, []string{".patient.pdf", ".patient.txt"}, []string{files[0].Ext, files[1].Ext})

	ref.Copies = &referral.Copies{Patient: &no}
	files, _, err = Files(ref, r, false)
	require.NoError(t, err)
	assert.Empty(t, files, "no copy due")

	ref.Copies.Patient = &yes
	ref.Communication.PatientCopyFormat = &referral.PatientCopyFormat{Kind: referral.CopyBraille}
	files, _, err = Files(ref, r, false)
	require.NoError(t, err)
	require.Len(t, files, 1, "the standard PDF, for the practice to work from")
}
