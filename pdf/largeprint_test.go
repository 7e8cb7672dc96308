package pdf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
	"github.com/refletter/refletter/referral"
)

// patientCopy composes the patient's copy of a testdata referral.
func patientCopy(t testing.TB, name string) *referral.Letter {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(referralsDir, name+".json"))
	require.NoError(t, err)
	ref, err := referral.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	l, err := referral.Compose(ref, referral.WithClock(fixedClock), referral.ForPatient())
	require.NoError(t, err)
	return l
}

// assertLargeFurniture checks the compact furniture of large print on
// every page: the patient's name, the page label and any mark on every
// page; the date of birth, the NHS number and the confidentiality line on
// the first, and the confidentiality line there only. Its text is from 14
// to 18 pt.
func assertLargeFurniture(t *testing.T, l *referral.Letter, doc *pdfDoc) {
	t.Helper()
	n := len(doc.pages)
	require.Len(t, doc.boxes, n)
	for i := range doc.pages {
		f := squash(doc.footer(i))
		assert.Contains(t, f, squash(l.Meta.Patient.Name), "page %d", i+1)
		assert.Contains(t, f, squash(fmt.Sprintf("Page %d of %d", i+1, n)), "page %d", i+1)
		assert.Contains(t, f, squash(l.Meta.PageMark), "page %d", i+1)
		if i == 0 {
			assert.Contains(t, f, squash(l.Meta.Patient.DateOfBirth))
			assert.Contains(t, f, squash(l.Meta.Patient.NHSNumber))
			assert.Contains(t, f, squash(l.Meta.Confidentiality))
		} else {
			assert.NotContains(t, f, squash(l.Meta.Confidentiality), "page %d", i+1)
		}
		for _, run := range doc.pages[i] {
			if run.y <= doc.footTop(i) {
				assert.GreaterOrEqual(t, run.size, largeFurnitureMin-0.05, "page %d: %q", i+1, run.text)
				assert.LessOrEqual(t, run.size, largeFurnitureMax+0.05, "page %d: %q", i+1, run.text)
			}
		}
	}
}

// TestLargePrint: a large-print copy prints its body text at the size
// asked, on A4 pages, with every field of the letter, every page's
// furniture and the whole structure; no text runs outside the margins,
// which widen with the text. Every testdata letter's copy is checked at
// 36 pt, the largest.
func TestLargePrint(t *testing.T) {
	plain, err := NewRenderer()
	require.NoError(t, err)
	img := pngBytes(t, 300, 120, false)
	pictures, err := NewRenderer(WithLogo(img), WithSignature(img))
	require.NoError(t, err)
	type largeCase struct {
		name string
		l    *referral.Letter
		size float64
		r    *Renderer
	}
	cases := []largeCase{
		{"msk-knee-osteoarthritis", nil, 0, plain}, // its own 18 point
		{"ophthalmology-wet-amd", nil, 0, plain},   // its own 24 point
		{"dermatology-eczema", nil, 14, plain},
		{"memory-clinic-cognitive-decline", nil, 36, plain},
		{"dermatology-eczema", nil, 36, pictures},
	}
	for _, f := range letterFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		cases = append(cases, largeCase{name + ".36pt", anyCopy(t, f), 36, plain})
	}
	for _, tc := range cases {
		r := tc.r
		l := tc.l
		if l == nil {
			l = patientCopy(t, tc.name)
		}
		if tc.size > 0 {
			l.Meta.TextSize = tc.size
		}
		size := l.Meta.TextSize
		require.Positive(t, size, tc.name)
		t.Run(tc.name, func(t *testing.T) {
			pdf, ws := render(t, r, l)
			again, _ := render(t, r, l)
			require.Equal(t, pdf, again, "the same letter and options give the same bytes")
			writeDump(t, tc.name+".patient", pdf)
			assert.Empty(t, ws)
			validate(t, pdf)
			doc := readPDF(t, pdf)
			for _, b := range doc.boxes {
				assert.InDelta(t, 595.28, b[2]-b[0], 0.01, "A4")
				assert.InDelta(t, 841.89, b[3]-b[1], 0.01, "A4")
			}

			g := r.geometry(&l.Meta)
			assert.InDelta(t, size/bodySize, g.scale, 1e-9)
			margin := g.margin * g.scale // mm on the page
			assert.GreaterOrEqual(t, margin, r.cfg.margin, "margins never narrow")
			assert.LessOrEqual(t, margin, float64(largeMargin))
			lay, err := r.layout(l, newCleaner(r.fs, l.Meta.Patient.Name), pdfobj.NewTree())
			require.NoError(t, err)
			doc.foot = (margin + lay.footer.restH*g.scale) / ptToMM
			doc.foot1 = (margin + lay.footer.h*g.scale) / ptToMM
			// Table cells wrap into many lines at these sizes, so the
			// letter's text is checked in the structure (below), which
			// TestMarkedContent ties to what is drawn.
			assertLargeFurniture(t, l, doc)
			assertNoHeadingLast(t, l, doc)

			salutation := 0
			for i, page := range doc.pages {
				for _, run := range page {
					if strings.HasPrefix(run.text, "Dear ") {
						salutation++
						assert.InDelta(t, size, run.size, 0.01, "the body text is at the size asked")
					}
					st := regular
					if run.bold {
						st = bold
					}
					x := run.x * ptToMM
					w := r.fs.faces[st].m.width(run.text, run.size)
					assert.GreaterOrEqual(t, x, margin-0.01, "page %d: %q starts in the margin", i+1, run.text)
					assert.LessOrEqual(t, x+w, pageW-margin+0.01, "page %d: %q runs into the margin", i+1, run.text)
					assert.GreaterOrEqual(t, run.y*ptToMM, margin-0.01, "page %d: %q is below the margin", i+1, run.text)
				}
			}
			ims := images(t, pdf)
			if tc.r == pictures {
				require.Len(t, ims, 2, "the logo and the signature")
			}
			for _, im := range ims {
				assert.GreaterOrEqual(t, im[0], margin-0.01, "an image starts in the margin")
				assert.LessOrEqual(t, im[0]+im[1], pageW-margin+0.01, "an image runs into the margin")
			}
			assert.Equal(t, 1, salutation)

			doc2 := readStructure(t, pdf)
			assertLetterText(t, l, doc2.allText())
		})
	}
}

func TestTextSizeOption(t *testing.T) {
	for _, pt := range []float64{0, 10, 36.5, -1} {
		_, err := NewRenderer(WithTextSize(pt))
		assert.ErrorIs(t, err, ErrOption, "%v pt", pt)
	}
	r, err := NewRenderer(WithTextSize(18))
	require.NoError(t, err)
	l := handLetter()
	assert.InDelta(t, 18/bodySize, r.geometry(&l.Meta).scale, 1e-9)
	l.Meta.TextSize = 24
	assert.InDelta(t, 24/bodySize, r.geometry(&l.Meta).scale, 1e-9, "the letter's larger size wins")
	for _, bad := range []float64{99, 8, -1, 36.01} {
		l.Meta.TextSize = bad
		_, err := r.Render(&bytes.Buffer{}, l)
		assert.ErrorIs(t, err, ErrTextSize, "%v pt", bad)
	}
	plain, err := NewRenderer()
	require.NoError(t, err)
	l.Meta.TextSize = 0
	assert.Equal(t, geometry{scale: 1, pageW: pageW, pageH: pageH, margin: 20}, plain.geometry(&l.Meta))
}

// images returns the left edge and width, in mm on the page, of every
// image drawn: fpdf draws one as "q w 0 0 h x y cm /I Do Q", inside the
// page's own scaling.
func images(t *testing.T, pdf []byte) [][2]float64 {
	t.Helper()
	doc := readPDF(t, pdf)
	var out [][2]float64
	for _, c := range doc.raw {
		var err error
		scale := 1.0
		if m := pageScale.FindSubmatch(c); m != nil {
			scale, err = strconv.ParseFloat(string(m[1]), 64)
			require.NoError(t, err)
		}
		for _, m := range imageDraw.FindAllSubmatch(c, -1) {
			w, err1 := strconv.ParseFloat(string(m[1]), 64)
			x, err2 := strconv.ParseFloat(string(m[2]), 64)
			require.NoError(t, err1)
			require.NoError(t, err2)
			out = append(out, [2]float64{x * scale * ptToMM, w * scale * ptToMM})
		}
	}
	return out
}

var (
	pageScale = regexp.MustCompile(`\nq\n([0-9.]+) 0\.00000 0\.00000 [0-9.]+ [-0-9.]+ [-0-9.]+ cm\n`)
	imageDraw = regexp.MustCompile(`q ([0-9.]+) 0 0 [0-9.]+ ([0-9.]+) [-0-9.]+ cm /[^ ]+ Do Q`)
)
