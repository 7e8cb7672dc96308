package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/internal/cputime"
	"github.com/refletter/refletter/pdf/internal/pdfobj"
)

// benchFile is a typical letter: two pages, tables, a notice and the
// statement box.
var benchFile = filepath.Join(referralsDir, "gastroenterology-ibs.json")

// BenchmarkFloor is the reference: the same two-page letter, laid out once,
// drawn with fpdf directly in the core Helvetica font, which fpdf neither
// embeds nor parses. Nothing can render this letter for less.
func BenchmarkFloor(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	l := composeFile(b, benchFile)
	lay, err := r.layout(l, newCleaner(r.fs, l.Meta.Patient.Name), pdfobj.NewTree())
	require.NoError(b, err)
	pages := paginate(lay)
	require.Len(b, pages, 2)
	b.ReportAllocs()
	var size int
	defer cputime.Report(b)()
	for b.Loop() {
		p := fpdf.New("P", "mm", "A4", "")
		p.SetAutoPageBreak(false, 20)
		p.SetCompression(true)
		d := floorDrawer(p, r.fs, lay.geometry)
		for i, items := range pages {
			d.page(lay, items, i, i+1, len(pages), 20)
		}
		var buf bytes.Buffer
		if err := p.Output(&buf); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

// BenchmarkRender renders the same letter with the embedded font.
func BenchmarkRender(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	l := composeFile(b, benchFile)
	b.ReportAllocs()
	var size int
	defer cputime.Report(b)()
	for b.Loop() {
		var buf bytes.Buffer
		if _, err := r.Render(&buf, l); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

// BenchmarkTagging measures what tagging costs: the same letter rendered
// untagged (no marked content, no structure tree: the output before the
// PDF was tagged) and tagged, in one run. The layout builds the tree in
// both, so the time of building it is not in the difference.
func BenchmarkTagging(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	l := composeFile(b, benchFile)
	for _, tagged := range []bool{false, true} {
		name := "untagged"
		if tagged {
			name = "tagged"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			defer cputime.Report(b)()
			for b.Loop() {
				c := newCleaner(r.fs, l.Meta.Patient.Name)
				lay, err := r.layout(l, c, pdfobj.NewTree())
				if err != nil {
					b.Fatal(err)
				}
				if !tagged {
					lay.tree = nil
				}
				pdf, err := r.draw([]part{{lay, paginate(lay)}}, &l.Meta, c)
				if err != nil {
					b.Fatal(err)
				}
				size = len(pdf)
			}
			b.ReportMetric(float64(size), "pdf-bytes")
		})
	}
}

// BenchmarkPipeline goes from the referral's JSON bytes to PDF bytes:
// Decode, Compose (which validates) and Render.
func BenchmarkPipeline(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	js, err := os.ReadFile(benchFile)
	require.NoError(b, err)
	b.ReportAllocs()
	defer cputime.Report(b)()
	for b.Loop() {
		l, err := composeJSON(js)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := r.Render(&buf, l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderParallel measures throughput with one Renderer shared by
// GOMAXPROCS goroutines.
func BenchmarkRenderParallel(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	l := composeFile(b, benchFile)
	b.ReportAllocs()
	defer cputime.Report(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var buf bytes.Buffer
			if _, err := r.Render(&buf, l); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
