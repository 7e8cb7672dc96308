package pdf

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const goldenDir = "../testdata/golden"

// TestGolden pins the PDF bytes of a few letters by their SHA-256, so that
// any change to the output is seen and reviewed. Refresh with
// go test ./pdf -update after checking the new output by eye.
func TestGolden(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	for _, name := range []string{
		"dermatology-eczema",
		"mental-health-postnatal-depression",
		"ent-recurrent-tonsillitis",
		"cardiology-palpitations",
	} {
		t.Run(name, func(t *testing.T) {
			l := composeFile(t, filepath.Join(referralsDir, name+".json"))
			pdf, _ := render(t, r, l)
			again, _ := render(t, r, l)
			require.Equal(t, pdf, again, "two renderings differ")
			sum := sha256.Sum256(pdf)
			got := hex.EncodeToString(sum[:]) + "\n"
			path := filepath.Join(goldenDir, name+".pdf.sha256")
			if *update {
				require.NoError(t, os.MkdirAll(goldenDir, 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			b, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./pdf -update to create it")
			assert.Equal(t, strings.TrimSpace(string(b)), strings.TrimSpace(got), "PDF bytes changed")
		})
	}
}

func TestByteIdentical(t *testing.T) {
	l := composeFile(t, filepath.Join(referralsDir, "urology-luts.json"))
	a, err := NewRenderer()
	require.NoError(t, err)
	b, err := NewRenderer()
	require.NoError(t, err)
	pa, _ := render(t, a, l)
	pb, _ := render(t, b, l)
	assert.Equal(t, pa, pb, "two Renderers, same options")

	at := time.Date(2026, 11, 21, 14, 30, 5, 0, time.UTC)
	c, err := NewRenderer(WithCreationTime(at))
	require.NoError(t, err)
	pc, _ := render(t, c, l)
	pc2, _ := render(t, c, l)
	assert.Equal(t, pc, pc2)
	assert.NotEqual(t, pa, pc)
	assert.Contains(t, string(pc), "/CreationDate (D:20261121143005)")
	assert.Contains(t, string(pa), "/CreationDate (D:"+l.Meta.Date.Time().Format("20060102")+"000000)",
		"by default the creation date is the letter's date")
}
