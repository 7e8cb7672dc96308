package proforma

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/refletter/refletter/referral"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixedClock is the clock of every test that composes a letter.
func fixedClock() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC) }

// formFiles lists the form definitions in ../testdata/proformas.
func formFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "proformas", "*.json"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 6, "the testdata forms are missing")
	slices.Sort(files)
	return files
}

func loadFormFile(t testing.TB, path string) *Form {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	form, err := Load(f)
	require.NoError(t, err, path)
	return form
}

// answersFor returns the answers file that goes with a form file.
func answersFor(t testing.TB, formPath string) Answers {
	t.Helper()
	p := filepath.Join(filepath.Dir(formPath), "answers", filepath.Base(formPath))
	f, err := os.Open(p)
	require.NoError(t, err)
	defer f.Close()
	a, err := LoadAnswers(f)
	require.NoError(t, err, p)
	return a
}

// referralFiles lists the valid referrals to check forms against: this
// package's own, and the project's shared ones in ../testdata/referrals.
func referralFiles(t testing.TB) []string {
	t.Helper()
	own, err := filepath.Glob(filepath.Join("testdata", "referrals", "*.json"))
	require.NoError(t, err)
	require.Len(t, own, 3, "this package's referrals are missing")
	shared, err := filepath.Glob(filepath.Join("..", "testdata", "referrals", "*.json"))
	require.NoError(t, err)
	files := append(own, shared...)
	slices.Sort(files)
	return files
}

// decodeReferral reads a referral file. ok is false for a file that does
// not hold a valid referral (a shared fixture made to fail on purpose).
func decodeReferral(t testing.TB, path string) (*referral.Referral, bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	r, err := referral.Decode(bytes.NewReader(b))
	if err != nil || r.Validate() != nil {
		require.False(t, strings.HasPrefix(path, "testdata"), "own referral %s is invalid", path)
		return nil, false
	}
	return r, true
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.WriteFile(p, got, 0o644))
		return
	}
	want, err := os.ReadFile(p)
	require.NoError(t, err, "run go test -update to create it")
	require.Equal(t, string(want), string(got))
}
