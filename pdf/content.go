package pdf

import (
	"strconv"
)

// canvas is what the drawer draws on. content writes a page's operators
// itself, for pdfobj.Finish to put in the page; the benchmark floor draws
// through fpdf's own calls. Coordinates are in mm from the top left of
// the page, as fpdf takes them.
type canvas interface {
	addPage()
	// beginScale scales what follows by s about the page's top left
	// corner, until endScale.
	beginScale(s float64)
	endScale()
	setFont(page int, st style, size float64)
	// textAndFill sets the text and the fill colour to c.
	textAndFill(c rgb)
	fillColour(c rgb)
	drawColour(c rgb)
	lineWidth(w float64)
	line(x1, y1, x2, y2 float64)
	rect(x, y, w, h float64, fill bool)
	// text draws run, codes of the current font, with its baseline
	// starting at x, y, in the fill colour.
	text(x, y float64, run []byte)
	image(p *picture, x, y, w, h float64)
	beginArtifact()
	beginMarked(role string, mcid int)
	endMarked()
}

// content writes page content as fpdf writes it, operator for operator
// and byte for byte, with strconv where fpdf formats with fmt: what fpdf
// wrote for each page was a sixth of a letter's time and a fifth of its
// allocation. It writes into b, which the caller reuses from page to page.
//
// Like fpdf it carries the line width, colours and font from page to
// page, and starts each page by restating them (see addPage). It relies
// on what the drawer guarantees: text is drawn in the fill colour (so
// fpdf would not wrap it in a colour change), with no underline or
// strike-out, in a one-byte font.
type content struct {
	b []byte
	// k is points per mm, h the height of fpdf's page in mm: fpdf's, so
	// that coordinates round as fpdf rounds them.
	k, h float64
	// fonts are the resource names of the fonts, by face and code page,
	// with their leading slash; images those of the pictures.
	fonts  [numStyles][][]byte
	images map[*picture][]byte
	// the graphics state, as fpdf keeps it
	lw         float64 // mm
	font       []byte  // resource name of the current font, nil for none yet
	size       float64 // pt
	draw, fill rgb
}

// newContent returns a content for pages of height h mm, at k points per
// mm, in fpdf's initial state: black, and lines lw mm wide.
func newContent(k, h, lw float64) *content {
	return &content{k: k, h: h, lw: lw}
}

func (c *content) num(v float64, prec int) {
	c.b = strconv.AppendFloat(c.b, v, 'f', prec, 64)
}

// x and y write a point's coordinates in points, from the bottom left.
func (c *content) x(x float64) { c.num(x*c.k, 2) }
func (c *content) y(y float64) { c.num((c.h-y)*c.k, 2) }

// colour writes c as fpdf does: a grey level when its components are
// equal, with gray (G or g), else with rgb (RG or rg).
func (c *content) colour(col rgb, gray, rgb string) {
	if col.r == col.g && col.r == col.b {
		c.num(float64(col.r)/255, 3)
		c.b = append(c.b, ' ')
		c.b = append(c.b, gray...)
	} else {
		c.num(float64(col.r)/255, 3)
		c.b = append(c.b, ' ')
		c.num(float64(col.g)/255, 3)
		c.b = append(c.b, ' ')
		c.num(float64(col.b)/255, 3)
		c.b = append(c.b, ' ')
		c.b = append(c.b, rgb...)
	}
	c.b = append(c.b, '\n')
}

// addPage starts a page as fpdf's AddPage does: line cap, join and width,
// then the font (if one is set), the colours, and the font again.
func (c *content) addPage() {
	c.b = append(c.b, "0 J\n0 j\n"...)
	c.num(c.lw*c.k, 2)
	c.b = append(c.b, " w\n"...)
	if c.font != nil {
		c.tf()
	}
	c.colour(c.draw, "G", "RG")
	c.colour(c.fill, "g", "rg")
	if c.font != nil {
		c.tf()
	}
}

// beginScale is fpdf's TransformBegin and TransformScale(100*s, 100*s, 0, 0).
func (c *content) beginScale(s float64) {
	s = 100 * s / 100 // as fpdf takes a percentage and divides it
	x, y := 0*c.k, (c.h-0)*c.k
	c.b = append(c.b, "q\n"...)
	for _, v := range [...]float64{s, 0, 0, s, x * (1 - s), y * (1 - s)} {
		c.num(v, 5)
		c.b = append(c.b, ' ')
	}
	c.b = append(c.b, "cm\n"...)
}

func (c *content) endScale() { c.b = append(c.b, "Q\n"...) }

func (c *content) setFont(page int, st style, size float64) {
	c.font, c.size = c.fonts[st][page], size
	c.tf()
}

// tf selects the current font.
func (c *content) tf() {
	c.b = append(c.b, "BT "...)
	c.b = append(c.b, c.font...)
	c.b = append(c.b, ' ')
	c.num(c.size, 2)
	c.b = append(c.b, " Tf ET\n"...)
}

// textAndFill is fpdf's SetTextColor, which writes nothing, and
// SetFillColor.
func (c *content) textAndFill(col rgb) { c.fillColour(col) }

func (c *content) fillColour(col rgb) {
	c.fill = col
	c.colour(col, "g", "rg")
}

func (c *content) drawColour(col rgb) {
	c.draw = col
	c.colour(col, "G", "RG")
}

func (c *content) lineWidth(w float64) {
	c.lw = w
	c.num(w*c.k, 2)
	c.b = append(c.b, " w\n"...)
}

func (c *content) line(x1, y1, x2, y2 float64) {
	c.x(x1)
	c.b = append(c.b, ' ')
	c.y(y1)
	c.b = append(c.b, " m "...)
	c.x(x2)
	c.b = append(c.b, ' ')
	c.y(y2)
	c.b = append(c.b, " l S\n"...)
}

func (c *content) rect(x, y, w, h float64, fill bool) {
	c.x(x)
	c.b = append(c.b, ' ')
	c.y(y)
	c.b = append(c.b, ' ')
	c.num(w*c.k, 2)
	c.b = append(c.b, ' ')
	c.num(-h*c.k, 2)
	if fill {
		c.b = append(c.b, " re f\n"...)
	} else {
		c.b = append(c.b, " re S\n"...)
	}
}

func (c *content) text(x, y float64, run []byte) {
	c.b = append(c.b, "BT "...)
	c.x(x)
	c.b = append(c.b, ' ')
	c.y(y)
	c.b = append(c.b, " Td ("...)
	for _, ch := range run {
		switch ch {
		case '\\', '(', ')':
			c.b = append(c.b, '\\', ch)
		case '\r':
			c.b = append(c.b, '\\', 'r')
		default:
			c.b = append(c.b, ch)
		}
	}
	c.b = append(c.b, ") Tj ET\n"...)
}

// image draws picture p, w by h mm, with its top left corner at x, y (x
// not negative: fpdf would put the image at its current position).
func (c *content) image(p *picture, x, y, w, h float64) {
	c.b = append(c.b, "q "...)
	c.num(w*c.k, 5)
	c.b = append(c.b, " 0 0 "...)
	c.num(h*c.k, 5)
	c.b = append(c.b, ' ')
	c.num(x*c.k, 5)
	c.b = append(c.b, ' ')
	c.num((c.h-(y+h))*c.k, 5)
	c.b = append(c.b, " cm "...)
	c.b = append(c.b, c.images[p]...)
	c.b = append(c.b, " Do Q\n"...)
}

func (c *content) beginArtifact() { c.b = append(c.b, "/Artifact BMC\n"...) }

func (c *content) beginMarked(role string, mcid int) {
	c.b = append(c.b, '/')
	c.b = append(c.b, role...)
	c.b = append(c.b, " <</MCID "...)
	c.b = strconv.AppendInt(c.b, int64(mcid), 10)
	c.b = append(c.b, ">> BDC\n"...)
}

func (c *content) endMarked() { c.b = append(c.b, "EMC\n"...) }
