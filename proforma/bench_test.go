package proforma

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func BenchmarkCheck(b *testing.B) {
	path := filepath.Join("..", "testdata", "proformas", "memory-clinic.json")
	form := loadFormFile(b, path)
	answers := answersFor(b, path)
	ref := minimalReferral(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := form.Check(ref, answers); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "proformas", "memory-clinic.json"))
	require.NoError(b, err)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Load(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteText(b *testing.B) {
	path := filepath.Join("..", "testdata", "proformas", "memory-clinic.json")
	form := loadFormFile(b, path)
	rep, err := form.Check(minimalReferral(b), answersFor(b, path))
	require.NoError(b, err)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := rep.WriteText(&buf); err != nil {
			b.Fatal(err)
		}
	}
}
