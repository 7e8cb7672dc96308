package pdf

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

var (
	update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")
	dump   = flag.String("dump", "", "write every PDF the tests make from testdata/referrals into this directory")
)

const referralsDir = "../testdata/referrals"

// fixedClock is the clock letters are composed with in tests.
func fixedClock() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC) }

// letterFiles returns the letter-path referrals in testdata/referrals.
func letterFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(referralsDir, "*.json"))
	require.NoError(t, err)
	var out []string
	for _, f := range files {
		if !strings.HasPrefix(filepath.Base(f), "2ww-") {
			out = append(out, f)
		}
	}
	require.NotEmpty(t, out, "no letter-path referrals in %s", referralsDir)
	return out
}

// composeFile decodes and composes one referral file.
func composeFile(t testing.TB, path string) *referral.Letter {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	l, err := composeJSON(b)
	require.NoError(t, err, path)
	return l
}

func composeJSON(b []byte) (*referral.Letter, error) {
	ref, err := referral.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	l, err := referral.Compose(ref, referral.WithClock(fixedClock))
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, errors.New("no letter")
	}
	return l, nil
}

// render renders l with r and fails the test on error.
func render(t testing.TB, r *Renderer, l *referral.Letter) ([]byte, []Warning) {
	t.Helper()
	var buf bytes.Buffer
	ws, err := r.Render(&buf, l)
	require.NoError(t, err)
	return buf.Bytes(), ws
}

// writeDump saves a PDF when -dump is given.
func writeDump(t testing.TB, name string, pdf []byte) {
	t.Helper()
	if *dump == "" {
		return
	}
	require.NoError(t, os.MkdirAll(*dump, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(*dump, name+".pdf"), pdf, 0o644))
}
