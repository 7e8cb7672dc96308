package pdfobj

import (
	"bytes"
	"strconv"
	"sync"
)

// Font is one of the renderer's one-byte fonts, as Finish completes it. A
// Font may be shared by any number of concurrent Finish calls: what it
// makes, it makes once.
type Font struct {
	// Codes is the character of each code, 0 for none.
	Codes *[256]rune
	// Program, when set, is the font program, compressed, whose length
	// before compression is Length1; the program given to fpdf is then
	// Placeholder(name), which Finish replaces with it. A program made
	// once per process is so never copied through fpdf.
	Program []byte
	Length1 int
	// ToUnicode, when set, is the compressed ToUnicode CMap of Codes,
	// made beforehand with the function ToUnicode (page 0's, by go
	// generate); otherwise Finish makes it once.
	ToUnicode []byte

	once sync.Once
	cmap []byte // the compressed ToUnicode CMap
	err  error
}

// Placeholder is the font program to give fpdf for a font of the given
// name whose Program Finish is to write.
func Placeholder(name string) []byte {
	return []byte(placeholderPrefix + name)
}

const placeholderPrefix = "%refletter font program "

// toUnicode returns the font's ToUnicode CMap, compressed.
func (f *Font) toUnicode() ([]byte, error) {
	if f.ToUnicode != nil {
		return f.ToUnicode, nil
	}
	f.once.Do(func() { f.cmap, f.err = ToUnicode(f.Codes) })
	return f.cmap, f.err
}

// ToUnicode returns the compressed ToUnicode CMap Finish writes for a font
// whose codes are codes.
func ToUnicode(codes *[256]rune) ([]byte, error) {
	return Compress(nil, toUnicode(codes), pageLevel)
}

// programObject returns the body of the font program object for font f
// named name, or false when body (after "N 0 obj\n") is not the object
// fpdf writes for its placeholder.
func (f *Font) programObject(out []byte, name string, body []byte) ([]byte, bool) {
	if f.Program == nil {
		return out, false
	}
	ph := Placeholder(name)
	if !bytes.Equal(body, appendProgram(nil, ph, f.Length1)) {
		return out, false
	}
	return appendProgram(out, f.Program, f.Length1), true
}

// appendProgram appends a compressed font program object's body as fpdf
// writes it.
func appendProgram(out, z []byte, length1 int) []byte {
	out = append(out, "<</Length "...)
	out = strconv.AppendInt(out, int64(len(z)), 10)
	out = append(out, "\n/Filter /FlateDecode\n/Length1 "...)
	out = strconv.AppendInt(out, int64(length1), 10)
	out = append(out, "\n>>\nstream\n"...)
	out = append(out, z...)
	return append(out, "\nendstream\nendobj\n"...)
}

// placeholderName returns the font name of a placeholder program object,
// or false.
func placeholderName(body []byte) (string, bool) {
	_, rest, ok := bytes.Cut(body, []byte("\nstream\n"+placeholderPrefix))
	if !ok || !bytes.HasPrefix(body, []byte("<</Length ")) {
		return "", false
	}
	name, _, ok := bytes.Cut(rest, []byte("\nendstream\n"))
	return string(name), ok
}
