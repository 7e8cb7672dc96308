package pdfobj

import (
	"encoding/binary"
	"hash/adler32"
)

// A letter's own font cut is mostly a part every cut of the face shares
// (the font's name table, its copyright and licence), which it ends with,
// and a little that is the letter's. Compressing each cut whole, even at
// compress/flate's fastest level, cost more than the rest of the letter's
// fonts together, and the shared part is most of what compresses.
// Join instead writes a zlib stream of the letter's part, stored as it is,
// followed by the deflate data of the shared part, made once. A deflate
// stream is a series of blocks, and blocks that start on a byte and refer
// to nothing before them can follow one another whatever made them.

// A Tail is the end of the data of streams Join writes, compressed once.
type Tail struct {
	data, z []byte // z: data's deflate blocks, the last final
	sum     uint32 // the Adler-32 checksum of data
}

// NewTail compresses data once, to end any number of streams, as page
// content is compressed (see compress): a higher level would cost a fresh
// process a compress/zlib writer (about 1.2 MB) and a few hundred
// microseconds to save a name table about 90 bytes.
func NewTail(data []byte) (Tail, error) {
	z, err := Compress(nil, data, pageLevel)
	if err != nil {
		return Tail{}, err
	}
	// zlib's two-byte header (no dictionary) and Adler-32 checksum
	// around a deflate stream.
	if len(z) < 6 {
		return Tail{}, ErrLayout
	}
	return Tail{data: data, z: z[2 : len(z)-4], sum: adler32.Checksum(data)}, nil
}

// maxStored is the most data a stored deflate block holds.
const maxStored = 0xffff

// Join appends to dst a zlib stream of data, stored as it is, then of
// tail's data, whose deflate data it copies. It costs about what copying
// the data does. The zero Tail ends the stream with data.
func Join(dst, data []byte, tail Tail) []byte {
	dst = append(dst, 0x78, 0x01) // deflate, 32 KB window, fastest; no dictionary
	for d := data; len(d) > 0; {
		n := min(len(d), maxStored)
		dst = storedHeader(dst, n, false)
		dst = append(dst, d[:n]...)
		d = d[n:]
	}
	sum := adler32.Checksum(data)
	if tail.z == nil {
		dst = storedHeader(dst, 0, true)
	} else {
		dst = append(dst, tail.z...)
		sum = adler32Combine(sum, tail.sum, len(tail.data))
	}
	return binary.BigEndian.AppendUint32(dst, sum)
}

// storedHeader appends the header of a stored block of n bytes, starting
// on a byte: BFINAL and BTYPE 00 in a byte, then LEN and NLEN.
func storedHeader(dst []byte, n int, final bool) []byte {
	var b byte
	if final {
		b = 1
	}
	return append(dst, b, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
}

// adler32Combine returns the Adler-32 checksum of data a followed by data
// b, of length n, given their checksums: a's sum of bytes plus b's, and
// a's sum of sums plus b's, plus n times a's sum of bytes less 1 (b's
// sums of bytes each start from a's, not from 1).
func adler32Combine(a, b uint32, n int) uint32 {
	const mod = 65521
	rem := uint64(n % mod)
	a1, a2 := uint64(a&0xffff), uint64(a>>16)
	b1, b2 := uint64(b&0xffff), uint64(b>>16)
	s1 := (a1 + b1 + mod - 1) % mod
	s2 := (a2 + b2 + rem*a1 + mod - rem) % mod
	return uint32(s2<<16 | s1)
}
