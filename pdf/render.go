package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
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
// in order, adds the page furniture from l.Meta to every page, and returns
// warnings for text it had to change (see Warning). The PDF is built in
// memory and written to w only when complete: on error nothing is written.
func (r *Renderer) Render(w io.Writer, l *referral.Letter) (warnings []Warning, err error) {
	if l == nil {
		return nil, ErrNoLetter
	}
	if len(l.Blocks) == 0 {
		return nil, ErrEmptyLetter
	}
	if t := l.Meta.TextSize; t != 0 && !(t >= bodySize && t <= maxTextSize) {
		return nil, ErrTextSize
	}
	pdf, warnings, err := r.build(l)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(pdf); err != nil {
		return nil, fmt.Errorf("pdf: writing the PDF: %w", err)
	}
	return warnings, nil
}

// build makes the whole PDF in memory.
func (r *Renderer) build(l *referral.Letter) (pdf []byte, warnings []Warning, err error) {
	defer func() {
		// fpdf panics on some internal failures; none may escape, and the
		// panic value is not reported since it may hold text.
		if recover() != nil {
			pdf, warnings, err = nil, nil, fmt.Errorf("%w: internal error", ErrPDF)
		}
	}()
	c := newCleaner(r.fs)
	lay, err := r.layout(l, c)
	if err != nil {
		return nil, nil, err
	}
	pages := paginate(lay)
	pdf, err = r.draw(lay, pages, &l.Meta, c)
	if err != nil {
		return nil, nil, err
	}
	return pdf, c.warnings(), nil
}

// layout lays out the letter's blocks and the footer.
func (r *Renderer) layout(l *referral.Letter, c *cleaner) (*layout, error) {
	g := r.geometry(&l.Meta)
	m := g.margin
	b := &builder{fs: r.fs, c: c, cfg: &r.cfg, logo: r.logo, sig: r.sig, x0: m, w: g.pageW - 2*m,
		out: &layout{tree: pdfobj.NewTree(), figures: map[*picture]int{}, geometry: g}}
	b.out.footer = b.footer(&l.Meta)
	if b.out.footer.h > maxFooter {
		return nil, ErrFurnitureTooLong
	}
	b.out.top = m
	b.out.bottom = g.pageH - m - b.out.footer.h - 3
	b.maxH = b.out.bottom - b.out.top
	for i, blk := range l.Blocks {
		n := len(b.out.units)
		b.cur = b.out.tree.Add(blockRole(blk), 0)
		if err := b.block(i, blk); err != nil {
			return nil, err
		}
		b.tagRest(b.out.units[n:])
		if _, isHeading := blk.(*referral.Heading); !isHeading {
			b.gap(blockGap)
		}
	}
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
	size = max(size, meta.TextSize) // Render checks its range
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

// footer lays out the page furniture: the patient's name, date of birth and
// NHS number, the page label and the confidentiality line.
func (b *builder) footer(meta *referral.Meta) footer {
	var parts []string
	add := func(prefix, s, field string) {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, prefix+b.c.clean(s, regular, field))
		}
	}
	add("", meta.Patient.Name, "patient")
	add("Date of birth ", meta.Patient.DateOfBirth, "patient.dateOfBirth")
	add("NHS number ", meta.Patient.NHSNumber, "patient.nhsNumber")
	labelW := b.m(bold).width(pageLabel(999, 999), tinySize)
	b.c.note(pageLabel(1234567890, 1234567890), bold)
	f := footer{
		base:     b.baseline(tinySize, tinyLead),
		confBase: b.baseline(confSize, confLead),
	}
	f.ident = trimBlank(wrap(b.m(regular), strings.Join(parts, "   ·   "), tinySize, b.w-labelW-4))
	conf := b.c.clean(strings.TrimSpace(meta.Confidentiality), regular, "meta.confidentiality")
	f.conf = trimBlank(wrap(b.m(regular), conf, confSize, b.w))
	for _, ls := range [][]string{f.ident, f.conf} {
		for _, s := range ls {
			b.c.note(s, regular)
		}
	}
	f.h = 1.2 + float64(max(1, len(f.ident)))*tinyLead + float64(len(f.conf))*confLead
	return f
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

var langTag = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// draw makes the PDF with fpdf. It empties the layout as it goes.
func (r *Renderer) draw(lay *layout, pages [][]placed, meta *referral.Meta, c *cleaner) ([]byte, error) {
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
	if !langTag.MatchString(lang) {
		lang = "en-GB"
	}
	p.SetLang(lang)

	fonts := map[string]*pdfobj.Font{} // for finish
	d := &drawer{p: p, fs: r.fs, pages: r.fs.pages, release: true, tree: lay.tree, geometry: lay.geometry}
	for st, f := range r.fs.faces {
		d.cuts[st] = make([]*[256]rune, len(r.fs.pages.Runes))
		for _, pg := range r.fs.pages.PagesOf(c.used[st]) {
			lf, err := f.font(r.fs.pages, style(st), pg, c.used[st])
			if err != nil {
				return nil, fmt.Errorf("%w: cutting the font: %w", ErrPDF, err)
			}
			p.AddFontFromBytes(pageFamily(pg), fpdfStyle[st], lf.def, lf.z)
			fonts[lf.name] = lf.pdf
			d.cuts[st][pg] = lf.pdf.Codes
		}
	}
	for _, pic := range []*picture{r.logo, r.sig} {
		if pic != nil {
			p.RegisterImageOptionsReader(pic.name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(pic.png))
		}
	}
	for i, items := range pages {
		d.page(lay, items, i+1, len(pages), lay.margin)
		pages[i] = nil
	}
	if d.err != nil {
		return nil, d.err
	}
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPDF, err)
	}
	if lay.tree != nil {
		lay.tree.Pages = len(pages)
	}
	out := finisher{fonts: fonts, tree: lay.tree}
	if err := p.Output(&out); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPDF, err)
	}
	if out.pdf == nil {
		return nil, errors.New("pdf: the PDF library produced no output")
	}
	return out.pdf, nil
}

// finisher takes fpdf's output, which fpdf writes in one call, and keeps
// it finished (see finish). Finishing as it is written saves holding a
// copy of the uncompressed PDF.
type finisher struct {
	fonts map[string]*pdfobj.Font
	tree  *pdfobj.Tree
	pdf   []byte
}

func (d *finisher) Write(b []byte) (int, error) {
	if d.pdf != nil {
		return 0, pdfobj.ErrLayout
	}
	pdf, err := pdfobj.Finish(b, d.fonts, d.tree)
	if err != nil {
		return 0, err
	}
	d.pdf = pdf
	return len(b), nil
}
