package pdfobj

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kidElems returns the elements among e's kids.
func kidElems(t *Tree, e int) []int {
	var out []int
	for _, k := range t.Elems[e].Kids {
		if k.Elem != 0 {
			out = append(out, k.Elem)
		}
	}
	return out
}

// TestAddShared: lists growing side by side from the tree's shared chunk
// keep their own children, whether grown one at a time, reserved, added
// n at once or appended to past their room, as the drawer appends marked
// content.
func TestAddShared(t *testing.T) {
	tree := NewTree()
	tree.Grow(10)
	tree.Reserve(0, 3)
	a := tree.Add("Div", 0)
	b := tree.Add("Table", 0)
	want := map[int][]int{0: {a, b}, a: nil, b: nil}
	for i := range 40 { // far past a chunk
		p := tree.Add("P", a)
		want[a] = append(want[a], p)
		tr := tree.Add("TR", b)
		want[b] = append(want[b], tr)
		first := tree.AddN("TD", tr, 3)
		want[tr] = []int{first, first + 1, first + 2}
		if i%7 == 0 {
			tree.Reserve(a, 5)
		}
	}
	c := tree.Add("Div", 0)
	want[0] = append(want[0], c)
	for e, kids := range want {
		assert.Equal(t, kids, kidElems(tree, e), "children of %d", e)
		for _, k := range kids {
			assert.Equal(t, e, tree.Elems[k].Parent, "parent of %d", k)
		}
	}
	assert.Equal(t, "TD", tree.Elems[want[want[b][0]][2]].Role)

	// Marked content after the elements, by AddContent or by append.
	tree.AddContent(a, 1, 4)
	td := want[want[b][5]][1]
	tree.Elems[td].Kids = append(tree.Elems[td].Kids, Kid{Page: 0, MCID: 9})
	tree.AddContent(td, 0, 10)
	assert.Equal(t, Kid{Page: 1, MCID: 4}, tree.Elems[a].Kids[len(tree.Elems[a].Kids)-1])
	assert.Equal(t, []Kid{{MCID: 9}, {MCID: 10}}, tree.Elems[td].Kids)
	assert.Equal(t, want[b], kidElems(tree, b), "the table's rows untouched")
	assert.Equal(t, []int{td - 1, td, td + 1}, kidElems(tree, tree.Elems[td].Parent), "the cell's row untouched")
}

func TestAddN(t *testing.T) {
	tree := NewTree()
	assert.Equal(t, 1, tree.AddN("TD", 0, 0), "none: the next index")
	assert.Len(t, tree.Elems, 1)
	first := tree.AddN("TD", 0, 4)
	assert.Equal(t, 1, first)
	require.Len(t, tree.Elems, 5)
	assert.Equal(t, []int{1, 2, 3, 4}, kidElems(tree, 0))
	assert.Equal(t, 5, tree.AddN("P", 0, 2))
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6}, kidElems(tree, 0), "appended after the first four")

	var zero Tree // its first element is the root, no one's child
	assert.Equal(t, 0, zero.Add("Document", 0))
	assert.Equal(t, 1, zero.Add("P", 0))
	assert.Equal(t, []int{1}, kidElems(&zero, 0))
}

// TestAddAllocates: adding a letter's elements to a grown tree takes few
// allocations, not one or more an element.
func TestAddAllocates(t *testing.T) {
	allocs := testing.AllocsPerRun(20, func() {
		tree := NewTree()
		tree.Grow(400)
		tree.Reserve(0, 30)
		for range 30 {
			blk := tree.Add("Table", 0)
			tree.Reserve(blk, 3)
			for range 3 {
				tr := tree.Add("TR", blk)
				tree.AddN("TD", tr, 3)
			}
		}
	})
	assert.LessOrEqual(t, allocs, 12.0, "30 blocks of 12 elements")
}
