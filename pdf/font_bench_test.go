package pdf

import (
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
)

// BenchmarkLetterFonts measures what the stream's letters (see
// BenchmarkStream) cost in fonts before their PDF is finished, one letter
// an operation: each font made (page 0's once per process, the others cut
// for the letter) and given to a new fpdf document, as draw does. Finish's
// share is in BenchmarkStream.
func BenchmarkLetterFonts(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	var used [][numStyles]map[rune]struct{}
	cuts := 0
	for _, s := range loadStream(b, r) {
		c := newCleaner(r.fs, s.l.Meta.Patient.Name)
		_, err := r.layout(s.l, c, pdfobj.NewTree())
		require.NoError(b, err)
		used = append(used, c.used)
		for st := range c.used {
			cuts += len(r.fs.pages.PagesOf(c.used[st])) - 1
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		u := &used[i%len(used)]
		p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
		for st, f := range r.fs.faces {
			for _, pg := range r.fs.pages.PagesOf(u[st]) {
				font, err := f.font(r.fs.pages, style(st), pg, u[st])
				if err != nil {
					b.Fatal(err)
				}
				p.AddFontFromBytes(pageFamily(pg), fpdfStyle[st], pdfobj.StandIn(standIn(style(st), pg)), nil)
				if font.Codes == nil {
					b.Fatal("no codes")
				}
			}
		}
		if err := p.Error(); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(cuts)/float64(len(used)), "cuts/letter")
}
