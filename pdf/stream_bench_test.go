package pdf

import (
	"bytes"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/internal/cputime"
	"github.com/refletter/refletter/pdf/internal/lettergen"
	"github.com/refletter/refletter/pdf/internal/pdfobj"
	"github.com/refletter/refletter/referral"
)

// streamSize and streamSeed fix the distinct-letter stream.
const (
	streamSize = 120
	streamSeed = 18
)

// streamLetter is one letter of the stream, composed and laid out.
type streamLetter struct {
	js    []byte
	l     *referral.Letter
	pages int
	cut   bool // needs a font cut beyond code page 0
}

func loadStream(t testing.TB, r *Renderer) []streamLetter {
	t.Helper()
	var out []streamLetter
	for _, js := range lettergen.Stream(streamSize, streamSeed) {
		l, err := composeJSON(js)
		require.NoError(t, err)
		c := newCleaner(r.fs, l.Meta.Patient.Name)
		lay, err := r.layout(l, c, pdfobj.NewTree())
		require.NoError(t, err)
		s := streamLetter{js: js, l: l, pages: len(paginate(lay))}
		for st := range c.used {
			for _, pg := range r.fs.pages.PagesOf(c.used[st]) {
				s.cut = s.cut || pg > 0
			}
		}
		out = append(out, s)
	}
	return out
}

// TestStream checks that the benchmarks' stream is what they claim: every
// letter renders, at two to seven pages, and most need a font cut beyond
// code page 0.
func TestStream(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	ls := loadStream(t, r)
	pages := map[int]int{}
	cuts := 0
	for _, s := range ls {
		pages[s.pages]++
		if s.cut {
			cuts++
		}
		pdf, _ := render(t, r, s.l)
		require.NotEmpty(t, pdf)
	}
	for n := 2; n <= 7; n++ {
		assert.NotZero(t, pages[n], "no letter of %d pages", n)
	}
	assert.Len(t, pages, 6, "pages: %v", pages)
	t.Logf("pages: %v; %d of %d letters need a cut beyond page 0", pages, cuts, len(ls))
	assert.Greater(t, float64(cuts)/float64(len(ls)), 0.75)
	assert.Equal(t, lettergen.Stream(3, streamSeed), lettergen.Stream(3, streamSeed), "the stream is deterministic")
}

// floorDoc draws a laid-out letter with fpdf directly in core Helvetica,
// which fpdf neither embeds nor parses (see BenchmarkFloor).
func floorDoc(r *Renderer, lay *layout, pages [][]placed) ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetAutoPageBreak(false, 20)
	p.SetCompression(true)
	d := floorDrawer(p, r.fs, lay.geometry)
	for i, items := range pages {
		d.page(lay, items, i, i+1, len(pages), lay.margin)
	}
	var buf bytes.Buffer
	err := p.Output(&buf)
	return buf.Bytes(), err
}

// BenchmarkStream renders a stream of distinct letters (see lettergen), one
// letter an operation:
//   - floor: the letters, laid out beforehand, drawn in core Helvetica;
//   - pipeline: JSON bytes to PDF bytes (Decode, Compose, Render);
//   - pipeline-gc: the same with two collections before each letter, which
//     empty any sync.Pool (not timed; allocation counts only the letter).
//
// B/op is allocation per letter; B/page divides the allocation by the
// letters' pages (the collections' own allocation included, which is
// small).
func BenchmarkStream(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	ls := loadStream(b, r)
	type laid struct {
		lay   *layout
		pages [][]placed
	}
	floor := make([]laid, len(ls))
	for i, s := range ls {
		lay, err := r.layout(s.l, newCleaner(r.fs, s.l.Meta.Patient.Name), pdfobj.NewTree())
		require.NoError(b, err)
		floor[i] = laid{lay, paginate(lay)}
	}
	var size int // PDF bytes made
	run := func(name string, gc bool, f func(i int) error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			pages, i := 0, 0
			size = 0
			runtime.ReadMemStats(&ms0)
			defer cputime.Report(b)()
			for b.Loop() {
				if gc {
					b.StopTimer()
					runtime.GC()
					runtime.GC()
					b.StartTimer()
				}
				k := i % len(ls)
				if err := f(k); err != nil {
					b.Fatal(err)
				}
				pages += ls[k].pages
				i++
			}
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(pages), "B/page")
			b.ReportMetric(float64(size)/float64(i), "pdf-bytes")
		})
	}
	run("floor", false, func(i int) error {
		pdf, err := floorDoc(r, floor[i].lay, floor[i].pages)
		size += len(pdf)
		return err
	})
	pipeline := func(i int) error {
		l, err := composeJSON(ls[i].js)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		_, err = r.Render(&buf, l)
		size += buf.Len()
		return err
	}
	run("pipeline", false, pipeline)
	run("pipeline-gc", true, pipeline)
}

// ofPages returns the letters of ls that have n pages.
func ofPages(ls []streamLetter, n int) []*referral.Letter {
	var of []*referral.Letter
	for _, s := range ls {
		if s.pages == n {
			of = append(of, s.l)
		}
	}
	return of
}

// BenchmarkPages renders the stream's letters of each length, to show
// what an extra page costs.
func BenchmarkPages(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	ls := loadStream(b, r)
	for n := 2; n <= 7; n++ {
		of := ofPages(ls, n)
		require.NotEmpty(b, of)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Report(b)()
			i := 0
			for b.Loop() {
				var buf bytes.Buffer
				if _, err := r.Render(&buf, of[i%len(of)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkStreamParallel renders the stream's letters from many more
// goroutines than processors (8 per processor), so that the renderer's
// free lists of compressors and buffers run short: B/op shows what a
// letter costs when they do.
func BenchmarkStreamParallel(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	ls := loadStream(b, r)
	var next atomic.Int64
	b.ReportAllocs()
	defer cputime.Report(b)()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var buf bytes.Buffer
			if _, err := r.Render(&buf, ls[int(next.Add(1))%len(ls)].l); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
