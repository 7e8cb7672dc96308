//go:build race

package hardening

// raceEnabled reports whether the race detector is on: tests that repeat
// costly work take fewer samples under it.
const raceEnabled = true
