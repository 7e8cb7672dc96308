// Package safety holds the test that keeps SAFETY.md, the clinical safety
// case, true: every test it names as the proof of a control must exist.
package safety
