package pdf

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
)

// wrapSimple is the plain statement of how text wraps, building each
// line from its words: wrapEach must give the same lines, cut marks and
// all, without the copies.
func wrapSimple(m *metrics, text string, size, width float64) (lines []wline) {
	space := m.runeWidth(' ', size)
	for _, para := range strings.Split(text, "\n") {
		var line strings.Builder
		lineW := 0.0
		flush := func(cut bool) {
			lines = append(lines, wline{line.String(), cut})
			line.Reset()
			lineW = 0
		}
		words := strings.FieldsFunc(para, func(r rune) bool { return r == ' ' })
		if len(words) == 0 {
			lines = append(lines, wline{})
			continue
		}
		for _, w := range words {
			ww := m.width(w, size)
			switch {
			case line.Len() > 0 && lineW+space+ww <= width:
				line.WriteByte(' ')
				line.WriteString(w)
				lineW += space + ww
				continue
			case line.Len() > 0:
				flush(false)
			}
			if ww <= width {
				line.WriteString(w)
				lineW = ww
				continue
			}
			for _, r := range w {
				rw := m.runeWidth(r, size)
				if line.Len() > 0 && lineW+rw > width {
					flush(true)
				}
				line.WriteRune(r)
				lineW += rw
			}
		}
		flush(false)
	}
	return lines
}

// randomText makes text of the pieces wrapping meets: words short and
// long, runs of spaces, line breaks and blank lines, letters beyond
// ASCII, a no-break space and the odd byte of invalid UTF-8.
func randomText(rng *rand.Rand) string {
	pieces := []string{"the", "patient", "reports", "Żółć", "Ωμέγα", "Нина", "Nguyễn", "NHS\u00a0number",
		"Pneumonoultramicroscopicsilicovolcanoconiosis", "x", "(3.5 mg/L)", "\xff", "a\xc3"}
	seps := []string{" ", " ", " ", " ", "  ", "   ", "\n", "\n\n", " \n ", "\n\n\n"}
	var b strings.Builder
	for range rng.IntN(60) {
		if rng.IntN(6) == 0 {
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		b.WriteString(pieces[rng.IntN(len(pieces))])
		b.WriteString(seps[rng.IntN(len(seps))])
	}
	return b.String()
}

func TestWrapMatchesSimple(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(18, 1))
	for i := range 3000 {
		st := style(i % 2)
		m := fs.faces[st].m
		text := randomText(rng)
		size := []float64{8, 9.5, 10.5, 14}[rng.IntN(4)]
		width := []float64{1, 6, 15, 30, 60, 170}[rng.IntN(6)]
		want := wrapSimple(m, text, size, width)
		got := wrapAppend(nil, m, text, size, width)
		require.Equal(t, want, got, "%q at %v pt in %v mm", text, size, width)
	}
}

func TestWrapSubstrings(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	m := fs.faces[regular].m
	text := words(600) + " " + strings.Repeat("Żółć", 40)
	lines := 0
	allocs := testing.AllocsPerRun(20, func() {
		lines = 0
		wrapEach(m, text, 10.5, 60, func(s string, cut bool) {
			if s != "" {
				lines++
			}
		})
	})
	require.Greater(t, lines, 50)
	assert.Zero(t, allocs, "lines of single-spaced text are substrings of it")

	got := wrapAppend(nil, m, "one  two three", 10, 100)
	assert.Equal(t, []wline{{s: "one two three"}}, got, "words apart by more spaces are joined by one")
}

func TestTrimLines(t *testing.T) {
	ls := []wline{{}, {s: "a"}, {}, {s: "b", cut: true}, {}, {}}
	assert.Equal(t, ls[1:4], trimLines(ls))
	assert.Empty(t, trimLines([]wline{{}, {}}))
	assert.Equal(t, span{6, 6}, trimSpan(ls, span{4, 6}), "all blank")
	assert.Equal(t, span{1, 2}, trimSpan(ls, span{0, 3}))
}

// TestCleanUnchanged: clean returns text as it is, without a copy,
// exactly when the full cleaning would not change it.
func TestCleanUnchanged(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	texts := []string{
		"", "plain ASCII text, 12.5 mg (daily)", "line\nbreak", "Żółć Ωμέγα Нина Nguyễn Thị Ánh",
		"crlf\r\nend", "tab\there", "bell\a", "del\x7f", "c1 \u0085 control", "emoji 😀 here", "joined 😀\u200d😀",
		"e\u0301 decomposed", "é composed", "bad \xff byte", "cut \xc3", "Hebrew שלום", "zero\x00byte",
		"no-break\u00a0space", "“quotes” – dash…", "ﬁ ligature", "\u2028line separator",
	}
	for _, st := range []style{regular, bold} {
		m := fs.faces[st].m
		for _, s := range texts {
			c := newCleaner(fs, "")
			full := c.replace(s, m, "f")
			if printable(m, s) {
				assert.Equal(t, s, full, "%q is printable", s)
				assert.Empty(t, c.order, "%q: nothing replaced", s)
				assert.Equal(t, s, newCleaner(fs, "").clean(s, st, "f"))
			} else {
				assert.NotEqual(t, s, full, "%q is not printable", s)
			}
		}
	}
}

func TestCleanRowField(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	c := newCleaner(fs, "")
	c.cleanRow("ok", regular, "investigations", 3) // nothing replaced: no warning
	c.cleanRow("a 😀", regular, "investigations", 3)
	c.cleanRow("b 😀", regular, "investigations", -1)
	ws := c.warnings()
	require.Len(t, ws, 2)
	assert.Equal(t, "investigations[3]", ws[0].Path)
	assert.Equal(t, "investigations", ws[1].Path)
}

func TestNote(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	c := newCleaner(fs, "")
	s := "Aa Żółć Ωμέγα Нина Nguyễn – “x” № 😀"
	c.note(s, bold)
	c.note(s, bold) // again: the seen marks skip the set
	c.noteRune(' ', regular)
	want := map[rune]struct{}{}
	for _, r := range s {
		want[r] = struct{}{}
	}
	assert.Equal(t, want, c.used[bold])
	assert.Equal(t, map[rune]struct{}{' ': {}}, c.used[regular])
	for _, r := range []rune{0, 0x4ff, 0x500, 0x1dff, 0x1e00, 0x21ff, 0x2200, -1} {
		w, bit, ok := seenBit(r)
		if ok {
			assert.Less(t, w, seenWords, "%U", r)
			assert.NotZero(t, bit)
		}
		assert.Equal(t, r >= 0 && r < 0x500 || r >= 0x1e00 && r < 0x2200, ok, "%U", r)
	}
	assert.True(t, utf8.ValidString(s))
}

// TestLayoutSizing: the layout's units and structure elements are
// allocated once, from the estimates, for the stream's letters.
func TestLayoutSizing(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	for i, s := range loadStream(t, r) {
		tree := pdfobj.NewTree()
		lay, err := r.layout(s.l, newCleaner(r.fs, s.l.Meta.Patient.Name), tree)
		require.NoError(t, err)
		est := unitCount(s.l)
		assert.LessOrEqual(t, len(lay.units), est, "letter %d: units", i)
		assert.Less(t, est, 2*len(lay.units), "letter %d: units", i)
		assert.LessOrEqual(t, len(tree.Elems), 1+elemCount(s.l), "letter %d: elements", i)
		assert.Less(t, 1+elemCount(s.l), 2*len(tree.Elems), "letter %d: elements", i)
	}
}
