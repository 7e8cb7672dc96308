package pdf

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
)

// BenchmarkLayout lays out and paginates the stream's distinct letters
// (see BenchmarkStream), one letter an operation: the cleaner, the
// builder, the structure tree and pagination, without drawing. B/page
// divides the allocation by the letters' pages.
func BenchmarkLayout(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	ls := loadStream(b, r)
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	pages, i := 0, 0
	runtime.ReadMemStats(&ms0)
	defer reportCPU(b)()
	for b.Loop() {
		s := &ls[i%len(ls)]
		lay, err := r.layout(s.l, newCleaner(r.fs, s.l.Meta.Patient.Name), pdfobj.NewTree())
		if err != nil {
			b.Fatal(err)
		}
		pages += len(paginate(lay))
		i++
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(pages), "B/page")
}
