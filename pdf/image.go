package pdf

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // WithLogo and WithSignature accept JPEG
	"image/png"
)

// picture is an image prepared once per Renderer: opaque, no larger than
// it needs to be, and encoded as a PNG that fpdf embeds without decoding.
type picture struct {
	name string // fpdf's name for it
	png  []byte
	w, h int // pixels
}

// Limits on images given to the options.
const (
	maxImagePixels = 2_000_000 // refuse before decoding anything larger: about 32 MB to prepare at worst (16-bit RGBA)
	maxImageSide   = 1200      // scale down to this many pixels at most
)

var errNotImage = errors.New("not a PNG or JPEG image")

// preparePicture checks and prepares an image option's bytes.
func preparePicture(option, name string, data []byte) (*picture, error) {
	fail := func(reason string, err error) error {
		return &OptionError{Option: option, Reason: reason, Err: err}
	}
	if len(data) == 0 {
		return nil, fail("empty image", nil)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fail("cannot read the image", errNotImage)
	}
	if format != "png" && format != "jpeg" {
		return nil, fail("cannot read the image", errNotImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
		return nil, fail("the image is empty or too large", nil)
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fail("the image is corrupt", err)
	}
	img := flatten(src)
	img = shrink(img, maxImageSide)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fail("cannot prepare the image", err)
	}
	b := img.Bounds()
	return &picture{name: name, png: buf.Bytes(), w: b.Dx(), h: b.Dy()}, nil
}

// flatten draws src over white, so that fpdf need not split an alpha
// channel out of the image for every document.
func flatten(src image.Image) *image.RGBA {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Over)
	return dst
}

// shrink scales img down by area averaging so that neither side exceeds
// limit pixels. Smaller images are returned as they are.
func shrink(img *image.RGBA, limit int) *image.RGBA {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w <= limit && h <= limit {
		return img
	}
	nw, nh := limit, h*limit/w
	if h > w {
		nw, nh = w*limit/h, limit
	}
	nw, nh = max(nw, 1), max(nh, 1)
	dst := image.NewRGBA(image.Rect(0, 0, nw, nh))
	for y := 0; y < nh; y++ {
		y0, y1 := y*h/nh, max((y+1)*h/nh, y*h/nh+1)
		for x := 0; x < nw; x++ {
			x0, x1 := x*w/nw, max((x+1)*w/nw, x*w/nw+1)
			var r, g, b, n int
			for sy := y0; sy < y1; sy++ {
				row := img.Pix[sy*img.Stride:]
				for sx := x0; sx < x1; sx++ {
					p := row[sx*4:]
					r += int(p[0])
					g += int(p[1])
					b += int(p[2])
					n++
				}
			}
			o := dst.Pix[y*dst.Stride+x*4:]
			o[0], o[1], o[2], o[3] = uint8(r/n), uint8(g/n), uint8(b/n), 255
		}
	}
	return dst
}

// widen returns p one pixel wider, with a white column on the right.
// fpdf orders images by pixel width, and two of equal width would come out
// in map order; a one-pixel white edge keeps the output byte-identical.
func (p *picture) widen() error {
	img, err := png.Decode(bytes.NewReader(p.png))
	if err != nil {
		return err
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx()+1, b.Dy()))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, b.Sub(b.Min), img, b.Min, draw.Src)
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, dst); err != nil {
		return err
	}
	p.png, p.w = buf.Bytes(), p.w+1
	return nil
}
