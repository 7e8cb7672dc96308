package referral

import (
	"bufio"
	"io"
	"strings"
	"unicode/utf8"
)

// TextWidth is the column at which WriteText wraps.
const TextWidth = 78

// WriteText writes the letter as plain text wrapped at 78 columns, with
// headings underlined: suitable as an eRS attachment or in an email. It
// returns the first write error.
func (l *Letter) WriteText(w io.Writer) error {
	if l == nil {
		return errNilLetter
	}
	bw := bufio.NewWriter(w)
	t := textWriter{w: bw}
	for _, b := range l.Blocks {
		t.block(b)
	}
	if t.err != nil {
		return t.err
	}
	return bw.Flush()
}

var errNilLetter = FieldErrors{{Rule: RuleRequired, Message: "no letter given"}}

type textWriter struct {
	w   *bufio.Writer
	err error
}

func (t *textWriter) line(s string) {
	if t.err != nil {
		return
	}
	_, t.err = t.w.WriteString(strings.TrimRight(s, " ") + "\n")
}

// wrap writes s wrapped to width, the first line after first and the rest
// after rest (both prefixes count towards the width).
func (t *textWriter) wrap(s, first, rest string) {
	for i, para := range strings.Split(s, "\n") {
		p := first
		if i > 0 {
			p = rest
		}
		for _, l := range wrapLine(para, TextWidth-utf8.RuneCountInString(rest)) {
			t.line(p + l)
			p = rest
		}
	}
}

func (t *textWriter) block(b Block) {
	switch b := b.(type) {
	case *Letterhead:
		t.line(b.Name)
		for _, l := range b.Lines {
			t.wrap(l, "", "")
		}
		for _, d := range b.Details {
			t.wrap(d.Key+": "+d.Value, "", "  ")
		}
		t.line("")
	case *Addressee:
		for _, l := range b.Lines {
			t.wrap(l, "", "")
		}
		t.line("")
	case *Heading:
		t.wrap(b.Text, "", "")
		t.line(strings.Repeat("-", min(utf8.RuneCountInString(b.Text), TextWidth)))
	case *Paragraph:
		t.wrap(b.Text, "", "")
		t.line("")
	case *Notice:
		edge := "="
		if b.Urgent {
			edge = "!"
		}
		t.line(strings.Repeat(edge, TextWidth))
		t.wrap(b.Title, "", "")
		for _, l := range b.Lines {
			t.wrap(l, "  ", "  ")
		}
		t.line(strings.Repeat(edge, TextWidth))
		t.line("")
	case *Summary:
		t.wrap(b.Title, "", "")
		for _, kv := range b.Items {
			t.wrap(kv.Key+": "+kv.Value, "  ", "      ")
		}
		t.line("")
	case *KeyValueList:
		for _, kv := range b.Items {
			t.wrap(kv.Key+": "+kv.Value, "", "    ")
		}
		t.line("")
	case *Table:
		for _, row := range b.Rows {
			for i, cell := range row {
				if cell == "" {
					continue
				}
				switch {
				case i == 0:
					t.wrap(cell, "- ", "  ")
				case i < len(b.Header):
					t.wrap(b.Header[i]+": "+cell, "  ", "      ")
				default:
					t.wrap(cell, "  ", "  ")
				}
			}
		}
		t.line("")
	case *StatementBox:
		edge := "+" + strings.Repeat("-", TextWidth-2) + "+"
		t.line(edge)
		inner := TextWidth - 4
		box := func(s string) {
			for _, l := range wrapLine(s, inner) {
				t.line("| " + l + strings.Repeat(" ", inner-utf8.RuneCountInString(l)) + " |")
			}
		}
		if b.Title != "" {
			box(b.Title)
			box("")
		}
		for i, p := range b.Paragraphs {
			if i > 0 {
				box("")
			}
			box(p)
		}
		if b.Citation != "" {
			box("")
			box("Source: " + b.Citation)
		}
		t.line(edge)
		t.line("")
	case *Signature:
		t.line(b.Closing)
		t.line("")
		t.line("")
		for _, l := range b.Lines {
			t.wrap(l, "", "")
		}
		t.line("")
	case *CopyList:
		for _, l := range b.Lines {
			t.wrap(l, "", "    ")
		}
	}
}

// wrapLine breaks s into lines of at most width runes at spaces; a word
// longer than width is split. An empty s gives one empty line.
func wrapLine(s string, width int) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	var cur strings.Builder
	n := 0
	for _, w := range words {
		wl := utf8.RuneCountInString(w)
		for wl > width {
			if n > 0 {
				lines = append(lines, cur.String())
				cur.Reset()
				n = 0
			}
			head, tail := splitRunes(w, width)
			lines = append(lines, head)
			w, wl = tail, wl-width
		}
		if n > 0 && n+1+wl > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(w)
		n += wl
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

func splitRunes(s string, n int) (string, string) {
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i], s[i:]
}
