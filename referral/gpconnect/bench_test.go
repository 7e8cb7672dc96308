package gpconnect_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/refletter/refletter/referral/gpconnect"
)

func BenchmarkRead(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gpconnect", "pathology_response1.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := gpconnect.Read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
