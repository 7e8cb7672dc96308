package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

// replyAndOriginal composes the reply to testdata/returned/NAME.json and
// the original letter it encloses. longReason makes the reply run to more
// than one page.
func replyAndOriginal(t testing.TB, name string, longReason bool) (reply, original *referral.Letter) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "returned", name+".json"))
	require.NoError(t, err)
	ret, err := referral.DecodeReturned(bytes.NewReader(b))
	require.NoError(t, err)
	if longReason {
		ret.Reason = words(1400)
	}
	b, err = os.ReadFile(filepath.Join(referralsDir, name+".json"))
	require.NoError(t, err)
	ref, err := referral.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	reply, err = referral.ComposeReply(ref, ret, referral.WithClock(fixedClock))
	require.NoError(t, err)
	original, err = referral.Compose(ref, referral.WithClock(fixedClock))
	require.NoError(t, err)
	return reply, original
}

// TestRenderAll checks a reply with its original appended: every page of
// each part is the page that part has when rendered alone, furniture and
// all, so "Page X of Y" counts each part's own pages.
func TestRenderAll(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	for _, tc := range []struct {
		name       string
		longReason bool
	}{{"dermatology-eczema", false}, {"dermatology-eczema", true}, {"ent-recurrent-tonsillitis", false}} {
		t.Run(fmt.Sprintf("%s/long=%v", tc.name, tc.longReason), func(t *testing.T) {
			reply, original := replyAndOriginal(t, tc.name, tc.longReason)
			var combined bytes.Buffer
			ws, err := r.RenderAll(&combined, reply, original)
			require.NoError(t, err)
			assert.Empty(t, ws)
			validate(t, combined.Bytes())
			writeDump(t, fmt.Sprintf("%s-reply-long%v-combined", tc.name, tc.longReason), combined.Bytes())

			alone1, _ := render(t, r, reply)
			alone2, _ := render(t, r, original)
			doc1, doc2 := readPDF(t, alone1), readPDF(t, alone2)
			n1, n2 := len(doc1.pages), len(doc2.pages)
			if tc.longReason {
				require.Greater(t, n1, 1, "the long reply should take more than a page")
			}
			require.Greater(t, n2, 1, "the original should take more than a page")

			doc := readPDF(t, combined.Bytes())
			require.Len(t, doc.pages, n1+n2)
			for i := range n1 {
				assert.Equal(t, doc1.pages[i], doc.pages[i], "reply page %d", i+1)
				assert.Contains(t, squash(doc.footer(i)), squash(fmt.Sprintf("Page %d of %d", i+1, n1)))
			}
			for i := range n2 {
				assert.Equal(t, doc2.pages[i], doc.pages[n1+i], "original page %d", i+1)
				assert.Contains(t, squash(doc.footer(n1+i)), squash(fmt.Sprintf("Page %d of %d", i+1, n2)))
			}
			assertFurniture(t, reply, &pdfDoc{boxes: doc1.boxes, pages: doc.pages[:n1]})
			assertAllText(t, reply, &pdfDoc{pages: doc.pages[:n1]})
			assertAllText(t, original, &pdfDoc{pages: doc.pages[n1:]})

			// The same letters give the same bytes.
			var again bytes.Buffer
			_, err = r.RenderAll(&again, reply, original)
			require.NoError(t, err)
			assert.Equal(t, combined.Bytes(), again.Bytes())
		})
	}
}

// TestRenderAllPoppler reads the combined PDF with poppler, an independent
// reader: every page carries its part's "Page X of Y" and the patient's
// identity, and the document's title is the reply's.
func TestRenderAllPoppler(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip("poppler-utils is not installed")
		}
	}
	reply, original := replyAndOriginal(t, "dermatology-eczema", true)
	var buf bytes.Buffer
	_, err := Render(&bytes.Buffer{}, reply) // the shared renderer works too
	require.NoError(t, err)
	r, err := NewRenderer()
	require.NoError(t, err)
	_, err = r.RenderAll(&buf, reply, original)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "reply.pdf")
	require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o600))

	out, err := exec.Command("pdftotext", "-enc", "UTF-8", "-layout", file, "-").Output()
	require.NoError(t, err)
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	info, err := exec.Command("pdfinfo", file).Output()
	require.NoError(t, err)
	assert.Regexp(t, `(?m)^Title:\s+Reply to a returned referral: Dermatology$`, string(info))
	assert.Regexp(t, fmt.Sprintf(`(?m)^Pages:\s+%d$`, len(pages)), string(info))

	// Split the pages into parts by their "Page X of Y".
	var labels []string
	for i, p := range pages {
		assert.Contains(t, p, "José Manuel Ferreira", "page %d", i+1)
		assert.Contains(t, p, "999 000 0018", "page %d", i+1)
		assert.Contains(t, p, "Confidential", "page %d", i+1)
		labels = append(labels, regexpFind(`Page \d+ of \d+`, p))
	}
	n1 := 0 // the reply's pages: up to the second "Page 1 of"
	for i := 1; i < len(labels) && n1 == 0; i++ {
		if strings.HasPrefix(labels[i], "Page 1 of ") {
			n1 = i
		}
	}
	require.Greater(t, n1, 1)
	n2 := len(pages) - n1
	require.Greater(t, n2, 1)
	for i := range n1 {
		assert.Equal(t, fmt.Sprintf("Page %d of %d", i+1, n1), labels[i])
	}
	for i := range n2 {
		assert.Equal(t, fmt.Sprintf("Page %d of %d", i+1, n2), labels[n1+i])
	}
	assert.Contains(t, pages[0], "Dear Colleague,")
	assert.Contains(t, strings.Join(pages[:n1], ""), "Enclosure: the original referral letter of 18 November 2026")
	assert.Contains(t, pages[n1], "Dear Dr Raman,")
	assert.NotContains(t, strings.Join(pages[:n1], ""), "Dear Dr Raman")
}

func regexpFind(expr, s string) string {
	return regexp.MustCompile(expr).FindString(s)
}

func TestRenderAllErrors(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	reply, original := replyAndOriginal(t, "ent-recurrent-tonsillitis", false)
	for _, tc := range []struct {
		name    string
		letters []*referral.Letter
		want    error
	}{
		{"none", nil, ErrNoLetter},
		{"nil second", []*referral.Letter{reply, nil}, ErrNoLetter},
		{"empty second", []*referral.Letter{reply, {Meta: original.Meta}}, ErrEmptyLetter},
		{"unknown block", []*referral.Letter{reply, {Meta: original.Meta, Blocks: []referral.Block{strangeBlock{}}}}, ErrUnsupportedBlock},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			ws, err := r.RenderAll(&buf, tc.letters...)
			assert.True(t, errors.Is(err, tc.want), "got %v", err)
			assert.Nil(t, ws)
			assert.Zero(t, buf.Len(), "nothing is written on error")
		})
	}
	_, err = r.RenderAll(failWriter{errors.New("disk full")}, reply, original)
	assert.Error(t, err)
}

type strangeBlock struct{}

func (strangeBlock) BlockPath() string { return "strange" }

func BenchmarkRenderAll(b *testing.B) {
	r, err := NewRenderer()
	require.NoError(b, err)
	reply, original := replyAndOriginal(b, "dermatology-eczema", false)
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if _, err := r.RenderAll(&buf, reply, original); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRenderAllWarnings checks that text the font cannot show is named by
// its field in the reply's request, and in the original letter by the
// referral's own path.
func TestRenderAllWarnings(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	reply, original := replyAndOriginal(t, "ent-recurrent-tonsillitis", false)
	for _, b := range reply.Blocks {
		if p, ok := b.(*referral.Paragraph); ok && p.Path == "returned.reason" {
			p.Text += " 😀"
		}
	}
	for _, b := range original.Blocks {
		if p, ok := b.(*referral.Paragraph); ok && p.Path == "history" {
			p.Text += " 中文"
		}
	}
	var buf bytes.Buffer
	ws, err := r.RenderAll(&buf, reply, original)
	require.NoError(t, err)
	var fields []string
	for _, w := range ws {
		fields = append(fields, w.Path)
		assert.NotContains(t, w.Message, "😀")
	}
	assert.ElementsMatch(t, []string{"returned.reason", "history"}, fields)
}
