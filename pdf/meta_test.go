package pdf

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfread"
)

// info returns the document information dictionary's text entries and
// the catalog's /Lang, read back with pdfread.
func info(t *testing.T, pdf []byte) (map[string]string, string) {
	t.Helper()
	f, err := pdfread.Read(pdf)
	require.NoError(t, err)
	d, ok := f.Get(f.Trailer["Info"]).(pdfread.Dict)
	require.True(t, ok, "an /Info dictionary")
	out := map[string]string{}
	for k, v := range d {
		if s, ok := pdfread.Text(f.Get(v)); ok {
			out[string(k)] = s
		}
	}
	lang, ok := pdfread.Text(f.Get(f.Catalog()["Lang"]))
	require.True(t, ok, "the catalog's /Lang")
	return out, lang
}

func TestMetadata(t *testing.T) {
	l := composeFile(t, filepath.Join(referralsDir, "mental-health-postnatal-depression.json"))
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, _ := render(t, r, l)
	validate(t, pdf)
	meta, lang := info(t, pdf)
	assert.Equal(t, l.Meta.Title, meta["Title"])
	assert.Regexp(t, `^Referral letter: `, meta["Title"])
	assert.NotContains(t, meta["Title"], "Súilleabháin", "the title never names the patient")
	assert.Equal(t, l.Meta.Author, meta["Author"])
	assert.Equal(t, l.Meta.Subject, meta["Subject"])
	assert.Equal(t, "refletter", meta["Creator"])
	assert.Contains(t, string(pdf), "/Lang (en-GB)")
	assert.Equal(t, "en-GB", lang)
}

func TestPageSize(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, _ := render(t, r, handLetter())
	validate(t, pdf)
	doc := readPDF(t, pdf)
	require.NotEmpty(t, doc.boxes)
	for _, b := range doc.boxes {
		assert.InDelta(t, 595.28, b[2]-b[0], 0.01, "A4 width in points")
		assert.InDelta(t, 841.89, b[3]-b[1], 0.01, "A4 height in points")
	}
}

func TestMetadataIsMadeSafe(t *testing.T) {
	// fpdf would mangle or panic on these; the renderer cleans them.
	l := handLetter()
	l.Meta.Title = "Referral letter: Rheumatology 😀"
	l.Meta.Author = "Ashgrove \xe2 Surgery"
	l.Meta.Subject = "Urgent\x00 referral"
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, _ := render(t, r, l)
	validate(t, pdf)
	meta, _ := info(t, pdf)
	assert.Equal(t, "Referral letter: Rheumatology \ufffd", meta["Title"])
	assert.Equal(t, "Ashgrove \ufffd Surgery", meta["Author"])
	assert.Equal(t, "Urgent  referral", meta["Subject"])
}
