package deflate

// SetMaxSegment sets how long a piece is matched as one, returning the old
// length.
func SetMaxSegment(n int) int {
	old := maxSegment
	maxSegment = n
	return old
}

// Base returns what e adds to a position to store it.
func (e *Encoder) Base() int { return e.base }

// SetBase makes e's table look as if it had seen base bytes.
func (e *Encoder) SetBase(base int) { e.base = base }

// BlockSize is how much input a block starts matches in.
const BlockSize = blockSize
