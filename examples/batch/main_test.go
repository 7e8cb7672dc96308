package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

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
	assert.NotEmpty(t, string(report))
	assert.Contains(t, string(report), "unknown field (2nd key of the document)")
	assert.NotContains(t, string(report), "oops")

	summary := stdout.String()
	assert.Contains(t, summary, "letters: "+itoa(letters)+", two-week-wait handoffs: "+itoa(handoffs)+", invalid: 1, failed: 0")
	assert.Contains(t, summary, "letters per second:")
	assert.Equal(t, len(referrals)+1, strings.Count("\n"+stderr.String(), "\n["), "one progress line a file")
	assert.Contains(t, stderr.String(), `"broken.json": invalid`)

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

// batch runs the tool on in and out, as a pipe would (no terminal).
func batch(t *testing.T, in, out string, extra ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), append([]string{"-in", in, "-out", out}, extra...), &o, &e, false)
	return code, o.String(), e.String()
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func put(t *testing.T, path, src string) {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// TestBatchStaleOutputs: after each run the output folder holds, for each
// input name, only the outputs of this run's outcome; the stale ones are
// removed and counted. A letter never stays beside a two-week-wait handoff.
func TestBatchStaleOutputs(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	src := filepath.Join(in, "case.json")
	steps := []struct {
		from    string
		want    []string
		removed int
	}{
		// dermatology-eczema gives the patient a copy.
		{"../../testdata/referrals/dermatology-eczema.json", []string{"case.patient.pdf", "case.pdf"}, 0},
		{"../../testdata/referrals/2ww-breast.json", []string{"case.ers.json"}, 2},
		{"", []string{"case.errors.txt"}, 1},
		{"../../testdata/referrals/dermatology-eczema.json", []string{"case.patient.pdf", "case.pdf"}, 1},
		{"../../testdata/referrals/2ww-skin.json", []string{"case.ers.json"}, 4},
	}
	for i, s := range steps {
		if s.from == "" {
			require.NoError(t, os.WriteFile(src, []byte(`{"priority": "routine"}`), 0o644))
		} else {
			put(t, src, s.from)
		}
		if i == len(steps)-1 {
			// Outputs an earlier version or another tool left: a text
			// letter and a patient's copy in text.
			require.NoError(t, os.WriteFile(filepath.Join(out, "case.txt"), []byte("old letter"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(out, "case.patient.txt"), []byte("old copy"), 0o644))
		}
		_, stdout, stderr := batch(t, in, out)
		assert.Equal(t, s.want, listDir(t, out), "step %d", i)
		assert.Contains(t, stdout, fmt.Sprintf("stale outputs removed: %d\n", s.removed), "step %d", i)
		assert.Equal(t, s.removed, strings.Count(stderr, "removed the stale"), "step %d", i)
	}
}

// TestBatchWarnings: Decide's warnings and the renderer's are printed per
// file, with their codes, and counted.
func TestBatchWarnings(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(mustRead(t, "../../testdata/referrals/dermatology-eczema.json"), &doc))
	doc["history"] = "Rash for a year 💔. Red flag symptoms: none, Siobhan says."
	delete(doc, "examination")
	doc["copies"] = map[string]any{"patient": false} // no patient-copy-check warnings
	b, _ := json.Marshal(doc)
	require.NoError(t, os.WriteFile(filepath.Join(in, "warned.json"), b, 0o644))
	put(t, filepath.Join(in, "quiet.json"), "../../testdata/referrals/paediatrics-faltering-growth.json")
	code, stdout, stderr := batch(t, in, out)
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, `  warning: "warned.json": history: wording suggests suspected cancer; consider whether this is a two-week-wait referral, which must go through eRS (possible-suspected-cancer)`+"\n")
	assert.Contains(t, stderr, `  warning: "warned.json": examination: recommended field is empty (recommended-field-missing)`+"\n")
	assert.Contains(t, stderr, `  warning: "warned.json": history: 1 character the font cannot show replaced by "[?]" (character-replaced)`+"\n")
	assert.NotContains(t, stderr, `warning: "quiet.json"`)
	assert.NotContains(t, stderr, "Siobhan")
	assert.Contains(t, stdout, "warnings: 3 (in 1 files)")
}

// TestBatchNames: names are quoted and escaped, so a crafted name cannot
// forge a progress line or reach the terminal raw; .JSON in any case is
// read; outputs that would share names are reported, not overwritten.
func TestBatchNames(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	good := "../../testdata/referrals/dermatology-eczema.json"
	forged := "x.json\n[2] \"fake.json\": letter\x1b]0;title\x07"
	put(t, filepath.Join(in, forged+".json"), good)
	put(t, filepath.Join(in, "E-UPPER.JSON"), good)
	put(t, filepath.Join(in, "a.json"), good)
	put(t, filepath.Join(in, "a.patient.json"), good)
	code, stdout, stderr := batch(t, in, out)
	assert.Equal(t, 1, code, "a file was skipped")
	assert.NotContains(t, stderr, "\x1b")
	assert.NotContains(t, stderr, "\x07")
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		assert.Regexp(t, `^(\[\d/3\] "[^"\\]*(\\.[^"\\]*)*": (letter|two-week-wait handoff|invalid|failed)|skipped "[^"]+": .+|  warning: .*)$`, l)
	}
	assert.Contains(t, stderr, `"E-UPPER.JSON": letter`)
	assert.Contains(t, stderr, `skipped "a.patient.json": its outputs would have the same names as those of "a.json"`)
	assert.Contains(t, stdout, "letters: 3, two-week-wait handoffs: 0, invalid: 0, failed: 0, skipped: 1")
	assert.Contains(t, listDir(t, out), "E-UPPER.pdf")
	assert.Contains(t, listDir(t, out), forged+".pdf")
}

// TestBatchErrorReportEscaped: an error report holds no control character
// from the input, even in a key the decoder names.
func TestBatchErrorReportEscaped(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(in, "bad.json"), []byte(`{"\u001b]0;owned\u0007\u009b2J\u202e": 1}`), 0o644))
	_, _, stderr := batch(t, in, out)
	report := mustRead(t, filepath.Join(out, "bad.errors.txt"))
	for _, raw := range []string{"\x1b", "\x07", "\u009b", "\u202e"} {
		assert.NotContains(t, string(report), raw)
		assert.NotContains(t, stderr, raw)
	}
}

// TestBatchNotRegular: what is not a regular file is skipped with a line
// saying so; the run goes on.
func TestBatchNotRegular(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(in, "folder.json"), 0o755))
	put(t, filepath.Join(in, "good.json"), "../../testdata/referrals/dermatology-eczema.json")
	makeFIFO(t, filepath.Join(in, "x.json"))
	code, stdout, stderr := batchWithin(t, in, out)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `skipped "folder.json": not a regular file`)
	if fifoSupported {
		assert.Contains(t, stderr, `skipped "x.json": not a regular file`)
	}
	assert.Contains(t, stderr, `"good.json": letter`)
	assert.Contains(t, stdout, "letters: 1,")
}

// batchWithin runs batch, failing (not hanging) if it does not finish in
// a minute.
func batchWithin(t *testing.T, in, out string) (code int, stdout, stderr string) {
	t.Helper()
	type res struct {
		code int
		o, e string
	}
	done := make(chan res, 1)
	go func() {
		c, o, e := batch(t, in, out)
		done <- res{c, o, e}
	}()
	select {
	case r := <-done:
		return r.code, r.o, r.e
	case <-time.After(time.Minute):
		t.Fatal("batch hung")
	}
	return 0, "", ""
}

// TestBatchFolders: a missing input folder is named as missing; the output
// folder must differ from the input folder (a handoff written there would
// be read as a referral next time).
func TestBatchFolders(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	code, _, stderr := batch(t, missing, t.TempDir())
	assert.Equal(t, 2, code)
	assert.Equal(t, "batch: the input folder "+strconv.Quote(missing)+" does not exist\n", stderr)

	in := t.TempDir()
	put(t, filepath.Join(in, "good.json"), "../../testdata/referrals/dermatology-eczema.json")
	code, _, stderr = batch(t, in, in)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-out must be a different folder from -in")
	assert.Equal(t, []string{"good.json"}, listDir(t, in))
}

// TestBatchInterrupted: a run whose context is cancelled (SIGINT or
// SIGTERM in main) prints its summary, counts the files not processed as
// skipped and leaves no temporary file.
func TestBatchInterrupted(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	put(t, filepath.Join(in, "good.json"), "../../testdata/referrals/dermatology-eczema.json")
	// A temporary file an earlier, killed run left.
	require.NoError(t, os.WriteFile(filepath.Join(out, ".good.pdf.123456.tmp"), []byte("%PDF-1.7 partial"), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	code := run(ctx, []string{"-in", in, "-out", out}, &o, &e, false)
	assert.Equal(t, 1, code)
	assert.Contains(t, o.String(), "letters: 0, two-week-wait handoffs: 0, invalid: 0, failed: 0, skipped: 1")
	assert.Contains(t, e.String(), "batch: interrupted: 1 files not processed")
	assert.Empty(t, listDir(t, out))
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestBatchWelshHandoff: a two-week-wait case from a practice in Wales is
// handed off for the nation's own route, and nothing the tool prints
// calls it an eRS handoff.
func TestBatchWelshHandoff(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	b, err := os.ReadFile("../../testdata/referrals/2ww-breast.json")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	doc["practice"].(map[string]any)["nation"] = "wales"
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(in, "case.json"), b, 0o644))

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-in", in, "-out", out}, &stdout, &stderr, false)
	assert.Equal(t, 0, code, "%s", stderr.String())
	h, err := os.ReadFile(filepath.Join(out, "case.ers.json"))
	require.NoError(t, err)
	var handoff map[string]any
	require.NoError(t, json.Unmarshal(h, &handoff))
	assert.Equal(t, "wales", handoff["nation"])
	assert.NotContains(t, handoff["via"], "e-Referral")
	assert.Contains(t, stderr.String(), `"case.json": two-week-wait handoff`)
	assert.Contains(t, stdout.String(), "two-week-wait handoffs: 1")
	assert.NotContains(t, stdout.String()+stderr.String(), "eRS")
	assert.Equal(t, []string{"case.ers.json"}, listDir(t, out))
}
