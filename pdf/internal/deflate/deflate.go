// Package deflate is a small, fast zlib (RFC 1950) encoder for the PDF's
// streams, which are mostly a few kilobytes each.
//
// On such streams compress/flate at level 1 spends most of its time
// building Huffman codes, not finding matches. This encoder finds matches
// as quickly (one hash table of 4-byte prefixes, no chains, no lazy
// matching), keeps a block's matches and literals as tokens, builds the
// block's Huffman codes with a few passes over small arrays
// (huffman.go), and writes each block in whichever deflate (RFC 1951)
// form is smallest: with those codes, with the fixed code, which costs no
// table, or stored, for input that does not compress. Its streams are
// about the size of level 1's.
package deflate

import (
	"encoding/binary"
	"hash/adler32"
	"math"
	"math/bits"
)

const (
	minMatch = 4       // the shortest match looked for: one hash's worth
	maxMatch = 258     // the longest a deflate length code can say
	maxDist  = 1 << 15 // the farthest back a deflate distance code can reach

	// tableBits sizes the hash table: 1<<14 entries of 4 bytes, 64 KB.
	// 13 bits lose 1% on fonts and CMaps; 15 gain less than 1%.
	tableBits = 14

	// blockSize is how much input a block starts matches in. Smaller
	// blocks follow changing input better (a font's tables, then its
	// glyphs; an object stream's offsets, then its objects), larger ones
	// build fewer codes and send fewer tables: at 8 KB a 40 KB font cut
	// came out 4% smaller and took 25% longer.
	blockSize = 1 << 14

	// skipShift speeds through input that does not match: after
	// 1<<skipShift positions without a match, every second one is tried,
	// and so on. At 5, fonts came out 4% larger; at 7, 3.5% smaller but
	// took a fifth to a third longer.
	skipShift = 6

	// maxTokens bounds a block's tokens, one a byte at most: the last
	// match or skip that starts before blockSize can reach past it, and
	// fewer than minMatch bytes left at the end go with the block. Well
	// inside the 65535 bytes a stored block can hold.
	maxTokens = blockSize + blockSize>>skipShift + maxMatch + minMatch

	endBlock = 256 // the literal/length symbol that ends a block
)

// maxSegment bounds the input matched as one piece, so that positions plus
// Encoder.base always fit in the table's uint32 (and in an int on 32-bit
// machines). Longer pieces are split: no match crosses a split. A variable
// only so that a test can make it small.
var maxSegment = 1 << 29

// Encoder compresses with reusable state: its hash table and a block's
// tokens and codes, about 140 KB. The zero Encoder is ready to use. An
// Encoder is not safe for concurrent use; the package's Append is.
type Encoder struct {
	// table maps a hash of 4 bytes to base plus the last position they
	// were seen at. An entry below base is from an earlier piece or call,
	// so the table is never cleared between calls (clearing 64 KB would
	// cost as much as compressing a small stream).
	table [1 << tableBits]uint32
	base  int

	// tokens is the block being encoded: literals and matches (see
	// matchFlag); litFreq and distFreq count their symbols.
	tokens   [maxTokens]uint32
	ntokens  int
	used     int // the most tokens any block used since forget
	litFreq  [286]uint32
	distFreq [30]uint32

	h huffman
}

// maxIdle bounds the idle Encoders kept for Append: each is 140 KB the
// process keeps. A channel rather than a sync.Pool, so that a garbage
// collection does not empty it and the next letter does not allocate.
const maxIdle = 4

var idle = make(chan *Encoder, maxIdle)

// forget clears the tokens, which hold the literal bytes of what was
// compressed, so that an idle Encoder keeps nothing of a letter.
func (e *Encoder) forget() {
	clear(e.tokens[:e.used])
	e.used = 0
}

// Append appends the zlib stream of the concatenation of src to dst and
// returns the extended slice. It is safe for concurrent use: it takes an
// idle Encoder, or makes one, and keeps it for the next call if fewer than
// a few are idle.
func Append(dst []byte, src ...[]byte) []byte {
	var e *Encoder
	select {
	case e = <-idle:
	default:
		e = new(Encoder)
	}
	dst = e.Append(dst, src...)
	e.forget()
	select {
	case idle <- e:
	default:
	}
	return dst
}

// Append appends the zlib stream of the concatenation of src to dst and
// returns the extended slice. Matches do not reach from one piece of src
// into an earlier one. The stream depends only on src, not on what e
// compressed before.
func (e *Encoder) Append(dst []byte, src ...[]byte) []byte {
	// CMF 0x78: deflate with a 32 KB window; FLG 0x01: no dictionary,
	// "fastest" level, and the check bits that make CMF<<8|FLG a multiple
	// of 31.
	w := bitWriter{dst: append(dst, 0x78, 0x01)}
	last := -1
	for i, p := range src {
		if len(p) > 0 {
			last = i
		}
	}
	if last < 0 {
		// An empty final block with the fixed code: BFINAL, BTYPE 01,
		// end of block (seven 0 bits).
		w.bits(0b011, 3)
		w.bits(0, 7)
	}
	for i := 0; i <= last; i++ {
		for p := src[i]; len(p) > 0; {
			seg := p[:min(len(p), maxSegment)]
			p = p[len(seg):]
			e.segment(&w, seg, i == last && len(p) == 0)
		}
	}
	w.align()
	return binary.BigEndian.AppendUint32(w.dst, checksum(src))
}

// segment writes src as deflate blocks, the last of them final if last.
func (e *Encoder) segment(w *bitWriter, src []byte, last bool) {
	if e.base == 0 || e.base > math.MaxInt32-maxSegment {
		// A new Encoder, whose zero entries must not look like
		// position 0, or one that has seen 1.5 GB since it was cleared.
		clear(e.table[:])
		e.base = 1
	}
	base := e.base
	e.base += len(src)
	for s := 0; s < len(src); {
		start := s
		s = e.tokenize(src, s, base)
		e.writeBlock(w, src[start:s], last && s == len(src))
	}
}

// A match token is matchFlag | distance symbol<<24 | length<<15 |
// distance-1; a literal token is its byte.
const matchFlag = 1 << 31

// tokenize finds the literals and matches of a block of src from s and
// returns where the block ends.
func (e *Encoder) tokenize(src []byte, s, base int) int {
	n := len(src)
	clear(e.litFreq[:])
	clear(e.distFreq[:])
	tokens := e.tokens[:]
	nt := 0
	limit := min(n, s+blockSize)
	lit := s // literals not yet tokenized start here
	for s < limit && s <= n-minMatch {
		u := load32(src, s)
		h := (u * 0x9E3779B1) >> (32 - tableBits) // Knuth's multiplicative hash
		c := int(e.table[h]) - base
		e.table[h] = uint32(s + base)
		if c < 0 || s-c > maxDist || load32(src, c) != u {
			s += 1 + (s-lit)>>skipShift
			continue
		}
		for _, b := range src[lit:s] {
			tokens[nt] = uint32(b)
			nt++
			e.litFreq[b]++
		}
		l := minMatch + common(src, c+minMatch, s+minMatch, min(maxMatch, n-s)-minMatch)
		d := uint32(s - c - 1)
		ds := distSymbol(d)
		tokens[nt] = matchFlag | ds<<24 | uint32(l)<<15 | d
		nt++
		e.litFreq[lengths[l]&0x1ff]++
		e.distFreq[ds]++
		s += l
		lit = s
		if s <= n-minMatch {
			// The last position the match covers goes in the table
			// too: 1% smaller streams for a hash a match.
			h := (load32(src, s-1) * 0x9E3779B1) >> (32 - tableBits)
			e.table[h] = uint32(s - 1 + base)
		}
	}
	if s > n-minMatch {
		s = n // too near the end for a match (or skipped past it)
	}
	for _, b := range src[lit:s] {
		tokens[nt] = uint32(b)
		nt++
		e.litFreq[b]++
	}
	e.litFreq[endBlock] = 1
	e.ntokens = nt
	e.used = max(e.used, nt)
	return s
}

// distSymbol returns the symbol of distance d+1. Symbols 0-3 are
// distances 1-4; after them each pair of symbols covers twice the
// distances of the pair before, with one more extra bit: symbol 2h+b, for
// the top bit h of d and b the bit below it.
func distSymbol(d uint32) uint32 {
	if d < 4 {
		return d
	}
	h := uint32(bits.Len32(d)) - 1
	return 2*h + (d>>(h-1))&1
}

// writeBlock writes the tokens of p, a block, with the cheapest code.
func (e *Encoder) writeBlock(w *bitWriter, p []byte, final bool) {
	var bfinal uint64
	if final {
		bfinal = 1
	}
	// The bits each way of writing the block would take (but the 3 of
	// its header, the same for all). The extra bits of lengths and
	// distances are the same for both Huffman codes.
	var extra, fixed int
	for s := 257; s < len(e.litFreq); s++ {
		extra += int(e.litFreq[s]) * lengthExtra(s)
	}
	for s, f := range e.distFreq {
		extra += int(f) * int(distExtra(uint32(s)))
		fixed += int(f) * 5
	}
	for s, f := range e.litFreq {
		fixed += int(f) * int(fixedLit[s]>>16)
	}
	fixed += extra
	stored := (8-(w.pos()+3)%8)%8 + 32 + 8*len(p)
	dynamic := math.MaxInt
	if e.ntokens > 64 { // smaller blocks do not pay for a code table
		dynamic = e.h.build(&e.litFreq, &e.distFreq) + extra
	}
	switch {
	case stored < fixed && stored < dynamic:
		w.bits(bfinal, 3) // BTYPE 00
		w.align()
		w.dst = binary.LittleEndian.AppendUint16(w.dst, uint16(len(p)))
		w.dst = binary.LittleEndian.AppendUint16(w.dst, ^uint16(len(p)))
		w.dst = append(w.dst, p...)
		return
	case dynamic < fixed:
		w.bits(bfinal|2<<1, 3) // BTYPE 10
		e.h.writeTable(w)
		e.writeTokens(w, &e.h.lit, &e.h.dist)
	default:
		w.bits(bfinal|1<<1, 3) // BTYPE 01
		e.writeTokens(w, &fixedLit, &fixedDist)
	}
}

// writeTokens writes the block's tokens with the codes lit and dist, and
// the end of the block. It keeps w's state in locals, which the compiler
// can keep in registers.
func (e *Encoder) writeTokens(w *bitWriter, lit *[286]uint32, dist *[30]uint32) {
	dst, acc, n := w.dst, w.acc, w.n
	put := func(v uint64, bits uint) {
		acc |= v << (n & 63)
		n += bits
		if n >= 32 {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(acc))
			acc >>= 32
			n -= 32
		}
	}
	for _, t := range e.tokens[:e.ntokens] {
		if t < matchFlag {
			c := lit[t]
			put(uint64(c&0xffff), uint(c>>16))
			continue
		}
		// The length's symbol and its extra bits, then the distance's.
		l := lengths[t>>15&0x1ff]
		c := lit[l&0x1ff]
		put(uint64(c&0xffff)|uint64(l>>12)<<(c>>16), uint(c>>16+l>>9&7))
		ds := t >> 24 & 0x1f
		c, x := dist[ds], distExtra(ds)
		put(uint64(c&0xffff)|uint64(t&(1<<x-1))<<(c>>16), uint(c>>16+x))
	}
	c := lit[endBlock]
	put(uint64(c&0xffff), uint(c>>16))
	w.dst, w.acc, w.n = dst, acc, n
}

// load32 returns the 4 bytes of b at i as a number.
func load32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[i:]) }

// common returns how many of the max bytes at a and at b of src are the
// same, comparing 8 at a time.
func common(src []byte, a, b, max int) int {
	i := 0
	for ; i+8 <= max; i += 8 {
		if x := binary.LittleEndian.Uint64(src[a+i:]) ^ binary.LittleEndian.Uint64(src[b+i:]); x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for i < max && src[a+i] == src[b+i] {
		i++
	}
	return i
}

// checksum is the Adler-32 of the concatenation of src, made from each
// piece's: with m bytes B after A, s1(AB) = s1(A)+s1(B)-1 and
// s2(AB) = s2(A)+s2(B)+m*(s1(A)-1), modulo 65521.
func checksum(src [][]byte) uint32 {
	const mod = 65521
	s1, s2 := uint64(1), uint64(0)
	for _, p := range src {
		a := uint64(adler32.Checksum(p))
		s2 = (s2 + a>>16 + uint64(len(p))%mod*(s1+mod-1)) % mod
		s1 = (s1 + a&0xffff + mod - 1) % mod
	}
	return uint32(s2<<16 | s1)
}

// bitWriter appends bits to dst, least significant first as deflate packs
// them. Up to 32 bits wait in acc.
type bitWriter struct {
	dst []byte
	acc uint64
	n   uint // bits in acc
}

// bits writes the n low bits of v (n <= 32; v has no higher bits).
func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.n
	w.n += n
	if w.n >= 32 {
		w.dst = binary.LittleEndian.AppendUint32(w.dst, uint32(w.acc))
		w.acc >>= 32
		w.n -= 32
	}
}

// pos is how many bits have been written.
func (w *bitWriter) pos() int { return len(w.dst)*8 + int(w.n) }

// align pads with zero bits to a whole byte and writes out acc.
func (w *bitWriter) align() {
	for w.n > 0 {
		w.dst = append(w.dst, byte(w.acc))
		w.acc >>= 8
		w.n -= min(w.n, 8)
	}
}

// lengthExtra returns how many extra bits follow length symbol s: none for
// 257-264 and 285, then one more for every four symbols.
func lengthExtra(s int) int {
	if s < 265 || s == 285 {
		return 0
	}
	return (s - 261) / 4
}

// distExtra returns how many extra bits follow distance symbol s: none
// for 0-3, then one more for every two symbols.
func distExtra(s uint32) uint32 {
	if s < 4 {
		return 0
	}
	return s/2 - 1
}

var (
	// lengths gives, by match length (3 to 258), its symbol (9 bits),
	// its number of extra bits (3) and their value (5): where in the
	// symbol's range the length is. Lengths 3-10 have symbols 257-264;
	// after them each four symbols cover twice the lengths of the four
	// before, with one more extra bit; 258 has a symbol of its own, 285.
	lengths [maxMatch + 1]uint32

	// fixedLit and fixedDist are deflate's fixed code (RFC 1951, 3.2.6):
	// literals 0-143 are 8-bit codes from 0x30, 144-255 9-bit codes from
	// 0x190, symbols 256-279 7-bit codes from 0 and 280-287 8-bit codes
	// from 0xC0; distances are 5-bit codes. As every code here, each is
	// bit-reversed, for writing least significant bit first, with its
	// length in bits above.
	fixedLit  [286]uint32
	fixedDist [30]uint32
)

// reverse returns the n low bits of v in reverse order.
func reverse(v uint32, n uint) uint32 { return bits.Reverse32(v) >> (32 - n) }

func init() {
	for l := 3; l <= maxMatch; l++ {
		x := uint32(l - 3)
		var sym, extra uint32
		switch {
		case l == maxMatch:
			sym = 285
		case x < 8:
			sym = 257 + x
		default:
			h := uint32(bits.Len32(x)) - 1
			extra = h - 2
			sym = 257 + 4*(h-1) + (x>>extra)&3
		}
		lengths[l] = (x&(1<<extra-1))<<12 | extra<<9 | sym
	}
	for s := range uint32(len(fixedLit)) {
		switch {
		case s < 144:
			fixedLit[s] = 8<<16 | reverse(0x30+s, 8)
		case s < 256:
			fixedLit[s] = 9<<16 | reverse(0x190+s-144, 9)
		case s < 280:
			fixedLit[s] = 7<<16 | reverse(s-256, 7)
		default:
			fixedLit[s] = 8<<16 | reverse(0xC0+s-280, 8)
		}
	}
	for s := range uint32(len(fixedDist)) {
		fixedDist[s] = 5<<16 | reverse(s, 5)
	}
}
