// Package coldstart measures a letter in a fresh process: the case of a
// command-line tool run once a letter.
package coldstart

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/lettergen"
)

// build compiles the commands hello and letter into dir.
func build(t testing.TB, dir string) (hello, letter string) {
	t.Helper()
	hello, letter = filepath.Join(dir, "hello"), filepath.Join(dir, "letter")
	for _, c := range [][2]string{{hello, "./hello"}, {letter, "./letter"}} {
		out, err := exec.Command("go", "build", "-o", c[0], c[1]).CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	return hello, letter
}

// run runs a command to completion, its output discarded, and returns
// how long it took.
func run(t testing.TB, devNull *os.File, args ...string) time.Duration {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = devNull, devNull
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return time.Since(start)
}

// TestLetter checks that the letter command makes a PDF.
func TestLetter(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two commands")
	}
	dir := t.TempDir()
	_, letter := build(t, dir)
	in := filepath.Join(dir, "in.json")
	require.NoError(t, os.WriteFile(in, lettergen.Stream(1, 18)[0], 0o644))
	out, err := exec.Command(letter, in).Output()
	require.NoError(t, err)
	require.True(t, len(out) > 1000 && string(out[:5]) == "%PDF-", "not a PDF")
}

// BenchmarkColdProcess runs, in turn, a process that only prints and one
// that renders a letter needing a font cut beyond code page 0, each
// operation one of each. It reports the median wall time of each and the
// median of their ratio, letter/print.
func BenchmarkColdProcess(b *testing.B) {
	dir := b.TempDir()
	hello, letter := build(b, dir)
	in := filepath.Join(dir, "in.json")
	require.NoError(b, os.WriteFile(in, lettergen.Stream(1, 18)[0], 0o644))
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(b, err)
	defer devNull.Close()
	var hs, ls, ratios []float64
	for b.Loop() {
		h := run(b, devNull, hello)
		l := run(b, devNull, letter, in)
		hs, ls = append(hs, float64(h)), append(ls, float64(l))
		ratios = append(ratios, float64(l)/float64(h))
	}
	median := func(v []float64) float64 {
		slices.Sort(v)
		return v[len(v)/2]
	}
	b.ReportMetric(median(hs), "print-ns")
	b.ReportMetric(median(ls), "letter-ns")
	b.ReportMetric(median(ratios), "ratio")
}
