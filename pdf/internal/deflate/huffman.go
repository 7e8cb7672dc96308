package deflate

// huffman builds a block's own Huffman codes (RFC 1951, 3.2.7): one for
// literals and lengths, one for distances, and a third that codes the
// lengths of the first two's codes in the block's header.
type huffman struct {
	lit  [286]uint32 // codes as fixedLit: bit-reversed, length above
	dist [30]uint32

	// The lengths of the lit and dist codes, as a header sends them:
	// seq is lit's nlit then dist's ndist, and rle is seq as symbols of
	// the code-length code (symbol | extra bits' value<<5), coded by clen.
	seq         [286 + 30]uint8
	nlit, ndist int
	rle         [286 + 30]uint16
	nrle        int
	clen        [19]uint32
	nclen       int // code lengths sent, in clenOrder

	// scratch for lengths, and count, how many codes of each length it
	// made
	count  [16]uint32
	lens   [286]uint8
	leaves [2][286]uint32
	weight [2 * 286]uint32
	parent [2 * 286]uint16
	depth  [2 * 286]uint16
}

// clenOrder is the order the header sends the code-length code's lengths
// in, least likely to be used last, so that they can be left off.
var clenOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// build makes the codes for a block whose symbols occur litFreq and
// distFreq times and returns the bits the header and those symbols take
// with them (not counting extra bits).
func (h *huffman) build(litFreq *[286]uint32, distFreq *[30]uint32) int {
	cost := 5 + 5 + 4 // HLIT, HDIST, HCLEN
	lens := h.lengths(litFreq[:], 15)
	h.nlit = 286
	for h.nlit > 257 && lens[h.nlit-1] == 0 {
		h.nlit--
	}
	for s, f := range litFreq {
		cost += int(f) * int(lens[s])
	}
	h.canonical(lens, h.lit[:])
	copy(h.seq[:], lens[:h.nlit])

	lens = h.lengths(distFreq[:], 15)
	h.ndist = 30
	for h.ndist > 1 && lens[h.ndist-1] == 0 {
		h.ndist--
	}
	for s, f := range distFreq {
		cost += int(f) * int(lens[s])
	}
	h.canonical(lens, h.dist[:])
	copy(h.seq[h.nlit:], lens[:h.ndist])

	// Runs in the code lengths become symbols 16 (the last length again
	// 3-6 times), 17 (3-10 zeros) and 18 (11-138 zeros).
	var freq [19]uint32
	h.nrle = 0
	add := func(sym, x int) {
		h.rle[h.nrle] = uint16(sym | x<<5)
		h.nrle++
		freq[sym]++
	}
	seq := h.seq[:h.nlit+h.ndist]
	for i := 0; i < len(seq); {
		v, run := seq[i], 1
		for i+run < len(seq) && seq[i+run] == v {
			run++
		}
		i += run
		if v == 0 {
			for ; run >= 11; run -= min(run, 138) {
				add(18, min(run, 138)-11)
			}
			if run >= 3 {
				add(17, run-3)
				run = 0
			}
		} else {
			add(int(v), 0)
			run--
			for ; run >= 3; run -= min(run, 6) {
				add(16, min(run, 6)-3)
			}
		}
		for ; run > 0; run-- {
			add(int(v), 0)
		}
	}
	lens = h.lengths(freq[:], 7)
	h.canonical(lens, h.clen[:])
	h.nclen = 19
	for h.nclen > 4 && lens[clenOrder[h.nclen-1]] == 0 {
		h.nclen--
	}
	cost += 3 * h.nclen
	for s, f := range freq {
		cost += int(f) * (int(lens[s]) + int(rleExtra[s]))
	}
	return cost
}

// rleExtra is how many extra bits follow each code-length symbol.
var rleExtra = [19]uint8{16: 2, 17: 3, 18: 7}

// writeTable writes the header of a block with the codes build made,
// after its 3 bits BFINAL and BTYPE.
func (h *huffman) writeTable(w *bitWriter) {
	w.bits(uint64(h.nlit-257), 5)
	w.bits(uint64(h.ndist-1), 5)
	w.bits(uint64(h.nclen-4), 4)
	for _, s := range clenOrder[:h.nclen] {
		w.bits(uint64(h.clen[s]>>16), 3)
	}
	for _, r := range h.rle[:h.nrle] {
		s := r & 31
		c := h.clen[s]
		w.bits(uint64(c&0xffff)|uint64(r>>5)<<(c>>16), uint(c>>16)+uint(rleExtra[s]))
	}
}

// lengths returns the code lengths of a Huffman code for symbols that
// occur freq times, none longer than maxBits. It is a slice of h.lens,
// valid until the next call. Symbols that do not occur get no code
// (length 0), but the code always has two symbols at least: decoders
// want a complete code, and one symbol alone would be no code at all.
// There must be room for them all: len(freq) <= 1<<maxBits.
func (h *huffman) lengths(freq []uint32, maxBits int) []uint8 {
	lens := h.lens[:len(freq)]
	clear(lens)
	n, most := 0, uint32(0)
	for s, f := range freq {
		if f > 0 {
			h.leaves[0][n] = f<<9 | uint32(s)
			n++
			most = max(most, f)
		}
	}
	clear(h.count[:])
	if n < 2 {
		h.count[1] = 2
		for s := 0; n < 2; s++ {
			if freq[s] == 0 {
				lens[s] = 1
				n++
			}
		}
		for s, f := range freq {
			if f > 0 {
				lens[s] = 1
			}
		}
		return lens
	}
	// Huffman's tree, made with two queues: the leaves, least frequent
	// first (ties by symbol, so the code depends only on freq), and the
	// nodes made by joining the two lightest of either queue, which come
	// out in order of weight too. Nodes are numbered from n, so each
	// parent's number is above its children's.
	leaves := h.sortLeaves(n, most)
	for i, l := range leaves {
		h.weight[i] = l >> 9
	}
	leaf, node := 0, n
	for k := n; k < 2*n-1; k++ {
		h.weight[k] = 0
		for range 2 {
			var i int
			if leaf < n && (node == k || h.weight[leaf] <= h.weight[node]) {
				i, leaf = leaf, leaf+1
			} else {
				i, node = node, node+1
			}
			h.weight[k] += h.weight[i]
			h.parent[i] = uint16(k)
		}
	}
	h.depth[2*n-2] = 0
	for k := 2*n - 3; k >= 0; k-- {
		h.depth[k] = h.depth[h.parent[k]] + 1
	}
	// How many leaves each depth has, those deeper than maxBits cut
	// back to it, which makes the code over-full: its Kraft sum
	// (sum of 2^(maxBits-length)) over 2^maxBits. Each step takes a leaf
	// from the deepest level above maxBits and puts a maxBits leaf and it
	// under it: one less in the sum, the least longer code.
	var count [16]int
	for _, d := range h.depth[:n] {
		count[min(int(d), maxBits)]++
	}
	kraft := 0
	for l := 1; l <= maxBits; l++ {
		kraft += count[l] << (maxBits - l)
	}
	for ; kraft > 1<<maxBits; kraft-- {
		l := maxBits - 1
		for count[l] == 0 {
			l--
		}
		count[l]--
		count[l+1] += 2
		count[maxBits]--
	}
	// The least frequent symbols get the longest codes.
	i := 0
	for l := maxBits; l > 0; l-- {
		h.count[l] = uint32(count[l])
		for range count[l] {
			lens[leaves[i]&511] = uint8(l)
			i++
		}
	}
	return lens
}

// sortLeaves sorts the n leaves (frequency<<9 | symbol, in symbol order),
// whose frequencies are at most most, by frequency and then symbol. It is
// a radix sort, a byte of the frequency a pass, each pass stable: faster
// than comparing, with up to 286 symbols and mostly one or two passes.
func (h *huffman) sortLeaves(n int, most uint32) []uint32 {
	a, b := h.leaves[0][:n], h.leaves[1][:n]
	for shift := 9; most>>(shift-9) > 0; shift += 8 {
		var start [256]uint16
		for _, l := range a {
			start[l>>shift&255]++
		}
		sum := uint16(0)
		for d, c := range start {
			start[d], sum = sum, sum+c
		}
		for _, l := range a {
			d := l >> shift & 255
			b[start[d]] = l
			start[d]++
		}
		a, b = b, a
	}
	return a
}

// canonical makes the codes of the lengths lens, which lengths has just
// made, as RFC 1951 (3.2.2) orders them: shorter codes first, and in
// symbol order within a length. A symbol of length 0 gets code 0, so its
// length reads as 0 too.
func (h *huffman) canonical(lens []uint8, codes []uint32) {
	var next [16]uint32
	code := uint32(0)
	for l := 1; l < 16; l++ {
		code = (code + h.count[l-1]) << 1
		next[l] = code
	}
	for s, l := range lens {
		codes[s] = 0
		if l != 0 {
			codes[s] = uint32(l)<<16 | reverse(next[l], uint(l))
			next[l]++
		}
	}
}
