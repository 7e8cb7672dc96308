package hardening

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"flag"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

var updateImages = flag.Bool("update-images", false, "rewrite testdata/invalid/images from imageFiles")

var imagesDir = filepath.Join(invalidDir, "images")

// imageFiles makes the committed image cases. It is deterministic:
// TestImageFiles checks the files still match it.
func imageFiles(t *testing.T) map[string][]byte {
	t.Helper()
	enc := func(img image.Image) []byte {
		var b bytes.Buffer
		require.NoError(t, png.Encode(&b, img))
		return b.Bytes()
	}
	jpg := func(img image.Image) []byte {
		var b bytes.Buffer
		require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}))
		return b.Bytes()
	}
	logo := image.NewNRGBA(image.Rect(0, 0, 64, 32))
	for y := range 32 {
		for x := range 64 {
			logo.SetNRGBA(x, y, color.NRGBA{0, 94, 184, uint8(255 - 4*y)})
		}
	}
	good := enc(logo)
	noise := func(n int) []byte {
		r := rand.New(rand.NewPCG(8, 8))
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}

	files := map[string][]byte{}
	files["empty.png"] = []byte{}
	files["truncated.png"] = good[:60]
	files["png-signature-then-noise.png"] = append([]byte("\x89PNG\r\n\x1a\n"), noise(400)...)
	files["jpeg-marker-then-noise.jpg"] = append([]byte{0xff, 0xd8, 0xff, 0xe0}, noise(400)...)
	crc := bytes.Clone(good)
	crc[len(crc)-20] ^= 0xff // inside the last IDAT's data
	files["png-bad-crc.png"] = crc

	var g bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 8, 8), palette.Plan9)
	require.NoError(t, gif.Encode(&g, pal, nil))
	files["gif.gif"] = g.Bytes()
	files["svg.svg"] = []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><rect width="64" height="32" fill="#005EB8"/></svg>` + "\n")
	files["html-named-png.png"] = []byte("<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>\n")

	files["png-declared-30000x30000.png"] = pngChunks(t, 30000, 30000, 8, 6, 0, []byte("\x78\x9c\x03\x00\x00\x00\x00\x01"))
	files["png-declared-zero-width.png"] = pngChunks(t, 0, 32, 8, 6, 0, []byte("\x78\x9c\x03\x00\x00\x00\x00\x01"))
	files["jpeg-declared-65500x65500.jpg"] = []byte{
		0xff, 0xd8, // SOI
		0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, // APP0 JFIF
		0xff, 0xc0, 0x00, 0x11, 0x08, 0xff, 0xdc, 0xff, 0xdc, 0x03, // SOF0: 8 bit, 65500 x 65500, 3 components
		0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
		0xff, 0xd9, // EOI
	}

	deep := image.NewNRGBA64(image.Rect(0, 0, 48, 24))
	for y := range 24 {
		for x := range 48 {
			deep.SetNRGBA64(x, y, color.NRGBA64{uint16(x * 1300), 0x5e00, 0xb800, 0xffff})
		}
	}
	files["png-16-bit.png"] = enc(deep)
	tp := image.NewPaletted(image.Rect(0, 0, 40, 20), color.Palette{color.NRGBA{0, 0, 0, 0}, color.NRGBA{0, 94, 184, 255}, color.NRGBA{0, 94, 184, 128}})
	for y := range 20 {
		for x := range 40 {
			tp.SetColorIndex(x, y, uint8((x/10+y/10)%3))
		}
	}
	files["png-palette-alpha.png"] = enc(tp)
	files["png-interlaced.png"] = interlacedPNG(t, logo)
	gray := image.NewGray(image.Rect(0, 0, 40, 20))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 7)
	}
	files["jpeg-grayscale.jpg"] = jpg(gray)
	files["jpeg-named-png.png"] = jpg(logo)
	return files
}

// pngChunks returns a PNG with the given header and one IDAT of data.
func pngChunks(t *testing.T, w, h uint32, depth, colorType, interlace byte, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, body []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(body)))
		b.Write(n[:])
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(body)
		b.WriteString(typ)
		b.Write(body)
		binary.BigEndian.PutUint32(n[:], c.Sum32())
		b.Write(n[:])
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9], ihdr[12] = depth, colorType, interlace
	chunk("IHDR", ihdr)
	chunk("IDAT", data)
	chunk("IEND", nil)
	return b.Bytes()
}

// interlacedPNG encodes img as an 8-bit RGBA Adam7-interlaced PNG, which
// image/png can read but not write.
func interlacedPNG(t *testing.T, img *image.NRGBA) []byte {
	t.Helper()
	passes := []struct{ x0, y0, dx, dy int }{
		{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2},
	}
	b := img.Bounds()
	var raw bytes.Buffer
	for _, p := range passes {
		for y := p.y0; y < b.Dy(); y += p.dy {
			if p.x0 >= b.Dx() {
				break
			}
			raw.WriteByte(0) // filter: none
			for x := p.x0; x < b.Dx(); x += p.dx {
				c := img.NRGBAAt(x, y)
				raw.Write([]byte{c.R, c.G, c.B, c.A})
			}
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, err := zw.Write(raw.Bytes())
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return pngChunks(t, uint32(b.Dx()), uint32(b.Dy()), 8, 6, 1, z.Bytes())
}

// zeroPNG writes a w x h RGBA PNG of the given bit depth whose pixels are
// all zero, streaming: a small file that decodes to a large image.
func zeroPNG(t *testing.T, w, h, depth int) []byte {
	t.Helper()
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	require.NoError(t, err)
	row := make([]byte, 1+w*4*depth/8)
	for range h {
		_, err := zw.Write(row)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return pngChunks(t, uint32(w), uint32(h), byte(depth), 6, 0, z.Bytes())
}

// TestImageFiles keeps the committed image cases equal to imageFiles;
// -update-images rewrites them.
func TestImageFiles(t *testing.T) {
	for name, b := range imageFiles(t) {
		p := filepath.Join(imagesDir, name)
		if *updateImages {
			require.NoError(t, os.WriteFile(p, b, 0o644))
			continue
		}
		got, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, b, got, "%s differs from its generator: run go test -run TestImageFiles -update-images", name)
	}
}

// TestInvalidImages gives every image of testdata/invalid/images to
// pdf.NewRenderer as a logo and as a signature, and to the refer command
// as -logo: a "reject REASON" case fails with an *OptionError matching
// pdf.ErrOption with that reason (the command exits 2 and writes
// nothing); an "accept" case renders a letter. None may panic or hang.
func TestInvalidImages(t *testing.T) {
	good := abs(t, "../../testdata/referrals/cardiology-palpitations.json")
	doc, err := os.ReadFile(good)
	require.NoError(t, err)
	ref, err := decodeAndValidate(doc)
	require.NoError(t, err)
	letter, err := referral.Compose(ref)
	require.NoError(t, err)

	for _, c := range cases(t, imagesDir, "*") {
		t.Run(c.name, func(t *testing.T) {
			require.Len(t, c.want, 1)
			verdict, reason, _ := strings.Cut(c.want[0], " ")
			img := c.input(t)
			for _, opt := range []struct {
				name string
				make func([]byte) pdf.Option
			}{{"WithLogo", pdf.WithLogo}, {"WithSignature", pdf.WithSignature}} {
				type made struct {
					r   *pdf.Renderer
					err error
				}
				m := within(t, caseTimeout, func() made {
					r, err := pdf.NewRenderer(opt.make(img))
					return made{r, err}
				})
				switch verdict {
				case "reject":
					require.Error(t, m.err, opt.name)
					assert.ErrorIs(t, m.err, pdf.ErrOption)
					var oe *pdf.OptionError
					require.True(t, errors.As(m.err, &oe), "%T", m.err)
					assert.Equal(t, opt.name, oe.Option)
					assert.Equal(t, reason, oe.Reason)
				case "accept":
					require.NoError(t, m.err, opt.name)
					var buf bytes.Buffer
					err := within(t, caseTimeout, func() error {
						_, err := m.r.Render(&buf, letter)
						return err
					})
					require.NoError(t, err)
					assert.True(t, bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))
				default:
					t.Fatalf("unknown verdict %q", c.want[0])
				}
			}

			out := t.TempDir()
			res := refer(t, out, "-logo", c.inputPath(t, filepath.Ext(c.file)), "-o", filepath.Join(out, "letter.pdf"), good)
			if verdict == "reject" {
				assert.Equal(t, 2, res.code, res.stderr)
				assert.Contains(t, res.stderr, reason)
				assertDirEmpty(t, out)
			} else {
				assert.Equal(t, 0, res.code, res.stderr)
			}
		})
	}
}

// TestImageBombWithinLimit gives NewRenderer the worst image its pixel
// limit lets through: 2 million 16-bit pixels, all zero, in a file of a
// few tens of kilobytes. It is accepted, and preparing it allocates less
// than 64 MB. (With the earlier limit of 20 million pixels it took 235 MB.)
func TestImageBombWithinLimit(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("decodes 2 million pixels: slow with -short or the race detector, and a measurement, not a race")
	}
	const w, h = 1414, 1414 // 1,999,396 pixels: under pdf's 2,000,000
	img := zeroPNG(t, w, h, 16)
	t.Logf("file: %d bytes for %dx%d 16-bit RGBA", len(img), w, h)
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	require.NoError(t, err)
	require.Equal(t, w, cfg.Width)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err = within(t, 60*caseTimeout, func() error {
		_, err := pdf.NewRenderer(pdf.WithLogo(img))
		return err
	})
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	t.Logf("NewRenderer allocated %s MB in all (TotalAlloc)", strconv.FormatUint((after.TotalAlloc-before.TotalAlloc)>>20, 10))
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20))

}
