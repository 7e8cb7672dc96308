package pdf

import (
	"compress/zlib"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"

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

// psName is the PostScript name of each face.
var psName = [numStyles]string{regular: "LiberationSans", bold: "LiberationSans-Bold"}

// pageFamily is fpdf's family name for a code page.
func pageFamily(page int) string { return "liberationsans" + strconv.Itoa(page) }

// face is one TrueType face of the family.
type face struct {
	ttf  []byte
	name string // PostScript name
	m    *metrics
	// widths are the advance of each code of each code page, in
	// thousandths of an em, as the PDF gives them.
	widths [][256]int
	// page0 is the cut for code page 0, which every letter uses, made once
	// and shared by concurrent renders: nothing may change its bytes (fpdf
	// would encrypt them in place, were encryption ever turned on).
	page0 func() (*program, error)
}

// program is a font program ready to embed: a cut of a face for one code
// page, compressed, and what the PDF says of it.
type program struct {
	file  string // fpdf's key for it; ".z" tells fpdf it is compressed
	name  string // PostScript name with its subset tag
	z     []byte
	size  int       // before compression
	codes [256]rune // the character of each code the cut has, 0 for none
}

// program returns a program for code page page that holds the runes of
// used on it. Page 0's is cut once per process, whole. The other pages are
// cut for each letter, to the characters it uses: few letters need them,
// and a whole page would add half again to a letter's size.
func (f *face) program(cp *codePages, st style, page int, used map[rune]struct{}) (*program, error) {
	switch {
	case page == 0:
		return f.page0()
	case page < 0 || page >= len(cp.runes):
		return nil, fmt.Errorf("pdf: no code page %d", page)
	}
	return f.newProgram(cp, st, page, func(r rune) bool {
		_, ok := used[r]
		return ok
	})
}

// newProgram cuts from f the characters of code page page that keep
// accepts, and compresses the cut.
func (f *face) newProgram(cp *codePages, st style, page int, keep func(rune) bool) (*program, error) {
	p := &program{file: "liberationsans-" + strconv.Itoa(int(st)) + "-" + strconv.Itoa(page) + ".z"}
	for c, r := range cp.runes[page] {
		if r != 0 && f.m.has(r) && keep(r) {
			p.codes[c] = r
		}
	}
	cut, err := subsetFont(f.ttf, &p.codes)
	if err != nil {
		return nil, err
	}
	if p.z, err = compress(nil, cut, zlib.BestCompression); err != nil {
		return nil, err
	}
	p.size = len(cut)
	p.name = subsetTag(cut, st, page) + "+" + f.name
	return p, nil
}

// subsetTag is the six capital letters PDF puts before the name of a
// subset font. The last two are the face and the page, so a letter's fonts
// never share a name; the first four come from the cut, so that different
// cuts of a page (each letter's own) differ too, even in merged files.
func subsetTag(cut []byte, st style, page int) string {
	h := fnv.New64a()
	h.Write(cut)
	v := h.Sum64()
	var tag [6]byte
	for i := range 4 {
		tag[i] = 'A' + byte(v%26)
		v /= 26
	}
	tag[4], tag[5] = 'A'+byte(st), 'A'+byte(page)
	return string(tag[:])
}

// fontSet is the letter's font family, loaded once per process.
type fontSet struct {
	faces  [numStyles]*face
	pages  *codePages
	marker string // shown in place of text the font cannot show
}

var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	fs := &fontSet{}
	for st, ttf := range [numStyles][]byte{regular: liberationsansregular.TTF, bold: liberationsansbold.TTF} {
		f, err := newFace(ttf, psName[st])
		if err != nil {
			return nil, fmt.Errorf("pdf: loading Liberation Sans %q: %w", fpdfStyle[st], err)
		}
		fs.faces[st] = f
	}
	fs.pages = newCodePages(func(r rune) bool { return fs.faces[regular].m.has(r) || fs.faces[bold].m.has(r) })
	if len(fs.pages.runes) > 26 {
		return nil, fmt.Errorf("pdf: %d code pages, more than subset tags can name", len(fs.pages.runes))
	}
	for st, f := range fs.faces {
		f.widths = make([][256]int, len(fs.pages.runes))
		for pg, runes := range fs.pages.runes {
			for c, r := range runes {
				if r != 0 && f.m.has(r) {
					f.widths[pg][c] = f.m.em(float64(f.m.adv[r]))
				}
			}
		}
		f.page0 = sync.OnceValues(func() (*program, error) {
			return f.newProgram(fs.pages, style(st), 0, func(rune) bool { return true })
		})
		// Cut page 0 now, so that a problem shows at NewRenderer.
		if _, err := f.page0(); err != nil {
			return nil, fmt.Errorf("pdf: cutting Liberation Sans %q: %w", fpdfStyle[st], err)
		}
	}
	// Liberation Sans has no U+FFFD, so the marker is plain ASCII, which
	// page 0 holds.
	fs.marker = "[?]"
	return fs, nil
})

// rightToLeft are the right-to-left ranges Liberation Sans has glyphs for
// (Hebrew). fpdf draws text left to right only, so Hebrew would print
// backwards: it is treated as text the font cannot show.
var rightToLeft = [][2]rune{{0x0590, 0x05ff}, {0xfb1d, 0xfb4f}}

func newFace(ttf []byte, name string) (*face, error) {
	m, err := parseMetrics(ttf)
	if err != nil {
		return nil, err
	}
	for _, rg := range rightToLeft {
		for r := rg[0]; r <= rg[1]; r++ {
			m.adv[r] = -1
		}
	}
	for r := range rune(0x20) {
		m.adv[r] = -1 // control characters are never drawn
	}
	return &face{ttf: ttf, name: name, m: m}, nil
}
