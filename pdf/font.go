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

// face is one embedded TrueType face. fpdf parses and subsets the font it
// is given for every document, at a cost that grows with the font's size,
// so each face keeps cuts of the font made once per process: tiers, from
// the smallest, that a letter uses the first of which holds all its
// characters. full is the whole font, the last resort.
type face struct {
	full  []byte
	tiers []tier
	m     *metrics
}

// tier is a cut of a face's font and the runes it holds.
type tier struct {
	ttf []byte
	has []bool // indexed by BMP rune
}

// bytesFor returns the smallest font bytes that cover every rune in used.
func (f *face) bytesFor(used map[rune]struct{}) []byte {
	for _, t := range f.tiers {
		if t.covers(used) {
			return t.ttf
		}
	}
	return f.full
}

func (t *tier) covers(used map[rune]struct{}) bool {
	for r := range used {
		if int(r) >= len(t.has) || !t.has[r] {
			return false
		}
	}
	return true
}

// tierRanges are the Unicode ranges of each tier. The first holds what
// nearly every English letter uses: Latin-1 and Latin Extended-A (names
// such as Łukasz and Siobhán), typographic quotes and dashes, and the
// symbols of clinical text (≤, ≥, −, →). The second adds the rest of Latin,
// Greek, and the punctuation, currency, letter-like, arrow and mathematical
// blocks. Everything else the font has (Cyrillic) comes from the full font.
var tierRanges = [][][2]rune{
	{
		{0x20, 0x7e}, {0xa0, 0x17f}, {0x2010, 0x2027}, {0x2030, 0x203a}, {0x20ac, 0x20ac},
		{0x2122, 0x2122}, {0x2190, 0x2193}, {0x2212, 0x2212}, {0x2248, 0x2248}, {0x2260, 0x2265},
	},
	{
		{0x20, 0x7e}, {0xa0, 0x24f}, {0x2b0, 0x2ff}, {0x300, 0x36f}, {0x370, 0x3ff},
		{0x1e00, 0x1eff}, {0x2000, 0x206f}, {0x20a0, 0x20cf}, {0x2100, 0x218f},
		{0x2190, 0x21ff}, {0x2200, 0x22ff}, {0x25a0, 0x25ff},
	},
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
	// Liberation Sans has no U+FFFD, so the marker is plain ASCII, which
	// every tier holds.
	fs.marker = "[?]"
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
	f := &face{full: ttf, m: m}
	for i, ranges := range tierRanges {
		t := tier{has: make([]bool, 0x10000)}
		var cut strings.Builder
		for _, rg := range ranges {
			for r := rg[0]; r <= rg[1]; r++ {
				if m.has(r) {
					t.has[r] = true
					cut.WriteRune(r)
				}
			}
		}
		t.ttf = fpdf.UTF8CutFont(ttf, cut.String())
		// The cut must hold what it claims to, with the same widths.
		cm, err := parseMetrics(t.ttf)
		if err != nil {
			return nil, fmt.Errorf("cutting font tier %d: %w", i, err)
		}
		for r, ok := range t.has {
			if ok && (!cm.has(rune(r)) || cm.adv[r] != m.adv[r]) {
				return nil, fmt.Errorf("cutting font tier %d: rune U+%04X lost", i, r)
			}
		}
		f.tiers = append(f.tiers, t)
	}
	return f, nil
}

func (fs *fontSet) has(st style, r rune) bool { return fs.faces[st].m.has(r) }
