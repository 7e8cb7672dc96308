package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

func init() { model.ConfigPath = "disable" } // pdfcpu: no config files

const testdata = "../../testdata"

// fixedClock is the clock letters are composed with.
func fixedClock() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC) }

// letterNames returns the letter-path referrals in testdata/referrals.
func letterNames(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testdata, "referrals", "*.json"))
	require.NoError(t, err)
	var out []string
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".json"); !strings.HasPrefix(name, "2ww-") {
			out = append(out, name)
		}
	}
	require.GreaterOrEqual(t, len(out), 10, "the testdata letters")
	return out
}

// referralJSON reads testdata/referrals/NAME.json as a JSON object, for
// tests that change it.
func referralJSON(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, "referrals", name+".json"))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc
}

// compose decodes a referral document and composes its letter.
func compose(t *testing.T, doc map[string]any, opts ...referral.Option) *referral.Letter {
	t.Helper()
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	ref, err := referral.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	l, err := referral.Compose(ref, append([]referral.Option{referral.WithClock(fixedClock)}, opts...)...)
	require.NoError(t, err)
	return l
}

// render renders l with a renderer made with opts.
func render(t *testing.T, l *referral.Letter, opts ...pdf.Option) ([]byte, []pdf.Warning) {
	t.Helper()
	r, err := pdf.NewRenderer(opts...)
	require.NoError(t, err)
	var buf bytes.Buffer
	ws, err := r.Render(&buf, l)
	require.NoError(t, err)
	return buf.Bytes(), ws
}

// conforms runs pdfcpu's strict validation and returns the file read back.
func conforms(t *testing.T, b []byte) *model.Context {
	t.Helper()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	require.NoError(t, api.Validate(bytes.NewReader(b), conf), "pdfcpu strict validation")
	ctx, err := api.ReadContext(bytes.NewReader(b), model.NewDefaultConfiguration())
	require.NoError(t, err)
	require.NoError(t, api.ValidateContext(ctx))
	require.NoError(t, ctx.EnsurePageCount())
	return ctx
}

// assertA4 checks every page is A4.
func assertA4(t *testing.T, ctx *model.Context) {
	t.Helper()
	dims, err := ctx.PageDims()
	require.NoError(t, err)
	require.NotEmpty(t, dims)
	for i, d := range dims {
		assert.InDelta(t, 595.28, d.Width, 0.01, "page %d: A4 width in points", i+1)
		assert.InDelta(t, 841.89, d.Height, 0.01, "page %d: A4 height in points", i+1)
	}
}

// assertMeta checks the document information and the catalog's language.
func assertMeta(t *testing.T, l *referral.Letter, ctx *model.Context) {
	t.Helper()
	assert.Equal(t, l.Meta.Title, ctx.Title)
	assert.Regexp(t, `^Referral letter: `, ctx.Title)
	assert.NotContains(t, ctx.Title, l.Meta.Patient.Name, "the title never names the patient")
	assert.Equal(t, l.Meta.Author, ctx.Author)
	assert.Equal(t, l.Meta.Subject, ctx.Subject)
	assert.Equal(t, "refletter", ctx.Creator)
	lang := ctx.RootDict.StringEntry("Lang")
	require.NotNil(t, lang)
	assert.Equal(t, "en-GB", *lang)
	mark, err := ctx.DereferenceDict(ctx.RootDict["MarkInfo"])
	require.NoError(t, err)
	marked := mark.BooleanEntry("Marked")
	require.NotNil(t, marked)
	assert.True(t, *marked, "a tagged PDF")
}

// TestReferralsConform: every testdata letter, and the patient's copy of
// each that gives one, passes pdfcpu's strict validation, on A4, with its metadata.
func TestReferralsConform(t *testing.T) {
	copies := 0
	for _, name := range letterNames(t) {
		t.Run(name, func(t *testing.T) {
			doc := referralJSON(t, name)
			l := compose(t, doc)
			b, ws := render(t, l)
			assert.Empty(t, ws)
			ctx := conforms(t, b)
			assertA4(t, ctx)
			assertMeta(t, l, ctx)

			if copies, _ := doc["copies"].(map[string]any); copies["patient"] != true {
				return // the referral gives the patient no copy
			}
			copies++
			cp := compose(t, doc, referral.ForPatient())
			b, _ = render(t, cp)
			ctx = conforms(t, b)
			assertA4(t, ctx)
			assertMeta(t, cp, ctx)
		})
	}
	assert.GreaterOrEqual(t, copies, 3, "patient's copies")
}

// TestLargePrintConforms: large-print copies at their own size and at the
// smallest and largest sizes, with and without pictures, are valid A4.
func TestLargePrintConforms(t *testing.T) {
	img := pngBytes(t, 300, 120, false)
	for _, tc := range []struct {
		name     string
		size     float64
		pictures bool
	}{
		{"msk-knee-osteoarthritis", 0, false}, // its own 18 point
		{"ophthalmology-wet-amd", 0, false},   // its own 24 point
		{"dermatology-eczema", 14, false},
		{"memory-clinic-cognitive-decline", 36, false},
		{"dermatology-eczema", 36, true},
	} {
		t.Run(fmt.Sprintf("%s/%v/%v", tc.name, tc.size, tc.pictures), func(t *testing.T) {
			l := compose(t, referralJSON(t, tc.name), referral.ForPatient())
			if tc.size > 0 {
				l.Meta.TextSize = tc.size
			}
			require.Positive(t, l.Meta.TextSize, "a large-print copy")
			var opts []pdf.Option
			if tc.pictures {
				opts = append(opts, pdf.WithLogo(img), pdf.WithSignature(img))
			}
			b, ws := render(t, l, opts...)
			assert.Empty(t, ws)
			ctx := conforms(t, b)
			assertA4(t, ctx)
			assertMeta(t, l, ctx)
			if tc.pictures {
				assert.Len(t, figureAlts(t, ctx), 2, "the logo and the signature")
			}
		})
	}
}

// replyAndOriginal composes the reply to testdata/returned/NAME.json and
// the original letter; longReason makes the reply run over a page.
func replyAndOriginal(t *testing.T, name string, longReason bool) (reply, original *referral.Letter) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, "returned", name+".json"))
	require.NoError(t, err)
	ret, err := referral.DecodeReturned(bytes.NewReader(b))
	require.NoError(t, err)
	if longReason {
		ret.Reason = strings.TrimSpace(strings.Repeat("The referral lacks the information the service asks for. ", 150))
	}
	b, err = os.ReadFile(filepath.Join(testdata, "referrals", name+".json"))
	require.NoError(t, err)
	ref, err := referral.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	reply, err = referral.ComposeReply(ref, ret, referral.WithClock(fixedClock))
	require.NoError(t, err)
	original, err = referral.Compose(ref, referral.WithClock(fixedClock))
	require.NoError(t, err)
	return reply, original
}

// TestRenderAllConforms: documents of several letters (a reply with its
// original, a letter with its large-print copy) are valid, each page A4,
// with as many pages as the parts alone.
func TestRenderAllConforms(t *testing.T) {
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	letter := compose(t, referralJSON(t, "msk-knee-osteoarthritis"))
	large := compose(t, referralJSON(t, "msk-knee-osteoarthritis"), referral.ForPatient())
	type combo struct {
		name  string
		parts []*referral.Letter
	}
	combos := []combo{{"letter and large print copy", []*referral.Letter{letter, large}}}
	for _, c := range []struct {
		name string
		long bool
	}{{"dermatology-eczema", false}, {"dermatology-eczema", true}, {"ent-recurrent-tonsillitis", false}} {
		reply, original := replyAndOriginal(t, c.name, c.long)
		combos = append(combos, combo{fmt.Sprintf("%s reply long=%v", c.name, c.long), []*referral.Letter{reply, original}})
	}
	for _, c := range combos {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			ws, err := r.RenderAll(&buf, c.parts...)
			require.NoError(t, err)
			assert.Empty(t, ws)
			ctx := conforms(t, buf.Bytes())
			assertA4(t, ctx)
			pages := 0
			for _, l := range c.parts {
				one := conforms(t, func() []byte { b, _ := render(t, l); return b }())
				pages += one.PageCount
			}
			assert.Equal(t, pages, ctx.PageCount, "every part's pages")
		})
	}
}

func pngBytes(t *testing.T, w, h int, alpha bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if alpha {
				a = uint8((x + y) % 256)
			}
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 0x80, A: a})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, nil))
	return buf.Bytes()
}

// TestImagesConform: a logo and a signature, PNG with and without alpha,
// JPEG, and one scaled down, give valid PDFs whose Figures carry
// alternative text naming what each image is.
func TestImagesConform(t *testing.T) {
	doc := referralJSON(t, "dermatology-eczema")
	l := compose(t, doc)
	practice := doc["practice"].(map[string]any)["name"].(string)
	referrer := doc["referrer"].(map[string]any)["name"].(string)
	for _, c := range []struct {
		name      string
		logo, sig []byte
		alts      []string
	}{
		{"png logo with alpha, jpeg signature", pngBytes(t, 300, 120, true), jpegBytes(t, 200, 60),
			[]string{"Logo of " + practice, "Signature of " + referrer}},
		{"same width", pngBytes(t, 200, 80, false), pngBytes(t, 200, 50, true),
			[]string{"Logo of " + practice, "Signature of " + referrer}},
		{"large logo is scaled down", pngBytes(t, 2400, 800, false), nil, []string{"Logo of " + practice}},
		{"signature only", nil, jpegBytes(t, 200, 60), []string{"Signature of " + referrer}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var opts []pdf.Option
			if c.logo != nil {
				opts = append(opts, pdf.WithLogo(c.logo))
			}
			if c.sig != nil {
				opts = append(opts, pdf.WithSignature(c.sig))
			}
			b, _ := render(t, l, opts...)
			ctx := conforms(t, b)
			assert.Equal(t, c.alts, figureAlts(t, ctx))
		})
	}
}

// figureAlts walks the structure tree and returns the alternative text of
// each Figure, in order; a Figure must have content and alternative text.
func figureAlts(t *testing.T, ctx *model.Context) []string {
	t.Helper()
	cat, err := ctx.Catalog()
	require.NoError(t, err)
	root, err := ctx.DereferenceDict(cat["StructTreeRoot"])
	require.NoError(t, err)
	require.NotNil(t, root, "a structure tree")
	var alts []string
	var walk func(o types.Object, depth int)
	walk = func(o types.Object, depth int) {
		require.Less(t, depth, 50)
		o, err := ctx.Dereference(o)
		require.NoError(t, err)
		switch v := o.(type) {
		case types.Array:
			for _, k := range v {
				walk(k, depth+1)
			}
		case types.Dict:
			if s, ok := v["S"].(types.Name); ok && s == "Figure" {
				require.NotNil(t, v["K"], "a Figure has content")
				alt, err := types.StringOrHexLiteral(v["Alt"])
				require.NoError(t, err)
				require.NotNil(t, alt, "a Figure has alternative text")
				alts = append(alts, *alt)
			}
			if k, ok := v["K"]; ok {
				walk(k, depth+1)
			}
		}
	}
	walk(root["K"], 0)
	return alts
}

// TestEditedLettersConform: letters the renderer must work harder on
// (scripts on several code pages, characters the font cannot show, words
// and tables too long for a line or a page, unsafe metadata, nil blocks,
// no metadata at all) and renderer options all give valid PDFs.
func TestEditedLettersConform(t *testing.T) {
	long := strings.Repeat("Pneumonoultramicroscopicsilicovolcanoconiosis", 6)
	rows := []any{}
	for i := range 80 {
		rows = append(rows, map[string]any{"name": fmt.Sprintf("Test %d", i+1), "result": "Normal", "date": "2026-10-14"})
	}
	png := pngBytes(t, 300, 120, false)
	for _, c := range []struct {
		name   string
		edit   func(doc map[string]any)
		letter func(l *referral.Letter)
		opts   []pdf.Option
		warns  bool
	}{
		{name: "mixed scripts", edit: func(doc map[string]any) {
			doc["history"] = "β-blocker ≤ 5 µg, CRP ≥ 10 → raised; €20 “quoted” — Nguyễn, Dvořák, Gülşen, Ольга Петрова, Ἀθῆναι; ½ tablet; x² (a)\\b"
			doc["patient"].(map[string]any)["familyName"] = "Zieliński-Петров"
		}},
		{name: "characters the font cannot show", warns: true, edit: func(doc map[string]any) {
			doc["history"] = "Pain score 8/10 😣 since March; family 👨‍👩‍👧 supportive. Report in 中文 attached."
		}},
		{name: "cyrillic", edit: func(doc map[string]any) {
			doc["history"] = "Her name in her passport is Ольга Петренко."
		}},
		{name: "very long word", edit: func(doc map[string]any) { doc["history"] = long }},
		{name: "very long address line", edit: func(doc map[string]any) {
			addr := doc["practice"].(map[string]any)["address"].(map[string]any)
			addr["lines"] = []any{"Flat 12, The Old Mill Building, " + strings.Repeat("Long Lane Industrial Estate, ", 12) + "Leeds"}
		}},
		{name: "table over several pages", edit: func(doc map[string]any) { doc["investigations"] = rows }},
		{name: "unsafe metadata", letter: func(l *referral.Letter) {
			l.Meta.Title = "Referral letter: Dermatology 😀"
			l.Meta.Author = "Kirkstall \xe2 Surgery"
			l.Meta.Subject = "Routine\x00 referral"
		}},
		{name: "nil blocks", letter: func(l *referral.Letter) {
			var p *referral.Paragraph
			var tb *referral.Table
			l.Blocks = append(l.Blocks, nil, p, tb)
		}},
		{name: "no metadata", letter: func(l *referral.Letter) {
			*l = referral.Letter{Blocks: []referral.Block{&referral.Paragraph{Text: "Hello."}}}
			l.Meta.Language = "en-GB) /Evil (x"
		}},
		{name: "accent", opts: []pdf.Option{pdf.WithAccent(color.RGBA{R: 0x33, G: 0x66, A: 0xff})}},
		{name: "margins", opts: []pdf.Option{pdf.WithMargins(30)}},
		{name: "text size and pictures", opts: []pdf.Option{pdf.WithTextSize(18), pdf.WithLogo(png), pdf.WithSignature(png)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := referralJSON(t, "dermatology-eczema")
			if c.edit != nil {
				c.edit(doc)
			}
			l := compose(t, doc)
			if c.letter != nil {
				c.letter(l)
			}
			b, ws := render(t, l, c.opts...)
			assert.Equal(t, c.warns, len(ws) > 0, "warnings: %v", ws)
			ctx := conforms(t, b)
			assertA4(t, ctx)
			if c.name == "unsafe metadata" {
				assert.Equal(t, "Referral letter: Dermatology \ufffd", ctx.Title)
				assert.Equal(t, "Kirkstall \ufffd Surgery", ctx.Author)
				assert.Equal(t, "Routine  referral", ctx.Subject)
			}
			if c.name == "no metadata" {
				lang := ctx.RootDict.StringEntry("Lang")
				require.NotNil(t, lang)
				assert.Equal(t, "en-GB", *lang, "an unsafe language falls back to en-GB")
			}
		})
	}
}
