package pdfobj

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfread"
)

// imageDict is the dictionary of an image object.
func imageDict(o any) pdfread.Dict {
	switch v := o.(type) {
	case *pdfread.Stream:
		return v.Dict
	case pdfread.Stream:
		return v.Dict
	}
	return nil
}

// markedPDF is fpdf's uncompressed output for pages holding PageMark, with
// the stand-in of a font named name (see StandIn) and images of the given
// widths. After the mark on each page, fpdf writes after.
func markedPDF(t *testing.T, name string, pages int, after string, widths ...int) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	p.SetCatalogSort(true)
	p.AddFontFromBytes("test", "", StandIn(name), nil)
	for i, w := range widths {
		var b bytes.Buffer
		require.NoError(t, png.Encode(&b, image.NewGray(image.Rect(0, 0, w, 10))))
		p.RegisterImageOptionsReader(fmt.Sprint("image", i), fpdf.ImageOptions{ImageType: "PNG"}, &b)
	}
	for range pages {
		p.AddPage()
		p.RawWriteStr(PageMark)
		if after != "" {
			p.RawWriteStr(after)
		}
	}
	var raw bytes.Buffer
	require.NoError(t, p.Output(&raw))
	return raw.Bytes()
}

// pageContent writes each page's number and the resource names it is
// given, and records the pages asked for.
type pageContent struct {
	font   string
	width  int
	asked  []int
	fail   error
	failAt int
}

func (c *pageContent) AppendPage(dst []byte, i int, res *Resources) ([]byte, error) {
	c.asked = append(c.asked, i)
	if c.fail != nil && i == c.failAt {
		return nil, c.fail
	}
	dst = fmt.Appendf(dst, "page %d\nBT %s 10.00 Tf ET\n", i, res.Font(c.font))
	if c.width > 0 {
		dst = fmt.Appendf(dst, "q 10 0 0 10 0 0 cm %s Do Q\n", res.Image(c.width))
	}
	return dst, nil
}

// TestFinishContent: each page's content is what Content writes for it,
// asked for in order, naming the resources fpdf named (a font by its
// stand-in's name); the font's stand-in is replaced by the whole font as
// the content is written.
func TestFinishContent(t *testing.T) {
	const name = "refletter-0-0"
	raw := markedPDF(t, name, 3, "", 30, 20)
	c := &pageContent{font: name, width: 20}
	out, err := Finish(raw, map[string]*Font{name: testFont(t)}, nil, c)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2}, c.asked)
	assert.NotContains(t, string(out), PageMark)
	assert.NotContains(t, string(out), name, "no stand-in is left")

	f := validate(t, out)
	pages, err := f.Pages()
	require.NoError(t, err)
	require.Len(t, pages, 3)
	res := f.Get(pages[0].Dict["Resources"]).(pdfread.Dict)
	fonts := f.Get(res["Font"]).(pdfread.Dict)
	images := f.Get(res["XObject"]).(pdfread.Dict)
	require.Len(t, fonts, 1)
	require.Len(t, images, 2)
	var narrow pdfread.Name
	for im, ref := range images {
		if w, _ := pdfread.Number(imageDict(f.Get(ref))["Width"]); w == 20 {
			narrow = im
		}
	}
	require.NotEmpty(t, narrow)
	for _, ref := range fonts {
		fd, ok := f.Get(ref).(pdfread.Dict)
		require.True(t, ok)
		assert.Equal(t, pdfread.Name("TrueType"), fd["Subtype"], "the font in its stand-in's place")
		assert.Equal(t, pdfread.Name("ABCDAB+Test-Bold"), fd["BaseFont"])
		desc, ok := f.Get(fd["FontDescriptor"]).(pdfread.Dict)
		require.True(t, ok)
		prog, ok := f.Get(desc["FontFile2"]).(*pdfread.Stream)
		require.True(t, ok)
		assert.Equal(t, testProgram, prog.Data)
		cmap, ok := f.Get(fd["ToUnicode"]).(*pdfread.Stream)
		require.True(t, ok)
		assert.Contains(t, string(cmap.Data), "<C8> <0142>\n")
	}
	for i, pg := range pages {
		content, err := f.Content(pg)
		require.NoError(t, err)
		s := string(content)
		assert.True(t, strings.HasPrefix(s, fmt.Sprintf("page %d\n", i)), "page %d: %q", i, s)
		for font := range fonts {
			assert.Contains(t, s, "BT /"+string(font)+" 10.00 Tf ET\n")
		}
		assert.Contains(t, s, " cm /"+string(narrow)+" Do Q\n", "the image 20 pixels wide")
	}

	for _, tc := range []struct {
		name string
		raw  []byte
		c    *pageContent
		want error
	}{
		{"content fails", raw, &pageContent{font: name, fail: errors.New("cannot draw"), failAt: 1}, nil},
		{"a page with more than the mark", markedPDF(t, name, 2, "BT ET"), &pageContent{font: name}, ErrLayout},
		{"a page without the mark", standInPDF(t, name, "ab"), &pageContent{font: name}, ErrLayout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Finish(tc.raw, map[string]*Font{name: testFont(t)}, nil, tc.c)
			assert.Nil(t, out)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			} else {
				assert.ErrorIs(t, err, tc.c.fail)
				assert.Equal(t, []int{0, 1}, tc.c.asked, "no page after the one that failed")
			}
		})
	}
}

// TestResources: Font and Image find names by font name and width, and
// nothing for what fpdf was not given or for two images as wide.
func TestResources(t *testing.T) {
	raw := markedPDF(t, "refletter-1-0", 1, "", 30, 20, 20)
	var objs [][]byte
	for i := 1; ; i++ {
		at := bytes.Index(raw, fmt.Appendf(nil, "\n%d 0 obj\n", i))
		if at < 0 {
			break
		}
		body := raw[at+len(fmt.Sprintf("\n%d 0 obj\n", i)):]
		objs = append(objs, body[:bytes.Index(body, []byte("endobj\n"))+len("endobj\n")])
	}
	res, err := resources(func(n int) []byte {
		if n < 1 || n > len(objs) {
			return nil
		}
		return objs[n-1]
	})
	require.NoError(t, err)
	assert.Regexp(t, `^/F[0-9a-f]+$`, string(res.Font("refletter-1-0")), "a font by its stand-in's name")
	assert.Nil(t, res.Font("refletter-1-"))
	assert.Regexp(t, `^/I[0-9a-f]+$`, string(res.Image(30)))
	assert.Nil(t, res.Image(20), "two images 20 pixels wide")
	assert.Nil(t, res.Image(10))

	_, err = resources(func(n int) []byte {
		if n == 99 {
			return []byte("<</Type /Font\n/Subtype /Type1\n>>")
		}
		return []byte("<<\n/ProcSet [/PDF]\n/Font <<\n/F1 99 0 R\n>>\n/XObject <<\n>>\n")
	})
	assert.ErrorIs(t, err, ErrLayout, "a font without the BaseFont fpdf writes first")
	res, err = resources(func(n int) []byte {
		if n == 98 {
			return []byte("<</Type /XObject\n/Subtype /Form\n>>")
		}
		return []byte("<<\n/ProcSet [/PDF]\n/Font <<\n>>\n/XObject <<\n/X1 98 0 R\n>>\n")
	})
	require.NoError(t, err, "an XObject that is no image is not the renderer's")
	assert.Nil(t, res.Image(30))
	_, err = resources(func(int) []byte { return nil })
	assert.ErrorIs(t, err, ErrLayout, "no resources")
}
