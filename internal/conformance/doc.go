// Package conformance holds the tests that check refletter's PDFs with
// pdfcpu, a PDF validator too large for the library's own module: every
// PDF is rendered through the public API only and must pass pdfcpu's
// strict validation, and the metadata, page size and the structure tree's
// alternative text are read back with pdfcpu, a reader the renderer does
// not share. It is a module of its own, so that programs importing
// refletter never download pdfcpu. Run its tests from this folder:
//
//	cd internal/conformance && go test ./...
package conformance
