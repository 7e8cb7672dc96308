package pdf

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/internal/edits"

	"github.com/refletter/refletter/referral"
)

// chart is a block type the renderer does not know.
type chart struct{ Path string }

func (c *chart) BlockPath() string { return c.Path }

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestRenderErrors(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	withChart := handLetter()
	withChart.Blocks = append(withChart.Blocks[:3], append([]referral.Block{&chart{Path: "investigations"}}, withChart.Blocks[3:]...)...)
	longFooter := handLetter()
	longFooter.Meta.Confidentiality = strings.Repeat("Confidential. ", 400)
	cases := []struct {
		name   string
		letter *referral.Letter
		is     error
	}{
		{"page furniture too long", longFooter, ErrFurnitureTooLong},
		{"nil letter", nil, ErrNoLetter},
		{"no blocks", &referral.Letter{Meta: handLetter().Meta}, ErrEmptyLetter},
		{"unknown block", withChart, ErrUnsupportedBlock},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			ws, err := r.Render(&buf, c.letter)
			require.Error(t, err)
			assert.ErrorIs(t, err, c.is)
			assert.Nil(t, ws)
			assert.Zero(t, buf.Len(), "nothing is written on error")
			assert.NotContains(t, err.Error(), "Súilleabháin")
		})
	}
	var be *BlockError
	_, err = r.Render(&bytes.Buffer{}, withChart)
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 3, be.Index)
	assert.Equal(t, "investigations", be.Path)
	assert.Equal(t, "*pdf.chart", be.Type)
}

func TestRenderWriteError(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	boom := errors.New("disk full")
	_, err = r.Render(failWriter{boom}, handLetter())
	assert.ErrorIs(t, err, boom)
}

func TestRenderNilBlocks(t *testing.T) {
	// Nil blocks, typed or not, hold nothing: they are skipped, not a panic.
	l := handLetter()
	var p *referral.Paragraph
	var tb *referral.Table
	l.Blocks = append(l.Blocks, nil, p, tb)
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, _ := render(t, r, l)
	validate(t, pdf)
}

func TestRenderWithoutMeta(t *testing.T) {
	// A letter with no Meta still renders: the footer has only the page
	// number, the language falls back to en-GB.
	l := &referral.Letter{Blocks: []referral.Block{&referral.Paragraph{Text: "Hello.", Path: "reason"}}}
	l.Meta.Language = "en-GB) /Evil (x"
	r, err := NewRenderer()
	require.NoError(t, err)
	pdf, _ := render(t, r, l)
	validate(t, pdf)
	assert.Contains(t, string(pdf), "/Lang (en-GB)")
	doc := readPDF(t, pdf)
	assert.Equal(t, "Page 1 of 1", doc.footer(0))
}

func pngBytes(t testing.TB, w, h int, alpha bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := uint8(255)
			if alpha && (x+y)%3 == 0 {
				a = 0
			}
			img.Set(x, y, color.NRGBA{0, 94, 184, a})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func jpegBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, nil))
	return buf.Bytes()
}

func TestOptionErrors(t *testing.T) {
	good := pngBytes(t, 40, 20, true)
	cases := []struct {
		name string
		opt  Option
	}{
		{"empty logo", WithLogo([]byte{})},
		{"text as logo", WithLogo([]byte("not an image at all"))},
		{"truncated png", WithLogo(good[:len(good)/2])},
		{"gif signature", WithSignature([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))},
		{"nil accent", WithAccent(nil)},
		{"margin too small", WithMargins(2)},
		{"margin too large", WithMargins(80)},
		{"margin NaN", WithMargins(math.NaN())},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewRenderer(c.opt)
			assert.Nil(t, r)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrOption)
			var oe *OptionError
			require.ErrorAs(t, err, &oe)
			assert.NotEmpty(t, oe.Option)
			// Render with the same option fails the same way and writes nothing.
			var buf bytes.Buffer
			_, err = Render(&buf, handLetter(), c.opt)
			assert.ErrorIs(t, err, ErrOption)
			assert.Zero(t, buf.Len())
		})
	}
}

func TestImages(t *testing.T) {
	l := handLetter()
	cases := []struct {
		name      string
		logo, sig []byte
	}{
		{"png logo with alpha, jpeg signature", pngBytes(t, 300, 120, true), jpegBytes(t, 200, 60)},
		{"same width", pngBytes(t, 200, 80, false), pngBytes(t, 200, 50, true)},
		{"large logo is scaled down", pngBytes(t, 2400, 800, false), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var opts []Option
			if c.logo != nil {
				opts = append(opts, WithLogo(c.logo))
			}
			if c.sig != nil {
				opts = append(opts, WithSignature(c.sig))
			}
			r, err := NewRenderer(opts...)
			require.NoError(t, err)
			pdf, _ := render(t, r, l)
			again, _ := render(t, r, l)
			assert.Equal(t, pdf, again, "byte-identical with images")
			writeDump(t, "images-"+strings.ReplaceAll(c.name, " ", "-"), pdf)
			validate(t, pdf)
			n := 0
			if c.logo != nil {
				n++
			}
			if c.sig != nil {
				n++
			}
			assert.Equal(t, n, strings.Count(string(pdf), "/Subtype /Image"))
			if r.logo != nil {
				assert.LessOrEqual(t, max(r.logo.w, r.logo.h), maxImageSide)
			}
			doc := readPDF(t, pdf)
			assertAllText(t, l, doc)
			assertInside(t, doc)
		})
	}
}

func TestAccent(t *testing.T) {
	r, err := NewRenderer(WithAccent(color.RGBA{R: 0x33, G: 0x66, B: 0x00, A: 0xff}))
	require.NoError(t, err)
	pdf, _ := render(t, r, handLetter())
	validate(t, pdf)
	d, err := NewRenderer()
	require.NoError(t, err)
	def, _ := render(t, d, handLetter())
	assert.NotEqual(t, def, pdf)
}

func TestMargins(t *testing.T) {
	r, err := NewRenderer(WithMargins(30))
	require.NoError(t, err)
	l := handLetter()
	pdf, _ := render(t, r, l)
	validate(t, pdf)
	doc := readPDF(t, pdf)
	assertAllText(t, l, doc)
	for p := range doc.pages {
		for _, run := range doc.pages[p] {
			assert.GreaterOrEqual(t, run.x, 30/ptToMM-0.5)
			assert.GreaterOrEqual(t, run.y, 30/ptToMM-0.5)
		}
	}
}

// TestIsLangTag: isLangTag accepts exactly what its pattern matches, on
// tags and every string one edit away from them.
func TestIsLangTag(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)
	alphabet := []string{"-", "a", "Z", "0", "9", " ", "_", "é", "\x00", "(", "@", "[", "`", "{", "/", ":"}
	n := 0
	for _, seed := range []string{"en-GB", "cy", "gsw", "zh-Hant-TW", "en-a1b2c3d4", "sgn-BE-FR", "x-abc", "en-GB) /Evil (x", ""} {
		near := edits.Near(seed, alphabet)
		for _, s := range near {
			if re.MatchString(s) {
				n++
			}
			assert.Equal(t, re.MatchString(s), isLangTag(s), "%q", s)
		}
	}
	assert.Greater(t, n, 100)
}
