package pdf

import (
	"reflect"

	"github.com/refletter/refletter/referral"
)

// The PDF is tagged: its structure tree holds the letter's text in
// reading order, by role, and page furniture is marked as artifacts.
// Layout gives each unit the structure element its text belongs to; the
// drawer wraps each run of an element's drawing in marked content and
// records it in the tree; finish writes the tree.

// blockRoles is the structure role of each kind of block. Blocks with
// parts (a notice's title, a table's cells) give those parts their own
// roles inside it; all other text of a block is the block's. A new kind of
// block needs only an entry here.
var blockRoles = map[reflect.Type]string{
	reflect.TypeFor[*referral.Letterhead]():   "Div",
	reflect.TypeFor[*referral.Addressee]():    "P",
	reflect.TypeFor[*referral.Heading]():      "H2",
	reflect.TypeFor[*referral.Paragraph]():    "P",
	reflect.TypeFor[*referral.Notice]():       "Div",
	reflect.TypeFor[*referral.Summary]():      "Div",
	reflect.TypeFor[*referral.KeyValueList](): "L",
	reflect.TypeFor[*referral.Table]():        "Table",
	reflect.TypeFor[*referral.StatementBox](): "Div",
	reflect.TypeFor[*referral.Signature]():    "Div",
	reflect.TypeFor[*referral.CopyList]():     "P",
}

func blockRole(blk referral.Block) string {
	if r, ok := blockRoles[reflect.TypeOf(blk)]; ok {
		return r
	}
	return "Div"
}

// maxCells is the most cells of a row with elements of their own; the
// text of any further cells joins the last.
const maxCells = 256

// tag makes the text of us, where not yet tagged, an element of role in
// the current block.
func (b *builder) tag(us []unit, role string) []unit {
	if len(us) == 0 {
		return us
	}
	e := int32(b.out.tree.Add(role, b.cur))
	for i := range us {
		if us[i].elem == 0 {
			us[i].elem = e
		}
	}
	return us
}

// tagRest gives the block's own element to its text not yet tagged.
func (b *builder) tagRest(us []unit) {
	for i := range us {
		if us[i].elem == 0 {
			us[i].elem = int32(b.cur)
		}
	}
}

// figure adds a Figure for an image, with alternative text.
func (b *builder) figure(p *picture, alt string) {
	e := b.out.tree.Add("Figure", b.cur)
	b.out.tree.Elems[e].Alt = alt
	b.out.figures[p] = e
}

// cells adds a table row of n cells of role (TH or TD) and returns the
// first cell's element; the others follow it.
func (b *builder) cells(role string, n int) int {
	t := b.out.tree
	tr := t.Add("TR", b.cur)
	n = min(n, maxCells)
	first := t.AddN(role, tr, n)
	if role == "TH" {
		for i := range n {
			t.Elems[first+i].Scope = "Column"
		}
	}
	return first
}

// elemCount is about how many structure elements layout adds for l, at
// least as many for a usual letter: what the tree grows by at once.
func elemCount(l *referral.Letter) int {
	n := 0
	for _, blk := range l.Blocks {
		n++ // the block's own
		switch v := blk.(type) {
		case *referral.Letterhead:
			n += 4 // logo, name, address and details
		case *referral.Notice:
			if v != nil {
				n += 1 + len(v.Lines)
			}
		case *referral.Summary:
			if v != nil {
				n += 2 + 3*len(v.Items)
			}
		case *referral.KeyValueList:
			if v != nil {
				n += 3 * len(v.Items)
			}
		case *referral.Table:
			if v != nil {
				cols := len(v.Header)
				for _, r := range v.Rows {
					cols = max(cols, len(r))
				}
				n += (len(v.Rows) + 1) * (1 + min(cols, maxCells))
			}
		case *referral.StatementBox:
			if v != nil {
				n += 2 * (2 + len(v.Paragraphs)) // laid out beside the signature and, failing that, above it
			}
		case *referral.Signature:
			n += 3 // closing, signature image and the signer's lines
		}
	}
	return n
}

// artifact marks drawing that is not the letter's content: page
// furniture, box backgrounds and borders, a repeated table header.
const artifact = -1

// mark makes what is drawn next element e's content, or an artifact, or
// (e == 0) neither, closing what was open. Each run of an element's
// drawing gets the page's next MCID.
func (d *drawer) mark(e int) {
	if d.tree == nil || e == d.marked {
		return
	}
	if d.marked != 0 {
		d.c.endMarked()
	}
	d.marked = e
	switch {
	case e == artifact:
		d.c.beginArtifact()
	case e > 0:
		d.tree.AddContent(e, d.pageIndex, d.mcid)
		d.c.beginMarked(d.tree.Elems[e].Role, d.mcid)
		d.mcid++
	}
}

// markOp marks op o of unit u before it is drawn.
func (d *drawer) markOp(l *layout, u *unit, o *op, repeat bool) {
	switch {
	case repeat:
		d.mark(artifact)
	case o.kind == opText:
		d.mark(int(u.elem) + int(o.sub))
	case o.kind == opImage && l.figures[o.pic] > 0:
		d.mark(l.figures[o.pic])
	case d.marked == 0:
		d.mark(artifact)
	}
	// A rule or fill drawn among an element's text stays in its marked
	// content: graphics carry no text, and switching to an artifact and
	// back for each would make the page a third larger.
}
