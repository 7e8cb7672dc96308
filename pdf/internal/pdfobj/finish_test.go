package pdfobj

import (
	"bytes"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfread"
)

// validate checks the file's structure with pdfread, which reads the
// cross-reference (a table or a stream), every object it lists, object
// streams and Flate data, and fails on a reference to a missing object.
// pdfcpu's strict validation of the renderer's output, which is Finish's,
// runs in internal/conformance.
func validate(t testing.TB, pdf []byte) *pdfread.File {
	t.Helper()
	f, err := pdfread.Read(pdf)
	require.NoError(t, err, "pdfread")
	_, err = f.Pages()
	require.NoError(t, err, "the page tree")
	return f
}

// wellFormed reports whether pdfread reads pdf and its page tree.
func wellFormed(pdf []byte) bool {
	f, err := pdfread.Read(pdf)
	if err != nil {
		return false
	}
	_, err = f.Pages()
	return err == nil
}

// plainPDF is fpdf's uncompressed output for one page of text in a core
// font, as Finish receives it.
func plainPDF(t *testing.T, font, text string) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	p.AddPage()
	p.SetFont(font, "", 10)
	p.Text(20, 20, text)
	var raw bytes.Buffer
	require.NoError(t, p.Output(&raw))
	return raw.Bytes()
}

// TestFinishDamaged: output not laid out as fpdf lays it out is an error,
// never a panic, and Finish never makes a well-formed PDF malformed.
func TestFinishDamaged(t *testing.T) {
	raw := bytes.NewBuffer(plainPDF(t, "Helvetica", "endstream endobj xref startxref /BaseFont /Size 9"))
	good, err := Finish(raw.Bytes(), nil, nil, nil)
	require.NoError(t, err)
	validate(t, good)
	_, err = Finish(raw.Bytes(), map[string]*Font{"refletter-0-0": testFont(t)}, nil, nil)
	assert.ErrorIs(t, err, ErrLayout, "a font Finish was told of is not in the PDF")
	// A core font's object is a stand-in's; ZapfDingbats's, without an
	// encoding, is not.
	_, err = Finish(plainPDF(t, "ZapfDingbats", "a"), map[string]*Font{"ZapfDingbats": testFont(t)}, nil, nil)
	assert.ErrorIs(t, err, ErrLayout)

	b := raw.Bytes()
	for n := 0; n < len(b); n += 7 {
		assert.NotPanics(t, func() {
			if out, err := Finish(b[:n], nil, nil, nil); err == nil {
				t.Errorf("cut at %d: no error (%d bytes)", n, len(out))
			}
		})
	}
	valid := 0
	for i := 0; i < len(b); i += 5 {
		bad := bytes.Clone(b)
		bad[i] ^= 0x5a
		var out []byte
		var err error
		require.NotPanics(t, func() { out, err = Finish(bad, nil, nil, nil) }, "byte %d changed", i)
		if err == nil && wellFormed(bad) {
			valid++
			assert.True(t, wellFormed(out), "byte %d changed: Finish spoilt a well-formed PDF", i)
		}
	}
	t.Logf("%d changed PDFs still well formed, and still well formed after finish", valid)
	assert.Positive(t, valid, "some changes leave the PDF well formed")
}
