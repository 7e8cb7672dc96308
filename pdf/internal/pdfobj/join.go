package pdfobj

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/adler32"
)

// A letter's own font cut is mostly a part every cut of the face shares
// (the font's name table, its copyright and licence) and a little that is
// the letter's. Compressing each cut whole, even at the fastest level, cost
// more than the rest of the letter's fonts together: a compressor's fixed
// cost is large next to a few kilobytes. Join instead writes a zlib stream
// of pieces, copying the deflate data of the shared ones, made once by
// Deflate, and storing the letter's own as they are. A deflate stream is
// a series of blocks, and blocks that start on a byte and refer to nothing
// before them can follow one another whatever made them.

// A Piece is part of the data of a stream Join writes.
type Piece struct {
	Data []byte
	z    []byte // Data's deflate blocks, not final, ending on a byte; nil to store Data
	sum  uint32 // with z, the Adler-32 checksum of Data
}

// Deflate returns data as a piece whose deflate data is made now, at the
// best compression, for Join to copy into any number of streams.
func Deflate(data []byte) (Piece, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return Piece{}, err
	}
	if _, err := w.Write(data); err != nil {
		return Piece{}, err
	}
	// Flush ends the blocks on a byte, with an empty stored block, and
	// leaves the stream open: the piece is not the last.
	if err := w.Flush(); err != nil {
		return Piece{}, err
	}
	return Piece{Data: data, z: buf.Bytes(), sum: adler32.Checksum(data)}, nil
}

// maxStored is the most data a stored deflate block holds.
const maxStored = 0xffff

// Join appends to dst a zlib stream of the pieces' data, in order: the
// deflate data of pieces made by Deflate, and the others stored as they
// are. It costs about what copying the data does.
func Join(dst []byte, pieces ...Piece) []byte {
	dst = append(dst, 0x78, 0x01) // deflate, 32 KB window, fastest; no dictionary
	sum := uint32(1)              // Adler-32 of nothing
	for _, p := range pieces {
		if p.z != nil {
			sum = adler32Combine(sum, p.sum, len(p.Data))
			dst = append(dst, p.z...)
			continue
		}
		sum = adler32Combine(sum, adler32.Checksum(p.Data), len(p.Data))
		for d := p.Data; len(d) > 0; {
			n := min(len(d), maxStored)
			dst = storedHeader(dst, n, false)
			dst = append(dst, d[:n]...)
			d = d[n:]
		}
	}
	dst = storedHeader(dst, 0, true)
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
