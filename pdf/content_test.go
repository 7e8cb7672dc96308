package pdf

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
)

// TestContentIsFpdfs checks that content writes, page by page, what fpdf
// writes for the same calls: the start of each page with the state
// carried over, fonts, colours (grey and not), lines, rectangles, text
// with the characters PDF strings escape, images, scaling and marked
// content.
func TestContentIsFpdfs(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	pic, err := preparePicture("WithLogo", "logo", pngBytes(t, 40, 20, false))
	require.NoError(t, err)
	draws := map[string]func(c canvas){
		"nothing": func(c canvas) { c.addPage() },
		"text": func(c canvas) {
			c.addPage()
			c.setFont(0, regular, 10.5)
			c.textAndFill(inkColour)
			c.text(20, 35.5, []byte("Referral letter"))
			c.text(12.345, 280.004, []byte(`(FIT) \ a\b ) (`))
			c.text(0, 0, []byte("a\rb"))
			c.text(199.999, 0.001, []byte("\x80\xa0\xff"))
			c.setFont(0, bold, 7.125)
			c.textAndFill(rgb{0x80, 0x80, 0x80})
			c.text(-1, 300, []byte("grey"))
		},
		"graphics": func(c canvas) {
			c.addPage()
			c.drawColour(lightRule)
			c.lineWidth(0.3)
			c.line(20, 100.5, 190, 100.5)
			c.drawColour(rgb{})
			c.lineWidth(2.27 / 2.8346)
			c.rect(20.15, 50, 169.7, 33.333, false)
			c.fillColour(headFill)
			c.rect(20, 50, 170, 10, true)
			c.fillColour(rgb{255, 255, 255})
			c.rect(0, 0, 0.004, -1, true)
			c.image(pic, 20, 20, 40, 20)
		},
		"state carried over": func(c canvas) {
			c.addPage()
			c.setFont(0, bold, 8)
			c.textAndFill(urgentRed)
			c.drawColour(nhsBlue)
			c.lineWidth(1.5)
			c.text(20, 20, []byte("page 1"))
			c.addPage()
			c.text(20, 20, []byte("page 2"))
			c.fillColour(rgb{1, 2, 3})
			c.lineWidth(0.1)
			c.addPage()
		},
		"large print": func(c canvas) {
			for _, s := range []float64{1.5, 24.0 / 10.5} {
				c.addPage()
				c.beginScale(s)
				c.setFont(0, regular, 10.5)
				c.textAndFill(inkColour)
				c.text(17.5, 120.125, []byte("Page 1 of 2"))
				c.endScale()
			}
		},
		"marked content": func(c canvas) {
			c.addPage()
			c.beginArtifact()
			c.endMarked()
			c.beginMarked("H1", 0)
			c.endMarked()
			c.beginMarked("TD", 1234)
			c.endMarked()
		},
	}
	for name, draw := range draws {
		t.Run(name, func(t *testing.T) {
			p := fpdf.New("P", "mm", "A4", "")
			p.SetCompression(false)
			at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
			p.SetCreationDate(at)
			p.SetModificationDate(at)
			for st := range fs.faces {
				p.AddFontFromBytes(pageFamily(0), fpdfStyle[st], pdfobj.StandIn(standIn(style(st), 0)), nil)
			}
			p.RegisterImageOptionsReader(pic.name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(pic.png))
			_, h := p.GetPageSize()
			c := newContent(p.GetConversionRatio(), h, p.GetLineWidth())
			draw(fpdfCanvas{p: p, family: pageFamily})
			require.NoError(t, p.Error())
			var raw bytes.Buffer
			require.NoError(t, p.Output(&raw))

			// The resource names fpdf gave the fonts and the image.
			pdf := raw.String()
			for st := range fs.faces {
				m := regexp.MustCompile(`\n(\d+) 0 obj\n<</Type /Font\n/BaseFont /` + standIn(style(st), 0) + `\n`).FindStringSubmatch(pdf)
				require.NotNil(t, m)
				res := regexp.MustCompile(`\n(/F[0-9a-f]+) ` + m[1] + ` 0 R\n`).FindStringSubmatch(pdf)
				require.NotNil(t, res)
				c.fonts[st] = [][]byte{[]byte(res[1])}
			}
			img := regexp.MustCompile(`\n(/I[0-9a-f]+) \d+ 0 R\n`).FindStringSubmatch(pdf)
			require.NotNil(t, img)
			c.images = map[*picture][]byte{pic: []byte(img[1])}

			var want []string
			for _, m := range regexp.MustCompile(`<</Length (\d+)>>\nstream\n`).FindAllStringSubmatchIndex(pdf, -1) {
				n, err := strconv.Atoi(pdf[m[2]:m[3]])
				require.NoError(t, err)
				want = append(want, pdf[m[1]:m[1]+n])
			}
			var got []string
			draw(&pagesOf{content: c, pages: &got})
			got = append(got, string(c.b))
			got = got[1:] // before the first page
			assert.Equal(t, want, got)
		})
	}
}

// pagesOf is content that keeps each page's content apart.
type pagesOf struct {
	*content
	pages *[]string
}

func (p *pagesOf) addPage() {
	*p.pages = append(*p.pages, string(p.b))
	p.b = p.b[:0]
	p.content.addPage()
}

// TestDrawFailsWhole: text the embedded fonts lack, found only as a page
// is drawn inside Finish, fails the whole PDF: no bytes come back.
func TestDrawFailsWhole(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	l := handLetter() // "Łukasz" is on code page 1
	c := newCleaner(r.fs, l.Meta.Patient.Name)
	lay, err := r.layout(l, c, pdfobj.NewTree())
	require.NoError(t, err)
	good, err := r.draw([]part{{lay, paginate(lay)}}, &l.Meta, c)
	require.NoError(t, err)
	require.NotEmpty(t, good)

	c = newCleaner(r.fs, l.Meta.Patient.Name)
	lay, err = r.layout(l, c, pdfobj.NewTree())
	require.NoError(t, err)
	for st := range c.used {
		delete(c.used[st], 'Ł') // no cut of page 1 holds it
	}
	pdf, err := r.draw([]part{{lay, paginate(lay)}}, &l.Meta, c)
	assert.ErrorIs(t, err, ErrPDF)
	assert.Nil(t, pdf)
}
