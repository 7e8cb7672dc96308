package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
	"github.com/refletter/refletter/referral"
)

// Renderer renders letters with fixed options. Its work per process and
// per option (loading the font, preparing images) is done once, by
// NewRenderer; Render is safe for concurrent use.
type Renderer struct {
	cfg       config
	fs        *fontSet
	logo, sig *picture
}

// NewRenderer returns a Renderer with the given options. It fails with an
// *OptionError (matching ErrOption) when an option's input is unusable,
// such as a logo that is not a PNG or JPEG image.
func NewRenderer(opts ...Option) (*Renderer, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	r := &Renderer{cfg: defaultConfig(), fs: fs}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.apply(&r.cfg); err != nil {
			return nil, err
		}
	}
	if r.cfg.logo != nil {
		if r.logo, err = preparePicture("WithLogo", "logo", r.cfg.logo); err != nil {
			return nil, err
		}
	}
	if r.cfg.signature != nil {
		if r.sig, err = preparePicture("WithSignature", "signature", r.cfg.signature); err != nil {
			return nil, err
		}
		if r.logo != nil && r.logo.w == r.sig.w {
			if err := r.sig.widen(); err != nil {
				return nil, &OptionError{Option: "WithSignature", Reason: "cannot prepare the image", Err: err}
			}
		}
	}
	return r, nil
}

var defaultRenderer = sync.OnceValues(func() (*Renderer, error) { return NewRenderer() })

// Render renders l as a PDF to w with the given options. Without options it
// uses a Renderer shared by the process; with options it makes one, so a
// program rendering many letters with options should use NewRenderer.
//
// The returned warnings name the fields whose text had to be changed to be
// printed (see Warning). On error nothing is written to w.
func Render(w io.Writer, l *referral.Letter, opts ...Option) ([]Warning, error) {
	var r *Renderer
	var err error
	if len(opts) == 0 {
		r, err = defaultRenderer()
	} else {
		r, err = NewRenderer(opts...)
	}
	if err != nil {
		return nil, err
	}
	return r.Render(w, l)
}

// Render renders l as an A4 PDF to w. It prints every block of the letter
// in order, adds the page furniture from l.Meta to every page (in large
// print, a shorter one after the first: see the package doc), and returns
// warnings for text it had to change (see Warning). The PDF is built in
// memory and written to w only when complete: on error nothing is written.
func (r *Renderer) Render(w io.Writer, l *referral.Letter) (warnings []Warning, err error) {
	return r.RenderAll(w, l)
}

// build makes the whole PDF in memory: the letters one after another,
// each a part with its own page furniture.
func (r *Renderer) build(ls ...*referral.Letter) (pdf []byte, warnings []Warning, err error) {
	defer func() {
		// fpdf panics on some internal failures; none may escape, and the
		// panic value is not reported since it may hold text.
		if recover() != nil {
			pdf, warnings, err = nil, nil, fmt.Errorf("%w: internal error", ErrPDF)
		}
	}()
	var names []string // a character replaced in a name's word is blamed on the patient
	for _, l := range ls {
		names = append(names, l.Meta.Patient.Name)
	}
	c := newCleaner(r.fs, strings.Join(names, " "))
	tree := pdfobj.NewTree() // one structure for the whole document
	parts := make([]part, len(ls))
	for i, l := range ls {
		lay, err := r.layout(l, c, tree)
		if err != nil {
			return nil, nil, err
		}
		parts[i] = part{lay, paginate(lay)}
	}
	pdf, err = r.draw(parts, &ls[0].Meta, c)
	if err != nil {
		return nil, nil, err
	}
	return pdf, c.warnings(), nil
}

// layout lays out the letter's blocks and the footer, adding the letter's
// structure to tree.
func (r *Renderer) layout(l *referral.Letter, c *cleaner, tree *pdfobj.Tree) (*layout, error) {
	g := r.geometry(&l.Meta)
	m := g.margin
	b := &builder{fs: r.fs, c: c, cfg: &r.cfg, logo: r.logo, sig: r.sig, x0: m, w: g.pageW - 2*m,
		out:     &layout{units: make([]unit, 0, unitCount(l)), tree: tree, figures: map[*picture]int{}, geometry: g, signOff: -1},
		stacked: -1}
	tree.Grow(elemCount(l))
	tree.Reserve(0, len(l.Blocks))
	b.out.footer = b.footer(&l.Meta)
	if b.out.footer.h > maxFooter {
		return nil, ErrFurnitureTooLong
	}
	b.out.top = m
	b.out.bottom = g.pageH - m - b.out.footer.restH - 3
	b.out.firstExtra = b.out.footer.h - b.out.footer.restH
	b.maxH = b.out.bottom - b.out.firstExtra - b.out.top
	for i, blk := range l.Blocks {
		n := len(b.out.units)
		b.cur = b.out.tree.Add(blockRole(blk), 0)
		b.beforeSignature, b.nextSignature = false, nil
		if i+1 < len(l.Blocks) {
			if s, ok := l.Blocks[i+1].(*referral.Signature); ok && s != nil {
				b.beforeSignature = true
				b.nextSignature = append([]string{s.Closing}, s.Lines...)
			}
		}
		if err := b.block(i, blk); err != nil {
			return nil, err
		}
		b.tagRest(b.out.units[n:])
		if _, isHeading := blk.(*referral.Heading); !isHeading {
			b.gap(blockGap)
		}
	}
	keepSignOff(b.out)
	return b.out, nil
}

// geometry is the page a letter is laid out on. Large print is laid out
// on a smaller page, scale times smaller than A4, and drawn scaled up to
// fill A4: every size (text, rules, images, gaps) grows by scale, and no
// layout rule changes.
type geometry struct {
	scale        float64
	pageW, pageH float64 // mm, before scaling
	margin       float64 // mm, before scaling
}

// largeMargin is the most, in mm, large print widens the margins to.
const largeMargin = 30

// geometry returns the page for a letter: A4 with the configured margins,
// or for text larger than the body's default, A4 scaled down so that the
// body text prints at that size, with margins widened to match (up to
// largeMargin, or the configured margin if wider).
func (r *Renderer) geometry(meta *referral.Meta) geometry {
	size := r.cfg.textSize
	size = max(size, meta.TextSize) // RenderAll checks its range
	g := geometry{scale: 1, pageW: pageW, pageH: pageH, margin: r.cfg.margin}
	if size > bodySize {
		g.scale = size / bodySize
		real := min(r.cfg.margin*g.scale, max(r.cfg.margin, largeMargin))
		g.pageW, g.pageH, g.margin = pageW/g.scale, pageH/g.scale, real/g.scale
	}
	return g
}

// maxFooter is the most of each page, in mm, the page furniture may take.
const maxFooter = 40

// The furniture of large print is printed at least as large as the
// smallest large print, and no larger than the top of the usual range,
// in pt: scaled with the body it would take a third of a 36 pt page.
const (
	largeFurnitureMin = 14.0
	largeFurnitureMax = 18.0
)

// footer lays out the page furniture: the patient's name, date of birth and
// NHS number, the page label and the confidentiality line. Large print's
// furniture is compact: its text is from largeFurnitureMin to
// largeFurnitureMax pt, and after the first page it is only the patient's
// name beside the page label.
func (b *builder) footer(meta *referral.Meta) footer {
	f := footer{size: tinySize, lead: tinyLead, confSize: confSize, confLead: confLead}
	large := b.out.scale != 1
	if large {
		pt := min(max(tinySize*b.out.scale, largeFurnitureMin), largeFurnitureMax)
		f.size = math.Round(pt/b.out.scale*100) / 100 // as the PDF writes it
		f.lead = f.size * tinyLead / tinySize
		f.confSize, f.confLead = f.size, f.lead
	}
	f.base = b.baseline(f.size, f.lead)
	f.confBase = b.baseline(f.confSize, f.confLead)

	var who, more []string // the patient's name, and the rest of the identity
	add := func(to *[]string, prefix, s, field string) {
		if s = strings.TrimSpace(s); s != "" {
			*to = append(*to, prefix+b.c.clean(s, regular, field))
		}
	}
	add(&who, "", meta.Patient.Name, "patient")
	add(&more, "Date of birth ", meta.Patient.DateOfBirth, "patient.dateOfBirth")
	add(&more, "NHS number ", meta.Patient.NHSNumber, "patient.nhsNumber")
	if s := strings.TrimSpace(meta.PageMark); s != "" {
		f.mark = b.c.clean(s, bold, "priority")
		if strings.ContainsRune(f.mark, '\n') || b.m(bold).width(f.mark, f.size) > b.w/4 {
			f.mark = ""
			who = append([]string{b.c.clean(s, regular, "priority")}, who...)
		}
	}
	labelW := b.m(bold).width(pageLabel(999, 999), f.size)
	if f.mark != "" {
		labelW += b.m(bold).width(f.mark+markGap, f.size)
		b.c.note(f.mark, bold)
	}
	b.c.note(pageLabel(1234567890, 1234567890), bold)
	beside := b.w - labelW - 4 // the width beside the page label
	if !large {
		f.ident = trimBlank(wrap(b.m(regular), strings.Join(append(who, more...), identSep), f.size, beside))
		f.rest = f.ident
	} else {
		f.ident = b.pack(append(who, more...), f.size, beside, b.w)
		f.rest = b.pack(who, f.size, beside, b.w)
	}
	conf := b.c.clean(strings.TrimSpace(meta.Confidentiality), regular, "meta.confidentiality")
	f.conf = trimBlank(wrap(b.m(regular), conf, f.confSize, b.w))
	f.once = large
	for _, ls := range [][]string{f.ident, f.conf} {
		for _, s := range ls {
			b.c.note(s, regular)
		}
	}
	f.h = 1.2 + float64(max(1, len(f.ident)))*f.lead + float64(len(f.conf))*f.confLead
	f.restH = f.h
	if large {
		f.restH = 1.2 + float64(max(1, len(f.rest)))*f.lead
	}
	return f
}

// identSep separates the parts of the patient's identity in the footer.
const identSep = "   ·   "

// pack sets parts of the footer on lines, joined by identSep, the first
// line first wide and the others rest wide. A part that fits on a line is
// never broken: when it does not fit beside the page label, the first
// line is left empty. A part too long for any line is wrapped.
func (b *builder) pack(parts []string, size, first, rest float64) []string {
	m := b.m(regular)
	fits := func(s string, w float64) bool { return !strings.ContainsRune(s, '\n') && m.width(s, size) <= w }
	var out []string
	line, width := "", first
	for _, p := range parts {
		if line != "" {
			if fits(line+identSep+p, width) {
				line += identSep + p
				continue
			}
			out = append(out, line)
			line, width = "", rest
		}
		switch {
		case fits(p, width):
			line = p
		case len(out) == 0 && fits(p, rest):
			out = append(out, "")
			line, width = p, rest
		default:
			ls := trimBlank(wrap(m, p, size, width))
			if len(ls) == 0 {
				continue
			}
			out = append(out, ls[:len(ls)-1]...)
			line = ls[len(ls)-1]
			if len(out) > 0 {
				width = rest
			}
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// metaText makes s safe for fpdf's document information: valid UTF-8 in
// the Basic Multilingual Plane (fpdf mangles anything else), with control
// characters as spaces. Viewers show these strings, not the font, so
// nothing is lost to the font here.
func metaText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, r > 0xffff:
			return '\ufffd'
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s))
}

// isLangTag reports whether s has the shape of a language tag, which PDF
// writes as given: a language of two or three letters, then any number of
// subtags of one to eight letters or digits, each after a hyphen
// (^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$).
func isLangTag(s string) bool {
	part, n := 0, 0 // the part, and its length so far
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '-' {
			if part == 0 && (n < 2 || n > 3) || n < 1 || n > 8 {
				return false
			}
			part, n = part+1, 0
			continue
		}
		c := s[i]
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (part == 0 || c < '0' || c > '9') {
			return false
		}
		n++
	}
	return true
}

// draw makes the PDF of the parts with fpdf, its document information
// from meta. fpdf makes the document; the pages' content is drawn as
// pdfobj.Finish reaches each page (see pageWriter). It empties the
// layouts as it goes.
func (r *Renderer) draw(parts []part, meta *referral.Meta, c *cleaner) ([]byte, error) {
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	p.SetMargins(r.cfg.margin, r.cfg.margin, r.cfg.margin)
	p.SetAutoPageBreak(false, r.cfg.margin)
	p.SetCompression(false) // finish compresses the pages
	p.SetCatalogSort(true)
	created := r.cfg.created
	if created.IsZero() {
		created = meta.Date.Time()
		if !meta.Date.Valid() {
			created = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		}
	}
	p.SetCreationDate(created)
	p.SetModificationDate(created)
	title := metaText(meta.Title)
	if title == "" {
		title = "Referral letter"
	}
	p.SetTitle(title, true)
	p.SetSubject(metaText(meta.Subject), true)
	p.SetAuthor(metaText(meta.Author), true)
	creator := metaText(meta.Creator)
	if creator == "" {
		creator = "refletter"
	}
	p.SetCreator(creator, true)
	p.SetProducer("refletter/pdf with go-pdf/fpdf", true)
	lang := meta.Language
	if !isLangTag(lang) {
		lang = "en-GB"
	}
	p.SetLang(lang)

	fonts := map[string]*pdfobj.Font{} // for finish
	tree := parts[0].lay.tree          // the parts share it
	d := &drawer{fs: r.fs, pages: r.fs.pages, release: true, tree: tree}
	w := &pageWriter{d: d, parts: parts}
	for st, f := range r.fs.faces {
		d.cuts[st] = make([]*[256]rune, len(r.fs.pages.Runes))
		w.fonts[st] = make([]string, len(r.fs.pages.Runes))
		for _, pg := range r.fs.pages.PagesOf(c.used[st]) {
			font, err := f.font(r.fs.pages, style(st), pg, c.used[st])
			if err != nil {
				return nil, fmt.Errorf("%w: cutting the font: %w", ErrPDF, err)
			}
			// fpdf is given a stand-in, which finish replaces with the
			// font; the page writer names the font as fpdf names its
			// stand-in.
			name := standIn(style(st), pg)
			p.AddFontFromBytes(pageFamily(pg), fpdfStyle[st], pdfobj.StandIn(name), nil)
			fonts[name] = font
			d.cuts[st][pg] = font.Codes
			w.fonts[st][pg] = name
		}
	}
	for _, pic := range []*picture{r.logo, r.sig} {
		if pic != nil {
			p.RegisterImageOptionsReader(pic.name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(pic.png))
			w.pics = append(w.pics, pic)
		}
	}
	// fpdf's pages hold only a mark: Finish asks w for their content.
	for _, pt := range parts {
		for range pt.pages {
			p.AddPage()
			p.RawWriteStr(pdfobj.PageMark)
			w.total++
		}
	}
	_, h := p.GetPageSize()
	w.c = newContent(p.GetConversionRatio(), h, p.GetLineWidth())
	d.c = w.c
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPDF, err)
	}
	if tree != nil {
		tree.Pages = w.total
	}
	out := finisher{fonts: fonts, tree: tree, content: w}
	if err := p.Output(&out); err != nil {
		if d.err != nil {
			return nil, d.err
		}
		return nil, fmt.Errorf("%w: %w", ErrPDF, err)
	}
	if out.pdf == nil {
		return nil, errors.New("pdf: the PDF library produced no output")
	}
	if w.next != w.total {
		return nil, fmt.Errorf("%w: internal error: a page was not drawn", ErrPDF)
	}
	return out.pdf, nil
}

// finisher takes fpdf's output, which fpdf writes in one call, and keeps
// it finished (see pdfobj.Finish), the pages drawn by content as Finish
// asks for them. Finishing as it is written saves holding a copy of
// fpdf's output.
type finisher struct {
	fonts   map[string]*pdfobj.Font
	tree    *pdfobj.Tree
	content pdfobj.Content
	pdf     []byte
}

func (d *finisher) Write(b []byte) (int, error) {
	if d.pdf != nil {
		return 0, pdfobj.ErrLayout
	}
	pdf, err := pdfobj.Finish(b, d.fonts, d.tree, d.content)
	if err != nil {
		return 0, err
	}
	d.pdf = pdf
	return len(b), nil
}
