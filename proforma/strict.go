package proforma

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/refletter/refletter/referral"
)

// readAll reads at most MaxSize bytes of r.
func readAll(r io.Reader, what string) ([]byte, error) {
	if r == nil {
		return nil, fmt.Errorf("proforma: reading %s: no reader", what)
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("proforma: reading %s: %w", what, err)
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%w (reading %s)", ErrTooLarge, what)
	}
	// A leading UTF-8 byte-order mark is ignored, as referral.Decode does.
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), nil
}

// oneValue returns the single JSON value b holds. Its problems name no
// content, only a byte position (counted from 1).
func oneValue(b []byte, what string) (json.RawMessage, *Problem) {
	if !utf8.Valid(b) {
		return nil, &Problem{Rule: referral.RuleEncoding, Message: what + " is not valid UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			return nil, &Problem{Rule: referral.RuleSyntax, Message: fmt.Sprintf("%s is not valid JSON (at byte %d)", what, se.Offset)}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, &Problem{Rule: referral.RuleSyntax, Message: what + " is not valid JSON: it ends too soon"}
		}
		return nil, &Problem{Rule: referral.RuleSyntax, Message: what + " is not valid JSON"}
	}
	end := int(dec.InputOffset())
	if rest := bytes.TrimLeft(b[end:], " \t\r\n"); len(rest) > 0 {
		at := len(b) - len(rest) + 1
		return nil, &Problem{Rule: referral.RuleTrailingData, Message: fmt.Sprintf("unexpected data after the %s (at byte %d)", what, at)}
	}
	return v, nil
}

// member is one key and value of a JSON object, and its place there.
type member struct {
	key   string
	value json.RawMessage
	n     int // 1 for the first key
}

// members splits a JSON object into its members in order, reporting
// duplicate keys. raw must be valid JSON.
func members(raw json.RawMessage, path string, p *problems) ([]member, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		p.breaks(path, referral.RuleType, "must be an object")
		return nil, false
	}
	var ms []member
	seen := map[string]bool{}
	for n := 1; dec.More(); n++ {
		t, err := dec.Token()
		key, ok := t.(string)
		if err != nil || !ok {
			p.breaks(path, referral.RuleType, "must be an object")
			return nil, false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			p.breaks(path, referral.RuleType, "must be an object")
			return nil, false
		}
		if seen[key] {
			p.add(path, referral.RuleDuplicate, "duplicate key ("+nthKey(n)+")")
			continue
		}
		seen[key] = true
		ms = append(ms, member{key, v, n})
	}
	return ms, true
}

// nthKey names a key by its place in its object ("3rd key"): a key that
// is not one of the format's may hold anything (a patient's name, a
// control character, a megabyte), so it is never repeated.
func nthKey(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix + " key"
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

func asString(raw json.RawMessage, path string, p *problems) (string, bool) {
	var s string
	if isNull(raw) || json.Unmarshal(raw, &s) != nil {
		p.breaks(path, referral.RuleType, "must be a string")
		return "", false
	}
	return s, true
}

func asBool(raw json.RawMessage, path string, p *problems) (bool, bool) {
	var b bool
	if isNull(raw) || json.Unmarshal(raw, &b) != nil {
		p.breaks(path, referral.RuleType, "must be true or false")
		return false, false
	}
	return b, true
}

func asArray(raw json.RawMessage, path string, p *problems) ([]json.RawMessage, bool) {
	var a []json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &a) != nil {
		p.breaks(path, referral.RuleType, "must be a list")
		return nil, false
	}
	return a, true
}

// textProblem says what is wrong with s as text in a form or an answer, or
// returns the zero fault when nothing is.
func textProblem(s string) fault {
	if utf8.RuneCountInString(s) > maxText {
		return fault{referral.RuleMaxLength, fmt.Sprintf("is longer than %d characters", maxText)}
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return fault{referral.RuleControlChars, "holds a control character (only newline and tab are allowed)"}
		}
		// Text-direction embeddings, overrides and isolates reorder what
		// is shown around them; a referral refuses them too.
		if r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return fault{referral.RuleControlChars, "holds a text-direction control character"}
		}
	}
	return fault{}
}

// blank reports whether s shows nothing: only white space, control and
// format characters (zero-width, text direction), the combining grapheme
// joiner and the fillers that print blank, as referral's Validate counts
// a blank field.
func blank(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		switch {
		case unicode.IsSpace(r), unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return false
		}
		switch r {
		case 0x34f, 0x115f, 0x1160, 0x2800, 0x3164, 0xffa0:
			return false
		}
		return true
	}) < 0
}
