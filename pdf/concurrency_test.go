package pdf

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

// TestConcurrentRender renders 200 letters from 8 goroutines with one
// Renderer and checks each against its sequential twin. Run it with -race.
func TestConcurrentRender(t *testing.T) {
	const goroutines, letters = 8, 200
	r, err := NewRenderer(WithLogo(pngBytes(t, 120, 40, true)), WithSignature(jpegBytes(t, 160, 50)))
	require.NoError(t, err)

	// A mix of letters: the testdata referrals, and hand-built ones with
	// varied text, including some that need the full font or warn.
	var base []*referral.Letter
	for _, f := range letterFiles(t) {
		base = append(base, composeFile(t, f))
	}
	ls := make([]*referral.Letter, letters)
	for i := range ls {
		if i%2 == 0 {
			ls[i] = base[i/2%len(base)]
			continue
		}
		l := handLetter()
		p := l.Blocks[blockIndex(t, l, "history", &referral.Paragraph{})].(*referral.Paragraph)
		p.Text = fmt.Sprintf("Letter %d. %s", i, words(i%40*5))
		if i%7 == 1 {
			p.Text += " Её имя Ольга."
		}
		if i%11 == 1 {
			p.Text += " 😀"
		}
		ls[i] = l
	}

	type result struct {
		sum  [32]byte
		warn []Warning
	}
	want := make([]result, letters)
	for i, l := range ls {
		pdf, ws := render(t, r, l)
		want[i] = result{sha256.Sum256(pdf), ws}
	}

	got := make([]result, letters)
	errs := make([]error, letters)
	var wg sync.WaitGroup
	next := make(chan int)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var buf bytes.Buffer
				ws, err := r.Render(&buf, ls[i])
				got[i], errs[i] = result{sha256.Sum256(buf.Bytes()), ws}, err
			}
		}()
	}
	for i := range ls {
		next <- i
	}
	close(next)
	wg.Wait()
	for i := range ls {
		require.NoError(t, errs[i], "letter %d", i)
		assert.Equal(t, want[i], got[i], "letter %d differs from its sequential twin", i)
	}
}

// TestConcurrentRenderFunc does the same through the package-level Render,
// which shares one default Renderer.
func TestConcurrentRenderFunc(t *testing.T) {
	l := handLetter()
	var want bytes.Buffer
	_, err := Render(&want, l)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				var buf bytes.Buffer
				_, err := Render(&buf, l)
				assert.NoError(t, err)
				assert.Equal(t, want.Bytes(), buf.Bytes())
			}
		}()
	}
	wg.Wait()
}
