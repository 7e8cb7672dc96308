package hardening

import "testing"

// knownDefects are cases that fail because of a defect in another
// package, reported to its owner. Each is skipped by name (the memory
// cases only when over the limit) until fixed; remove the entry with the
// fix.
var knownDefects = map[string]string{
	"memory/prose": "pdf: rendering the largest accepted referral (320 pages) peaks above 64 MB of heap; " +
		"it allocates about 430 MB, much of it a new flate compressor for every page in fpdf",
	"memory/lines": "pdf: rendering the largest accepted referral with its text as short lines (2,624 pages) " +
		"peaks above 64 MB of heap (its live heap alone reaches about 74 MB) and allocates about 3.2 GB",
}

// skipKnownDefect skips the test if id is a known defect.
func skipKnownDefect(t *testing.T, id string) {
	t.Helper()
	if why, ok := knownDefects[id]; ok {
		t.Skip("known defect: " + why)
	}
}
