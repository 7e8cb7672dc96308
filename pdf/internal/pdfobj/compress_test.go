package pdfobj

import (
	"bytes"
	"compress/zlib"
	"io"
	"runtime"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompressKeepsWriters checks that compressing after garbage
// collections reuses an idle writer rather than making one (about 1.2 MB),
// and that what it writes is zlib of the input.
func TestCompressKeepsWriters(t *testing.T) {
	src := bytes.Repeat([]byte("BT 56.69 785.20 Td (Referral) Tj ET\n"), 200)
	for _, level := range []int{zlib.BestSpeed, zlib.BestCompression} {
		_, err := Compress(nil, src, level) // leaves a writer idle
		require.NoError(t, err)
		runtime.GC()
		runtime.GC() // two collections empty a sync.Pool
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		z, err := Compress(make([]byte, 0, len(src)), src, level)
		runtime.ReadMemStats(&after)
		require.NoError(t, err)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "level %d: a new writer was made", level)
		r, err := zlib.NewReader(bytes.NewReader(z))
		require.NoError(t, err)
		got, err := io.ReadAll(r)
		require.NoError(t, err)
		assert.Equal(t, src, got)
	}
}

func TestCompressLevel(t *testing.T) {
	for _, level := range []int{-1, 0, 10} {
		_, err := Compress(nil, []byte("x"), level)
		assert.Error(t, err, "level %d", level)
	}
}

// ttfPDF is fpdf's uncompressed output for one page of text in a one-byte
// TrueType font named name whose program is z.
func ttfPDF(t *testing.T, name string, z []byte) []byte {
	t.Helper()
	def := `{"Tp":"TrueType","Name":"` + name + `","Cw":[` + strings.Repeat("500,", 255) +
		`500],"File":"test.z","OriginalSize":1234,"Desc":{"Ascent":900,"Descent":-200,"Flags":4}}`
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	p.AddFontFromBytes("test", "", []byte(def), z)
	p.AddPage()
	p.SetFont("test", "", 10)
	p.Text(20, 20, "ab")
	var raw bytes.Buffer
	require.NoError(t, p.Output(&raw))
	return raw.Bytes()
}

// TestFinishProgram: a font's Program takes the place of its placeholder,
// and a placeholder is never left in the PDF.
func TestFinishProgram(t *testing.T) {
	const name = "ABCDAA+Test"
	codes := &[256]rune{'a': 'a', 'b': 'b'}
	program := []byte("the compressed program, stands in for zlib")
	out, err := Finish(ttfPDF(t, name, Placeholder(name)), map[string]*Font{
		name: {Codes: codes, Program: program, Length1: 1234},
	}, nil, nil)
	require.NoError(t, err)
	assert.Contains(t, string(out), "<</Length 42\n/Filter /FlateDecode\n/Length1 1234\n>>\nstream\n"+string(program)+"\nendstream\nendobj\n")
	assert.NotContains(t, string(out), placeholderPrefix)

	// The same font given to fpdf with its program is left as it is.
	direct, err := Finish(ttfPDF(t, name, program), map[string]*Font{name: {Codes: codes}}, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, string(direct), string(out))

	for _, tc := range []struct {
		name  string
		fonts map[string]*Font
		z     []byte
	}{
		{"placeholder, no program", map[string]*Font{name: {Codes: codes}}, Placeholder(name)},
		{"program, no placeholder", map[string]*Font{name: {Codes: codes, Program: program, Length1: 1234}}, program},
		{"placeholder of another font", map[string]*Font{name: {Codes: codes, Program: program, Length1: 1234}}, Placeholder("XYZ")},
		{"wrong length", map[string]*Font{name: {Codes: codes, Program: program, Length1: 99}}, Placeholder(name)},
		{"no codes", map[string]*Font{name: {Program: program, Length1: 1234}}, Placeholder(name)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Finish(ttfPDF(t, name, tc.z), tc.fonts, nil, nil)
			assert.ErrorIs(t, err, ErrLayout)
		})
	}
}

// TestScratchKept: Finish's buffers are kept for the next, cleared, unless
// a long letter grew them too large.
func TestScratchKept(t *testing.T) {
	for len(scratches) > 0 {
		<-scratches
	}
	sc := getScratch()
	sc.page = append(sc.page, "Ms Siobhán Ó Súilleabháin"...)
	sc.release()
	again := getScratch()
	require.Same(t, sc, again, "an idle scratch is reused")
	assert.Empty(t, again.page)
	assert.Equal(t, make([]byte, 16), again.page[:16], "what the letter left is cleared")

	again.objs = make([]byte, 0, maxScratch+1)
	again.release()
	assert.Empty(t, scratches, "a scratch grown too large is not kept")
}
