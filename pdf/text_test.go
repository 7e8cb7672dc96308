package pdf

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadBack(t *testing.T) {
	r, err := NewRenderer()
	require.NoError(t, err)
	l := composeFile(t, referralsDir+"/ent-recurrent-tonsillitis.json")
	pdf, _ := render(t, r, l)
	doc := readPDF(t, pdf)
	for i := range doc.pages {
		t.Log(doc.footer(i))
	}
	t.Log(doc.bodyText()[:600])
	assert.Contains(t, doc.bodyText(), "Łukasz")
}
