package main

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEndToEnd builds the real binary, starts it on a free loopback port,
// posts every example referral, and stops it with SIGTERM.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "server")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(stderr)
	require.True(t, lines.Scan(), "the server printed nothing")
	base := strings.TrimPrefix(strings.TrimSpace(lines.Text()), "listening on ")
	require.True(t, strings.HasPrefix(base, "http://127.0.0.1:"), lines.Text())
	var logs bytes.Buffer
	logDone := make(chan struct{})
	go func() {
		for lines.Scan() {
			logs.WriteString(lines.Text() + "\n")
		}
		close(logDone)
	}()

	files, err := filepath.Glob("../../testdata/referrals/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	client := &http.Client{Timeout: 30 * time.Second}
	for _, f := range files {
		resp := func() *http.Response {
			body := mustFile(t, f)
			resp, err := client.Post(base+"/v1/letters", "application/json", bytes.NewReader(body))
			require.NoError(t, err)
			return resp
		}()
		b := read(t, resp)
		if strings.HasPrefix(filepath.Base(f), "2ww-") {
			assert.Equal(t, 409, resp.StatusCode, f)
			assert.Contains(t, string(b), "TWO_WEEK_WAIT", f)
		} else {
			assert.Equal(t, 200, resp.StatusCode, f)
			assert.True(t, bytes.HasPrefix(b, []byte("%PDF-1.")), f)
		}
	}

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	<-logDone // the pipe closes when the server exits
	require.NoError(t, cmd.Wait(), "the server did not shut down cleanly")
	assert.Contains(t, logs.String(), "server stopped")
	assert.Equal(t, len(files), strings.Count(logs.String(), "path=/v1/letters"))
}
