// Package edits makes the strings one edit away from a string, for tests
// that check a hand-written matcher against the regular expression it
// replaced: a matcher that agrees on a value and on all its neighbours
// agrees where mistakes are likely.
package edits

// Near returns s and every string one edit away from it: each byte of s
// deleted, and each string of alphabet inserted before any byte (or at
// the end) or put in any byte's place.
func Near(s string, alphabet []string) []string {
	near := []string{s}
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			near = append(near, s[:i]+s[i+1:])
		}
		for _, c := range alphabet {
			near = append(near, s[:i]+c+s[i:])
			if i < len(s) {
				near = append(near, s[:i]+c+s[i+1:])
			}
		}
	}
	return near
}
