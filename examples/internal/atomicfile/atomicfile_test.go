package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "letter.pdf")
	require.NoError(t, Write(p, []byte("first")))
	require.NoError(t, Write(p, []byte("second")))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "second", string(b))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")

	// A folder that does not exist: an error and nothing written.
	assert.Error(t, Write(filepath.Join(dir, "missing", "x.pdf"), []byte("x")))
	// A target that is a folder: the rename fails and the temporary file goes.
	require.NoError(t, os.Mkdir(filepath.Join(dir, "adir"), 0o755))
	assert.Error(t, Write(filepath.Join(dir, "adir"), []byte("x")))
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2)
}
