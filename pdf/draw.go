package pdf

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
	"github.com/refletter/refletter/pdf/internal/ttf"
)

// footer is the page furniture at the foot of every page: who the letter
// is about, the page number and the confidentiality line. Sizes are in
// the units of the page as laid out (see geometry).
type footer struct {
	ident []string // wrapped identity lines of the first page, clean
	conf  []string // wrapped confidentiality lines, clean
	// mark is printed in red before the page label on every page of an
	// urgent letter ("Urgent"), clean.
	mark string
	h    float64 // the furniture's height on the first page
	// rest are the identity lines of the other pages, restH the height of
	// their furniture: a standard letter's are the first page's; large
	// print's are the patient's name only, and once says that the
	// confidentiality line is on the first page only.
	rest  []string
	restH float64
	once  bool
	// sizes (pt) and leads (mm) of the identity and confidentiality lines
	size, lead, confSize, confLead float64
	// baselines of the identity and confidentiality lines
	base, confBase float64
}

const confSize, confLead = 7.5, 3.3

// markGap separates the footer's mark from the page label.
const markGap = "   "

// pageLabel is "Page X of Y".
func pageLabel(n, total int) string {
	return "Page " + strconv.Itoa(n) + " of " + strconv.Itoa(total)
}

// drawer replays units on a canvas.
type drawer struct {
	c  canvas
	fs *fontSet
	// pages encodes text for the embedded font. With nil, text is drawn
	// by plain, in core Helvetica (the benchmark floor).
	pages *ttf.CodePages
	plain func(x, y float64, s string)
	// cuts are the characters each embedded font holds, by face and code
	// page: text is checked against them as it is drawn.
	cuts [numStyles][]*[256]rune
	// current state, to skip redundant operators
	cpage  int
	st     style
	size   float64
	colour rgb
	fresh  bool
	// synced is true while the fill colour is the text colour. PDF paints
	// text in the fill colour, so fpdf wraps text of another colour in a
	// save and restore: setting both once makes each line half the size.
	synced bool
	// release frees each unit's drawing instructions once drawn, so that
	// a long letter's layout shrinks as its pages are made.
	release bool
	err     error    // the first text that could not be encoded
	run     []byte   // a run of text being drawn, reused
	boxes   []extent // the boxes of the page being drawn, reused
	// tree is the structure the drawing is marked for (see tag.go); with
	// nil, nothing is marked.
	tree      *pdfobj.Tree
	geometry      // the page being drawn on
	marked    int // the element whose content is open, artifact, or 0
	pageIndex int // from 0
	mcid      int // the page's next MCID
}

// extent is where a box is on a page.
type extent struct {
	box         int // from 1
	top, bottom float64
}

func (d *drawer) setText(page int, st style, size float64, c rgb) {
	if d.fresh || page != d.cpage || st != d.st || size != d.size {
		d.c.setFont(page, st, size)
		d.cpage, d.st, d.size = page, st, size
	}
	if d.fresh || c != d.colour || !d.synced {
		d.c.textAndFill(c)
		d.colour, d.synced = c, true
	}
	d.fresh = false
}

// text draws clean text s with its baseline starting at x, y, as one run
// for each code page it uses. In a tagged PDF, with space the line ends
// in a space, so that the words of consecutive lines stay apart in the
// structure's text; a line that ends inside a cut word has none.
func (d *drawer) text(x, y float64, st style, size float64, c rgb, s string, space bool) {
	if d.pages == nil {
		d.setText(0, st, size, c)
		d.plain(x, y, s)
		return
	}
	run := d.run[:0]
	page := -1
	flush := func() {
		if len(run) > 0 {
			d.setText(page, st, size, c)
			d.c.text(x, y, run)
			x += d.advance(st, page, run, size)
		}
		run = run[:0]
	}
	var cut *[256]rune
	for _, r := range s {
		p, code, ok := d.pages.Lookup(r)
		if ok && p != page {
			flush()
			page, cut = p, nil
			if p < len(d.cuts[st]) {
				cut = d.cuts[st][p]
			}
		}
		if !ok || cut == nil || cut[code] != r {
			// The cleaner lets through only what the font has, and every
			// character drawn was noted for the cut, so this is a bug; the
			// text is not named, since it may be patient data.
			if d.err == nil {
				d.err = fmt.Errorf("%w: internal error: a character is not in the embedded font", ErrPDF)
			}
			continue
		}
		run = append(run, code)
	}
	if d.tree != nil && space {
		// Each line ends in a space, so that text read from the structure
		// (which joins an element's lines) keeps its words apart.
		if page != 0 {
			flush()
			page = 0
		}
		run = append(run, ' ')
	}
	flush()
	d.run = run
}

// advance is the width in mm of run, codes of a code page, at size pt, as
// a viewer adds it up: from the font's widths, in thousandths of an em.
func (d *drawer) advance(st style, page int, run []byte, size float64) float64 {
	widths := &d.fs.faces[st].Widths[page]
	w := 0
	for _, c := range run {
		w += widths[c]
	}
	return float64(w) * size / 1000 * ptToMM
}

func (d *drawer) op(o op, top float64) {
	x, y, w, h := float64(o.x), top+float64(o.y), float64(o.w), float64(o.h)
	switch o.kind {
	case opText:
		d.text(x, y, o.st, float64(o.size), o.colour, o.text, !o.joined)
	case opLine:
		d.c.drawColour(o.colour)
		d.c.lineWidth(float64(o.lw))
		d.c.line(x, y, x+w, y+h)
	case opFill:
		d.c.fillColour(o.colour)
		d.synced = false
		d.c.rect(x, y, w, h, true)
	case opImage:
		d.c.image(o.pic, x, y, w, h)
	}
}

// page draws one page: box backgrounds, the units, box borders, footer.
// index counts the document's pages from 0; n counts the part's from 1.
func (d *drawer) page(l *layout, items []placed, index, n, total int, margin float64) {
	d.c.addPage()
	if d.scale != 1 {
		d.c.beginScale(d.scale)
	}
	d.fresh = true
	d.pageIndex, d.mcid = index, 0
	d.mark(artifact)
	boxes := d.boxes[:0] // the page's boxes in order of their first unit
	for _, it := range items {
		if b := int(it.u.box); b > 0 {
			i := slices.IndexFunc(boxes, func(e extent) bool { return e.box == b })
			if i < 0 {
				i = len(boxes)
				boxes = append(boxes, extent{box: b, top: it.y, bottom: it.y})
			}
			boxes[i].bottom = math.Max(boxes[i].bottom, it.y+it.u.h)
		}
	}
	d.boxes = boxes
	x0, w := margin, d.pageW-2*margin
	for _, e := range boxes {
		st := l.boxes[e.box-1]
		d.synced = false
		if st.hasFill {
			d.c.fillColour(st.fill)
			d.c.rect(x0, e.top, w, e.bottom-e.top, true)
		}
		if st.hasBar {
			d.c.fillColour(st.bar)
			d.c.rect(x0, e.top, barWidth, e.bottom-e.top, true)
		}
	}
	for _, it := range items {
		repeat := it.u.kind == kindTableHeader && it.u == &l.headers[it.u.header-1]
		for i := range it.u.ops {
			d.markOp(l, it.u, &it.u.ops[i], repeat)
			d.op(it.u.ops[i], it.y)
		}
		// A table's repeated header is drawn from l.headers; each unit
		// of l.units is drawn once.
		if d.release && it.u.kind != kindTableHeader {
			it.u.ops = nil
		}
	}
	d.mark(artifact)
	for _, e := range boxes {
		st := l.boxes[e.box-1]
		if st.hasBorder {
			d.c.drawColour(st.border)
			lw := st.borderW
			if lw == 0 {
				lw = 0.3
			}
			d.c.lineWidth(lw)
			d.c.rect(x0+lw/2, e.top, w-lw, e.bottom-e.top, false)
		}
	}
	d.footer(&l.footer, n, total, margin)
	d.mark(0)
	if d.scale != 1 {
		d.c.endScale()
	}
}

func (d *drawer) footer(f *footer, n, total int, margin float64) {
	ident, conf, h := f.ident, f.conf, f.h
	if n > 1 {
		ident, h = f.rest, f.restH
		if f.once {
			conf = nil
		}
	}
	x0, w := margin, d.pageW-2*margin
	top := d.pageH - margin - h
	d.c.drawColour(lightRule)
	d.c.lineWidth(0.3)
	d.c.line(x0, top, x0+w, top)
	y := top + 1.2
	label := pageLabel(n, total)
	lw := d.fs.faces[bold].m.width(label, f.size)
	d.text(x0+w-lw, y+f.base, bold, f.size, inkColour, label, true)
	if f.mark != "" {
		mw := d.fs.faces[bold].m.width(f.mark+markGap, f.size)
		d.text(x0+w-lw-mw, y+f.base, bold, f.size, urgentRed, f.mark, true)
	}
	for _, l := range ident {
		// Large print leaves the line beside the label empty when the
		// name fits only under it.
		if l != "" {
			d.text(x0, y+f.base, regular, f.size, inkColour, l, true)
		}
		y += f.lead
	}
	if len(ident) == 0 {
		y += f.lead
	}
	for _, l := range conf {
		d.text(x0, y+f.confBase, regular, f.confSize, greyText, l, true)
		y += f.confLead
	}
}

// pageWriter draws a document's pages as pdfobj.Finish asks for them
// (see pdfobj.Content), each into the buffer Finish gives it, which it
// compresses before asking for the next: a page's content is held only
// while it is compressed.
type pageWriter struct {
	d     *drawer
	c     *content
	parts []part
	// fonts are the names of the fonts, by face and code page ("" for
	// none); pics are the pictures fpdf was given.
	fonts [numStyles][]string
	pics  []*picture
	// total is the number of pages; next is the next page to draw, part
	// and page where it is.
	total, next, part, page int
}

// AppendPage draws page i, the next page, and appends its content to dst.
func (w *pageWriter) AppendPage(dst []byte, i int, res *pdfobj.Resources) ([]byte, error) {
	if i != w.next || i >= w.total {
		return nil, fmt.Errorf("%w: internal error: page %d asked for out of order", ErrPDF, i)
	}
	if i == 0 {
		if err := w.resources(res); err != nil {
			return nil, err
		}
	}
	for w.page == len(w.parts[w.part].pages) {
		w.part, w.page = w.part+1, 0
	}
	pt := w.parts[w.part]
	w.c.b = dst
	d := w.d
	d.geometry = pt.lay.geometry
	d.page(pt.lay, pt.pages[w.page], i, w.page+1, len(pt.pages), pt.lay.margin)
	pt.pages[w.page] = nil
	w.page++
	w.next++
	dst, w.c.b = w.c.b, nil
	if d.err != nil {
		return nil, d.err
	}
	return dst, nil
}

// resources gives the content the names fpdf gave the fonts and pictures.
func (w *pageWriter) resources(res *pdfobj.Resources) error {
	missing := func() error {
		return fmt.Errorf("%w: internal error: a font or image is not in the resources", ErrPDF)
	}
	for st, names := range w.fonts {
		w.c.fonts[st] = make([][]byte, len(names))
		for pg, name := range names {
			if name == "" {
				continue
			}
			if w.c.fonts[st][pg] = res.Font(name); w.c.fonts[st][pg] == nil {
				return missing()
			}
		}
	}
	for _, pic := range w.pics {
		name := res.Image(pic.w)
		if name == nil {
			return missing()
		}
		if w.c.images == nil {
			w.c.images = map[*picture][]byte{}
		}
		w.c.images[pic] = name
	}
	return nil
}
