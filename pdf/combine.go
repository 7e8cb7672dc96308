package pdf

import (
	"fmt"
	"io"

	"github.com/refletter/refletter/referral"
)

// part is one letter of a document, laid out and paginated.
type part struct {
	lay   *layout
	pages [][]placed
}

// RenderAll renders letters one after another as one A4 PDF, such as a
// reply to a returned referral followed by the original letter, so that
// one file can be sent. Each letter starts on a new page and keeps its own
// page furniture: its patient line, its confidentiality line, and "Page X
// of Y" counting the pages of that letter alone, marked as artifacts. The
// document's title and other information are the first letter's; its one
// structure tree holds the letters' text in order. Each letter prints at
// its own Meta.TextSize.
//
// It returns the warnings of every letter (see Warning) and the errors of
// Render; on error nothing is written to w.
func (r *Renderer) RenderAll(w io.Writer, letters ...*referral.Letter) ([]Warning, error) {
	if len(letters) == 0 {
		return nil, ErrNoLetter
	}
	for _, l := range letters {
		if l == nil {
			return nil, ErrNoLetter
		}
		if len(l.Blocks) == 0 {
			return nil, ErrEmptyLetter
		}
		if t := l.Meta.TextSize; t != 0 && !(t >= bodySize && t <= maxTextSize) {
			return nil, ErrTextSize
		}
	}
	pdf, warnings, err := r.build(letters...)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(pdf); err != nil {
		return nil, fmt.Errorf("pdf: writing the PDF: %w", err)
	}
	return warnings, nil
}
