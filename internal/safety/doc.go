// Package safety holds the tests that keep the repository's documents
// true: every test SAFETY.md, the clinical safety case, names as the proof
// of a control must exist, and no comment cites a document outside the
// repository.
package safety
