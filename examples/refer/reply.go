package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/refletter/refletter/examples/internal/printable"
	"github.com/refletter/refletter/referral"
)

// reply writes the reply to a returned referral (-returned): NAME.reply.pdf
// by default, with the original letter appended unless -no-original is
// given; with -format text, the reply alone as NAME.reply.txt.
func (c *command) reply(in, out string, ref *referral.Referral, opts []referral.Option, logoPath, signaturePath string) error {
	ret, err := decodeFile(c.returned, decodeReturned)
	if err != nil {
		return err
	}
	ext := ".reply.pdf"
	if c.format == "text" {
		ext = ".reply.txt"
	}
	// Decide's warnings, as the server gives them with a reply.
	for _, w := range referral.Decide(ref, opts...).Warnings {
		w.Path = strings.TrimSuffix("referral."+w.Path, ".")
		fmt.Fprintln(c.stderr, "warning:", printable.String(w.String()))
	}
	reply, err := referral.ComposeReply(ref, ret, opts...)
	if tw := (*referral.TwoWeekWaitError)(nil); errors.As(err, &tw) && out != "-" {
		// No reply or letter an earlier run wrote for this case, in any
		// format, may stand beside the handoff.
		if rmErr := c.removeStale(in, caseOutputs(in, out)...); rmErr != nil {
			return rmErr
		}
	}
	if err != nil {
		return err
	}
	letters := []*referral.Letter{reply}
	if c.format == "pdf" && !c.noOriginal {
		original, err := referral.Compose(ref, opts...)
		if err != nil {
			return err
		}
		letters = append(letters, original)
	}

	var buf bytes.Buffer
	if c.format == "text" {
		if err := reply.WriteText(&buf); err != nil {
			return err
		}
	} else {
		r, err := newRenderer(logoPath, signaturePath)
		if err != nil {
			return err
		}
		warns, err := r.RenderAll(&buf, letters...)
		if err != nil {
			return err
		}
		for _, w := range warns {
			fmt.Fprintln(c.stderr, "warning:", printable.String(w.String()))
		}
	}

	return c.write(in, out, ext, buf.Bytes())
}

// decodeReturned is referral.DecodeReturned with its field errors named
// as ComposeReply names them: "returned.date".
func decodeReturned(r io.Reader) (*referral.Returned, error) {
	ret, err := referral.DecodeReturned(r)
	var fes referral.FieldErrors
	if errors.As(err, &fes) {
		for i := range fes {
			fes[i].Path = strings.TrimSuffix("returned."+fes[i].Path, ".")
		}
		return nil, fes
	}
	return ret, err
}
