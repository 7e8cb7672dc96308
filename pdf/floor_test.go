package pdf

import (
	"strconv"

	"codeberg.org/go-pdf/fpdf"
)

// fpdfCanvas draws through fpdf's own calls: the benchmark floor draws
// so, and the tests check that content writes what it writes. family
// names fpdf's font family for a code page.
type fpdfCanvas struct {
	p      *fpdf.Fpdf
	family func(page int) string
}

func (f fpdfCanvas) addPage() { f.p.AddPage() }

func (f fpdfCanvas) beginScale(s float64) {
	f.p.TransformBegin()
	f.p.TransformScale(100*s, 100*s, 0, 0)
}

func (f fpdfCanvas) endScale() { f.p.TransformEnd() }

func (f fpdfCanvas) setFont(page int, st style, size float64) {
	f.p.SetFont(f.family(page), fpdfStyle[st], size)
}

func (f fpdfCanvas) textAndFill(c rgb) {
	f.p.SetTextColor(int(c.r), int(c.g), int(c.b))
	f.p.SetFillColor(int(c.r), int(c.g), int(c.b))
}

func (f fpdfCanvas) fillColour(c rgb)    { f.p.SetFillColor(int(c.r), int(c.g), int(c.b)) }
func (f fpdfCanvas) drawColour(c rgb)    { f.p.SetDrawColor(int(c.r), int(c.g), int(c.b)) }
func (f fpdfCanvas) lineWidth(w float64) { f.p.SetLineWidth(w) }

func (f fpdfCanvas) line(x1, y1, x2, y2 float64) { f.p.Line(x1, y1, x2, y2) }

func (f fpdfCanvas) rect(x, y, w, h float64, fill bool) {
	style := "D"
	if fill {
		style = "F"
	}
	f.p.Rect(x, y, w, h, style)
}

func (f fpdfCanvas) text(x, y float64, run []byte) { f.p.Text(x, y, string(run)) }

func (f fpdfCanvas) image(p *picture, x, y, w, h float64) {
	f.p.ImageOptions(p.name, x, y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
}

func (f fpdfCanvas) beginArtifact() { f.p.RawWriteStr("/Artifact BMC") }

func (f fpdfCanvas) beginMarked(role string, mcid int) {
	f.p.RawWriteStr("/" + role + " <</MCID " + strconv.Itoa(mcid) + ">> BDC")
}

func (f fpdfCanvas) endMarked() { f.p.RawWriteStr("EMC") }

// floorDrawer returns a drawer that draws with fpdf directly, in core
// Helvetica, as the benchmark floor does.
func floorDrawer(p *fpdf.Fpdf, fs *fontSet, g geometry) *drawer {
	tr := p.UnicodeTranslatorFromDescriptor("")
	return &drawer{
		c:        fpdfCanvas{p: p, family: func(int) string { return "Helvetica" }},
		fs:       fs,
		plain:    func(x, y float64, s string) { p.Text(x, y, tr(s)) },
		geometry: g,
	}
}
