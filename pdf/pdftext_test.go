package pdf

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/pdfread"
)

// This file decodes the text fpdf draws, so tests can check what reaches
// the page. fpdf draws each piece of text as "BT x y Td (...) Tj ET". The
// renderer's fonts are simple TrueType fonts, one byte a character, whose
// ToUnicode CMaps say what each code means; the decoder reads them from the
// PDF itself, as a text extractor would, rather than from the renderer's
// tables. The file is read with pdf/internal/pdfread, which knows nothing
// of the writer. pdfcpu's strict validation of the same output, and the
// check that every embedded glyph and width is Liberation Sans's, run in
// the conformance tests (internal/conformance), a module of their own.

// textRun is one piece of text on a page.
type textRun struct {
	x, y float64 // start of the baseline, in PDF points from the bottom left
	size float64 // pt
	bold bool
	text string
	// marks is how many marked-content sequences hold the text (a
	// tagged PDF's text is in exactly one), artifact whether the
	// innermost is an artifact.
	marks    int
	artifact bool
}

// pdfDoc is a PDF read back for tests.
type pdfDoc struct {
	file  *pdfread.File
	pages [][]textRun
	raw   [][]byte // each page's content
	boxes [][4]float64
	foot  float64 // the footer's top, when not footerTop
	foot1 float64 // the first page's, when not foot
}

// validate checks the file's structure with pdfread: a cross-reference
// whose every entry leads to its object, streams whose lengths and Flate
// data are right, no reference to a missing object, a page tree. pdfcpu's
// strict validation runs in internal/conformance.
func validate(t testing.TB, pdf []byte) {
	t.Helper()
	f, err := pdfread.Read(pdf)
	require.NoError(t, err, "pdfread")
	pages, err := f.Pages()
	require.NoError(t, err)
	require.NotEmpty(t, pages)
	for _, pg := range pages {
		_, err := f.Content(pg)
		require.NoError(t, err)
	}
}

// readPDF decodes the text runs on every page.
func readPDF(t testing.TB, pdf []byte) *pdfDoc {
	t.Helper()
	f, err := pdfread.Read(pdf)
	require.NoError(t, err)
	pages, err := f.Pages()
	require.NoError(t, err)
	doc := &pdfDoc{file: f}
	for _, pg := range pages {
		fonts := pageFonts(t, f, pg)
		content, err := f.Content(pg)
		require.NoError(t, err)
		doc.raw = append(doc.raw, content)
		doc.boxes = append(doc.boxes, pg.MediaBox)
		doc.pages = append(doc.pages, parseContent(t, content, fonts))
	}
	return doc
}

// pdfFont is what the decoder needs of a simple font.
type pdfFont struct {
	bold   bool
	runes  [256]rune
	widths [256]float64 // in thousandths of the font size
}

// pageFonts reads the page's fonts by resource name.
func pageFonts(t testing.TB, f *pdfread.File, pg pdfread.Page) map[string]*pdfFont {
	t.Helper()
	out := map[string]*pdfFont{}
	if pg.Resources == nil {
		return out
	}
	fonts, ok := f.Get(pg.Resources["Font"]).(pdfread.Dict)
	if !ok {
		return out
	}
	for name, ref := range fonts {
		fd, ok := f.Get(ref).(pdfread.Dict)
		require.True(t, ok, "font %s", name)
		font := &pdfFont{}
		base, ok := f.Get(fd["BaseFont"]).(pdfread.Name)
		require.True(t, ok, "font %s has a /BaseFont", name)
		font.bold = strings.HasSuffix(string(base), "-Bold")
		// The fonts are symbolic: no encoding, and a ToUnicode CMap that
		// says what each code means, as text extractors read it.
		_, hasEnc := fd["Encoding"]
		require.False(t, hasEnc, "font %s has an encoding", name)
		sd, ok := f.Get(fd["ToUnicode"]).(*pdfread.Stream)
		require.True(t, ok, "font %s has no ToUnicode CMap", name)
		cmap := string(sd.Data)
		for _, m := range bfchar.FindAllStringSubmatch(cmap, -1) {
			c, _ := strconv.ParseUint(m[1], 16, 8)
			r, _ := strconv.ParseUint(m[2], 16, 16)
			require.Zero(t, font.runes[c], "code %d mapped twice", c)
			font.runes[c] = rune(r)
		}
		require.NotContains(t, cmap, "bfrange")
		require.True(t, strings.HasPrefix(cmap, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"+
			"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"+
			"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"),
			"font %s: the CMap's header", name)
		require.True(t, strings.HasSuffix(cmap, "endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"),
			"font %s: the CMap's end", name)
		ws, ok := f.Get(fd["Widths"]).([]any)
		require.True(t, ok, "font %s has /Widths", name)
		first, ok := f.Get(fd["FirstChar"]).(int)
		require.True(t, ok, "font %s has /FirstChar", name)
		require.LessOrEqual(t, first+len(ws), 256)
		for i, o := range ws {
			w, ok := pdfread.Number(f.Get(o))
			require.True(t, ok, "font %s: width %d", name, i)
			font.widths[first+i] = w
		}
		checkDescriptor(t, f, fd)
		out[string(name)] = font
	}
	return out
}

// checkDescriptor checks that fd's font is symbolic and embeds its
// TrueType program. That each program's glyphs and widths are Liberation
// Sans's for the characters the CMap gives is checked with
// golang.org/x/image in internal/conformance (TestEmbeddedGlyphs).
func checkDescriptor(t testing.TB, file *pdfread.File, fd pdfread.Dict) {
	t.Helper()
	desc, ok := file.Get(fd["FontDescriptor"]).(pdfread.Dict)
	require.True(t, ok, "a font descriptor")
	flags, ok := file.Get(desc["Flags"]).(int)
	require.True(t, ok, "/Flags")
	require.Equal(t, 4, flags, "symbolic")
	sd, ok := file.Get(desc["FontFile2"]).(*pdfread.Stream)
	require.True(t, ok, "an embedded TrueType program")
	require.NotEmpty(t, sd.Data)
}

var bfchar = regexp.MustCompile(`<([0-9A-F]{2})> <([0-9A-F]{4})>`)

// parseContent reads the text operators of a content stream. It knows
// only what fpdf writes: Tf, Td, Tj and TJ with literal or hex strings.
// A line the renderer drew as several runs, one for each code page, is
// joined back into one run: runs on the same baseline in the same face,
// each starting where the one before it ends.
func parseContent(t testing.TB, c []byte, fonts map[string]*pdfFont) []textRun {
	t.Helper()
	var runs []textRun
	var ends []float64 // where each run ends
	var stack []string // operands as raw tokens
	var strs [][]byte  // string operands
	var font *pdfFont
	var marks []bool             // open marked content: whether each is an artifact
	cm := [4]float64{1, 1, 0, 0} // the page's scale and offset (large print)
	var saved [][4]float64       // by q, restored by Q
	var size float64
	var x, y float64
	num := func(i int) float64 {
		if i < 0 || i >= len(stack) {
			return 0
		}
		v, _ := strconv.ParseFloat(stack[i], 64)
		return v
	}
	for i := 0; i < len(c); {
		ch := c[i]
		switch {
		case ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t':
			i++
		case ch == '(':
			s, n, err := pdfread.Literal(c[i:])
			require.NoError(t, err)
			strs = append(strs, s)
			i += n
		case ch == '<' && i+1 < len(c) && c[i+1] != '<':
			j := bytes.IndexByte(c[i:], '>')
			require.GreaterOrEqual(t, j, 0)
			strs = append(strs, unhex(c[i+1:i+j]))
			i += j + 1
		case ch == '[' || ch == ']':
			i++
		case ch == '/':
			j := i + 1
			for j < len(c) && !strings.ContainsRune(" \n\r\t/[]()<>", rune(c[j])) {
				j++
			}
			stack = append(stack, string(c[i:j]))
			i = j
		default:
			j := i
			for j < len(c) && !strings.ContainsRune(" \n\r\t/[]()<>", rune(c[j])) {
				j++
			}
			if j == i {
				j++
			}
			tok := string(c[i:j])
			i = j
			if _, err := strconv.ParseFloat(tok, 64); err == nil {
				stack = append(stack, tok)
				continue
			}
			switch tok {
			case "BDC", "BMC":
				tag := ""
				for _, v := range stack {
					if strings.HasPrefix(v, "/") {
						tag = v
						break
					}
				}
				marks = append(marks, tag == "/Artifact")
			case "EMC":
				require.NotEmpty(t, marks, "EMC without BDC")
				marks = marks[:len(marks)-1]
			case "Tf":
				if len(stack) >= 2 {
					name := strings.TrimPrefix(stack[len(stack)-2], "/")
					font = fonts[name]
					require.NotNil(t, font, "font %s", name)
					size = num(len(stack) - 1)
				}
			case "q":
				saved = append(saved, cm)
			case "Q":
				require.NotEmpty(t, saved, "Q without q")
				cm, saved = saved[len(saved)-1], saved[:len(saved)-1]
			case "cm": // scales and moves only: b and c are 0
				if len(stack) >= 6 {
					a, d, e, f := num(len(stack)-6), num(len(stack)-3), num(len(stack)-2), num(len(stack)-1)
					cm = [4]float64{a * cm[0], d * cm[1], cm[0]*e + cm[2], cm[1]*f + cm[3]}
				}
			case "Td":
				x, y = num(len(stack)-2), num(len(stack)-1)
			case "Tj", "TJ":
				require.NotNil(t, font, "text before a font is set")
				x, y, size := cm[0]*x+cm[2], cm[1]*y+cm[3], size*cm[0]
				var text []rune
				w := 0.0
				for _, s := range strs {
					for _, b := range s {
						r := font.runes[b]
						require.NotZero(t, r, "code %d has no character", b)
						text = append(text, r)
						w += font.widths[b] * size / 1000
					}
				}
				if n := len(runs); n > 0 {
					prev := &runs[n-1]
					if prev.y == y && prev.size == size && prev.bold == font.bold && math.Abs(ends[n-1]-x) < 0.011 &&
						prev.marks == len(marks) && prev.artifact == (len(marks) > 0 && marks[len(marks)-1]) {
						prev.text += string(text)
						ends[n-1] = x + w
						break
					}
				}
				runs = append(runs, textRun{x: x, y: y, size: size, bold: font.bold, text: string(text),
					marks: len(marks), artifact: len(marks) > 0 && marks[len(marks)-1]})
				ends = append(ends, x+w)
			}
			stack, strs = stack[:0], strs[:0]
		}
	}
	for i := range runs {
		// A tagged PDF's lines end in a space, for text read from the
		// structure; it is not what the line shows.
		runs[i].text = strings.TrimSuffix(runs[i].text, " ")
	}
	return runs
}

func unhex(h []byte) []byte {
	var out []byte
	var digits []byte
	for _, ch := range h {
		if v, err := strconv.ParseUint(string(ch), 16, 8); err == nil {
			digits = append(digits, byte(v))
		}
	}
	if len(digits)%2 == 1 {
		digits = append(digits, 0)
	}
	for i := 0; i+1 < len(digits); i += 2 {
		out = append(out, digits[i]<<4|digits[i+1])
	}
	return out
}

// footerTop is the highest baseline, in points, of the page furniture with
// the default 20 mm margins; body text is always above it.
const footerTop = (20 + 10) / ptToMM

// footTop is footerTop, or for large print the top its footer is given
// on the page.
func (d *pdfDoc) footTop(page int) float64 {
	if page == 0 && d.foot1 > 0 {
		return d.foot1
	}
	if d.foot > 0 {
		return d.foot
	}
	return footerTop
}

// body returns the page's text runs above the footer.
func (d *pdfDoc) body(page int) []textRun {
	var out []textRun
	for _, r := range d.pages[page] {
		if r.y > d.footTop(page) {
			out = append(out, r)
		}
	}
	return out
}

// footer returns the page furniture's text.
func (d *pdfDoc) footer(page int) string {
	var out []string
	for _, r := range d.pages[page] {
		if r.y <= d.footTop(page) {
			out = append(out, r.text)
		}
	}
	return strings.Join(out, "\n")
}

// bodyText is the text of every page's body, run after run, with the runs
// separated by newlines.
func (d *pdfDoc) bodyText() string {
	var b strings.Builder
	for i := range d.pages {
		for _, r := range d.body(i) {
			b.WriteString(r.text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// squash removes all white space, so that text wrapped across lines can
// be found in one piece.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}
