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
	// tiers are cuts of the face made once per process: tier k holds the
	// glyphs of code pages 0 to k. A letter whose characters fall beyond
	// the last tier gets a cut of its own.
	tiers [2]*program
}

// program is a font program ready to embed: a cut of a face, compressed.
type program struct {
	file string // fpdf's key for it; ".z" tells fpdf it is compressed
	tag  string // the subset tag of its PostScript name
	z    []byte
	size int // before compression
}

// newProgram cuts runes from f and compresses the cut.
func (f *face) newProgram(file string, runes []rune) (*program, error) {
	cut, err := subsetFont(f.ttf, runes)
	if err != nil {
		return nil, err
	}
	z, err := compress(nil, cut, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	return &program{file: file, tag: subsetTag(cut), z: z, size: len(cut)}, nil
}

// subsetTag is the six capital letters PDF puts before the name of a
// subset font, made from the cut so that different cuts differ.
func subsetTag(cut []byte) string {
	h := fnv.New32a()
	h.Write(cut)
	v := h.Sum32()
	var tag [6]byte
	for i := range tag {
		tag[i] = 'A' + byte(v%26)
		v /= 26
	}
	return string(tag[:])
}

// programFor returns the font program that holds every rune in used.
func (f *face) programFor(cp *codePages, st style, used map[rune]struct{}) (*program, error) {
	last := 0
	for r := range used {
		if p, _, ok := cp.lookup(r); ok {
			last = max(last, p)
		}
	}
	if last < len(f.tiers) {
		return f.tiers[last], nil
	}
	runes := make([]rune, 0, len(used))
	for r := range used {
		runes = append(runes, r)
	}
	return f.newProgram(fpdfFile(st, "cut"), runes)
}

func fpdfFile(st style, cut string) string {
	return "liberationsans-" + strconv.Itoa(int(st)) + "-" + cut + ".z"
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
	for st, f := range fs.faces {
		var runes []rune
		for i := range f.tiers {
			for _, r := range fs.pages.runes[i] {
				if r != 0 {
					runes = append(runes, r)
				}
			}
			p, err := f.newProgram(fpdfFile(style(st), strconv.Itoa(i)), runes)
			if err != nil {
				return nil, fmt.Errorf("pdf: cutting Liberation Sans %q: %w", fpdfStyle[st], err)
			}
			f.tiers[i] = p
		}
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

func (fs *fontSet) has(st style, r rune) bool { return fs.faces[st].m.has(r) }
