package deflate_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/go-fonts/liberation/liberationserifbold"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf/internal/ttf"
)

// The samples below are made to look like what the PDF compresses: page
// content as the renderer draws it, the structure tree's object stream,
// ToUnicode CMaps and font cuts.

var words = strings.Fields(`the a of and to with in for was is on at by no
	patient pain months weeks review clinic referral history examination bloods
	normal abdominal bowel symptoms stopped started tried dose daily twice
	amitriptyline mebeverine peppermint fibre constipation bleeding weight loss
	family practice pharmacist medicines attended department emergency summer
	relieved opening bloating afternoons alternating loose stools rectal
	nocturnal disease affecting work sleep diary trigger benefit little least
	eight three drowsiness interacting reviewed found ultrasound scan result
	mg tablet capsule allergy penicillin rash asthma inhaler blood pressure
	Dr. Mrs Mr GP NHS 2WW MRI CT ECG HbA1c eGFR 5.4 mmol/L 132/84 12.3.2024`)

// pageContent returns about size bytes of a page's content stream: text
// lines in a few fonts and colours, tagged as marked content.
func pageContent(size int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 18))
	fonts := []string{"Ff50ff252340900d8696a37dd79dc0e969f2aa3a4", "F8a1c09be7745d2e0f6b3a9c1d8e7f6a5b4c3d2e1", "F3"}
	var b bytes.Buffer
	b.WriteString("0 J\n0 j\n0.85 w\n0.847 0.867 0.878 RG\n/Artifact BMC\nEMC\n")
	y, mcid := 774.61, 0
	for b.Len() < size {
		if rng.IntN(6) == 0 {
			fmt.Fprintf(&b, "EMC\n/P <</MCID %d>> BDC\nBT /%s %.2f Tf ET\n%.3f %.3f %.3f rg\n",
				mcid, fonts[rng.IntN(len(fonts))], []float64{10.5, 9, 12, 7.5}[rng.IntN(4)],
				rng.Float64(), rng.Float64(), rng.Float64())
			mcid++
		}
		b.WriteString("BT 56.69 ")
		fmt.Fprintf(&b, "%.2f Td (", y)
		for n := 0; n < 95; {
			w := words[rng.IntN(len(words))]
			b.WriteString(w)
			b.WriteByte(' ')
			n += len(w) + 1
		}
		b.WriteString(") Tj ET\n")
		if y -= 13.89; y < 60 {
			y = 774.61
			fmt.Fprintf(&b, "0.5 0.5 0.5 RG 56.69 %.2f m 538.58 %.2f l S\n", y+20, y+20)
		}
	}
	return b.Bytes()
}

// objectStream returns an object stream of n structure elements: the
// header of numbers and offsets, then the objects.
func objectStream(n int) []byte {
	var head, objs bytes.Buffer
	for i := range n {
		fmt.Fprintf(&head, "%d %d ", 31+i, objs.Len())
		fmt.Fprintf(&objs, "<</Type /StructElem /S /%s /P %d 0 R /Pg %d 0 R /K [%d %d]>>\n",
			[]string{"P", "H2", "Span", "TD", "TR"}[i%5], 30+i/7, 4+2*(i/40), i%40, i%40+1)
	}
	return append(head.Bytes(), objs.Bytes()...)
}

// cmap returns a ToUnicode CMap of about size bytes mapping two-byte codes
// to characters of several scripts.
func cmap(size int) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	scripts := []rune{0x20, 0xC0, 0x100, 0x391, 0x410, 0x1EA0}
	for code := 1; b.Len() < size; {
		b.WriteString("100 beginbfchar\n")
		for i := 0; i < 100; i++ {
			r := scripts[code/97%len(scripts)] + rune(code%97)
			fmt.Fprintf(&b, "<%04X> <%04X>\n", code, r)
			code++
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

// fontCut returns a TrueType cut of the runes from first on of a font, as
// the renderer embeds it.
func fontCut(t testing.TB, font []byte, first rune) []byte {
	t.Helper()
	var codes [256]rune
	for c := 32; c < 256; c++ {
		codes[c] = first + rune(c-32)
	}
	cut, err := ttf.Subset(font, &codes)
	require.NoError(t, err)
	return cut
}

// randomBytes returns n bytes that do not compress.
func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// sample is an input to compress.
type sample struct {
	name string
	data []byte
}

// pdfSamples are what the benchmarks compress.
func pdfSamples(t testing.TB) []sample {
	return []sample{
		{"page-3K", pageContent(3<<10, 1)},
		{"page-10K", pageContent(10<<10, 2)},
		{"cmap-20K", cmap(20 << 10)},
		// A font file's first 40 KB: its metrics, cmap, hinting
		// programs, glyph offsets and first glyphs.
		{"font-40K", liberationserifbold.TTF[:40<<10]},
	}
}

// otherSamples are more of what the PDF compresses, for the tests.
func otherSamples(t testing.TB) []sample {
	return []sample{
		{"objstm", objectStream(300)},
		{"font-latin", fontCut(t, liberationsansregular.TTF, 0x20)},
		{"font-greek", fontCut(t, liberationsansregular.TTF, 0x370)},
		{"font-latin-ext", fontCut(t, liberationserifbold.TTF, 0x100)},
	}
}

// inflate decompresses a zlib stream with compress/zlib, which checks the
// Adler-32 too.
func inflate(t testing.TB, z []byte) ([]byte, error) {
	t.Helper()
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return out, r.Close()
}

// zlib1 is compress/zlib's level-1 compression of src.
func zlib1(t testing.TB, src []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := zlib.NewWriterLevel(&b, zlib.BestSpeed)
	require.NoError(t, err)
	_, err = w.Write(src)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}
