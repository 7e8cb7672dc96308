package pdf

import (
	"compress/zlib"
	_ "embed"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
	"github.com/refletter/refletter/pdf/internal/ttf"
)

const ptToMM = ttf.PtToMM

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

// metrics are what the layout asks of a face: coverage and widths.
type metrics struct {
	*ttf.Metrics
	unitsPerEm, ascent, descent float64
}

func (m *metrics) has(r rune) bool                        { return m.Has(r) }
func (m *metrics) width(s string, size float64) float64   { return m.Width(s, size) }
func (m *metrics) runeWidth(r rune, size float64) float64 { return m.RuneWidth(r, size) }

// face is one face of the family.
type face struct {
	*ttf.Face
	m *metrics
	// page0 is the cut for code page 0, which every letter uses, made once
	// and shared by concurrent renders: nothing may change its bytes.
	page0 func() (*ttf.Program, error)
	// font0 is page 0's font, whole, made once: every letter's PDF
	// copies the same objects.
	font0 func() (*pdfobj.Font, error)
}

// standIn is the name fpdf knows the font of a face and code page by (see
// pdfobj.StandIn).
func standIn(st style, page int) string {
	return "refletter-" + strconv.Itoa(int(st)) + "-" + strconv.Itoa(page)
}

// font returns the font for code page page that holds the runes of used
// on it (see program). Page 0's is made once per process and shared.
func (f *face) font(cp *ttf.CodePages, st style, page int, used map[rune]struct{}) (*pdfobj.Font, error) {
	if page == 0 {
		return f.font0()
	}
	prog, err := f.program(cp, st, page, used)
	if err != nil {
		return nil, err
	}
	cmap, err := pdfobj.ToUnicode(&prog.Codes, false)
	if err != nil {
		return nil, err
	}
	return f.pdfFont(prog, page, cmap), nil
}

// makeFont0 makes page 0's font, with cmap its compressed ToUnicode CMap,
// the prebuilt one (see page0CMap); nil makes it.
func (f *face) makeFont0(cmap []byte) (*pdfobj.Font, error) {
	prog, err := f.page0()
	if err != nil {
		return nil, err
	}
	if cmap == nil {
		if cmap, err = pdfobj.ToUnicode(&prog.Codes, true); err != nil {
			return nil, err
		}
	}
	return f.pdfFont(prog, 0, cmap), nil
}

// pdfFont is the font of program prog for a code page, with ToUnicode
// CMap cmap.
func (f *face) pdfFont(prog *ttf.Program, page int, cmap []byte) *pdfobj.Font {
	return &pdfobj.Font{Name: prog.Name, Codes: &prog.Codes, Widths: &f.Widths[page], Desc: f.Descriptor(),
		Program: prog.Z, Length1: prog.Size, CMap: cmap}
}

// program returns a program for code page page that holds the runes of
// used on it. Page 0's is cut once per process, whole, and compressed
// hard. The other pages are cut for each letter, to the characters it
// uses: few letters need them, and a whole page would add half again to a
// letter's size. Their cuts are small and made quickly (see ttf's Cut):
// compressing them took most of a letter's font time and saved little.
func (f *face) program(cp *ttf.CodePages, st style, page int, used map[rune]struct{}) (*ttf.Program, error) {
	if page == 0 {
		return f.page0()
	}
	return f.Cut(cp, int(st), page, func(r rune) bool {
		_, ok := used[r]
		return ok
	})
}

// Page 0's programs are cut and compressed by go generate, since doing it
// was most of a fresh process's time before its first letter, and so are
// their ToUnicode CMaps. They are used when the font file and page 0's
// characters are those they were made from (see prebuilt); otherwise they
// are made as the process starts. TestPage0Generated fails when they are
// not what cutting makes.
//
//go:generate go test -run ^TestPage0Generated$ -generate

//go:embed page0/0.z
var page0Regular []byte

//go:embed page0/1.z
var page0Bold []byte

//go:embed page0/0.cmap.z
var page0RegularCMap []byte

//go:embed page0/1.cmap.z
var page0BoldCMap []byte

// Page 0's embedded programs and CMaps are used in place, never copied:
// nothing may change their bytes.
var (
	page0Z    = [numStyles][]byte{regular: page0Regular, bold: page0Bold}
	page0CMap = [numStyles][]byte{regular: page0RegularCMap, bold: page0BoldCMap}
)

// prebuilt is what go generate records of page 0's program for a face:
// the Sum of the font file and codesSum of the page it was cut from, and
// the program's size before compression and its name.
type prebuilt struct {
	sum, codes uint64
	size       int
	name       string
}

// codesSum is a hash of the characters of page that face f has.
func codesSum(page *[256]rune, f *face) uint64 {
	b := make([]byte, 0, 3*len(page))
	for _, r := range page {
		if r == 0 || !f.M.Has(r) {
			r = 0
		}
		b = utf8.AppendRune(b, r)
	}
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

// fontSet is the letter's font family, loaded once per process.
type fontSet struct {
	faces  [numStyles]*face
	pages  *ttf.CodePages
	marker string // shown in place of text the font cannot show
}

var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	fs := &fontSet{}
	for st, data := range [numStyles][]byte{regular: liberationsansregular.TTF, bold: liberationsansbold.TTF} {
		f, err := ttf.NewFace(data, psName[st], unprintable)
		if err != nil {
			return nil, fmt.Errorf("pdf: loading Liberation Sans %q: %w", fpdfStyle[st], err)
		}
		m := f.M
		fs.faces[st] = &face{Face: f, m: &metrics{Metrics: m, unitsPerEm: m.UnitsPerEm, ascent: m.Ascent, descent: m.Descent}}
	}
	fs.pages = ttf.NewCodePages(fs.faces[regular].M, fs.faces[bold].M)
	if len(fs.pages.Runes) > 26 {
		return nil, fmt.Errorf("pdf: %d code pages, more than subset tags can name", len(fs.pages.Runes))
	}
	for st, f := range fs.faces {
		f.SetWidths(fs.pages)
		g := page0Gen[st]
		usePrebuilt := g.sum != 0 && g.sum == f.Sum() && g.codes == codesSum(&fs.pages.Runes[0], f)
		f.page0 = sync.OnceValues(func() (*ttf.Program, error) {
			if usePrebuilt {
				return f.Prebuilt(fs.pages, st, 0, page0Z[st], g.size, g.name)
			}
			return f.NewProgram(fs.pages, st, 0, func(rune) bool { return true }, zlib.BestCompression)
		})
		f.font0 = sync.OnceValues(func() (*pdfobj.Font, error) {
			if usePrebuilt {
				return f.makeFont0(page0CMap[st])
			}
			return f.makeFont0(nil)
		})
		// Cut page 0 now, so that a problem shows at NewRenderer.
		if _, err := f.font0(); err != nil {
			return nil, fmt.Errorf("pdf: cutting Liberation Sans %q: %w", fpdfStyle[st], err)
		}
	}
	// Liberation Sans has no U+FFFD, so the marker is plain ASCII, which
	// page 0 holds.
	fs.marker = "[?]"
	return fs, nil
})

// unprintable reports the runes never drawn though the font has them:
// control characters, and the right-to-left ranges Liberation Sans has
// glyphs for (Hebrew). fpdf draws text left to right only, so Hebrew would
// print backwards: it is treated as text the font cannot show.
func unprintable(r rune) bool {
	return r < 0x20 || r >= 0x0590 && r <= 0x05ff || r >= 0xfb1d && r <= 0xfb4f
}
