package pdfobj

import (
	"bytes"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func validate(t testing.TB, pdf []byte) {
	t.Helper()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	require.NoError(t, api.Validate(bytes.NewReader(pdf), conf), "pdfcpu strict validation")
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
// never a panic, and Finish never makes a valid PDF invalid.
func TestFinishDamaged(t *testing.T) {
	raw := bytes.NewBuffer(plainPDF(t, "Helvetica", "endstream endobj xref startxref /BaseFont /Size 9"))
	good, err := Finish(raw.Bytes(), nil, nil)
	require.NoError(t, err)
	validate(t, good)
	_, err = Finish(raw.Bytes(), map[string]*Font{"AAAAAA+LiberationSans": {Codes: &[256]rune{}}}, nil)
	assert.ErrorIs(t, err, ErrLayout, "a font Finish was told of is not in the PDF")

	// A font without the WinAnsi encoding fpdf gives TrueType fonts is not
	// one of the renderer's: ZapfDingbats has no encoding at all.
	_, err = Finish(plainPDF(t, "ZapfDingbats", "a"), map[string]*Font{"ZapfDingbats": {Codes: &[256]rune{}}}, nil)
	assert.ErrorIs(t, err, ErrLayout)
	helv, err := Finish(raw.Bytes(), map[string]*Font{"Helvetica": {Codes: &[256]rune{'a': 'a'}}}, nil)
	require.NoError(t, err, "a font that ends with the WinAnsi encoding gains a CMap")
	validate(t, helv)
	assert.Contains(t, string(helv), "/Subtype /Type1\n/ToUnicode ")

	b := raw.Bytes()
	for n := 0; n < len(b); n += 7 {
		assert.NotPanics(t, func() {
			if out, err := Finish(b[:n], nil, nil); err == nil {
				t.Errorf("cut at %d: no error (%d bytes)", n, len(out))
			}
		})
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	valid := 0
	for i := 0; i < len(b); i += 5 {
		bad := bytes.Clone(b)
		bad[i] ^= 0x5a
		var out []byte
		var err error
		require.NotPanics(t, func() { out, err = Finish(bad, nil, nil) }, "byte %d changed", i)
		if err == nil && api.Validate(bytes.NewReader(bad), conf) == nil {
			valid++
			assert.NoError(t, api.Validate(bytes.NewReader(out), conf), "byte %d changed: Finish spoilt a valid PDF", i)
		}
	}
	t.Logf("%d changed PDFs still valid, and still valid after finish", valid)
}
