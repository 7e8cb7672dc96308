package hardening

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

var errInjected = errors.New("injected write failure")

// failAt is a writer that accepts limit bytes in all and fails the write
// that would go past them, keeping what it accepted. Writes after the
// failure are counted: a writer that has failed should not be written to
// again.
type failAt struct {
	limit   int
	buf     bytes.Buffer
	failed  bool
	afterwd int // writes after the failure
}

func (f *failAt) Write(p []byte) (int, error) {
	if f.failed {
		f.afterwd++
		return 0, errInjected
	}
	if f.buf.Len()+len(p) <= f.limit {
		return f.buf.Write(p)
	}
	k := f.limit - f.buf.Len()
	f.buf.Write(p[:k])
	f.failed = true
	return k, errInjected
}

// recorder records the size of each write.
type recorder struct {
	buf    bytes.Buffer
	writes []int
}

func (r *recorder) Write(p []byte) (int, error) {
	r.writes = append(r.writes, len(p))
	return r.buf.Write(p)
}

// sweep returns the byte offsets to fail at for an output of n bytes:
// every offset below dense, then every step-th, and the last byte.
func sweep(n, dense, step int) []int {
	var offs []int
	for k := 0; k < n && k < dense; k++ {
		offs = append(offs, k)
	}
	for k := dense; k < n-1; k += step {
		offs = append(offs, k)
	}
	if n > dense {
		offs = append(offs, n-1)
	}
	return offs
}

// letterOf decodes, validates and composes a referral file.
func letterOf(t *testing.T, path string) *referral.Letter {
	t.Helper()
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	ref, err := decodeAndValidate(doc)
	require.NoError(t, err)
	l, err := referral.Compose(ref)
	require.NoError(t, err)
	return l
}

// Letters used by the fault tests: the fullest, a minimal one, and one
// with non-ASCII names and paragraph breaks.
var faultLetters = []string{
	"../../testdata/referrals/dermatology-eczema.json",
	"../../testdata/referrals/cardiology-palpitations.json",
	"../../testdata/referrals/mental-health-postnatal-depression.json",
}

// TestWriteTextFailsAtEveryOffset: (*referral.Letter).WriteText given a
// writer that fails at byte k, for every k from 0 to the length of the
// text less one, returns that writer's error, has written exactly the
// first k bytes of the letter, and writes nothing after the failure.
func TestWriteTextFailsAtEveryOffset(t *testing.T) {
	for _, path := range faultLetters {
		t.Run(filepath.Base(path), func(t *testing.T) {
			l := letterOf(t, path)
			var full bytes.Buffer
			require.NoError(t, l.WriteText(&full))
			n := full.Len()
			for k := range n {
				w := &failAt{limit: k}
				err := l.WriteText(w)
				if !errors.Is(err, errInjected) {
					t.Fatalf("offset %d of %d: error %v, want the writer's", k, n, err)
				}
				if !bytes.Equal(full.Bytes()[:k], w.buf.Bytes()) {
					t.Fatalf("offset %d of %d: the bytes written are not the letter's first %d", k, n, k)
				}
				if w.afterwd != 0 {
					t.Fatalf("offset %d of %d: %d writes after the failure", k, n, w.afterwd)
				}
			}
			t.Logf("%d offsets", n)
		})
	}
}

// TestRenderFailsAtOffsets: pdf.Render builds the whole PDF and writes it
// in one Write, so a failing writer sees one call. For a sweep of offsets
// (every offset up to 4 KB and then every 97th; with -short or the race
// detector, which makes a render ten times as slow, every offset up to 64
// and then every 4999th), Render returns an error wrapping the writer's, without
// panicking, and writes nothing more after the failure.
func TestRenderFailsAtOffsets(t *testing.T) {
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	l := letterOf(t, faultLetters[0])
	var rec recorder
	_, err = r.Render(&rec, l)
	require.NoError(t, err)
	full := rec.buf.Bytes()
	require.Equal(t, []int{len(full)}, rec.writes, "Render writes the PDF in one call")

	dense, step := 4096, 97
	if raceEnabled || testing.Short() {
		dense, step = 64, 4999
	}
	offs := sweep(len(full), dense, step)
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	work := make(chan int)
	for range 2 {
		wg.Go(func() {
			for k := range work {
				w := &failAt{limit: k}
				_, err := r.Render(w, l)
				msg := ""
				switch {
				case !errors.Is(err, errInjected):
					msg = "an error not wrapping the writer's"
				case !bytes.Equal(full[:k], w.buf.Bytes()):
					msg = "bytes that are not the PDF's first k"
				case w.afterwd != 0:
					msg = "writes after the failure"
				}
				if msg != "" {
					mu.Lock()
					failures = append(failures, itoa(k)+": "+msg)
					mu.Unlock()
				}
			}
		})
	}
	for _, k := range offs {
		work <- k
	}
	close(work)
	wg.Wait()
	assert.Empty(t, failures)
	t.Logf("%d offsets of a %d-byte PDF in %s", len(offs), len(full), time.Since(start).Round(time.Millisecond))
}

// referOutput runs the refer command for the fullest letter and returns
// what it writes to stdout in format.
func referOutput(t *testing.T, format string) []byte {
	t.Helper()
	res := refer(t, t.TempDir(), "-format", format, "-o", "-", abs(t, faultLetters[0]))
	require.Equal(t, 0, res.code, res.stderr)
	return []byte(res.stdout)
}

// referLimited runs the refer command reading the referral doc from its
// standard input (as /dev/stdin), with its files limited to limit bytes:
// the limit is set while the command waits for its input, before it can
// write anything.
func referLimited(t *testing.T, limit int64, dir string, stdout *os.File, doc []byte, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin.refer, append(args, "/dev/stdin")...)
	cmd.Dir = dir
	if stdout != nil {
		cmd.Stdout = stdout
	}
	var o, e bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = &o
	}
	cmd.Stderr = &e
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	require.NoError(t, setFileLimit(cmd.Process.Pid, limit))
	_, err = in.Write(doc)
	require.NoError(t, err)
	require.NoError(t, in.Close())
	werr := cmd.Wait()
	require.NoError(t, ctx.Err(), "the command did not finish within %s", caseTimeout)
	res := cliResult{stdout: o.String(), stderr: e.String()}
	var ee *exec.ExitError
	if errors.As(werr, &ee) && ee.ExitCode() >= 0 {
		res.code = ee.ExitCode()
	} else {
		require.NoError(t, werr)
	}
	assert.NotContains(t, res.stderr, "panic")
	return res
}

// TestReferStdoutFailsAtOffsets: the refer command writing to stdout (-o -)
// on a file system that fills at byte k exits 1 with the write error on
// stderr, and stdout holds exactly the first k bytes. Offsets: every one
// up to 128 and then every 97th for text; every one up to 32 and then
// every 1999th for PDF (each is a process).
func TestReferStdoutFailsAtOffsets(t *testing.T) {
	if !fileLimitSupported {
		t.Skip("file size limits are set only on Linux")
	}
	doc := mustRead(t, faultLetters[0])
	vals := patientValues(doc)
	for _, c := range []struct {
		format      string
		dense, step int
	}{{"text", 128, 97}, {"pdf", 32, 1999}} {
		t.Run(c.format, func(t *testing.T) {
			full := referOutput(t, c.format)
			offs := sweep(len(full), c.dense, c.step)
			dir := t.TempDir()
			for _, k := range offs {
				out, err := os.Create(filepath.Join(dir, "stdout"))
				require.NoError(t, err)
				res := referLimited(t, int64(k), dir, out, doc, "-format", c.format, "-o", "-")
				require.NoError(t, out.Close())
				got, err := os.ReadFile(out.Name())
				require.NoError(t, err)
				require.Equal(t, 1, res.code, "offset %d: %s", k, res.stderr)
				require.Contains(t, res.stderr, "file too large", "offset %d", k)
				require.Equal(t, full[:k], got, "offset %d", k)
				assertNoPatientData(t, "stderr", res.stderr, vals)
			}
			t.Logf("%d offsets of %d bytes", len(offs), len(full))
		})
	}
}

// TestReferFileFailsAtOffsets: the refer command writing a file (-o PATH)
// on a file system that fills at byte k exits 1 and leaves the folder as
// it was: no partial letter, no temporary file, and an existing letter of
// the same name untouched.
func TestReferFileFailsAtOffsets(t *testing.T) {
	if !fileLimitSupported {
		t.Skip("file size limits are set only on Linux")
	}
	old := []byte("the previous letter\n")
	doc := mustRead(t, faultLetters[0])
	for _, c := range []struct {
		format      string
		dense, step int
	}{{"text", 64, 211}, {"pdf", 16, 1999}} {
		t.Run(c.format, func(t *testing.T) {
			full := referOutput(t, c.format)
			offs := sweep(len(full), c.dense, c.step)
			for _, k := range offs {
				dir := t.TempDir()
				res := referLimited(t, int64(k), dir, nil, doc, "-format", c.format, "-o", "letter")
				require.Equal(t, 1, res.code, "offset %d: %s", k, res.stderr)
				assertDirEmpty(t, dir)

				target := filepath.Join(dir, "letter")
				require.NoError(t, os.WriteFile(target, old, 0o644))
				res = referLimited(t, int64(max(k, len(old))), dir, nil, doc, "-format", c.format, "-o", "letter")
				require.Equal(t, 1, res.code, "offset %d: %s", k, res.stderr)
				got, err := os.ReadFile(target)
				require.NoError(t, err)
				require.Equal(t, old, got, "offset %d: the existing letter changed", k)
				ents, err := os.ReadDir(dir)
				require.NoError(t, err)
				require.Len(t, ents, 1, "offset %d: a temporary file was left", k)
			}
			t.Logf("%d offsets of %d bytes", len(offs), len(full))
		})
	}
}

// TestReferFolderRemovedMidRun: the output folder is removed while the
// command runs (it is held waiting for its input): it exits 1 and no file
// appears.
func TestReferFolderRemovedMidRun(t *testing.T) {
	base := t.TempDir()
	outDir := filepath.Join(base, "out")
	require.NoError(t, os.Mkdir(outDir, 0o755))

	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin.refer, "-o", filepath.Join(outDir, "letter.pdf"), "/dev/stdin")
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	require.NoError(t, os.RemoveAll(outDir))
	_, err = in.Write(mustRead(t, faultLetters[1]))
	require.NoError(t, err)
	require.NoError(t, in.Close())
	err = cmd.Wait()
	require.NoError(t, ctx.Err())
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "exit: %v", err)
	assert.Equal(t, 1, ee.ExitCode(), stderr.String())
	assert.NotContains(t, stderr.String(), "panic")
	ents, err := os.ReadDir(base)
	require.NoError(t, err)
	assert.Empty(t, ents, "a file was left")
}

// TestReferReadOnlyFolder: writing into a folder the user may not write
// to fails with exit 1 and leaves it empty. (Root may write anywhere, so
// the test is skipped when run as root; TestReferFileFailsAtOffsets covers
// the same path with a failing file system.)
func TestReferReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores folder permissions")
	}
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o555))
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	res := refer(t, dir, "-o", filepath.Join(dir, "letter.pdf"), abs(t, faultLetters[1]))
	assert.Equal(t, 1, res.code, res.stderr)
	assertDirEmpty(t, dir)
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
