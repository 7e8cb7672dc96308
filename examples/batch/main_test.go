package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func copyFiles(t *testing.T, dst string, files ...string) {
	t.Helper()
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, filepath.Base(f)), b, 0o644))
	}
}

func TestBatch(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	referrals, err := filepath.Glob("../../testdata/referrals/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, referrals)
	copyFiles(t, in, referrals...)
	require.NoError(t, os.WriteFile(filepath.Join(in, "broken.json"), []byte(`{"priority": "routine", "oops": true}`), 0o644))

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-in", in, "-out", out, "-workers", "3"}, &stdout, &stderr, false)
	assert.Equal(t, 1, code, "an invalid file makes the run fail")

	letters, handoffs := 0, 0
	for _, f := range referrals {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		if strings.HasPrefix(name, "2ww-") {
			handoffs++
			b, err := os.ReadFile(filepath.Join(out, name+".ers.json"))
			require.NoError(t, err, name)
			var h map[string]any
			require.NoError(t, json.Unmarshal(b, &h))
			assert.Equal(t, "TWO_WEEK_WAIT", h["priorityCode"])
			continue
		}
		letters++
		b, err := os.ReadFile(filepath.Join(out, name+".pdf"))
		require.NoError(t, err, name)
		assert.True(t, bytes.HasPrefix(b, []byte("%PDF-1.")))
	}
	report, err := os.ReadFile(filepath.Join(out, "broken.errors.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "unknown field (2nd key of the document)")
	assert.NotContains(t, string(report), "oops")

	summary := stdout.String()
	assert.Contains(t, summary, "letters: "+itoa(letters)+", eRS handoffs: "+itoa(handoffs)+", invalid: 1, failed: 0")
	assert.Contains(t, summary, "letters per second:")
	assert.Equal(t, len(referrals)+1, strings.Count(stderr.String(), "\n"), "one progress line a file")
	assert.Contains(t, stderr.String(), "broken.json: invalid")

	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		assert.False(t, strings.HasSuffix(e.Name(), ".tmp"), "temporary file left: %s", e.Name())
	}
}

func TestBatchAllGood(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	copyFiles(t, in, "../../testdata/referrals/dermatology-eczema.json", "../../testdata/referrals/2ww-skin.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-in", in, "-out", out}, &stdout, &stderr, true)
	assert.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stderr.String(), "] 2/2", "a progress bar on a terminal")
}

func TestBatchUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"-in", t.TempDir()}, {"-in", t.TempDir(), "-out", t.TempDir()}, {"-in", "x", "-out", "y", "-workers", "0"}} {
		var o, e bytes.Buffer
		assert.Equal(t, 2, run(context.Background(), args, &o, &e, false), args)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
