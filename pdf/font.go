package pdf

import (
	"fmt"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"
	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"
)

const ptToMM = 25.4 / 72

// style is a face of the letter's font family.
type style uint8

const (
	regular style = iota
	bold
	numStyles
)

// fpdfStyle is the style string fpdf uses for each face.
var fpdfStyle = [numStyles]string{regular: "", bold: "B"}

const family = "liberationsans"

// face is one embedded TrueType face. full is the whole font; common is a
// cut of it holding only the runes of commonRanges, made once per process.
// fpdf parses and subsets whichever it is given for every document, and
// the cut is an eighth of the size, so most letters use it; a letter with a
// rune outside it falls back to the full font for that face.
type face struct {
	full     []byte
	common   []byte
	inCommon []bool // indexed by BMP rune
	m        *metrics
}

// bytesFor returns the font bytes that cover every rune in used.
func (f *face) bytesFor(used map[rune]struct{}) []byte {
	for r := range used {
		if int(r) >= len(f.inCommon) || !f.inCommon[r] {
			return f.full
		}
	}
	return f.common
}

// commonRanges are the Unicode ranges cut into the common font: Latin in
// all its European forms, Greek (clinical letters use α, β, γ), and the
// punctuation, currency, letter-like, arrow and mathematical symbols that
// clinical text uses. Liberation Sans also covers Cyrillic and Hebrew,
// which the full font serves.
var commonRanges = [][2]rune{
	{0x20, 0x7e}, {0xa0, 0x24f}, {0x2b0, 0x2ff}, {0x300, 0x36f}, {0x370, 0x3ff},
	{0x1e00, 0x1eff}, {0x2000, 0x206f}, {0x20a0, 0x20cf}, {0x2100, 0x218f},
	{0x2190, 0x21ff}, {0x2200, 0x22ff}, {0x25a0, 0x25ff}, {0xfffd, 0xfffd},
}

// fontSet is the letter's font family, loaded once per process.
type fontSet struct {
	faces  [numStyles]*face
	marker string // shown in place of text the font cannot show
}

var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	fs := &fontSet{}
	for st, ttf := range [numStyles][]byte{regular: liberationsansregular.TTF, bold: liberationsansbold.TTF} {
		f, err := newFace(ttf)
		if err != nil {
			return nil, fmt.Errorf("pdf: loading Liberation Sans %q: %w", fpdfStyle[st], err)
		}
		fs.faces[st] = f
	}
	fs.marker = "[?]"
	if fs.has(regular, '\ufffd') && fs.has(bold, '\ufffd') {
		fs.marker = "\ufffd"
	}
	return fs, nil
})

// rightToLeft are the right-to-left ranges Liberation Sans has glyphs for
// (Hebrew). fpdf draws text left to right only, so Hebrew would print
// backwards: it is treated as text the font cannot show.
var rightToLeft = [][2]rune{{0x0590, 0x05ff}, {0xfb1d, 0xfb4f}}

func newFace(ttf []byte) (*face, error) {
	m, err := parseMetrics(ttf)
	if err != nil {
		return nil, err
	}
	for _, rg := range rightToLeft {
		for r := rg[0]; r <= rg[1]; r++ {
			m.adv[r] = -1
		}
	}
	f := &face{full: ttf, m: m, inCommon: make([]bool, 0x10000)}
	var cut strings.Builder
	for _, rg := range commonRanges {
		for r := rg[0]; r <= rg[1]; r++ {
			if m.has(r) {
				f.inCommon[r] = true
				cut.WriteRune(r)
			}
		}
	}
	f.common = fpdf.UTF8CutFont(ttf, cut.String())
	// The cut must cover what it claims to, with the same widths.
	cm, err := parseMetrics(f.common)
	if err != nil {
		return nil, fmt.Errorf("cutting the common font: %w", err)
	}
	for r, ok := range f.inCommon {
		if ok && (!cm.has(rune(r)) || cm.adv[r] != m.adv[r]) {
			return nil, fmt.Errorf("cutting the common font: rune U+%04X lost", r)
		}
	}
	return f, nil
}

func (fs *fontSet) has(st style, r rune) bool { return fs.faces[st].m.has(r) }
