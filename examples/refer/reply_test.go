package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const returned = "../../testdata/returned/dermatology-eczema.json"

func TestReferReply(t *testing.T) {
	in, ret := absPath(t, good), absPath(t, returned)
	t.Chdir(t.TempDir())

	code, stdout, stderr := refer(t, "-returned", ret, in)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	withOriginal, err := os.ReadFile("dermatology-eczema.reply.pdf")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(withOriginal), "%PDF-1."))

	code, _, stderr = refer(t, "-returned", ret, "-no-original", "-o", "alone.pdf", in)
	require.Equal(t, 0, code, stderr)
	alone, err := os.ReadFile("alone.pdf")
	require.NoError(t, err)
	assert.Greater(t, len(withOriginal), len(alone), "the original letter is appended by default")

	code, _, stderr = refer(t, "-returned", ret, "-format", "text", in)
	require.Equal(t, 0, code, stderr)
	text, err := os.ReadFile("dermatology-eczema.reply.txt")
	require.NoError(t, err)
	assert.Contains(t, string(text), "Dermatology Referral Hub")
	assert.Contains(t, string(text), "Enclosure: the original referral letter of 18 November 2026")

	code, stdout, stderr = refer(t, "-returned", ret, "-format", "text", "-o", "-", "-no-statement", in)
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stdout, "Regulations 2015")
}

func TestReferReplyRefused(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "returned.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"date": "2026-11-20", "by": "Zoë's clinic", "reason": "", "ubrn": "Zoë", "extra": 1}`), 0o644))
	code, stdout, stderr := refer(t, "-returned", bad, "-o", filepath.Join(dir, "x.pdf"), good)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "returned: unknown field (5th key of the document)")
	assert.NotContains(t, stderr, "extra")
	assert.NotContains(t, stderr, "Zoë")
	assertNoFiles(t, dir, "returned.json")

	require.NoError(t, os.WriteFile(bad, []byte(`{"date": "2026-11-20", "by": "x", "reason": "", "ubrn": "Zoë"}`), 0o644))
	code, _, stderr = refer(t, "-returned", bad, "-o", filepath.Join(dir, "x.pdf"), good)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "returned.reason: is required")
	assert.Contains(t, stderr, "returned.ubrn: must be a 12-digit UBRN")
	assert.NotContains(t, stderr, "Zoë")
	assertNoFiles(t, dir, "returned.json")

	// A two-week-wait referral never gets a reply: the handoff instead.
	code, stdout, stderr = refer(t, "-returned", absPath(t, returned), "-o", filepath.Join(dir, "x.pdf"), tww)
	assert.Equal(t, 3, code, stderr)
	var handoff map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &handoff))
	assert.Equal(t, "TWO_WEEK_WAIT", handoff["priorityCode"])
	assertNoFiles(t, dir, "returned.json")
}
