package pdfobj

import (
	"bytes"
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

// structure writes the structure tree's objects: the StructTreeRoot, its
// ParentTree and one object per kept element, numbered from first, given
// the object numbers of the pages. It returns the objects' bodies (no
// "obj" lines), in number order, the root being first.
func (t *Tree) structure(first int, pages []int) ([][]byte, error) {
	keep := t.keep()
	num := make([]int, len(t.Elems))
	next := first + 2 // root, parent tree, then the elements
	for i := range t.Elems {
		if keep[i] {
			num[i] = next
			next++
		}
	}
	parents := make([][]int, len(pages)) // page → MCID → element's object
	for i, e := range t.Elems {
		for _, k := range e.Kids {
			if k.Elem != 0 || !keep[i] {
				continue
			}
			if k.Page < 0 || k.Page >= len(pages) || k.MCID < 0 || k.MCID > 1<<20 {
				return nil, fmt.Errorf("%w: marked content on no page", ErrLayout)
			}
			for len(parents[k.Page]) <= k.MCID {
				parents[k.Page] = append(parents[k.Page], 0)
			}
			if parents[k.Page][k.MCID] != 0 {
				return nil, fmt.Errorf("%w: marked content in two elements", ErrLayout)
			}
			parents[k.Page][k.MCID] = num[i]
		}
	}
	for _, els := range parents {
		if slices.Contains(els, 0) {
			return nil, fmt.Errorf("%w: marked content in no element", ErrLayout)
		}
	}
	objs := [][]byte{
		fmt.Appendf(nil, "<</Type /StructTreeRoot /K %d 0 R /ParentTree %d 0 R /ParentTreeNextKey %d>>", num[0], first+1, len(pages)),
	}
	pt := []byte("<</Nums [")
	for p, els := range parents {
		pt = fmt.Appendf(pt, "%d [", p)
		for j, n := range els {
			if j > 0 {
				pt = append(pt, ' ')
			}
			pt = fmt.Appendf(pt, "%d 0 R", n)
		}
		pt = append(pt, "]\n"...)
	}
	objs = append(objs, append(pt, "]>>"...))
	for i, e := range t.Elems {
		if !keep[i] {
			continue
		}
		parent := first
		if i > 0 {
			parent = num[e.Parent]
		}
		b := fmt.Appendf(nil, "<</S /%s /P %d 0 R", e.Role, parent)
		pg := -1
		for _, k := range e.Kids {
			if k.Elem == 0 {
				pg = k.Page
				b = fmt.Appendf(b, " /Pg %d 0 R", pages[pg])
				break
			}
		}
		if e.Alt != "" {
			b = append(b, " /Alt "...)
			b = appendText(b, e.Alt)
		}
		if e.Scope != "" {
			b = fmt.Appendf(b, " /A <</O /Table /Scope /%s>>", e.Scope)
		}
		var kids []byte
		n := 0
		for _, k := range e.Kids {
			switch {
			case k.Elem != 0 && keep[k.Elem]:
				kids = fmt.Appendf(kids, " %d 0 R", num[k.Elem])
			case k.Elem != 0:
				continue
			case k.Page == pg:
				kids = fmt.Appendf(kids, " %d", k.MCID)
			default:
				kids = fmt.Appendf(kids, " <</Type /MCR /Pg %d 0 R /MCID %d>>", pages[k.Page], k.MCID)
			}
			n++
		}
		switch {
		case n == 1:
			b = append(append(b, " /K"...), kids...)
		case n > 1:
			b = append(append(append(b, " /K ["...), kids[1:]...), ']')
		}
		objs = append(objs, append(b, ">>"...))
	}
	return objs, nil
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
	for _, u := range utf16.Encode([]rune(s)) {
		b = fmt.Appendf(b, "%04X", u)
	}
	return append(b, '>')
}

// objectStream packs objects numbered from first into one compressed
// object stream, whose body it returns.
func objectStream(objs [][]byte, first int) ([]byte, error) {
	var head, data []byte
	for i, o := range objs {
		head = strconv.AppendInt(head, int64(first+i), 10)
		head = append(head, ' ')
		head = strconv.AppendInt(head, int64(len(data)), 10)
		head = append(head, ' ')
		data = append(append(data, o...), '\n')
	}
	z, err := Compress(nil, append(head, data...), pageLevel)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<</Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d>>\nstream\n", len(objs), len(head), len(z))
	b.Write(z)
	b.WriteString("\nendstream\nendobj\n")
	return b.Bytes(), nil
}
