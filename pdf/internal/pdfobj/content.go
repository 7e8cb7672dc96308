package pdfobj

import (
	"bytes"
	"strconv"
)

// PageMark is what fpdf is given to write on each page, after AddPage,
// when the renderer writes the pages' content itself: Finish replaces
// the page's content with what Content writes for it. The pages' content
// so never passes through fpdf's buffers, and is compressed as it is
// written, one page at a time.
const PageMark = "%refletter page content"

// pageStart is what fpdf writes at the top of every page in its initial
// graphics state, which it keeps when nothing is drawn through it: the
// line cap, join and width, the stroke and fill colours. A page fpdf
// holds must be this and PageMark; the renderer's content restates its
// own state on each page, as fpdf would.
const pageStart = "0 J\n0 j\n0.57 w\n0.000 G\n0.000 g\n"

// Content writes the content of the pages of a PDF whose pages hold
// PageMark (see Finish).
type Content interface {
	// AppendPage appends the content of page i (counting the document's
	// pages from 0) to dst, naming fonts and images as res does. Finish
	// asks for the pages in order, each once.
	AppendPage(dst []byte, i int, res *Resources) ([]byte, error)
}

// Resources are the names under which fpdf put the document's fonts and
// images in the pages' resource dictionary.
type Resources struct {
	fonts  []resource // by font name
	images []resource // by width in pixels
}

type resource struct {
	font  []byte // the font's name
	width int    // the image's width
	name  []byte // with its slash: "/F7a2c"
}

// Font returns the resource name of the font fpdf wrote with BaseFont
// name (for the renderer's fonts, their stand-ins' names: see StandIn),
// with its leading slash, or nil.
func (r *Resources) Font(name string) []byte {
	for _, f := range r.fonts {
		if string(f.font) == name {
			return f.name
		}
	}
	return nil
}

// Image returns the resource name of the image that is width pixels
// wide, with its leading slash, or nil when there is none or more than
// one.
func (r *Resources) Image(width int) []byte {
	var name []byte
	for _, im := range r.images {
		if im.width == width {
			if name != nil {
				return nil
			}
			name = im.name
		}
	}
	return name
}

// resources reads fpdf's resource dictionary, the body of object 2,
// given the bodies of all objects by number.
func resources(objs func(num int) []byte) (*Resources, error) {
	dict := objs(2)
	if !bytes.HasPrefix(dict, []byte("<<\n/ProcSet ")) {
		return nil, ErrLayout
	}
	res := &Resources{}
	// entries returns the "/Name N 0 R" lines of sub-dictionary key, by
	// name and object number.
	entries := func(key string, add func(name, obj []byte) bool) bool {
		_, rest, ok := bytes.Cut(dict, []byte("\n/"+key+" <<\n"))
		if !ok {
			return false
		}
		for {
			line, after, ok := bytes.Cut(rest, []byte("\n"))
			if !ok {
				return false
			}
			if string(line) == ">>" {
				return true
			}
			name, ref, ok := bytes.Cut(line, []byte(" "))
			num, ok2 := bytes.CutSuffix(ref, []byte(" 0 R"))
			n, err := strconv.Atoi(string(num))
			if !ok || !ok2 || err != nil || len(name) < 2 || name[0] != '/' {
				return false
			}
			if !add(name, objs(n)) {
				return false
			}
			rest = after
		}
	}
	fonts := entries("Font", func(name, obj []byte) bool {
		font, ok := bytes.CutPrefix(obj, []byte("<</Type /Font\n/BaseFont /"))
		if !ok {
			return false
		}
		if font, _, ok = bytes.Cut(font, []byte("\n")); !ok {
			return false
		}
		res.fonts = append(res.fonts, resource{font: font, name: name})
		return true
	})
	images := entries("XObject", func(name, obj []byte) bool {
		w, ok := bytes.CutPrefix(obj, []byte("<</Type /XObject\n/Subtype /Image\n/Width "))
		if !ok {
			return true // not an image: not one of the renderer's
		}
		if w, _, ok = bytes.Cut(w, []byte("\n")); !ok {
			return false
		}
		n, err := strconv.Atoi(string(w))
		if err != nil {
			return false
		}
		res.images = append(res.images, resource{width: n, name: name})
		return true
	})
	if !fonts || !images {
		return nil, ErrLayout
	}
	return res, nil
}
