package pdf

import (
	"bytes"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTextOp checks that textOp writes what fpdf's Text writes, on a plain
// and a large-print (scaled) page, with the characters PDF strings escape.
func TestTextOp(t *testing.T) {
	for _, tc := range []struct {
		name  string
		x, y  float64
		run   string
		scale bool
	}{
		{"plain", 20, 35.5, "Referral letter", false},
		{"escaped", 12.345, 280.004, `(FIT) \ a\b ) (`, false},
		{"carriage return", 0, 0, "a\rb", false},
		{"high codes", 199.999, 0.001, "\x80\xa0\xff", false},
		{"large print", 17.5, 120.125, "Page 1 of 2", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := func(draw func(d *drawer)) []byte {
				p := fpdf.New("P", "mm", "A4", "")
				p.SetCompression(false)
				at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
				p.SetCreationDate(at)
				p.SetModificationDate(at)
				p.AddPage()
				if tc.scale {
					p.TransformBegin()
					p.TransformScale(150, 150, 0, 0)
				}
				p.SetFont("Helvetica", "", 10)
				p.SetTextColor(10, 20, 30)
				p.SetFillColor(10, 20, 30)
				draw(&drawer{p: p})
				if tc.scale {
					p.TransformEnd()
				}
				var buf bytes.Buffer
				require.NoError(t, p.Output(&buf))
				return buf.Bytes()
			}
			want := doc(func(d *drawer) { d.p.Text(tc.x, tc.y, tc.run) })
			got := doc(func(d *drawer) { d.textOp(tc.x, tc.y, []byte(tc.run)) })
			assert.Equal(t, string(want), string(got))
		})
	}
}
