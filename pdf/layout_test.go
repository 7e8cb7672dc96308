package pdf

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrap(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	m := fs.faces[regular].m
	cases := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"fits", "one two three", 100, []string{"one two three"}},
		{"breaks at spaces", "one two three", m.width("one two", 10) + 0.1, []string{"one two", "three"}},
		{"keeps line breaks", "one\ntwo", 100, []string{"one", "two"}},
		{"keeps blank lines", "one\n\ntwo", 100, []string{"one", "", "two"}},
		{"collapses spaces", "one    two", 100, []string{"one two"}},
		{"cuts a long word", "abcdefgh", m.width("abcd", 10) + 0.01, []string{"abcd", "efgh"}},
		{"long word after a short one", "hi abcdefgh", m.width("abcd", 10) + 0.01, []string{"hi", "abcd", "efgh"}},
		{"no-break space holds", "NHS\u00a0number", m.width("NHS", 10) + 0.1, []string{"NHS", "\u00a0num", "ber"}},
		{"empty", "", 100, []string{""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := wrap(m, c.text, 10, c.width)
			if c.name == "no-break space holds" {
				// A no-break space is part of the word, so the word is cut
				// between characters rather than at it.
				assert.Equal(t, strings.ReplaceAll(c.text, " ", ""), strings.Join(got, ""))
				return
			}
			assert.Equal(t, c.want, got)
		})
	}
}

func TestWrapProperties(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	m := fs.faces[regular].m
	text := words(400) + " " + strings.Repeat("x", 300)
	for _, width := range []float64{2, 15, 40, 170} {
		lines := wrap(m, text, 10.5, width)
		for _, l := range lines {
			if len([]rune(l)) > 1 {
				assert.LessOrEqual(t, m.width(l, 10.5), width+1e-9, "line wider than %v mm", width)
			}
		}
		assert.Equal(t, squash(text), squash(strings.Join(lines, "")), "no character lost or added at width %v", width)
	}
}

func TestColumnWidths(t *testing.T) {
	cases := []struct {
		rel   []float64
		n     int
		total float64
		want  []float64
	}{
		{[]float64{1, 1}, 2, 100, []float64{50, 50}},
		{[]float64{3, 1}, 2, 100, []float64{75, 25}},
		{nil, 4, 100, []float64{25, 25, 25, 25}},
		{[]float64{1, 2}, 3, 90, []float64{30, 30, 30}}, // wrong length: equal
		{[]float64{1, -1}, 2, 100, []float64{50, 50}},   // invalid: equal
		{[]float64{1, 1000}, 2, 100, []float64{18, 82}}, // a minimum width
	}
	for _, c := range cases {
		got := columnWidths(c.rel, c.n, c.total)
		require.Len(t, got, c.n)
		sum := 0.0
		for i := range got {
			assert.InDelta(t, c.want[i], got[i], 1e-9, "%v", c.rel)
			sum += got[i]
		}
		assert.InDelta(t, c.total, sum, 1e-9)
	}
}

// units makes n plain units of height h.
func units(n int, h float64) []unit {
	us := make([]unit, n)
	for i := range us {
		us[i].h = h
	}
	return us
}

func TestPaginate(t *testing.T) {
	t.Run("fills pages", func(t *testing.T) {
		l := &layout{units: units(25, 10), top: 0, bottom: 100}
		pages := paginate(l)
		require.Len(t, pages, 3)
		assert.Len(t, pages[0], 10)
		assert.Len(t, pages[2], 5)
		assert.Equal(t, 90.0, pages[0][9].y)
	})
	t.Run("gap dropped at the top of a page", func(t *testing.T) {
		us := units(10, 10)
		us = append(us, unit{h: 5, gap: true}, unit{h: 10})
		pages := paginate(&layout{units: us, top: 0, bottom: 100})
		require.Len(t, pages, 2)
		assert.Equal(t, 0.0, pages[1][0].y)
	})
	t.Run("keep moves a heading", func(t *testing.T) {
		us := units(9, 10)
		us = append(us, unit{h: 5, keep: true, kind: kindHeading}, unit{h: 10})
		pages := paginate(&layout{units: us, top: 0, bottom: 100})
		require.Len(t, pages, 2)
		assert.Equal(t, kindHeading, pages[1][0].u.kind, "the heading went with its text")
	})
	t.Run("heading of a keep run taller than a page moves", func(t *testing.T) {
		// Large print: a heading, and lines kept with the sign-off, too
		// tall for any page together.
		us := units(9, 10)
		run := units(12, 10)
		for i := range run {
			run[i].keep = true
		}
		run[0].kind = kindHeading
		pages := paginate(&layout{units: append(us, run...), top: 0, bottom: 100})
		require.Len(t, pages, 3)
		assert.Len(t, pages[0], 9, "the heading is not last on the page")
		assert.Equal(t, kindHeading, pages[1][0].u.kind, "the heading went with its text")
	})
	t.Run("first page shorter", func(t *testing.T) {
		pages := paginate(&layout{units: units(25, 10), top: 0, bottom: 100, firstExtra: 30})
		require.Len(t, pages, 3)
		assert.Len(t, pages[0], 7, "the first page's furniture is taller")
		assert.Len(t, pages[1], 10)
		assert.Len(t, pages[2], 8)
	})
	t.Run("group kept whole", func(t *testing.T) {
		us := units(7, 10)
		g := units(4, 10)
		for i := range g {
			g[i].group = 1
		}
		pages := paginate(&layout{units: append(us, g...), top: 0, bottom: 100})
		require.Len(t, pages, 2)
		assert.Len(t, pages[0], 7)
		assert.Len(t, pages[1], 4)
	})
	t.Run("group taller than a page still breaks", func(t *testing.T) {
		g := units(15, 10)
		for i := range g {
			g[i].group = 1
		}
		pages := paginate(&layout{units: g, top: 0, bottom: 100})
		total := 0
		for _, p := range pages {
			total += len(p)
		}
		assert.Equal(t, 15, total, "every unit placed")
		assert.Len(t, pages[0], 10)
	})
	t.Run("table header repeated", func(t *testing.T) {
		head := unit{h: 8, keep: true, kind: kindTableHeader, header: 1}
		rows := units(20, 10)
		for i := range rows {
			rows[i].header = 1
		}
		l := &layout{units: append([]unit{head}, rows...), headers: []unit{head}, top: 0, bottom: 100}
		pages := paginate(l)
		require.Len(t, pages, 3)
		for i, p := range pages {
			assert.Equal(t, kindTableHeader, p[0].u.kind, "page %d starts with the header", i+1)
		}
	})
}
