//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBatchSIGTERM builds the tool, stops a run with SIGTERM after its first
// file, and checks that it is handled like SIGINT: the summary is printed,
// the exit code is the tool's own (not death by signal), and no temporary
// file is left.
func TestBatchSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "batch")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	in, out := t.TempDir(), t.TempDir()
	good := mustRead(t, "../../testdata/referrals/dermatology-eczema.json")
	const files = 200
	for i := range files {
		require.NoError(t, os.WriteFile(filepath.Join(in, "r"+strconv.Itoa(1000+i)+".json"), good, 0o644))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-in", in, "-out", out, "-workers", "1")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(stderr)
	require.True(t, lines.Scan(), "no progress line")
	require.True(t, strings.HasPrefix(lines.Text(), "[1/200] "), lines.Text())
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	var rest strings.Builder
	for lines.Scan() {
		rest.WriteString(lines.Text() + "\n")
	}
	err = cmd.Wait()
	require.NoError(t, ctx.Err())
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "exit: %v", err)
	assert.Equal(t, 1, ee.ExitCode(), "exited by the signal, not by itself:\n%s", rest.String())
	assert.Contains(t, stdout.String(), "letters: ")
	assert.Contains(t, stdout.String(), "stale outputs removed: 0")
	assert.Contains(t, rest.String(), "batch: interrupted: ")
	for _, name := range listDir(t, out) {
		assert.False(t, strings.HasSuffix(name, ".tmp"), "temporary file left: %s", name)
		assert.True(t, strings.HasSuffix(name, ".pdf"), name)
	}
}
