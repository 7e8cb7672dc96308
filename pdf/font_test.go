package pdf

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFontTiers(t *testing.T) {
	fs, err := loadFonts()
	require.NoError(t, err)
	used := func(s string) map[rune]struct{} {
		m := map[rune]struct{}{}
		for _, r := range s {
			m[r] = struct{}{}
		}
		return m
	}
	for st := range numStyles {
		f := fs.faces[st]
		require.Len(t, f.tiers, 2)
		t.Logf("style %d: full %d bytes, tiers %d and %d bytes", st, len(f.full), len(f.tiers[0].ttf), len(f.tiers[1].ttf))
		assert.Less(t, len(f.tiers[0].ttf), len(f.tiers[1].ttf))
		assert.Less(t, len(f.tiers[1].ttf), len(f.full)/2)

		english := "Zoë, Siobhán Ó Súilleabháin, Łukasz Zieliński: “quoted” – 5 µg/L ≤ 10, 37.5 °C, £20, €10 • ½"
		assert.Equal(t, f.tiers[0].ttf, f.bytesFor(used(english)))
		assert.Equal(t, f.tiers[1].ttf, f.bytesFor(used("Nguyễn, β-blocker, ∑")))
		assert.Equal(t, f.full, f.bytesFor(used("Ольга")))
		for _, r := range english + "Nguyễn β∑Ольга" {
			assert.True(t, f.m.has(r), "rune %q", r)
		}
		assert.False(t, f.m.has('😀'))
		assert.False(t, f.m.has('中'))
		assert.False(t, f.m.has('ש'), "Hebrew is treated as unprintable")
	}
	assert.Equal(t, "[?]", fs.marker)
}
