package pdf

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
	"github.com/refletter/refletter/referral"
)

// anyCopy composes the patient's copy of a testdata referral, giving the
// patient a copy when the referral does not, so that every testdata
// letter can be printed as a copy.
func anyCopy(t testing.TB, path string) *referral.Letter {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	ref, err := referral.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	if ref.Copies == nil {
		ref.Copies = &referral.Copies{}
	}
	yes := true
	ref.Copies.Patient = &yes
	l, err := referral.Compose(ref, referral.WithClock(fixedClock), referral.ForPatient())
	require.NoError(t, err, path)
	return l
}

// TestLargePrintFurniture: at every large-print size the page furniture
// of every testdata letter's copy stays short, at 14 to 18 pt, and the
// page count grows with the text's area, not by ten times.
// TestLargePrint checks that the furniture and every field reach the
// PDF.
func TestLargePrintFurniture(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	sizes := []float64{14, 18, 24, 30, 36}
	for _, f := range letterFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		l := anyCopy(t, f)
		t.Run(name, func(t *testing.T) {
			pages := map[float64]int{}
			for _, size := range sizes {
				l.Meta.TextSize = size
				lay, err := r.layout(l, newCleaner(r.fs, l.Meta.Patient.Name), pdfobj.NewTree())
				require.NoError(t, err, "%v pt", size)
				ft := lay.footer
				pt := ft.size * lay.scale
				assert.GreaterOrEqual(t, pt, largeFurnitureMin-0.05, "%v pt", size)
				assert.LessOrEqual(t, pt, largeFurnitureMax+0.05, "%v pt", size)
				assert.Equal(t, ft.size, ft.confSize, "%v pt", size)
				// After the first page: the name beside the page label, or
				// under it.
				assert.LessOrEqual(t, len(ft.rest), 2, "%v pt: %d lines after the first page", size, len(ft.rest))
				assert.LessOrEqual(t, ft.restH*lay.scale, 20.5, "%v pt: mm after the first page", size)
				// The first page: that, the date of birth, the NHS number
				// and the confidentiality line.
				lines := len(ft.ident) + len(ft.conf)
				assert.LessOrEqual(t, lines, 6, "%v pt: %d lines on the first page", size, lines)
				assert.LessOrEqual(t, ft.h*lay.scale, 55.0, "%v pt: mm on the first page", size)
				pages[size] = len(paginate(lay))
			}
			for i := 1; i < len(sizes); i++ {
				a, b := sizes[i-1], sizes[i]
				// A page holds (a/b)² as much text at b pt as at a; narrow
				// table columns wrap a little more.
				most := math.Ceil(1.3 * (b / a) * (b / a) * float64(pages[a]))
				assert.LessOrEqual(t, float64(pages[b]), most, "%v pt: %d pages, %v pt: %d", a, pages[a], b, pages[b])
			}
			t.Logf("pages at %v pt: %v", sizes, pages)
		})
	}
}

// TestPack: the parts of the large-print footer are kept whole on a line
// where they fit, the first line beside the page label left empty when
// the first part fits only under it.
func TestPack(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	b := &builder{fs: r.fs}
	w := func(s string) float64 { return b.m(regular).width(s, 10) }
	name, dob, nhs := "Ms Siobhán Ó Súilleabháin", "Date of birth 17 March 1994", "NHS number 999 000 0069"
	long := strings.Repeat("Ó Súilleabháin ", 12)
	for _, tc := range []struct {
		name        string
		parts       []string
		first, rest float64
		want        []string
	}{
		{"all on the first line", []string{name, dob, nhs}, w(name + identSep + dob + identSep + nhs), 1000,
			[]string{name + identSep + dob + identSep + nhs}},
		{"one a line", []string{name, dob, nhs}, w(name), w(dob), []string{name, dob, nhs}},
		{"joined after the first", []string{name, dob, nhs}, w(name), w(dob + identSep + nhs), []string{name, dob + identSep + nhs}},
		{"name under the label", []string{name, dob}, w(name) - 1, math.Max(w(name), w(dob)), []string{"", name, dob}},
		{"nothing", nil, 10, 20, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, b.pack(tc.parts, 10, tc.first, tc.rest))
		})
	}
	t.Run("too long for a line", func(t *testing.T) {
		got := b.pack([]string{long, nhs}, 10, w(nhs), 2*w(nhs))
		require.Greater(t, len(got), 2)
		assert.Equal(t, squash(long+identSep+nhs), squash(strings.Join(got, "")), "nothing lost")
		for i, l := range got {
			assert.LessOrEqual(t, w(l), 2*w(nhs)+1e-9, "line %d", i)
		}
	})
}
