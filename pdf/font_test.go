package pdf

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFontsLoad(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	for st := range numStyles {
		f := fs.faces[st]
		t.Logf("style %d: full %d bytes, common %d bytes", st, len(f.full), len(f.common))
		assert.Less(t, len(f.common), len(f.full)*2/5)
		for _, r := range "AZaz09 Zoë Siobhán Ó Súilleabháin Łukasz ŵŷẁ αβγ ≤≥ –—‘’“”•…€" {
			assert.True(t, f.m.has(r), "rune %q", r)
			assert.True(t, f.inCommon[r], "rune %q", r)
		}
		assert.True(t, f.m.has('Ж'), "Cyrillic is in the full font")
		assert.False(t, f.inCommon['Ж'])
		assert.False(t, f.m.has('😀'))
		assert.False(t, f.m.has('中'))
	}
	t.Logf("marker %q", fs.marker)
}
