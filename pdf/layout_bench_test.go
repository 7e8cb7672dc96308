package pdf

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/internal/cputime"
	"github.com/refletter/refletter/pdf/internal/pdfobj"
	"github.com/refletter/refletter/referral"
)

// BenchmarkLayout lays out and paginates letters, one an operation: the
// cleaner, the builder, the structure tree and pagination, without
// drawing. "stream" takes the stream's distinct letters in turn (see
// BenchmarkStream); "pages/N" its letters of N pages, to show what an
// extra page costs. B/page divides the allocation by the letters' pages.
func BenchmarkLayout(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	ls := loadStream(b, r)
	run := func(name string, of []*referral.Letter) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			pages, i := 0, 0
			runtime.ReadMemStats(&ms0)
			defer cputime.Report(b)()
			for b.Loop() {
				l := of[i%len(of)]
				lay, err := r.layout(l, newCleaner(r.fs, l.Meta.Patient.Name), pdfobj.NewTree())
				if err != nil {
					b.Fatal(err)
				}
				pages += len(paginate(lay))
				i++
			}
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(pages), "B/page")
		})
	}
	all := make([]*referral.Letter, len(ls))
	for i, s := range ls {
		all[i] = s.l
	}
	run("stream", all)
	for n := 2; n <= 7; n++ {
		of := ofPages(ls, n)
		require.NotEmpty(b, of)
		run(fmt.Sprint("pages/", n), of)
	}
}
