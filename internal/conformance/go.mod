module github.com/refletter/refletter/internal/conformance

go 1.26.0

require (
	github.com/go-fonts/liberation v0.3.3
	github.com/pdfcpu/pdfcpu v0.15.0
	github.com/refletter/refletter v0.0.0
	github.com/stretchr/testify v1.12.1
	golang.org/x/image v0.44.0
)

require (
	codeberg.org/go-pdf/fpdf v0.12.0 // indirect
	github.com/clipperhouse/uax29/v2 v2.7.0 // indirect
	github.com/gabriel-vasile/mimetype v1.4.16 // indirect
	github.com/go-playground/locales v0.14.2 // indirect
	github.com/go-playground/universal-translator v0.18.2 // indirect
	github.com/go-playground/validator/v10 v10.30.6 // indirect
	github.com/hhrutter/tiff v1.0.6 // indirect
	github.com/leodido/go-urn v1.5.0 // indirect
	github.com/mattn/go-runewidth v0.0.27 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace github.com/refletter/refletter => ../..
