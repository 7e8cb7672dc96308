package pdfobj

import (
	"fmt"
	"slices"
	"strconv"
	"unicode/utf16"
)

// Tree is a document's logical structure, from which Finish makes a
// tagged PDF. Elems[0] is the root, of role Document; every other element
// names an earlier one as its parent, and an element's children and marked
// content are in reading order.
type Tree struct {
	Elems []Elem
	// Pages is the number of pages; marked content names pages from 0.
	Pages int
	// kids is room for elements' Kids: Add takes them from one chunk
	// rather than allocating for each element.
	kids []Kid
}

// Elem is one structure element.
type Elem struct {
	Role   string // a standard structure type: "P", "H1", "TD"
	Parent int    // index in Tree.Elems of the parent; ignored for the root
	Alt    string // alternative text, for a Figure
	Scope  string // "Column" or "Row", for a TH
	Kids   []Kid
}

// Kid is a child of an element: another element (Elem > 0) or a marked
// content sequence, by page and MCID.
type Kid struct {
	Elem int
	Page int
	MCID int
}

// Add appends an element of role under parent, recording it as the
// parent's next child, and returns its index.
func (t *Tree) Add(role string, parent int) int {
	return t.AddN(role, parent, 1)
}

// AddN appends n elements of role under parent, recording them as the
// parent's next children, and returns the first's index; the others
// follow it. With n < 1 it adds nothing and returns the index the next
// element will have.
func (t *Tree) AddN(role string, parent, n int) int {
	first := len(t.Elems)
	if n < 1 {
		return first
	}
	t.Elems = slices.Grow(t.Elems, n)
	for range n {
		t.Elems = append(t.Elems, Elem{Role: role, Parent: parent})
	}
	kid := first
	if first == 0 { // the root, which is no one's child
		kid, n = 1, n-1
	}
	if n > 0 {
		p := &t.Elems[parent]
		p.Kids = t.room(p.Kids, n)
		for i := range n {
			p.Kids = append(p.Kids, Kid{Elem: kid + i})
		}
	}
	return first
}

// AddContent records marked content MCID of page as element e's next
// child.
func (t *Tree) AddContent(e, page, mcid int) {
	el := &t.Elems[e]
	el.Kids = append(t.room(el.Kids, 1), Kid{Page: page, MCID: mcid})
}

// Grow makes room for n more elements, so that adding them copies no
// elements.
func (t *Tree) Grow(n int) {
	if n > 0 {
		t.Elems = slices.Grow(t.Elems, n)
	}
}

// Reserve makes room for n more children of element e, so that adding
// them copies none of its list.
func (t *Tree) Reserve(e, n int) {
	if n > 0 {
		el := &t.Elems[e]
		el.Kids = t.room(el.Kids, n)
	}
}

// kidChunk is how many Kids the tree allocates at a time for its
// elements' lists.
const kidChunk = 128

// room returns kids with room for n more, taken from the tree's chunk
// when it is small. A list growing one at a time gets twice the room it
// needs; one growing by more than one, just the room. Its capacity ends
// where its room does, so that appending past it never writes over
// another list.
func (t *Tree) room(kids []Kid, n int) []Kid {
	need := len(kids) + n
	if need <= cap(kids) {
		return kids
	}
	c := 2 * need
	if n > 1 {
		c = need // a known number
	}
	if c > kidChunk/8 {
		return slices.Grow(kids, n)
	}
	if cap(t.kids)-len(t.kids) < c {
		t.kids = make([]Kid, 0, kidChunk)
	}
	k := len(t.kids)
	t.kids = t.kids[:k+c]
	return append(t.kids[k:k:k+c], kids...)
}

// NewTree returns a tree holding only its Document root.
func NewTree() *Tree {
	return &Tree{Elems: []Elem{{Role: "Document"}}}
}

// keep reports which elements hold marked content, themselves or below.
// Table cells are kept empty, so that every row has all its cells.
func (t *Tree) keep() []bool {
	k := make([]bool, len(t.Elems))
	for i := len(t.Elems) - 1; i > 0; i-- {
		e := &t.Elems[i]
		for _, kid := range e.Kids {
			if kid.Elem == 0 || k[kid.Elem] {
				k[i] = true
			}
		}
		if e.Role == "TD" || e.Role == "TH" {
			k[i] = true
		}
		if k[i] && e.Parent >= 0 && e.Parent < i {
			k[e.Parent] = true
		}
	}
	k[0] = true
	return k
}

// structure appends the structure tree's objects to b: the
// StructTreeRoot, its ParentTree and one object per kept element,
// numbered from first, given the object numbers of the pages. Each ends
// in a newline; offs receives where each starts in b, the root first.
func (t *Tree) structure(b []byte, offs []int, first int, pages []int) ([]byte, []int, error) {
	keep := t.keep()
	num := make([]int, len(t.Elems))
	next := first + 2 // root, parent tree, then the elements
	for i := range t.Elems {
		if keep[i] {
			num[i] = next
			next++
		}
	}
	// page → MCID → element's object, each page's in one slice
	mcids := make([]int, len(pages))
	for i, e := range t.Elems {
		for _, k := range e.Kids {
			if k.Elem != 0 || !keep[i] {
				continue
			}
			if k.Page < 0 || k.Page >= len(pages) || k.MCID < 0 || k.MCID > 1<<20 {
				return nil, nil, fmt.Errorf("%w: marked content on no page", ErrLayout)
			}
			mcids[k.Page] = max(mcids[k.Page], k.MCID+1)
		}
	}
	starts := make([]int, len(pages)+1)
	for p, n := range mcids {
		starts[p+1] = starts[p] + n
	}
	all := make([]int, starts[len(pages)])
	for i, e := range t.Elems {
		for _, k := range e.Kids {
			if k.Elem != 0 || !keep[i] {
				continue
			}
			at := &all[starts[k.Page]+k.MCID]
			if *at != 0 {
				return nil, nil, fmt.Errorf("%w: marked content in two elements", ErrLayout)
			}
			*at = num[i]
		}
	}
	if slices.Contains(all, 0) {
		return nil, nil, fmt.Errorf("%w: marked content in no element", ErrLayout)
	}
	ref := func(b []byte, n int) []byte {
		b = strconv.AppendInt(b, int64(n), 10)
		return append(b, " 0 R"...)
	}
	offs = append(offs, len(b))
	b = append(b, "<</Type /StructTreeRoot /K "...)
	b = ref(b, num[0])
	b = append(b, " /ParentTree "...)
	b = ref(b, first+1)
	b = append(b, " /ParentTreeNextKey "...)
	b = strconv.AppendInt(b, int64(len(pages)), 10)
	b = append(b, ">>\n"...)
	offs = append(offs, len(b))
	b = append(b, "<</Nums ["...)
	for p := range pages {
		b = strconv.AppendInt(b, int64(p), 10)
		b = append(b, " ["...)
		for j, n := range all[starts[p]:starts[p+1]] {
			if j > 0 {
				b = append(b, ' ')
			}
			b = ref(b, n)
		}
		b = append(b, "]\n"...)
	}
	b = append(b, "]>>\n"...)
	for i, e := range t.Elems {
		if !keep[i] {
			continue
		}
		parent := first
		if i > 0 {
			parent = num[e.Parent]
		}
		offs = append(offs, len(b))
		b = append(b, "<</S /"...)
		b = append(b, e.Role...)
		b = append(b, " /P "...)
		b = ref(b, parent)
		pg := -1
		for _, k := range e.Kids {
			if k.Elem == 0 {
				pg = k.Page
				b = append(b, " /Pg "...)
				b = ref(b, pages[pg])
				break
			}
		}
		if e.Alt != "" {
			b = append(b, " /Alt "...)
			b = appendText(b, e.Alt)
		}
		if e.Scope != "" {
			b = append(b, " /A <</O /Table /Scope /"...)
			b = append(b, e.Scope...)
			b = append(b, ">>"...)
		}
		n := 0
		for _, k := range e.Kids {
			if k.Elem != 0 && !keep[k.Elem] {
				continue
			}
			n++
		}
		if n > 1 {
			b = append(b, " /K ["...)
		} else if n == 1 {
			b = append(b, " /K "...)
		}
		sep := false
		for _, k := range e.Kids {
			if k.Elem != 0 && !keep[k.Elem] {
				continue
			}
			if sep {
				b = append(b, ' ')
			}
			sep = true
			switch {
			case k.Elem != 0:
				b = ref(b, num[k.Elem])
			case k.Page == pg:
				b = strconv.AppendInt(b, int64(k.MCID), 10)
			default:
				b = append(b, "<</Type /MCR /Pg "...)
				b = ref(b, pages[k.Page])
				b = append(b, " /MCID "...)
				b = strconv.AppendInt(b, int64(k.MCID), 10)
				b = append(b, ">>"...)
			}
		}
		if n > 1 {
			b = append(b, ']')
		}
		b = append(b, ">>\n"...)
	}
	return b, offs, nil
}

// finish ends out, the PDF's objects, with the structure tree in an
// object stream and a cross-reference stream. offsets are the objects'
// offsets by number, first is the number of the structure's first object,
// pages are the pages' object numbers, and trailer is fpdf's trailer.
func (t *Tree) finish(out []byte, offsets []int, first int, pages []int, trailer []byte, sc *scratch) ([]byte, error) {
	// The objects, then the stream's head of numbers and offsets: both are
	// compressed together, the head first.
	objs, offs, err := t.structure(sc.objs[:0], sc.offs[:0], first, pages)
	if err != nil {
		return nil, err
	}
	sc.objs, sc.offs = objs, offs
	head := sc.head[:0]
	for i, off := range offs {
		head = strconv.AppendInt(head, int64(first+i), 10)
		head = append(head, ' ')
		head = strconv.AppendInt(head, int64(off), 10)
		head = append(head, ' ')
	}
	sc.head = head
	z, err := compress(sc.structZ[:0], pageLevel, head, objs)
	if err != nil {
		return nil, err
	}
	sc.structZ = z
	stm := first + len(offs)
	offsets = append(offsets, make([]int, len(offs))...)
	offsets = append(offsets, len(out))
	out = strconv.AppendInt(out, int64(stm), 10)
	out = append(out, " 0 obj\n<</Type /ObjStm /N "...)
	out = strconv.AppendInt(out, int64(len(offs)), 10)
	out = append(out, " /First "...)
	out = strconv.AppendInt(out, int64(len(head)), 10)
	out = append(out, " /Filter /FlateDecode /Length "...)
	out = strconv.AppendInt(out, int64(len(z)), 10)
	out = append(out, ">>\nstream\n"...)
	out = append(out, z...)
	out = append(out, "\nendstream\nendobj\n"...)
	return xrefStream(out, offsets, first, stm, trailer, sc)
}

// appendText appends s as a PDF text string: literal when it is printable
// ASCII, else UTF-16BE with a byte order mark, in hex.
func appendText(b []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		b = append(b, '(')
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '(' || c == ')' || c == '\\' {
				b = append(b, '\\')
			}
			b = append(b, s[i])
		}
		return append(b, ')')
	}
	b = append(b, "<FEFF"...)
	const hex = "0123456789ABCDEF"
	var u [2]uint16
	for _, r := range s {
		for _, v := range utf16.AppendRune(u[:0], r) {
			b = append(b, hex[v>>12], hex[v>>8&15], hex[v>>4&15], hex[v&15])
		}
	}
	return append(b, '>')
}
