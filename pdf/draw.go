package pdf

import (
	"math"
	"strconv"

	"codeberg.org/go-pdf/fpdf"
)

// footer is the page furniture at the foot of every page: who the letter
// is about, the page number and the confidentiality line.
type footer struct {
	ident []string // wrapped identity lines, clean
	conf  []string // wrapped confidentiality lines, clean
	h     float64
	// baselines of the identity and confidentiality lines
	base, confBase float64
}

const confSize, confLead = 7.5, 3.3

// pageLabel is "Page X of Y".
func pageLabel(n, total int) string {
	return "Page " + strconv.Itoa(n) + " of " + strconv.Itoa(total)
}

// drawer replays units through fpdf.
type drawer struct {
	p      *fpdf.Fpdf
	fs     *fontSet
	family string
	// tr translates text for a core (non-Unicode) font; nil for the
	// embedded font.
	tr func(string) string
	// current state, to skip redundant operators
	st     style
	size   float64
	colour rgb
	fresh  bool
}

func (d *drawer) setText(st style, size float64, c rgb) {
	if d.fresh || st != d.st || size != d.size {
		d.p.SetFont(d.family, fpdfStyle[st], size)
		d.st, d.size = st, size
	}
	if d.fresh || c != d.colour {
		d.p.SetTextColor(int(c.r), int(c.g), int(c.b))
		d.colour = c
	}
	d.fresh = false
}

func (d *drawer) text(x, y float64, st style, size float64, c rgb, s string) {
	d.setText(st, size, c)
	if d.tr != nil {
		s = d.tr(s)
	}
	d.p.Text(x, y, s)
}

func (d *drawer) op(o op, top float64) {
	switch o.kind {
	case opText:
		d.text(o.x, top+o.y, o.st, o.size, o.colour, o.text)
	case opLine:
		d.p.SetDrawColor(int(o.colour.r), int(o.colour.g), int(o.colour.b))
		d.p.SetLineWidth(o.lw)
		d.p.Line(o.x, top+o.y, o.x+o.w, top+o.y+o.h)
	case opFill:
		d.p.SetFillColor(int(o.colour.r), int(o.colour.g), int(o.colour.b))
		d.p.Rect(o.x, top+o.y, o.w, o.h, "F")
	case opImage:
		d.p.ImageOptions(o.pic.name, o.x, top+o.y, o.w, o.h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
}

// page draws one page: box backgrounds, the units, box borders, footer.
func (d *drawer) page(l *layout, items []placed, n, total int, margin float64) {
	d.p.AddPage()
	d.fresh = true
	type extent struct{ top, bottom float64 }
	var boxes []int
	ext := map[int]*extent{}
	for _, it := range items {
		if b := it.u.box; b > 0 {
			e, ok := ext[b]
			if !ok {
				e = &extent{top: it.y, bottom: it.y}
				ext[b] = e
				boxes = append(boxes, b)
			}
			e.bottom = math.Max(e.bottom, it.y+it.u.h)
		}
	}
	x0, w := margin, pageW-2*margin
	for _, b := range boxes {
		st, e := l.boxes[b-1], ext[b]
		if st.hasFill {
			d.p.SetFillColor(int(st.fill.r), int(st.fill.g), int(st.fill.b))
			d.p.Rect(x0, e.top, w, e.bottom-e.top, "F")
		}
		if st.hasBar {
			d.p.SetFillColor(int(st.bar.r), int(st.bar.g), int(st.bar.b))
			d.p.Rect(x0, e.top, barWidth, e.bottom-e.top, "F")
		}
	}
	for _, it := range items {
		for _, o := range it.u.ops {
			d.op(o, it.y)
		}
	}
	for _, b := range boxes {
		st, e := l.boxes[b-1], ext[b]
		if st.hasBorder {
			d.p.SetDrawColor(int(st.border.r), int(st.border.g), int(st.border.b))
			d.p.SetLineWidth(0.3)
			d.p.Rect(x0, e.top, w, e.bottom-e.top, "D")
		}
	}
	d.footer(&l.footer, n, total, margin)
}

func (d *drawer) footer(f *footer, n, total int, margin float64) {
	x0, w := margin, pageW-2*margin
	top := pageH - margin - f.h
	d.p.SetDrawColor(int(lightRule.r), int(lightRule.g), int(lightRule.b))
	d.p.SetLineWidth(0.3)
	d.p.Line(x0, top, x0+w, top)
	y := top + 1.2
	label := pageLabel(n, total)
	lw := d.fs.faces[bold].m.width(label, tinySize)
	d.text(x0+w-lw, y+f.base, bold, tinySize, inkColour, label)
	for _, l := range f.ident {
		d.text(x0, y+f.base, regular, tinySize, inkColour, l)
		y += tinyLead
	}
	if len(f.ident) == 0 {
		y += tinyLead
	}
	for _, l := range f.conf {
		d.text(x0, y+f.confBase, regular, confSize, greyText, l)
		y += confLead
	}
}
