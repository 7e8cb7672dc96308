package pdf

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetadata(t *testing.T) {
	l := composeFile(t, filepath.Join(referralsDir, "mental-health-postnatal-depression.json"))
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, _ := render(t, r, l)

	ctx, err := api.ReadContext(bytes.NewReader(pdf), model.NewDefaultConfiguration())
	require.NoError(t, err)
	require.NoError(t, api.ValidateContext(ctx))
	assert.Equal(t, l.Meta.Title, ctx.Title)
	assert.Regexp(t, `^Referral letter: `, ctx.Title)
	assert.NotContains(t, ctx.Title, "Súilleabháin", "the title never names the patient")
	assert.Equal(t, l.Meta.Author, ctx.Author)
	assert.Equal(t, l.Meta.Subject, ctx.Subject)
	assert.Equal(t, "refletter", ctx.Creator)
	assert.Contains(t, string(pdf), "/Lang (en-GB)")
	d := ctx.RootDict.StringEntry("Lang")
	require.NotNil(t, d)
	assert.Equal(t, "en-GB", *d)
}

func TestPageSize(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, _ := render(t, r, handLetter())
	ctx, err := api.ReadContext(bytes.NewReader(pdf), model.NewDefaultConfiguration())
	require.NoError(t, err)
	require.NoError(t, api.ValidateContext(ctx))
	dims, err := ctx.PageDims()
	require.NoError(t, err)
	require.NotEmpty(t, dims)
	for _, d := range dims {
		assert.InDelta(t, 595.28, d.Width, 0.01, "A4 width in points")
		assert.InDelta(t, 841.89, d.Height, 0.01, "A4 height in points")
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
	ctx, err := api.ReadContext(bytes.NewReader(pdf), model.NewDefaultConfiguration())
	require.NoError(t, err)
	require.NoError(t, api.ValidateContext(ctx))
	assert.Equal(t, "Referral letter: Rheumatology \ufffd", ctx.Title)
	assert.Equal(t, "Ashgrove \ufffd Surgery", ctx.Author)
	assert.Equal(t, "Urgent  referral", ctx.Subject)
}
