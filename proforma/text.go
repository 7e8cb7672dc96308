package proforma

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Column widths of the text table, in characters.
const (
	numWidth      = 4
	questionWidth = 42
	statusWidth   = 10
	proseWidth    = 78
)

// WriteText writes the report for the referrer to read before sending: the
// form, a table of question, status and source, notes on why items are not
// needed, the referrer's answers as the letter will print them, and the
// counts. It prints nothing that is not in the form, the referral's field
// names or the referrer's answers.
func (rep *Report) WriteText(w io.Writer) error {
	if rep == nil {
		return fmt.Errorf("proforma: no report to write")
	}
	bw := bufio.NewWriter(w)
	pr := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	// item writes s wrapped after prefix, later lines indented to match.
	item := func(prefix, s string) {
		indent := strings.Repeat(" ", utf8.RuneCountInString(prefix))
		for i, l := range wrap(s, proseWidth-len(indent)) {
			if i > 0 {
				prefix = indent
			}
			pr("%s\n", strings.TrimRight(prefix+l, " "))
		}
	}
	prose := func(s string) { item("", s) }
	prose(rep.Title)
	issued := "Issued by " + rep.Issuer
	if d := rep.Version.Long(); d != "" {
		issued += ", version " + d
	}
	prose(issued + " (form " + rep.FormID + ")")
	if rep.TwoWeekWait {
		pr("\n")
		prose("TWO-WEEK-WAIT FORM: this is a suspected-cancer form. " +
			"Refer through the NHS e-Referral Service, not by letter.")
	}
	pr("\n")

	row := func(num, question, status, source string) {
		qs := wrap(question, questionWidth)
		for i, q := range qs {
			if i > 0 {
				num, status, source = "", "", ""
			}
			line := pad(num, numWidth) + "  " + pad(q, questionWidth) + "  " + pad(status, statusWidth) + "  " + source
			pr("%s\n", strings.TrimRight(line, " "))
		}
	}
	row("#", "Question", "Status", "Source")
	required, gates, admin := false, false, false
	for i, res := range rep.Results {
		num := strconv.Itoa(i + 1)
		if res.Question.Required {
			num += "*"
			required = true
		}
		status, source := string(res.Status), res.Source
		switch res.Status {
		case StatusNotNeeded:
			status = "not needed"
			if res.Why == WhyGate {
				source, gates = "gate [1]", true
			} else {
				source, admin = "administrative [2]", true
			}
		case StatusOpen:
			source = "-"
		}
		row(num, res.Question.Label, status, source)
	}
	pr("\n")
	if required {
		item("*   ", "The form marks this question required.")
	}
	if gates {
		item("[1] ", WhyGate)
	}
	if admin {
		item("[2] ", WhyAdministrative)
	}

	if s := rep.Section(); len(s.Answers) > 0 {
		pr("\n")
		if rep.TwoWeekWait {
			prose("Your answers:")
		} else {
			prose("Your answers, printed in the letter under \"Information requested by " + rep.Issuer + "\":")
		}
		for _, a := range s.Answers {
			item("- ", a.Question+": "+a.Answer)
		}
	}

	n, open := len(rep.Results), rep.Count(StatusOpen)
	pr("\n")
	prose(fmt.Sprintf("%d %s: %d answered, %d not needed, %d open.", n, plural(n, "question", "questions"),
		rep.Count(StatusAnswered), rep.Count(StatusNotNeeded), open))
	switch {
	case rep.TwoWeekWait:
		prose("No letter is made for a two-week-wait case: complete the suspected-cancer form and attach it in eRS.")
	case open > 0:
		listed := ""
		if n := len(rep.Section().Unavailable); n > 0 {
			listed = fmt.Sprintf(" The letter lists the %d required %s (marked *) as not available at the time of referral.",
				n, plural(n, "one", "ones"))
		}
		prose("Open questions are never printed in the letter as blanks." + listed +
			" Add what matters for this patient to the referral, or answer them by question id.")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("proforma: writing report: %w", err)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// wrap breaks s into lines of at most width characters at spaces (newlines
// and runs of spaces count as one space), breaking a longer word where it
// must. It always returns at least one line.
func wrap(s string, width int) []string {
	var lines []string
	var cur []rune
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		for len(w) > width {
			if len(cur) > 0 {
				lines = append(lines, string(cur))
				cur = nil
			}
			lines = append(lines, string(w[:width]))
			w = w[width:]
		}
		switch {
		case len(cur) == 0:
			cur = w
		case len(cur)+1+len(w) <= width:
			cur = append(append(cur, ' '), w...)
		default:
			lines = append(lines, string(cur))
			cur = w
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, string(cur))
	}
	return lines
}
