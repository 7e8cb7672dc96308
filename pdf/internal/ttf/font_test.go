package ttf

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
	"slices"
	"testing"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrograms: every code page's program, as embedded, is whole, gives
// a glyph to each of its codes and gives its width as PDF wants it.
// internal/conformance checks, with golang.org/x/image, that each glyph is
// the whole font's for the code's character (TestFontPrograms).
func TestPrograms(t *testing.T) {
	var faces []*Face
	for _, data := range [][]byte{liberationsansregular.TTF, liberationsansbold.TTF} {
		f, err := NewFace(data, "LiberationSans", func(r rune) bool { return r < 0x20 })
		require.NoError(t, err)
		faces = append(faces, f)
	}
	cp := NewCodePages(faces[0].M, faces[1].M)
	for st, f := range faces {
		f.SetWidths(cp)
		for pg := range cp.Runes {
			prog, err := f.NewProgram(cp, st, pg, func(rune) bool { return true }, zlib.BestCompression)
			require.NoError(t, err)
			zr, err := zlib.NewReader(bytes.NewReader(prog.Z))
			require.NoError(t, err)
			ttf, err := io.ReadAll(zr)
			require.NoError(t, err)
			require.Len(t, ttf, prog.Size)
			assertMacCmap(t, ttf, f.M.Has, &prog.Codes)
			assertChecksums(t, ttf)
			assert.Equal(t, 'A'+byte(st), prog.Name[4], "the subset tag names the face")
			assert.Equal(t, 'A'+byte(pg), prog.Name[5], "and the page")
			for c, r := range cp.Runes[pg] {
				if a, ok := f.M.Advance(r); ok && r != 0 {
					assert.Equal(t, r, prog.Codes[c])
					assert.Equal(t, f.M.Em(float64(a)), f.Widths[pg][c], "width of %q", r)
				} else {
					assert.Zero(t, prog.Codes[c])
					assert.Zero(t, f.Widths[pg][c])
				}
			}
		}
		_, err := f.NewProgram(cp, st, len(cp.Runes), func(rune) bool { return true }, zlib.BestCompression)
		assert.Error(t, err)
		_, err = f.Cut(cp, st, -1, func(rune) bool { return true })
		assert.Error(t, err)
		assert.False(t, f.M.Has('\x07'), "skipped runes count as missing")
	}
}

// TestMetricsRunes: a face's runes are those it has, in increasing order,
// with their advances, less those NewFace's skip refuses.
func TestMetricsRunes(t *testing.T) {
	skip := func(r rune) bool { return r < 0x20 || r >= 0x0590 && r <= 0x05ff }
	for _, data := range [][]byte{liberationsansregular.TTF, liberationsansbold.TTF} {
		whole, err := ParseMetrics(data)
		require.NoError(t, err)
		f, err := NewFace(data, "LiberationSans", skip)
		require.NoError(t, err)
		var want []rune
		for r := rune(0); r < 0x10000; r++ {
			a, ok := whole.Advance(r)
			if ok && !skip(r) {
				want = append(want, r)
			}
			b, ok2 := f.M.Advance(r)
			assert.Equal(t, ok && !skip(r), ok2, "rune %U", r)
			if ok2 {
				assert.Equal(t, a, b)
			}
		}
		require.Greater(t, len(want), 2000)
		assert.Equal(t, want, f.M.runes)
		assert.True(t, whole.Has('א'), "the font has Hebrew")
		assert.False(t, f.M.Has('א'), "which skip refuses")
	}
}

// TestMetricsUnsortedCmap: a cmap whose segments are out of order still
// gives the runes in increasing order.
func TestMetricsUnsortedCmap(t *testing.T) {
	be := func(v ...int) []byte {
		var b []byte
		for _, x := range v {
			b = binary.BigEndian.AppendUint16(b, uint16(x))
		}
		return b
	}
	head := make([]byte, 54)
	copy(head[18:], be(1000))
	hhea := make([]byte, 36)
	copy(hhea[4:], be(800, 0x10000-200))
	copy(hhea[34:], be(5))
	hmtx := be(500, 0, 510, 0, 520, 0, 530, 0, 540, 0)
	// Three segments, the first two out of order: A-B to glyphs 3-4,
	// 0-1 to glyphs 1-2, and the closing 0xFFFF.
	sub := slices.Concat(be(4, 0, 0, 6, 0, 0, 0),
		be(0x42, 0x31, 0xffff), be(0), be(0x41, 0x30, 0xffff),
		be(3-0x41, 1-0x30, 1), be(0, 0, 0))
	cmap := slices.Concat(be(0, 1, 3, 1), []byte{0, 0, 0, 12}, sub)
	tables := []struct {
		tag  string
		data []byte
	}{{"cmap", cmap}, {"head", head}, {"hhea", hhea}, {"hmtx", hmtx}}
	font := be(0, 1, len(tables), 0, 0, 0)
	off := 12 + 16*len(tables)
	var body []byte
	for _, tb := range tables {
		font = append(font, tb.tag...)
		font = append(font, 0, 0, 0, 0)
		font = binary.BigEndian.AppendUint32(font, uint32(off+len(body)))
		font = binary.BigEndian.AppendUint32(font, uint32(len(tb.data)))
		body = append(body, tb.data...)
	}
	m, err := ParseMetrics(append(font, body...))
	require.NoError(t, err)
	assert.Equal(t, []rune{'0', '1', 'A', 'B'}, m.runes)
	for r, adv := range map[rune]int{'0': 510, '1': 520, 'A': 530, 'B': 540} {
		a, ok := m.Advance(r)
		assert.True(t, ok)
		assert.Equal(t, adv, a, "rune %q", r)
	}
	assert.False(t, m.Has('C'))
	cp := NewCodePages(m)
	assert.Equal(t, rune('A'), cp.Runes[0]['A'], "ASCII at its own code")
}

// TestCodePagesOrder: page 0 holds ASCII at its own codes, then from 127
// Latin-1 and commonSymbols, then every other rune the faces have follows
// in increasing order, 223 a page from code 33; Lookup finds each.
func TestCodePagesOrder(t *testing.T) {
	var faces []*Metrics
	for _, data := range [][]byte{liberationsansregular.TTF, liberationsansbold.TTF} {
		f, err := NewFace(data, "LiberationSans", func(r rune) bool { return r < 0x20 })
		require.NoError(t, err)
		faces = append(faces, f.M)
	}
	has := func(r rune) bool { return faces[0].Has(r) || faces[1].Has(r) }
	var want []rune // in order of code, from page 0's code 127
	seen := map[rune]bool{}
	add := func(r rune) {
		if has(r) && !seen[r] && (r < 0x20 || r > 0x7e) {
			seen[r] = true
			want = append(want, r)
		}
	}
	for r := rune(0xa0); r <= 0xff; r++ {
		add(r)
	}
	for _, r := range commonSymbols {
		add(r)
	}
	for r := rune(0x100); r < 0x10000; r++ {
		add(r)
	}
	cp := NewCodePages(faces...)
	var got []rune
	for pg, runes := range cp.Runes {
		for c, r := range runes {
			if r == 0 {
				continue
			}
			if pg == 0 && c >= 0x20 && c <= 0x7e {
				assert.Equal(t, rune(c), r)
			} else {
				got = append(got, r)
				if pg > 0 {
					assert.GreaterOrEqual(t, c, 33, "page %d", pg)
				}
			}
			p, code, ok := cp.Lookup(r)
			require.True(t, ok)
			assert.Equal(t, pg, p)
			assert.Equal(t, byte(c), code)
		}
	}
	assert.Equal(t, want, got)
	assert.Len(t, cp.Runes, 1+(len(want)-129+222)/223, "pages full but the last")
	_, _, ok := cp.Lookup('\u05d0')
	assert.True(t, ok, "Hebrew, which this skip keeps")
}

// TestCut: a letter's quick cut is the cut NewProgram compresses whole,
// byte for byte once inflated, and larger by what compressing its own
// tables would save.
func TestCut(t *testing.T) {
	f, err := NewFace(liberationsansregular.TTF, "LiberationSans", nil)
	require.NoError(t, err)
	cp := NewCodePages(f.M)
	f.SetWidths(cp)
	for _, text := range []string{"Łukasz Zieliński", "ł", "Ольга Петрова", "ǺǻǼǽǾǿ"} {
		keep := map[rune]bool{}
		page := -1
		for _, r := range text {
			if pg, _, _ := cp.Lookup(r); pg > 0 {
				page, keep[r] = pg, true
			}
		}
		require.Positive(t, page, "%s", text)
		whole, err := f.NewProgram(cp, 0, page, func(r rune) bool { return keep[r] }, zlib.BestCompression)
		require.NoError(t, err)
		quick, err := f.Cut(cp, 0, page, func(r rune) bool { return keep[r] })
		require.NoError(t, err)
		assert.Equal(t, inflate(t, whole.Z), inflate(t, quick.Z), "%s", text)
		assert.Equal(t, whole.Name, quick.Name)
		assert.Equal(t, whole.Size, quick.Size)
		assert.Equal(t, whole.Codes, quick.Codes)
		assert.Len(t, keep, countCodes(&quick.Codes))
		assert.Less(t, len(quick.Z), whole.Size, "the name table is compressed")
		t.Logf("%s: %d bytes, %d compressed whole, %d quick", text, whole.Size, len(whole.Z), len(quick.Z))
	}
}

func countCodes(codes *[256]rune) int {
	n := 0
	for _, r := range codes {
		if r != 0 {
			n++
		}
	}
	return n
}

func inflate(t *testing.T, z []byte) []byte {
	t.Helper()
	zr, err := zlib.NewReader(bytes.NewReader(z))
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	return b
}
