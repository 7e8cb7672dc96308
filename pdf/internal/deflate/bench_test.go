package deflate_test

import (
	"bytes"
	"compress/zlib"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
			defer reportCPU(b)()
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
			defer reportCPU(b)()
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

// cpuTime is the CPU time this process has used, all threads included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds "cpu-ns/op", the process's CPU time per operation. On a
// shared machine it is steadier than ns/op, which counts time spent
// waiting for a CPU.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	}
}
