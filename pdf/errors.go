package pdf

import (
	"errors"
	"fmt"
)

// Errors returned by Render. Match them with errors.Is; none holds
// patient data.
var (
	// ErrNoLetter is returned for a nil letter.
	ErrNoLetter = errors.New("pdf: no letter to render")
	// ErrEmptyLetter is returned for a letter with no blocks.
	ErrEmptyLetter = errors.New("pdf: the letter has no blocks")
	// ErrOption matches every *OptionError.
	ErrOption = errors.New("pdf: unusable option")
	// ErrUnsupportedBlock matches a *BlockError for a block type the
	// renderer does not know: rendering it would drop its content.
	ErrUnsupportedBlock = errors.New("pdf: unsupported letter block")
	// ErrFurnitureTooLong is returned when the patient's identity and the
	// confidentiality line of Letter.Meta, at the foot of the page, would
	// take more than 40 mm of it (large print: of the page as laid out,
	// before it is scaled up to A4).
	ErrFurnitureTooLong = errors.New("pdf: the page furniture is too long for the foot of the page")
	// ErrTextSize is returned for a letter whose Meta.TextSize is neither
	// 0 nor from 10.5 to 36 points.
	ErrTextSize = errors.New("pdf: the letter's text size is not from 10.5 to 36 points")
	// ErrPDF is wrapped by failures inside the PDF library.
	ErrPDF = errors.New("pdf: the PDF library failed")
)

// BlockError reports a letter block the renderer cannot print. It names
// the block's position, type and field, never its text.
type BlockError struct {
	Index int    // position in Letter.Blocks
	Type  string // Go type, such as "*referral.Chart"
	Path  string // the block's Path
	Err   error
}

func (e *BlockError) Error() string {
	return fmt.Sprintf("pdf: block %d (%s, field %q): %v", e.Index, e.Type, e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *BlockError) Unwrap() error { return e.Err }
