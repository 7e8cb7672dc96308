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
	// name holds the words of the patient's name: a character replaced
	// in one of them, in any block (the opening names the patient too),
	// is blamed on the patient, where it came from.
	name map[string]bool
}

func newCleaner(fs *fontSet, patientName string) *cleaner {
	c := &cleaner{fs: fs, counts: map[string]int{}, name: map[string]bool{}}
	for _, w := range strings.FieldsFunc(patientName, wordBreak) {
		c.name[w] = true
	}
	for i := range c.used {
		c.used[i] = map[rune]struct{}{}
	}
	return c
}

// clean returns s in NFC with line ends as "\n", tabs as spaces, and every
// run of characters the face cannot show (or control characters), with
// any joiners and combining marks that follow them, replaced by the marker. The result is valid UTF-8 in the face's repertoire.
func (c *cleaner) clean(s string, st style, field string) string {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	m := c.fs.faces[st].m
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
	u := c.used[st]
	for _, r := range s {
		u[r] = struct{}{}
	}
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
	lines, _ := wrapCut(m, text, size, width)
	return lines
}

// wrapCut is wrap, also reporting which lines end inside a word that was
// cut.
func wrapCut(m *metrics, text string, size, width float64) (lines []string, cut []bool) {
	space := m.runeWidth(' ', size)
	for _, para := range strings.Split(text, "\n") {
		var line strings.Builder
		lineW := 0.0
		inWord := false
		flush := func() {
			lines = append(lines, line.String())
			cut = append(cut, inWord)
			line.Reset()
			lineW = 0
		}
		words := strings.FieldsFunc(para, func(r rune) bool { return r == ' ' })
		if len(words) == 0 {
			lines = append(lines, "")
			cut = append(cut, false)
			continue
		}
		for _, w := range words {
			ww := m.width(w, size)
			switch {
			case line.Len() > 0 && lineW+space+ww <= width:
				line.WriteByte(' ')
				line.WriteString(w)
				lineW += space + ww
				continue
			case line.Len() > 0:
				flush()
			}
			if ww <= width {
				line.WriteString(w)
				lineW = ww
				continue
			}
			// A word wider than the line: cut it between characters.
			for _, r := range w {
				rw := m.runeWidth(r, size)
				if line.Len() > 0 && lineW+rw > width {
					inWord = true
					flush()
					inWord = false
				}
				line.WriteRune(r)
				lineW += rw
			}
		}
		flush()
	}
	return lines, cut
}
