package pdf

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/refletter/refletter/pdf/internal/pdfobj"
	"github.com/refletter/refletter/referral"
)

// Layout turns the letter's blocks into units: slices of the page as tall
// as one line or one table row, each holding what to draw relative to its
// own top. Pagination then places units on pages, honouring the keep and
// group marks, and the drawing step replays them through fpdf. Keeping
// layout free of fpdf makes page breaks testable and decided in one place.

type rgb struct{ r, g, b uint8 }

// mix returns c blended with white, keeping frac of c.
func (c rgb) mix(frac float64) rgb {
	f := func(v uint8) uint8 { return uint8(math.Round(255 - (255-float64(v))*frac)) }
	return rgb{f(c.r), f(c.g), f(c.b)}
}

var (
	nhsBlue    = rgb{0x00, 0x5e, 0xb8}
	inkColour  = rgb{0x21, 0x2b, 0x32} // NHS text colour
	greyText   = rgb{0x4c, 0x61, 0x72}
	ruleColour = rgb{0xae, 0xb7, 0xbd}
	lightRule  = rgb{0xd8, 0xdd, 0xe0}
	headFill   = rgb{0xf0, 0xf4, 0xf5}
	urgentRed  = rgb{0xd5, 0x28, 0x1b} // NHS emergency red
)

// Page geometry and type sizes, in mm and pt.
const (
	pageW, pageH = 210.0, 297.0

	bodySize, bodyLead   = 10.5, 4.9
	smallSize, smallLead = 9.5, 4.4
	tinySize, tinyLead   = 8.0, 3.6
	headSize, headLead   = 11.5, 5.6
	nameSize, nameLead   = 14.0, 6.2

	blockGap   = 2.5 // between blocks
	headingGap = 2.5 // more above a heading
	cellPadX   = 1.6
	cellPadY   = 1.2
	boxPad     = 3.0
	barWidth   = 1.2
	// signOffLead is how many lines of the body end stay on the page of
	// the sign-off.
	signOffLead = 3
)

type opKind uint8

const (
	opText opKind = iota
	opLine
	opFill
	opImage
)

// op is one drawing instruction. For text, (x, y) is the start of the
// baseline; for lines, (x, y) to (x+w, y+h); for fills and images, the
// top-left corner and size. y is relative to the unit's top.
//
// A long letter has hundreds of thousands of ops, so they are float32:
// plenty for positions on a page, and a third smaller.
type op struct {
	x, y, w, h float32
	size       float32 // pt
	lw         float32 // line width, mm
	text       string
	pic        *picture
	kind       opKind
	st         style
	colour     rgb
	// sub is the structure element of text, counted from its unit's
	// elem: a table row's cells, a list item's label and body.
	sub uint8
	// joined marks a line that ends inside a word cut to fit.
	joined bool
}

type unitKind uint8

const (
	kindOther unitKind = iota
	kindHeading
	kindTableHeader
)

// unit is one slice of the flow.
type unit struct {
	h   float64
	ops []op
	// group, when non-zero, asks for all units of the group to share a
	// page when they fit on one.
	group int32
	// box, when non-zero, is the framed box (1-based) the unit belongs to.
	box int32
	// header, when non-zero, is the table header (1-based) to repeat when
	// a page break falls before this unit.
	header int32
	kind   unitKind
	// elem is the structure element the unit's text belongs to (see
	// tag.go); 0 until the block is tagged.
	elem int32
	// keep asks for this unit to be on the same page as the next one.
	keep bool
	// gap marks blank space, dropped at the top of a page.
	gap bool
}

type boxStyle struct {
	fill, border, bar rgb
	hasFill, hasBar   bool
	hasBorder         bool
	borderW           float64 // mm; 0.3 when zero
}

// layout is a letter laid out, ready to paginate.
type layout struct {
	units   []unit
	headers []unit
	boxes   []boxStyle
	footer  footer
	tree    *pdfobj.Tree
	figures map[*picture]int // the Figure element of each image
	geometry
	top    float64 // body top, mm from the page top
	bottom float64 // body bottom
	// firstExtra is how much higher the body ends on the first page,
	// whose furniture is taller in large print.
	firstExtra float64
	// signOff and signOffEnd bound the units of the sign-off run: the
	// signature, a statement stacked right above it and the copies right
	// after it. signOff is -1 when the letter has no signature.
	signOff, signOffEnd int
}

type builder struct {
	fs     *fontSet
	c      *cleaner
	cfg    *config
	logo   *picture
	sig    *picture
	x0, w  float64 // content left edge and width
	maxH   float64 // body height
	out    *layout
	groups int
	cur    int // the structure element of the block being laid out
	// beforeSignature says the block being laid out is followed by a
	// signature, whose lines are nextSignature; beside holds a statement
	// laid out to go beside it.
	beforeSignature bool
	nextSignature   []string
	beside          []unit
	// stacked is the first unit of the last statement laid out above a
	// signature rather than beside it, or -1.
	stacked int
	// Reused from one block to the next: wrapped lines, and the span of
	// each table cell's lines in them.
	wl    []wline
	spans []span
	// opBuf is where ops come from, opChunk at a time (see ops).
	opBuf []op
}

// span is a range of wrapped lines.
type span struct{ lo, hi int }

// opChunk is how many ops the builder allocates at a time, as many as
// fill 4 KB: one slice of many ops instead of one for each line. Drawing
// releases units' ops as it goes, and a chunk is freed once all its units
// are drawn.
const opChunk = 4096 / int(unsafe.Sizeof(op{}))

// ops returns an empty slice with room for n ops, cut from the builder's
// chunk. Its capacity is n, so appending more copies it and never writes
// over another unit's ops.
func (b *builder) ops(n int) []op {
	if n > opChunk/8 {
		return make([]op, 0, n)
	}
	if len(b.opBuf)+n > cap(b.opBuf) {
		b.opBuf = make([]op, 0, opChunk)
	}
	k := len(b.opBuf)
	b.opBuf = b.opBuf[:k+n]
	return b.opBuf[k : k : k+n]
}

func (b *builder) m(st style) *metrics { return b.fs.faces[st].m }

// baseline returns the baseline's offset from the top of a line of height
// lead for text of size pt, centring the face's ascent and descent.
func (b *builder) baseline(size, lead float64) float64 {
	m := b.m(regular)
	asc := m.ascent / m.unitsPerEm * size * ptToMM
	desc := m.descent / m.unitsPerEm * size * ptToMM
	return (lead-(asc+desc))/2 + asc
}

// textOp makes a text op for clean text and notes its runes.
func (b *builder) textOp(x, y float64, st style, size float64, c rgb, s string) op {
	b.c.note(s, st)
	b.c.noteRune(' ', st) // each line ends in a space (see drawer.text)
	return op{kind: opText, x: float32(x), y: float32(y), st: st, size: float32(size), colour: c, text: s}
}

const (
	alignLeft = iota
	alignRight
)

// lines cleans and wraps text and appends one unit per line to us.
func (b *builder) lines(us []unit, text string, field string, st style, size, lead float64, c rgb, x, width float64, align int) []unit {
	return b.cleanLines(us, b.c.clean(text, st, field), st, size, lead, c, x, width, align)
}

// cleanLines is lines for text already cleaned. Blank lines at either
// end are left out; one between lines of text is a paragraph break.
func (b *builder) cleanLines(us []unit, text string, st style, size, lead float64, c rgb, x, width float64, align int) []unit {
	base := b.baseline(size, lead)
	m := b.m(st)
	blank := 0 // blank lines since the last line of text
	started := false
	wrapEach(m, text, size, width, func(s string, cut bool) {
		if s == "" {
			if started {
				blank++
			}
			return
		}
		for ; blank > 0; blank-- {
			us = append(us, unit{h: lead / 2, gap: true}) // a paragraph break
		}
		started = true
		lx := x
		if align == alignRight {
			lx = x + width - m.width(s, size)
		}
		o := b.textOp(lx, base, st, size, c, s)
		o.joined = cut
		us = append(us, unit{h: lead, ops: append(b.ops(1), o)})
	})
	return us
}

// trimBlank drops blank lines at either end.
func trimBlank(ls []string) []string {
	for len(ls) > 0 && ls[0] == "" {
		ls = ls[1:]
	}
	for len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// flowable marks lines of running text: no lone first or last line on a
// page, and text of three lines or fewer kept whole.
func flowable(us []unit) []unit {
	n := len(us)
	switch {
	case n == 0:
	case n <= 3:
		for i := 0; i < n-1; i++ {
			us[i].keep = true
		}
	default:
		us[0].keep = true
		us[n-2].keep = true
	}
	return us
}

func (b *builder) group(us []unit) []unit {
	b.groups++
	for i := range us {
		us[i].group = int32(b.groups)
	}
	return us
}

func (b *builder) add(us ...unit) { b.out.units = append(b.out.units, us...) }

func (b *builder) gap(h float64) {
	if n := len(b.out.units); n > 0 && !b.out.units[n-1].gap {
		b.add(unit{h: h, gap: true})
	}
}

// block lays out one letter block.
func (b *builder) block(i int, blk referral.Block) error {
	switch v := blk.(type) {
	case *referral.Letterhead:
		if v != nil {
			b.letterhead(v)
		}
	case *referral.Addressee:
		if v != nil {
			n := len(b.out.units)
			for _, l := range v.Lines {
				b.out.units = b.lines(b.out.units, l, v.Path, regular, bodySize, bodyLead, inkColour, b.x0, b.w, alignLeft)
			}
			b.group(b.out.units[n:])
		}
	case *referral.Heading:
		if v != nil {
			b.heading(v)
		}
	case *referral.Paragraph:
		if v != nil {
			st := regular
			if v.Strong {
				st = bold
			}
			n := len(b.out.units)
			b.out.units = b.lines(b.out.units, v.Text, v.Path, st, bodySize, bodyLead, inkColour, b.x0, b.w, alignLeft)
			flowable(b.out.units[n:])
		}
	case *referral.Notice:
		if v != nil {
			b.notice(v)
		}
	case *referral.Summary:
		if v != nil {
			b.summary(v)
		}
	case *referral.KeyValueList:
		if v != nil {
			b.keyValues(v)
		}
	case *referral.Table:
		if v != nil {
			b.table(v)
		}
	case *referral.StatementBox:
		if v != nil && !(b.beforeSignature && b.statementBeside(v)) {
			b.stacked = len(b.out.units)
			b.statement(v)
		}
	case *referral.Signature:
		if v != nil {
			b.out.signOff = len(b.out.units)
			if b.stacked >= 0 && b.onlyGroupSince(b.stacked) {
				b.out.signOff = b.stacked // the statement right above stays with it
			}
			b.signature(v)
			b.out.signOffEnd = len(b.out.units)
		}
	case *referral.CopyList:
		if v != nil {
			follows := b.out.signOff >= 0 && b.onlyGapsSince(b.out.signOffEnd)
			n := len(b.out.units)
			for _, l := range v.Lines {
				b.out.units = b.lines(b.out.units, l, v.Path, regular, smallSize, smallLead, inkColour, b.x0, b.w, alignLeft)
			}
			b.group(b.out.units[n:])
			if follows {
				b.out.signOffEnd = len(b.out.units)
			}
		}
	case nil:
		// A nil block holds nothing to print.
	default:
		return &BlockError{Index: i, Type: fmt.Sprintf("%T", blk), Path: safePath(blk), Err: ErrUnsupportedBlock}
	}
	return nil
}

// safePath returns blk.BlockPath(), or "" if the call panics (a nil
// pointer of a type this package does not know).
func safePath(blk referral.Block) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	return blk.BlockPath()
}

// fitPicture returns p's size in mm within maxW by maxH, keeping its shape.
func fitPicture(p *picture, maxW, maxH float64) (w, h float64) {
	w, h = maxW, maxW*float64(p.h)/float64(p.w)
	if h > maxH {
		w, h = maxH*float64(p.w)/float64(p.h), maxH
	}
	return w, h
}

// letterhead lays out the practice's name, its address on one line and
// its details on another when they fit, right aligned, so that the letter
// proper starts high on the page.
func (b *builder) letterhead(v *referral.Letterhead) {
	textX, textW := b.x0, b.w
	var logoW, logoH float64
	if b.logo != nil {
		logoW, logoH = fitPicture(b.logo, min(55, b.w/3), 24) // large print's page is narrow
		textX, textW = b.x0+logoW+6, b.w-logoW-6
	}
	if b.logo != nil {
		b.figure(b.logo, "Logo of "+v.Name)
	}
	n := len(b.out.units)
	b.out.units = b.lines(b.out.units, v.Name, v.Path, bold, nameSize, nameLead, b.cfg.accent, textX, textW, alignRight)
	b.tag(b.out.units[n:], "H1")
	k := len(b.out.units)
	b.out.units = b.inline(b.out.units, v.Lines, v.Path, textX, textW)
	b.tag(b.out.units[k:], "P")
	k = len(b.out.units)
	b.out.units = b.details(b.out.units, v.Details, v.Path, textX, textW)
	b.tag(b.out.units[k:], "P")
	textH := 0.0
	for _, u := range b.out.units[n:] {
		textH += u.h
	}
	if b.logo != nil {
		if len(b.out.units) == n {
			b.out.units = append(b.out.units, unit{})
		}
		first := &b.out.units[n]
		first.ops = append(first.ops, op{kind: opImage, x: float32(b.x0), y: 0, w: float32(logoW), h: float32(logoH), pic: b.logo})
		if logoH > textH {
			b.out.units = append(b.out.units, unit{h: logoH - textH})
		}
	}
	b.out.units = append(b.out.units, unit{h: 3, ops: append(b.ops(1), op{kind: opLine, x: float32(b.x0), y: 1.8, w: float32(b.w), lw: 0.3, colour: lightRule})})
	b.group(b.out.units[n:])
}

// inline lays out address lines joined by commas on one right-aligned
// line when they fit, and one line each when they do not.
func (b *builder) inline(us []unit, lines []string, field string, x, width float64) []unit {
	var parts []string
	for _, l := range lines {
		if c := strings.TrimSpace(b.c.clean(l, regular, field)); c != "" {
			parts = append(parts, c)
		}
	}
	joined := strings.Join(parts, ", ")
	if len(parts) > 0 && !strings.ContainsRune(joined, '\n') && b.m(regular).width(joined, smallSize) <= width {
		return b.cleanLines(us, joined, regular, smallSize, smallLead, greyText, x, width, alignRight)
	}
	for _, l := range parts {
		us = b.cleanLines(us, l, regular, smallSize, smallLead, greyText, x, width, alignRight)
	}
	return us
}

// details lays out the letterhead's details ("Tel 0113 496 0000") on one
// right-aligned line, keys in bold, when they fit, and one a line when
// they do not.
func (b *builder) details(us []unit, ds []referral.KeyValue, field string, x, width float64) []unit {
	type kv struct{ key, val string }
	var items []kv
	total := 0.0
	sep := "   "
	sepW := b.m(regular).width(sep, smallSize)
	oneLine := true
	for _, d := range ds {
		f := field
		if d.Path != "" {
			f = d.Path
		}
		k, v := b.c.clean(d.Key, bold, f), b.c.clean(d.Value, regular, f)
		if k == "" || v == "" || strings.ContainsRune(k+v, '\n') {
			oneLine = false
		}
		items = append(items, kv{k, v})
		total += b.m(bold).width(k+" ", smallSize) + b.m(regular).width(v, smallSize)
	}
	total += sepW * float64(max(len(items)-1, 0))
	if !oneLine || total > width || len(items) == 0 {
		for _, d := range ds {
			us = b.detail(us, d, field, x, width)
		}
		return us
	}
	base := b.baseline(smallSize, smallLead)
	u := unit{h: smallLead, ops: b.ops(2 * len(items))}
	cx := x + width - total
	for i, it := range items {
		if i > 0 {
			cx += sepW
		}
		u.ops = append(u.ops, b.textOp(cx, base, bold, smallSize, greyText, it.key))
		cx += b.m(bold).width(it.key+" ", smallSize)
		u.ops = append(u.ops, b.textOp(cx, base, regular, smallSize, greyText, it.val))
		cx += b.m(regular).width(it.val, smallSize)
	}
	return append(us, u)
}

// detail lays out a letterhead detail, "Tel 0113 496 0000", right aligned,
// the key in bold.
func (b *builder) detail(us []unit, d referral.KeyValue, field string, x, width float64) []unit {
	if d.Path != "" {
		field = d.Path
	}
	key := b.c.clean(d.Key, bold, field)
	val := b.c.clean(d.Value, regular, field)
	kw := b.m(bold).width(key+" ", smallSize)
	vw := b.m(regular).width(val, smallSize)
	if key == "" || val == "" || kw+vw > width || strings.ContainsRune(key+val, '\n') {
		us = b.cleanLines(us, key, bold, smallSize, smallLead, greyText, x, width, alignRight)
		return b.cleanLines(us, val, regular, smallSize, smallLead, greyText, x, width, alignRight)
	}
	base := b.baseline(smallSize, smallLead)
	right := x + width
	return append(us, unit{h: smallLead, ops: append(b.ops(2),
		b.textOp(right-vw-kw, base, bold, smallSize, greyText, key),
		b.textOp(right-vw, base, regular, smallSize, greyText, val),
	)})
}

func (b *builder) heading(v *referral.Heading) {
	n := len(b.out.units)
	gap := n > 0 && !b.out.units[n-1].gap // b.gap's test, made before the lines
	b.out.units = b.lines(b.out.units, v.Text, v.Path, bold, headSize, headLead, inkColour, b.x0, b.w, alignLeft)
	if len(b.out.units) == n {
		return
	}
	if gap {
		b.out.units = slices.Insert(b.out.units, n, unit{h: headingGap, gap: true})
		n++
	}
	us := b.out.units[n:]
	last := &us[len(us)-1]
	last.ops = append(last.ops, op{kind: opLine, x: float32(b.x0), y: float32(last.h + 0.6), w: float32(b.w), lw: 0.35, colour: b.cfg.accent})
	last.h += 2.4
	for i := range us {
		us[i].keep = true
		us[i].kind = kindHeading
	}
}

// boxed frames units as box number n: padding above and below, and the
// text already indented by the caller.
func (b *builder) boxed(us []unit, st boxStyle) []unit {
	if len(us) == 0 {
		return us
	}
	b.out.boxes = append(b.out.boxes, st)
	n := len(b.out.boxes)
	for i := range us {
		us[i].box = int32(n)
	}
	for i := range us[0].ops {
		us[0].ops[i].y += float32(boxPad)
	}
	us[0].h += boxPad
	us[len(us)-1].h += boxPad
	return us
}

// notice lays out a highlighted panel. Information panels have a blue bar
// on a pale blue ground; the urgent banner is framed in red with a red
// title, so that the two are never confused.
func (b *builder) notice(v *referral.Notice) {
	x := b.x0 + barWidth + boxPad
	w := b.w - barWidth - 2*boxPad
	title, st := b.cfg.accent, boxStyle{fill: b.cfg.accent.mix(0.08), hasFill: true, bar: b.cfg.accent, hasBar: true}
	if v.Urgent {
		title = urgentRed
		st = boxStyle{fill: urgentRed.mix(0.08), hasFill: true, bar: urgentRed, hasBar: true, border: urgentRed, hasBorder: true, borderW: 0.8}
	}
	n := len(b.out.units)
	b.out.units = b.lines(b.out.units, v.Title, v.Path, bold, bodySize, bodyLead, title, x, w, alignLeft)
	b.tag(b.out.units[n:], "H2")
	for _, l := range v.Lines {
		k := len(b.out.units)
		b.out.units = b.lines(b.out.units, l, v.Path, regular, bodySize, bodyLead, inkColour, x, w, alignLeft)
		b.tag(b.out.units[k:], "P")
	}
	b.group(b.boxed(b.out.units[n:], st))
}

// summary lays out the At a glance block: a titled list of labelled facts
// in small type, under a thin rule, without a panel's colour.
func (b *builder) summary(v *referral.Summary) {
	n := len(b.out.units)
	b.out.units = b.lines(b.out.units, v.Title, v.Path, bold, smallSize, smallLead, b.cfg.accent, b.x0, b.w, alignLeft)
	us := b.tag(b.out.units[n:], "H2")
	if len(us) > 0 {
		us[0].ops = append(us[0].ops, op{kind: opLine, x: float32(b.x0), y: 0, w: float32(b.w), lw: 0.3, colour: b.cfg.accent})
		for i := range us[0].ops {
			if us[0].ops[i].kind == opText {
				us[0].ops[i].y += 1
			}
		}
		us[0].h += 1
	}
	b.out.units = b.pairs(b.out.units, v.Items, v.Path, smallSize, smallLead, b.out.tree.Add("L", b.cur))
	us = b.out.units[n:]
	if len(us) > 0 {
		last := &us[len(us)-1]
		last.ops = append(last.ops, op{kind: opLine, x: float32(b.x0), y: float32(last.h + 0.8), w: float32(b.w), lw: 0.3, colour: lightRule})
		last.h += 1.2
	}
	b.group(us)
}

func (b *builder) keyValues(v *referral.KeyValueList) {
	b.out.units = b.pairs(b.out.units, v.Items, v.Path, bodySize, bodyLead, b.cur)
}

// pairs lays out labelled items, key in bold on the left and value on
// the right, and appends their units to us. An item is grouped so that
// it never splits across pages unless it is taller than a page. Each item
// is a list item (LI, with Lbl and LBody) of list element list.
func (b *builder) pairs(us []unit, items []referral.KeyValue, field string, size, lead float64, list int) []unit {
	keys := make([]string, 2*len(items))
	vals := keys[len(items):]
	keyW := 0.0
	for i, it := range items {
		f := field
		if it.Path != "" {
			f = it.Path
		}
		keys[i] = b.c.clean(it.Key, bold, f)
		vals[i] = b.c.clean(it.Value, regular, f)
		for rest := keys[i]; ; {
			l, more, found := strings.Cut(rest, "\n")
			keyW = math.Max(keyW, b.m(bold).width(l, size))
			if !found {
				break
			}
			rest = more
		}
	}
	keyW = math.Min(keyW+4, b.w*0.38)
	valX, valW := b.x0+keyW, b.w-keyW
	base := b.baseline(size, lead)
	b.out.tree.Reserve(list, len(items)) // an LI each
	for i := range items {
		all := wrapAppend(b.wl[:0], b.m(bold), keys[i], size, keyW-3)
		nk := len(all)
		all = wrapAppend(all, b.m(regular), vals[i], size, valW)
		b.wl = all[:0]
		key, val := trimLines(all[:nk]), trimLines(all[nk:])
		n := max(len(key), len(val))
		item := b.out.tree.Add("LI", list)
		lbl := b.out.tree.Add("Lbl", item)
		b.out.tree.Add("LBody", item)
		first := len(us)
		for j := range n {
			u := unit{h: lead, elem: int32(lbl)}
			k := j < len(key) && key[j].s != ""
			v := j < len(val) && val[j].s != ""
			if k || v {
				u.ops = b.ops(btoi(k) + btoi(v))
			}
			if k {
				o := b.textOp(b.x0, base, bold, size, inkColour, key[j].s)
				o.joined = key[j].cut
				u.ops = append(u.ops, o)
			}
			if v {
				o := b.textOp(valX, base, regular, size, inkColour, val[j].s)
				o.sub, o.joined = 1, val[j].cut
				u.ops = append(u.ops, o)
			}
			us = append(us, u)
		}
		if n > 0 {
			us[len(us)-1].h += 0.8
			b.group(us[first:])
		}
	}
	return us
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}

// columnWidths turns relative widths into mm, giving each of n columns at
// least a fair minimum so that no column is too narrow to read.
func columnWidths(rel []float64, n int, total float64) []float64 {
	ws := make([]float64, n)
	ok := len(rel) == n
	for _, r := range rel {
		if !(r > 0) || math.IsInf(r, 0) {
			ok = false
		}
	}
	for i := range ws {
		ws[i] = 1
		if ok {
			ws[i] = rel[i]
		}
	}
	minW := math.Min(18, total/float64(n))
	fixed := make([]bool, n)
	for pass := 0; pass < n; pass++ {
		sum, room := 0.0, total
		for i, w := range ws {
			if fixed[i] {
				room -= minW
			} else {
				sum += w
			}
		}
		changed := false
		for i := range ws {
			if !fixed[i] && ws[i]/sum*room < minW {
				fixed[i], changed = true, true
			}
		}
		if !changed {
			out := make([]float64, n)
			for i, w := range ws {
				if fixed[i] {
					out[i] = minW
				} else {
					out[i] = w / sum * room
				}
			}
			return out
		}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = total / float64(n)
	}
	return out
}

func (b *builder) table(v *referral.Table) {
	cols := len(v.Header)
	for _, r := range v.Rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return
	}
	ws := b.fitNoWrap(v, columnWidths(v.Widths, cols, b.w))
	b.out.tree.Reserve(b.cur, len(v.Rows)+1) // a row element each
	hasHeader := false
	for _, h := range v.Header {
		if strings.TrimSpace(h) != "" {
			hasHeader = true
		}
	}
	var head unit
	hdr := 0
	if hasHeader {
		n := len(b.out.units)
		b.out.units = b.row(b.out.units, v.Header, ws, v.Path, -1, bold, b.maxH, 1, 1)
		head = b.out.units[n]
		b.out.units = b.out.units[:n]
		head.elem = int32(b.cells("TH", cols))
		// The fill goes under the text: first.
		head.ops = head.ops[:len(head.ops)+1]
		copy(head.ops[1:], head.ops)
		head.ops[0] = op{kind: opFill, x: float32(b.x0), y: 0, w: float32(b.w), h: float32(head.h), colour: headFill}
		head.ops = append(head.ops, op{kind: opLine, x: float32(b.x0), y: float32(head.h), w: float32(b.w), lw: 0.3, colour: ruleColour})
		head.kind, head.keep = kindTableHeader, true
		hdr = len(b.out.headers) + 1
		head.header = int32(hdr)
		b.out.headers = append(b.out.headers, head)
		b.add(head)
	}
	for i, r := range v.Rows {
		n := len(b.out.units)
		b.out.units = b.row(b.out.units, r, ws, v.Path, i, regular, b.maxH-head.h-1, 0, 1)
		us := b.out.units[n:]
		first := b.cells("TD", cols)
		for j := range us {
			us[j].elem = int32(first)
		}
		last := &us[len(us)-1]
		last.ops = append(last.ops, op{kind: opLine, x: float32(b.x0), y: float32(last.h), w: float32(b.w), lw: 0.2, colour: lightRule})
		for j := range us {
			us[j].header = int32(hdr)
		}
	}
}

// fitNoWrap widens each column marked NoWrap to its longest cell, header
// included, taking the room from the other columns in proportion to their
// width, as long as each keeps a fair minimum. A column that cannot be
// widened enough, or whose cells are longer than a third of the width,
// keeps what it can get and wraps.
func (b *builder) fitNoWrap(v *referral.Table, ws []float64) []float64 {
	minW := math.Min(18, b.w/float64(len(ws)))
	for c := range ws {
		if c >= len(v.NoWrap) || !v.NoWrap[c] {
			continue
		}
		need := 0.0
		cell := func(st style, s string) {
			for rest := b.c.clean(s, st, v.Path); ; {
				l, more, found := strings.Cut(rest, "\n")
				need = math.Max(need, b.m(st).width(l, smallSize)+2*cellPadX+0.2)
				if !found {
					break
				}
				rest = more
			}
		}
		if c < len(v.Header) {
			cell(bold, v.Header[c])
		}
		for _, r := range v.Rows {
			if c < len(r) {
				cell(regular, r[c])
			}
		}
		extra := need - ws[c]
		if extra <= 0 || need > b.w/3 {
			continue // fits already, or long text that has to wrap anyway
		}
		spare := 0.0
		for i, w := range ws {
			if i != c && !(i < len(v.NoWrap) && v.NoWrap[i]) {
				spare += math.Max(0, w-minW)
			}
		}
		extra = math.Min(extra, spare)
		if extra <= 0 {
			continue
		}
		for i, w := range ws {
			if i != c && !(i < len(v.NoWrap) && v.NoWrap[i]) {
				ws[i] = w - extra*math.Max(0, w-minW)/spare
			}
		}
		ws[c] += extra
	}
	return ws
}

// row lays out a table row as one unit, so that it never splits across
// pages; only a row taller than maxH is cut into units of at most maxH.
// It appends the units to us. Replaced characters are counted against
// field[index], or field when index is below zero. The first unit's ops
// have room for before more, the last's for after more.
func (b *builder) row(us []unit, cells []string, ws []float64, field string, index int, st style, maxH float64, before, after int) []unit {
	m := b.m(st)
	all := b.wl[:0]
	spans := b.spans[:0]
	n := 1
	for i := range ws {
		lo := len(all)
		if i < len(cells) {
			all = wrapAppend(all, m, b.c.cleanRow(cells[i], st, field, index), smallSize, ws[i]-2*cellPadX)
		}
		sp := trimSpan(all, span{lo, len(all)})
		spans = append(spans, sp)
		n = max(n, sp.hi-sp.lo)
	}
	b.wl, b.spans = all[:0], spans[:0]
	per := max(1, int((maxH-2*cellPadY)/smallLead))
	base := b.baseline(smallSize, smallLead)
	for start := 0; start < n; start += per {
		end := min(n, start+per)
		top := 0.0
		if start == 0 {
			top = cellPadY
		}
		u := unit{h: top + float64(end-start)*smallLead}
		if end == n {
			u.h += cellPadY
		}
		count := 0
		for _, sp := range spans {
			for k := start; k < end && sp.lo+k < sp.hi; k++ {
				if all[sp.lo+k].s != "" {
					count++
				}
			}
		}
		if start == 0 {
			count += before
		}
		if end == n {
			count += after
		}
		u.ops = b.ops(count)
		x := b.x0
		for i, w := range ws {
			sp := spans[i]
			for k := start; k < end && sp.lo+k < sp.hi; k++ {
				if l := all[sp.lo+k]; l.s != "" {
					o := b.textOp(x+cellPadX, top+float64(k-start)*smallLead+base, st, smallSize, inkColour, l.s)
					o.sub, o.joined = uint8(min(i, maxCells-1)), l.cut
					u.ops = append(u.ops, o)
				}
			}
			x += w
		}
		us = append(us, u)
	}
	return us
}

// statement lays out the contractual statement compactly, small type
// under a thin rule and no box, where it cannot go beside the signature.
func (b *builder) statement(v *referral.StatementBox) {
	n := len(b.out.units)
	rule := unit{h: 2, ops: append(b.ops(1), op{kind: opLine, x: float32(b.x0), y: 0.5, w: float32(b.w), lw: 0.2, colour: lightRule})}
	b.out.units = b.statementLines(append(b.out.units, rule), v, b.x0, b.w)
	if len(b.out.units) == n+1 {
		b.out.units = b.out.units[:n]
		return
	}
	b.group(b.out.units[n:])
}

// statementLines lays out the statement's title, paragraphs and source in
// small grey type at x, width w, and appends their units to to.
func (b *builder) statementLines(to []unit, v *referral.StatementBox, x, w float64) []unit {
	n := len(to)
	to = b.lines(to, v.Title, v.Path, bold, tinySize, tinyLead, greyText, x, w, alignLeft)
	b.tag(to[n:], "H2")
	for i := 0; i <= len(v.Paragraphs); i++ {
		p := v.Citation // after the paragraphs
		if i < len(v.Paragraphs) {
			p = v.Paragraphs[i]
		}
		k := len(to)
		to = b.lines(to, p, v.Path, regular, tinySize, tinyLead, greyText, x, w, alignLeft)
		if len(to) > k {
			b.tag(to[k:], "P")
			if k > n {
				to[k-1].h += 0.8
			}
		}
	}
	return to
}

// onlyGroupSince reports whether the units from i on are one group and
// blank space: a statement laid out just before.
func (b *builder) onlyGroupSince(i int) bool {
	if i >= len(b.out.units) {
		return false
	}
	g := b.out.units[i].group
	for _, u := range b.out.units[i:] {
		if !u.gap && u.group != g {
			return false
		}
	}
	return true
}

// onlyGapsSince reports whether every unit from i on is blank space.
func (b *builder) onlyGapsSince(i int) bool {
	for _, u := range b.out.units[min(i, len(b.out.units)):] {
		if !u.gap {
			return false
		}
	}
	return true
}

// keepSignOff keeps the sign-off run on one page with the last lines of
// the body before it: a signature never stands alone on a page, and the
// copies stay with it. A run too tall for a page flows as usual.
func keepSignOff(l *layout) {
	at, end := l.signOff, min(l.signOffEnd, len(l.units))
	if at < 0 || at >= end {
		return
	}
	for j := at; j < end-1; j++ {
		l.units[j].keep = true
	}
	n := 0
	for j := at - 1; j >= 0 && n < signOffLead; j-- {
		l.units[j].keep = true
		if !l.units[j].gap {
			n++
		}
	}
}

func (b *builder) signature(v *referral.Signature) {
	n := len(b.out.units)
	b.out.units = b.lines(b.out.units, v.Closing, v.Path, regular, bodySize, bodyLead, inkColour, b.x0, b.w, alignLeft)
	b.tag(b.out.units[n:], "P")
	space := unit{h: 9}
	if b.sig != nil {
		who := ""
		if len(v.Lines) > 0 {
			who = " of " + v.Lines[0]
		}
		b.figure(b.sig, "Signature"+who)
		w, h := fitPicture(b.sig, min(55, b.w/2), 18)
		space = unit{h: h + 2, ops: append(b.ops(1), op{kind: opImage, x: float32(b.x0), y: 1, w: float32(w), h: float32(h), pic: b.sig})}
	}
	b.out.units = append(b.out.units, space)
	k := len(b.out.units)
	for i, l := range v.Lines {
		st := regular
		if i == 0 {
			st = bold
		}
		b.out.units = b.lines(b.out.units, l, v.Path, st, bodySize, bodyLead, inkColour, b.x0, b.w, alignLeft)
	}
	b.tag(b.out.units[k:], "P")
	if b.beside != nil {
		b.tagRest(b.out.units[n:])
		m := merge(b.beside, b.out.units[n:])
		b.out.units = append(b.out.units[:n], m)
		b.beside = nil
	}
	b.group(b.out.units[n:])
}

// Limits of a statement set beside the signature: narrower or taller and
// it goes above the signature instead.
const (
	besideMinW = 70.0 // mm
	besideMaxH = 70.0 // mm
	besideGap  = 8.0  // mm between the signature and the statement
)

// statementBeside lays out the statement in a column to the right of the
// signature that follows it, so that it takes no height of its own and
// never pushes the sign-off onto another page. It reports false, laying
// out nothing, when the column would be too narrow or too tall.
func (b *builder) statementBeside(v *referral.StatementBox) bool {
	sigW := 50.0
	if b.sig != nil {
		w, _ := fitPicture(b.sig, min(55, b.w/2), 18)
		sigW = math.Max(sigW, w)
	}
	for i, s := range b.nextSignature {
		st := regular
		if i == 1 {
			st = bold // the name, after the closing
		}
		for rest := s; ; {
			l, more, found := strings.Cut(rest, "\n")
			sigW = math.Max(sigW, b.m(st).width(l, bodySize))
			if !found {
				break
			}
			rest = more
		}
	}
	x := b.x0 + sigW + besideGap
	w := b.x0 + b.w - x
	if w < besideMinW {
		return false
	}
	us := b.statementLines(nil, v, x+2.5, w-2.5)
	h := 0.0
	for _, u := range us {
		h += u.h
	}
	if len(us) == 0 || h > besideMaxH {
		return len(us) == 0
	}
	us[0].ops = append(us[0].ops, op{kind: opLine, x: float32(x), y: 0, w: 0, h: float32(h), lw: 0.3, colour: lightRule})
	b.beside = us
	return true
}

// merge makes one unit of two columns of tagged units: a's ops first,
// then b's, each at its own line's offset, as tall as the taller column.
// Its text keeps each op's structure element, counted from the first: a
// statement beside a signature is at most besideMaxH tall, so the two
// blocks' elements are far fewer than an op's sub can count.
func merge(a, b []unit) unit {
	var out unit
	n := 0
	for _, col := range [][]unit{a, b} {
		for _, u := range col {
			if u.elem != 0 && (out.elem == 0 || u.elem < out.elem) {
				out.elem = u.elem
			}
			n += len(u.ops)
		}
	}
	out.ops = make([]op, 0, n)
	for _, col := range [][]unit{a, b} {
		y := 0.0
		for _, u := range col {
			for _, o := range u.ops {
				o.y += float32(y)
				if o.kind == opText {
					o.sub = uint8(int32(o.sub) + u.elem - out.elem)
				}
				out.ops = append(out.ops, o)
			}
			y += u.h
		}
		out.h = math.Max(out.h, y)
	}
	return out
}

// blockAt returns bs[i], or nil past its end.
func blockAt(bs []referral.Block, i int) referral.Block {
	if i < len(bs) {
		return bs[i]
	}
	return nil
}

// unitCount is about how many units layout makes of l's blocks, a few
// more for a usual letter, so that they are allocated once: a line of
// text is at most lineBytes long.
func unitCount(l *referral.Letter) int {
	const lineBytes = 95 // of body text
	lines := func(s string, per int) int { return len(s)/per + 1 + strings.Count(s, "\n") }
	n := 0
	for i, blk := range l.Blocks {
		n++ // the gap after it
		switch v := blk.(type) {
		case *referral.Letterhead:
			if v != nil {
				n += 4 // name, address, details and rule, when they fit
			}
		case *referral.Addressee:
			if v != nil {
				n += len(v.Lines)
			}
		case *referral.Heading:
			n++ // one line and a gap above, none below
		case *referral.Paragraph:
			if v != nil {
				n += lines(v.Text, lineBytes)
			}
		case *referral.Notice:
			if v != nil {
				n++
				for _, s := range v.Lines {
					n += lines(s, lineBytes-6)
				}
			}
		case *referral.Summary:
			if v != nil {
				n++
				for _, it := range v.Items {
					n += lines(it.Value, lineBytes*2/3)
				}
			}
		case *referral.KeyValueList:
			if v != nil {
				for _, it := range v.Items {
					n += lines(it.Value, lineBytes*2/3)
				}
			}
		case *referral.Table:
			if v != nil {
				n += 1 + len(v.Rows)
			}
		case *referral.StatementBox:
			if next, ok := blockAt(l.Blocks, i+1).(*referral.Signature); ok && next != nil {
				break // beside the signature, in its unit
			}
			if v != nil {
				n += 2 + lines(v.Citation, lineBytes)
				for _, s := range v.Paragraphs {
					n += lines(s, lineBytes)
				}
			}
		case *referral.Signature:
			if v != nil {
				n += 2 + len(v.Lines)
			}
		case *referral.CopyList:
			if v != nil {
				n += len(v.Lines)
			}
		}
	}
	return n
}
