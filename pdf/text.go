package pdf

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Warning reports text the renderer had to change to print it: characters
// the font cannot show (emoji, scripts outside Liberation Sans) are
// replaced by a visible marker. It has the fields of referral.Warning.
// Path names the referral field, never the text, so a warning is safe to
// log.
type Warning struct {
	// Code says what kind of change was made: WarnCharacterReplaced.
	Code string `json:"code"`
	// Path is the JSON path of the field, as the letter block's Path
	// gives it, with a row index for tables: "investigations[3]".
	Path string `json:"path,omitempty"`
	// Message says what was done, in plain words.
	Message string `json:"message"`
}

// Warning codes.
const (
	// WarnCharacterReplaced: characters the font cannot show were
	// replaced by a visible marker ("[?]"); the message says how many.
	WarnCharacterReplaced = "character-replaced"
)

// String returns the warning as "PATH: MESSAGE (CODE)", or
// "MESSAGE (CODE)" when it has no path.
func (w Warning) String() string {
	s := w.Message + " (" + w.Code + ")"
	if w.Path != "" {
		s = w.Path + ": " + s
	}
	return s
}

// cleaner makes text printable in a face and records what it replaced.
type cleaner struct {
	fs     *fontSet
	counts map[string]int // replaced characters by field
	order  []string       // fields in first-seen order
	used   [numStyles]map[rune]struct{}
	// seen marks the runes already in used, of those seenBit covers, so
	// that noting a line costs a map write only for a character's first
	// use.
	seen [numStyles][seenWords]uint64
	// name holds the words of the patient's name: a character replaced
	// in one of them, in any block (the opening names the patient too),
	// is blamed on the patient, where it came from.
	name map[string]bool
}

// seenWords is the size of cleaner.seen for each face (see seenBit).
const seenWords = (0x500 + 0x2200 - 0x1e00) / 64

// seenBit returns the word and bit of cleaner.seen that marks r, or ok
// false for a rune it has none for. It covers Latin, Greek and Cyrillic
// (up to U+04FF), and Vietnamese, punctuation and symbols (U+1E00 to
// U+21FF).
func seenBit(r rune) (word int, bit uint64, ok bool) {
	switch {
	case r >= 0 && r < 0x500:
		return int(r >> 6), 1 << (r & 63), true
	case r >= 0x1e00 && r < 0x2200:
		return int(r-0x1e00)>>6 + 0x500/64, 1 << (r & 63), true
	}
	return 0, 0, false
}

// usedSize is room for a letter's characters in each face's used set:
// a letter uses about 80.
const usedSize = 96

func newCleaner(fs *fontSet, patientName string) *cleaner {
	c := &cleaner{fs: fs, counts: map[string]int{}, name: map[string]bool{}}
	for _, w := range strings.FieldsFunc(patientName, wordBreak) {
		c.name[w] = true
	}
	for i := range c.used {
		c.used[i] = make(map[rune]struct{}, usedSize)
	}
	return c
}

// clean returns s in NFC with line ends as "\n", tabs as spaces, and every
// run of characters the face cannot show (or control characters), with
// any joiners and combining marks that follow them, replaced by the
// marker. The result is valid UTF-8 in the face's repertoire. Text that
// is so already is returned as it is, without a copy.
func (c *cleaner) clean(s string, st style, field string) string {
	return c.cleanRow(s, st, field, -1)
}

// cleanRow is clean for row row of a table whose field is field: its
// replaced characters are counted against "field[row]". A row below zero
// means field alone.
func (c *cleaner) cleanRow(s string, st style, field string, row int) string {
	m := c.fs.faces[st].m
	if printable(m, s) {
		return s
	}
	if row >= 0 {
		field += "[" + strconv.Itoa(row) + "]"
	}
	return c.replace(s, m, field)
}

// replace is clean's work on text that printable refuses, with the face's
// metrics m.
func (c *cleaner) replace(s string, m *metrics, field string) string {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	missing, inRun := 0, false
	// The replaced characters of the current word, blamed on the patient
	// if the word is one of the name's.
	word, wordMissing := 0, 0
	endWord := func(end int) {
		if wordMissing > 0 && field != patientField && c.name[s[word:end]] {
			c.blame(patientField, wordMissing)
			missing -= wordMissing
		}
		wordMissing = 0
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if wordBreak(r) {
			endWord(i)
			word = i + n
		}
		i += n
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			r = '\n'
		case r == '\t':
			r = ' '
		}
		ok := r == '\n' || (m.has(r) && !unicode.IsControl(r) && !(r == utf8.RuneError && n == 1))
		// A joiner or combining mark after a missing character belongs to
		// it: an emoji sequence becomes one marker.
		if !ok || inRun && (unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r)) {
			missing++
			wordMissing++
			if !inRun {
				b.WriteString(c.fs.marker)
				inRun = true
			}
			continue
		}
		inRun = false
		b.WriteRune(r)
	}
	endWord(len(s))
	c.blame(field, missing)
	return b.String()
}

// printable reports whether clean would return s unchanged: s is in NFC
// and every character is "\n" or one that face m shows (no carriage
// return, tab or control character, no invalid UTF-8).
func printable(m *metrics, s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return printableRunes(m, s[i:]) && norm.NFC.IsNormalString(s)
		}
		if c != '\n' && (c < 0x20 || c == 0x7f || !m.has(rune(c))) {
			return false
		}
	}
	return true
}

// printableRunes is printable's test of each character, without NFC.
func printableRunes(m *metrics, s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r == '\n' {
			continue
		}
		// Carriage returns and tabs, which clean changes, are control
		// characters.
		if !m.has(r) || unicode.IsControl(r) || r == utf8.RuneError && n == 1 {
			return false
		}
	}
	return true
}

// patientField is the field of the patient's identity.
const patientField = "patient"

// wordBreak reports a character that ends a word of a name.
func wordBreak(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(",.;:()", r)
}

// blame counts n replaced characters against field.
func (c *cleaner) blame(field string, n int) {
	if n == 0 {
		return
	}
	if _, seen := c.counts[field]; !seen {
		c.order = append(c.order, field)
	}
	c.counts[field] += n
}

// note records the runes of s, already clean, as used in face st.
func (c *cleaner) note(s string, st style) {
	seen := &c.seen[st]
	for _, r := range s {
		if w, bit, ok := seenBit(r); ok && seen[w]&bit != 0 {
			continue // the usual case, without a call
		}
		c.noteRune(r, st)
	}
}

// noteRune records r as used in face st.
func (c *cleaner) noteRune(r rune, st style) {
	if w, bit, ok := seenBit(r); ok {
		if c.seen[st][w]&bit != 0 {
			return
		}
		c.seen[st][w] |= bit
	}
	c.used[st][r] = struct{}{}
}

func (c *cleaner) warnings() []Warning {
	if len(c.order) == 0 {
		return nil
	}
	ws := make([]Warning, 0, len(c.order))
	for _, f := range c.order {
		n := c.counts[f]
		what := "1 character"
		if n != 1 {
			what = strconv.Itoa(n) + " characters"
		}
		ws = append(ws, Warning{
			Code:    WarnCharacterReplaced,
			Path:    f,
			Message: what + " the font cannot show replaced by " + strconv.Quote(c.fs.marker),
		})
	}
	return ws
}

// wrap breaks clean text into lines no wider than width mm at size pt.
// It breaks at spaces, keeps the text's own line breaks, and cuts a word
// wider than the line between characters, so nothing is ever clipped. An
// empty line in the text stays an empty line.
func wrap(m *metrics, text string, size, width float64) []string {
	ls := wrapAppend(nil, m, text, size, width)
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.s
	}
	return out
}

// wline is a line of wrapped text.
type wline struct {
	s string
	// cut marks a line that ends inside a word cut to fit.
	cut bool
}

// wrapAppend wraps text as wrap does and appends its lines to ls.
func wrapAppend(ls []wline, m *metrics, text string, size, width float64) []wline {
	wrapEach(m, text, size, width, func(s string, cut bool) {
		ls = append(ls, wline{s, cut})
	})
	return ls
}

// wrapEach wraps text as wrap does and calls line with each line in
// turn, and whether it ends inside a word cut to fit. A line is a
// substring of text unless the words on it are apart by more than one
// space in text, so wrapping allocates next to nothing.
func wrapEach(m *metrics, text string, size, width float64, line func(s string, cut bool)) {
	space := m.runeWidth(' ', size)
	l := lineBuf{text: text}
	for p := 0; ; {
		end := strings.IndexByte(text[p:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += p
		}
		words := false
		for i := p; i < end; {
			if text[i] == ' ' {
				i++
				continue
			}
			j := strings.IndexByte(text[i:end], ' ')
			if j < 0 {
				j = end
			} else {
				j += i
			}
			words = true
			ww := m.width(text[i:j], size)
			switch {
			case l.on && l.w+space+ww <= width:
				l.add(i, j, true)
				l.w += space + ww
				i = j
				continue
			case l.on:
				line(l.take(), false)
			}
			if ww <= width {
				l.add(i, j, false)
				l.w = ww
				i = j
				continue
			}
			// A word wider than the line: cut it between characters.
			for k := i; k < j; {
				r, n := utf8.DecodeRuneInString(text[k:j])
				rw := m.runeWidth(r, size)
				if l.on && l.w+rw > width {
					line(l.take(), true)
				}
				if r == utf8.RuneError && n == 1 {
					l.addString(string(utf8.RuneError))
				} else {
					l.add(k, k+n, false)
				}
				l.w += rw
				k += n
			}
			i = j
		}
		if words {
			line(l.take(), false)
		} else {
			line("", false)
		}
		if end == len(text) {
			return
		}
		p = end + 1
	}
}

// trimLines drops blank lines at either end.
func trimLines(ls []wline) []wline {
	sp := trimSpan(ls, span{0, len(ls)})
	return ls[sp.lo:sp.hi]
}

// trimSpan narrows sp to leave out the blank lines of ls at either end.
func trimSpan(ls []wline, sp span) span {
	for sp.lo < sp.hi && ls[sp.lo].s == "" {
		sp.lo++
	}
	for sp.hi > sp.lo && ls[sp.hi-1].s == "" {
		sp.hi--
	}
	return sp
}

// lineBuf is the line wrapAppend is filling: text[start:end], or buf once
// it holds what is not a substring of text.
type lineBuf struct {
	text       string
	start, end int
	buf        []byte
	on         bool // the line holds text
	built      bool // the line is buf
	w          float64
}

// add puts text[ps:pe] at the end of the line, after a space if sep.
func (l *lineBuf) add(ps, pe int, sep bool) {
	switch {
	case !l.on:
		l.start, l.end, l.on = ps, pe, true
	case !l.built && (sep && ps == l.end+1 || !sep && ps == l.end):
		l.end = pe
	default:
		l.build()
		if sep {
			l.buf = append(l.buf, ' ')
		}
		l.buf = append(l.buf, l.text[ps:pe]...)
	}
}

// addString puts s, which is not from text, at the end of the line.
func (l *lineBuf) addString(s string) {
	l.build()
	l.buf = append(l.buf, s...)
	l.on = true
}

// build makes buf the line.
func (l *lineBuf) build() {
	if !l.built {
		l.buf = l.buf[:0]
		if l.on {
			l.buf = append(l.buf, l.text[l.start:l.end]...)
		}
		l.built = true
	}
}

// take returns the line and empties it.
func (l *lineBuf) take() string {
	s := ""
	switch {
	case l.built:
		s = string(l.buf)
	case l.on:
		s = l.text[l.start:l.end]
	}
	l.on, l.built, l.w = false, false, 0
	return s
}
