package pdfread

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// build writes objs (numbered from 1) as a PDF with a classic
// cross-reference table and the given trailer entries.
func build(objs []string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<<\n/Size %d\n%s\n>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailer, x)
	return b.Bytes()
}

func flate(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return fmt.Sprintf("<</Filter /FlateDecode /Length %d>>\nstream\n%s\nendstream", b.Len(), b.String())
}

func sample(t *testing.T) []byte {
	t.Helper()
	return build([]string{
		"<</Type /Catalog /Pages 2 0 R /Lang (en-GB)>>",
		"<</Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595.28 841.89] /Resources <</Font <</F1 5 0 R>>>>>>",
		"<</Type /Page /Parent 2 0 R /Contents 4 0 R>>",
		flate(t, "BT /F1 10 Tf 20 30 Td (a\\(b\\)) Tj ET"),
		"<</Type /Font /BaseFont /A#42C /Widths [1 2.5 -3]>>",
		"<</Title <FEFF0043006100660065 0301> /Author (Caf\\351)>>",
	}, "/Root 1 0 R\n/Info 6 0 R")
}

func TestRead(t *testing.T) {
	f, err := Read(sample(t))
	require.NoError(t, err)
	assert.Equal(t, 6, f.Objects())
	pages, err := f.Pages()
	require.NoError(t, err)
	require.Len(t, pages, 1)
	assert.Equal(t, [4]float64{0, 0, 595.28, 841.89}, pages[0].MediaBox, "inherited")
	c, err := f.Content(pages[0])
	require.NoError(t, err)
	assert.Equal(t, "BT /F1 10 Tf 20 30 Td (a\\(b\\)) Tj ET", string(c))
	font, ok := f.Get(f.Get(pages[0].Resources["Font"]).(Dict)["F1"]).(Dict)
	require.True(t, ok)
	assert.Equal(t, Name("ABC"), font["BaseFont"], "#42 in a name")
	assert.Equal(t, []any{1, 2.5, -3}, font["Widths"])
	info := f.Get(f.Trailer["Info"]).(Dict)
	title, ok := Text(info["Title"])
	require.True(t, ok)
	assert.Equal(t, "Cafe\u0301", title, "UTF-16BE, white space between hex digits")
	author, _ := Text(info["Author"])
	assert.Equal(t, "Café", author, "an octal escape, read as Latin-1")
	lang, _ := Text(f.Catalog()["Lang"])
	assert.Equal(t, "en-GB", lang)
}

// TestReadDamaged: a file whose cross-reference, objects or streams are not
// what they claim is an error, never a panic.
func TestReadDamaged(t *testing.T) {
	good := sample(t)
	for name, edit := range map[string]func(string) string{
		"no header":          func(s string) string { return strings.Replace(s, "%PDF-1.4", "%PDX-1.4", 1) },
		"dangling reference": func(s string) string { return strings.Replace(s, "/Contents 4 0 R", "/Contents 9 0 R", 1) },
		"offset moved":       func(s string) string { return strings.Replace(s, "\n1 0 obj", "\n 1 0 obj", 1) },
		"wrong number":       func(s string) string { return strings.Replace(s, "3 0 obj", "7 0 obj", 1) },
		"stream too long":    func(s string) string { return strings.Replace(s, "/Length ", "/Length 1", 1) },
		"no endobj":          func(s string) string { return strings.Replace(s, ">>\nendobj", ">>\nendobx", 1) },
		"no catalog":         func(s string) string { return strings.Replace(s, "/Type /Catalog", "/Type /Catalot", 1) },
		"size":               func(s string) string { return strings.Replace(s, "/Size 7", "/Size 8", 1) },
		"duplicate key":      func(s string) string { return strings.Replace(s, "/Lang (en-GB)", "/Lang (en-GB) /Lang (cy)", 1) },
	} {
		bad := []byte(edit(string(good)))
		require.NotEqual(t, good, bad, name)
		_, err := Read(bad)
		assert.ErrorIs(t, err, ErrFormat, name)
	}
	for n := 0; n < len(good); n += 3 {
		assert.NotPanics(t, func() { _, _ = Read(good[:n]) }, "cut at %d", n)
	}
	for i := 0; i < len(good); i++ {
		bad := bytes.Clone(good)
		bad[i] ^= 0x21
		assert.NotPanics(t, func() {
			if f, err := Read(bad); err == nil {
				if pages, err := f.Pages(); err == nil {
					for _, p := range pages {
						_, _ = f.Content(p)
					}
				}
			}
		}, "byte %d", i)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n"))
	f.Add(build([]string{"<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [] /Count 0>>"}, "/Root 1 0 R"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if f, err := Read(b); err == nil {
			if pages, err := f.Pages(); err == nil {
				for _, p := range pages {
					_, _ = f.Content(p)
				}
			}
		}
	})
}
