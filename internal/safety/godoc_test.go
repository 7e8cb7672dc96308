package safety

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docRef is a Markdown document named in a comment: SAFETY.md, testdata/invalid/README.md.
var docRef = regexp.MustCompile(`[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b`)

// citedOutside lists the files that still cite a document outside the
// repository, each with the document, while their owners change them. An
// entry that no longer holds fails the test, so the list only shrinks.
var citedOutside = map[string]string{}

// TestGodocStandsAlone fails when a comment in any Go file of the module
// cites a Markdown document that is not in the repository (such as the
// design notes kept outside it): godoc must say the rule where it is used.
func TestGodocStandsAlone(t *testing.T) {
	root := filepath.Join("..", "..")
	docs := map[string]bool{} // every .md file in the repository, by path and by name
	var goFiles []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".md":
			docs[filepath.ToSlash(rel)], docs[d.Name()] = true, true
		case ".go":
			goFiles = append(goFiles, rel)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, goFiles)
	require.True(t, docs["SAFETY.md"], "the walk must find the repository's own documents")

	for _, rel := range goFiles {
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(root, rel), nil, parser.ParseComments|parser.SkipObjectResolution)
		require.NoError(t, err, rel)
		var outside []string
		for _, g := range f.Comments {
			for _, ref := range docRef.FindAllString(g.Text(), -1) {
				if !docs[ref] && !docs[filepath.Base(ref)] {
					outside = append(outside, ref)
				}
			}
		}
		key := filepath.ToSlash(rel)
		if want, ok := citedOutside[key]; ok {
			assert.Contains(t, outside, want, "%s no longer cites %s: delete its entry in citedOutside", key, want)
			continue
		}
		assert.Empty(t, outside, "%s cites documents that are not in the repository; say the rule in the comment instead", key)
	}
}
