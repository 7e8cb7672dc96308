package pdf

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

// FuzzRender renders letters whose text is arbitrary: invalid UTF-8,
// control characters, emoji, right-to-left scripts, huge words. Rendering
// must never panic or fail, and every warning must name a known field.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"", "plain", "Zoë Łukasz Siobhán", "😀👨‍👩‍👧", "\x00\x01\xff\xfe", "مرحبا שלום 你好",
		strings.Repeat("W", 500), "a\r\nb\rc\td", "(unbalanced \\ parens", "\u200d\u0301\ufeff",
	} {
		f.Add(s, s, s, uint8(3))
	}
	r, err := NewRenderer()
	require.NoError(f, err)
	fields := map[string]bool{"patient": true, "history": true, "investigations[0]": true,
		"investigations": true, "patientView.concerns": true, "meta.confidentiality": true}
	f.Fuzz(func(t *testing.T, text, cell, key string, cols uint8) {
		l := handLetter()
		l.Meta.Patient.Name = key
		l.Meta.Title, l.Meta.Author = text, cell
		l.Meta.Confidentiality = cell
		l.Blocks[blockIndex(t, l, "history", &referral.Paragraph{})].(*referral.Paragraph).Text = text
		tb := l.Blocks[blockIndex(t, l, "investigations", &referral.Table{})].(*referral.Table)
		tb.Rows[0] = make([]string, int(cols%9))
		for i := range tb.Rows[0] {
			tb.Rows[0][i] = cell
		}
		tb.Header[0] = key
		kv := l.Blocks[blockIndex(t, l, "patientView", &referral.KeyValueList{})].(*referral.KeyValueList)
		kv.Items[1].Key, kv.Items[1].Value = key, text
		var buf bytes.Buffer
		ws, err := r.Render(&buf, l)
		if errors.Is(err, ErrFurnitureTooLong) {
			require.Zero(t, buf.Len())
			return
		}
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("%PDF-1.")))
		for _, w := range ws {
			require.True(t, fields[w.Path], "unexpected warning field %q", w.Path)
		}
	})
}
