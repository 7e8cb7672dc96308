package deflate_test

import (
	"bytes"
	"compress/zlib"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/internal/cputime"
	"github.com/refletter/refletter/pdf/internal/deflate"
)

// BenchmarkAppend compresses PDF-like samples with Append and, for
// comparison, with compress/zlib at level 1 (one writer, reused by
// Reset). size/in is the stream's size over the
// input's.
func BenchmarkAppend(b *testing.B) {
	for _, s := range pdfSamples(b) {
		b.Run(s.name+"/deflate", func(b *testing.B) {
			var z []byte
			b.SetBytes(int64(len(s.data)))
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				z = deflate.Append(z[:0], s.data)
			}
			b.ReportMetric(float64(len(z))/float64(len(s.data)), "size/in")
		})
		b.Run(s.name+"/zlib1", func(b *testing.B) {
			var out bytes.Buffer
			w, err := zlib.NewWriterLevel(&out, zlib.BestSpeed)
			require.NoError(b, err)
			b.SetBytes(int64(len(s.data)))
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				out.Reset()
				w.Reset(&out)
				_, err = w.Write(s.data)
				if err == nil {
					err = w.Close()
				}
			}
			require.NoError(b, err)
			b.ReportMetric(float64(out.Len())/float64(len(s.data)), "size/in")
		})
	}
}
