package referral

import (
	"encoding/json"
	"strings"
)

// Priority is the clinical priority of a referral.
type Priority string

// The priorities. ParsePriority, and so Decode, accepts each in any case and
// with spaces or underscores for hyphens, and the aliases "2ww",
// "2-week-wait", "usc", "urgent-suspected-cancer" and "TWO_WEEK_WAIT" for
// PriorityTwoWeekWait: the names the two-week wait goes by in practice
// systems and in eRS.
const (
	PriorityRoutine     Priority = "routine"
	PriorityUrgent      Priority = "urgent"
	PriorityTwoWeekWait Priority = "two-week-wait"
)

// ParsePriority normalises s to one of the priorities. An unrecognised
// value is returned trimmed and lower-cased, and fails validation.
func ParsePriority(s string) Priority {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.Join(strings.FieldsFunc(k, func(r rune) bool {
		return r == ' ' || r == '_' || r == '-' || r == '\t'
	}), "-")
	if p, ok := priorityNames[k]; ok {
		return p
	}
	return Priority(k)
}

// priorityNames are the names ParsePriority accepts, lower-cased and with
// hyphens between words.
var priorityNames = map[string]Priority{
	"routine":                 PriorityRoutine,
	"urgent":                  PriorityUrgent,
	"two-week-wait":           PriorityTwoWeekWait,
	"2-week-wait":             PriorityTwoWeekWait,
	"2ww":                     PriorityTwoWeekWait,
	"usc":                     PriorityTwoWeekWait,
	"urgent-suspected-cancer": PriorityTwoWeekWait,
}

// Valid reports whether p is one of the three priorities, or an alias of
// one.
func (p Priority) Valid() bool {
	c := p.canonical()
	return c == PriorityRoutine || c == PriorityUrgent || c == PriorityTwoWeekWait
}

// canonical is p as ParsePriority would give it. Decode already stores
// that form; a Referral built in Go may hold an alias ("2WW", "URGENT"),
// and every decision goes through this so an alias is never misrouted.
func (p Priority) canonical() Priority {
	switch p {
	case PriorityRoutine, PriorityUrgent, PriorityTwoWeekWait:
		return p // what ParsePriority gives it, without its work
	}
	return ParsePriority(string(p))
}

// ERSCode returns the eRS priority code: ROUTINE, URGENT or TWO_WEEK_WAIT.
func (p Priority) ERSCode() string {
	switch p.canonical() {
	case PriorityRoutine:
		return "ROUTINE"
	case PriorityUrgent:
		return "URGENT"
	case PriorityTwoWeekWait:
		return "TWO_WEEK_WAIT"
	}
	return ""
}

// UnmarshalJSON reads a priority or one of its aliases.
func (p *Priority) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	p.setText(s)
	return nil
}

// setText sets p from the text of a JSON string, as UnmarshalJSON does.
func (p *Priority) setText(s string) { *p = ParsePriority(s) }
