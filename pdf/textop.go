package pdf

import "strconv"

// textOp draws run, codes of the current font, with its baseline starting
// at x, y: what fpdf's Text writes for it, byte for byte, built with
// strconv where Text uses fmt, which cost a tenth of a letter's time. It
// relies on what the drawer guarantees: no underline or strike-out, a
// one-byte font, and the text colour equal to the fill colour (setText),
// so that fpdf would not wrap the text in a colour change.
func (d *drawer) textOp(x, y float64, run []byte) {
	k := d.p.GetConversionRatio()
	_, h := d.p.GetPageSize()
	b := make([]byte, 0, 32+len(run)+len(run)/8)
	b = append(b, "BT "...)
	b = strconv.AppendFloat(b, x*k, 'f', 2, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, (h-y)*k, 'f', 2, 64)
	b = append(b, " Td ("...)
	for _, c := range run {
		switch c {
		case '\\', '(', ')':
			b = append(b, '\\', c)
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	b = append(b, ") Tj ET"...)
	d.p.RawWriteStr(string(b))
}
