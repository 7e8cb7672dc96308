package hardening

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

// outcome is everything one referral gives on its way to a PDF.
type outcome struct {
	pdf      []byte
	warnings string
	errType  string
	errText  string
}

// process takes a document through Decode, Compose and Render.
func process(r *pdf.Renderer, doc []byte) outcome {
	fail := func(err error) outcome {
		return outcome{errType: fmt.Sprintf("%T", err), errText: err.Error()}
	}
	ref, err := referral.Decode(bytes.NewReader(doc))
	if err != nil {
		return fail(err)
	}
	l, err := referral.Compose(ref)
	if err != nil {
		return fail(err)
	}
	var buf bytes.Buffer
	ws, err := r.Render(&buf, l)
	if err != nil {
		return fail(err)
	}
	return outcome{pdf: buf.Bytes(), warnings: fmt.Sprint(ws)}
}

func (o outcome) equal(p outcome) bool {
	return bytes.Equal(o.pdf, p.pdf) && o.warnings == p.warnings && o.errType == p.errType && o.errText == p.errText
}

// mixedDocuments returns every referral document of testdata: letters,
// two-week-wait cases, invalid documents and disguised ones.
func mixedDocuments(t *testing.T) (docs [][]byte) {
	t.Helper()
	for _, pattern := range []string{
		"../../testdata/referrals/*.json",
		"../../testdata/invalid/*.json",
		"../../testdata/invalid/disguised/*.json",
	} {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		for _, f := range files {
			docs = append(docs, mustRead(t, f))
		}
	}
	return docs
}

// TestRendererConcurrent sends 16 goroutines x 500 referrals, drawn from
// every referral document of testdata (letters, two-week-wait cases,
// invalid and disguised documents), through one pdf.Renderer with a logo
// and a signature: every PDF and its warnings are byte-identical to the
// sequential run's, and every error has the same type and text. With
// -short, 16 x 50.
func TestRendererConcurrent(t *testing.T) {
	r, err := pdf.NewRenderer(
		pdf.WithLogo(mustRead(t, filepath.Join(imagesDir, "png-palette-alpha.png"))),
		pdf.WithSignature(mustRead(t, filepath.Join(imagesDir, "png-interlaced.png"))))
	require.NoError(t, err)
	docs := mixedDocuments(t)

	want := make([]outcome, len(docs))
	kinds := map[string][]int{} // document indexes by outcome
	start := time.Now()
	for i, d := range docs {
		want[i] = process(r, d)
		switch {
		case want[i].pdf != nil:
			kinds["letter"] = append(kinds["letter"], i)
		case want[i].errType == "*referral.TwoWeekWaitError":
			kinds["two-week wait"] = append(kinds["two-week wait"], i)
		default:
			kinds["refused"] = append(kinds["refused"], i)
		}
	}
	seq := time.Since(start)
	// A letter costs twenty times what a refusal does: one referral in
	// sixteen is a letter, one in sixteen a two-week-wait case, and the
	// rest are refused, so that the test fits CI under the race detector.
	pick := func(rng *rand.Rand) int {
		kind := "refused"
		switch rng.IntN(16) {
		case 0:
			kind = "letter"
		case 1:
			kind = "two-week wait"
		}
		ix := kinds[kind]
		return ix[rng.IntN(len(ix))]
	}
	for _, k := range []string{"letter", "two-week wait", "refused"} {
		require.NotEmpty(t, kinds[k])
	}

	const workers = 16
	per := 500
	if testing.Short() {
		per = 50
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var mismatches []string
	counts := map[string]int{}
	start = time.Now()
	for g := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 2026))
			local := map[string]int{}
			for range per {
				i := pick(rng)
				got := process(r, docs[i])
				if got.pdf != nil {
					local["letter"]++
				}
				if !got.equal(want[i]) {
					mu.Lock()
					mismatches = append(mismatches, fmt.Sprintf("goroutine %d, document %d: %q %q", g, i, got.errType, got.warnings))
					mu.Unlock()
				}
			}
			mu.Lock()
			for k, v := range local {
				counts[k] += v
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.Empty(t, mismatches, "outcomes that differ from the sequential run")
	t.Logf("%d documents (%d letters, %d two-week wait, %d refused) in %s sequentially; %d x %d referrals (%d letters rendered) in %s",
		len(docs), len(kinds["letter"]), len(kinds["two-week wait"]), len(kinds["refused"]), seq.Round(time.Millisecond),
		workers, per, counts["letter"], time.Since(start).Round(time.Millisecond))
}
