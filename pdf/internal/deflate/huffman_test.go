package deflate

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// huffmanCost is the bits an unlimited Huffman code spends on symbols
// that occur freq times: the sum of the weights of the nodes it joins.
func huffmanCost(freq []uint32) int {
	var w []int
	for _, f := range freq {
		if f > 0 {
			w = append(w, int(f))
		}
	}
	cost := 0
	for len(w) > 1 {
		slices.Sort(w)
		j := w[0] + w[1]
		cost += j
		w = append(w[2:], j)
	}
	return cost
}

// TestLengths checks the code lengths on frequencies of many shapes: every
// symbol that occurs has a code, none is longer than allowed, the code is
// complete (decoders reject others), and when no length had to be cut it
// costs what Huffman's code costs.
func TestLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fib := func(n int) []uint32 {
		f := []uint32{1, 1}
		for len(f) < n {
			f = append(f, f[len(f)-1]+f[len(f)-2])
		}
		return f
	}
	tests := []struct {
		name    string
		freq    []uint32
		maxBits int
	}{
		{"none", make([]uint32, 30), 15},
		{"one", append(make([]uint32, 29), 7), 15},
		{"two", []uint32{0, 5, 0, 9}, 15},
		{"equal", slices.Repeat([]uint32{3}, 286), 15},
		// Fibonacci frequencies make the deepest tree: 24 symbols
		// want a 23-bit code, 19 a 18-bit one.
		{"fibonacci", fib(24), 15},
		{"fibonacci, code lengths", fib(19), 7},
		{"skewed", append(fib(20), slices.Repeat([]uint32{1}, 200)...), 15},
	}
	for i := range 200 {
		n := []int{19, 30, 286}[i%3]
		freq := make([]uint32, n)
		for s := range freq {
			if rng.IntN(3) > 0 {
				freq[s] = uint32(rng.ExpFloat64() * float64(1+rng.IntN(5000)))
			}
		}
		tests = append(tests, struct {
			name    string
			freq    []uint32
			maxBits int
		}{"random", freq, map[int]int{19: 7, 30: 15, 286: 15}[n]})
	}
	var h huffman
	for _, tt := range tests {
		lens := h.lengths(tt.freq, tt.maxBits)
		require.Len(t, lens, len(tt.freq))
		kraft, used, cost, longest := 0, 0, 0, 0
		for s, l := range lens {
			if tt.freq[s] > 0 {
				assert.NotZero(t, l, "%s: symbol %d has no code", tt.name, s)
			}
			if l > 0 {
				used++
				kraft += 1 << (tt.maxBits - int(l))
				cost += int(tt.freq[s]) * int(l)
				longest = max(longest, int(l))
			}
		}
		assert.LessOrEqual(t, longest, tt.maxBits, tt.name)
		assert.GreaterOrEqual(t, used, 2, tt.name)
		assert.Equal(t, 1<<tt.maxBits, kraft, "%s: the code is not complete", tt.name)
		var count [16]uint32
		for _, l := range lens {
			count[l]++
		}
		assert.Equal(t, count[1:], h.count[1:], tt.name)
		if want := huffmanCost(tt.freq); longest < tt.maxBits && used > 2 {
			assert.Equal(t, want, cost, "%s: not a Huffman code", tt.name)
		} else {
			assert.GreaterOrEqual(t, cost, want, tt.name)
		}
	}
}

// TestCanonical checks the example of RFC 1951, 3.2.2: lengths
// (3, 3, 3, 3, 3, 2, 4, 4) give codes 010, 011, 100, 101, 110, 00, 1110,
// 1111.
func TestCanonical(t *testing.T) {
	var h huffman
	lens := []uint8{3, 3, 3, 3, 3, 2, 4, 4}
	h.count = [16]uint32{2: 1, 3: 5, 4: 2}
	codes := make([]uint32, len(lens))
	h.canonical(lens, codes)
	want := []uint32{0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111}
	for s := range lens {
		assert.Equal(t, uint32(lens[s])<<16|reverse(want[s], uint(lens[s])), codes[s], "symbol %d", s)
	}
}

// TestCodeTables checks the tables against RFC 1951's: the length and
// distance ranges of a few symbols, and the fixed code's lengths.
func TestCodeTables(t *testing.T) {
	for _, c := range []struct{ length, sym, extra, value int }{
		{3, 257, 0, 0}, {10, 264, 0, 0}, {11, 265, 1, 0}, {12, 265, 1, 1},
		{19, 269, 2, 0}, {130, 280, 4, 15}, {131, 281, 5, 0}, {227, 284, 5, 0}, {257, 284, 5, 30}, {258, 285, 0, 0},
	} {
		l := lengths[c.length]
		assert.Equal(t, []int{c.sym, c.extra, c.value}, []int{int(l & 511), int(l >> 9 & 7), int(l >> 12)}, "length %d", c.length)
	}
	for _, c := range []struct{ dist, sym int }{
		{1, 0}, {4, 3}, {5, 4}, {7, 5}, {8, 5}, {9, 6}, {192, 14}, {193, 15}, {257, 16}, {24577, 29}, {32768, 29},
	} {
		assert.Equal(t, uint32(c.sym), distSymbol(uint32(c.dist-1)), "distance %d", c.dist)
	}
	assert.Equal(t, uint32(13), distExtra(29))
	assert.Equal(t, 5, lengthExtra(284))
	for s, want := range map[int]uint32{0: 8, 143: 8, 144: 9, 255: 9, 256: 7, 279: 7, 280: 8, 285: 8} {
		assert.Equal(t, want, fixedLit[s]>>16, "symbol %d", s)
	}
	assert.Equal(t, reverse(0b00110000, 8), fixedLit[0]&0xffff)
}
