// Package hardening holds refletter's cross-package robustness tests. It
// has no code of its own: everything is in its _test.go files.
//
// The tests prove, across every entry point at once, what each package's
// own tests can only prove for itself: that bad input gets a clear error
// and nothing else. They walk the catalogue under testdata/invalid (JSON
// referrals, proforma definitions, answers files, logo and signature
// images, HTTP requests to the example server, and valid documents that
// disguise a two-week-wait case or carry hostile text), and check that each
// case has exactly its stated outcome, finishes in bounded time, never
// panics, and never repeats a patient field in an error, a log line or a
// response.
//
// They also inject faults: writers and file systems that fail at chosen
// byte offsets, contexts that are cancelled or time out, servers that
// stall, clients that stall, many goroutines sharing one pdf.Renderer, and
// the largest referral the input limits accept, whose peak heap is
// measured.
//
// The example programs (examples/refer, examples/server) are commands, so
// the tests build them once and run them as a user would: as processes,
// with their exit codes, standard streams and files.
package hardening
