package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/refletter/refletter/examples/internal/atomicfile"
	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

// reply writes the reply to a returned referral (-returned): NAME.reply.pdf
// by default, with the original letter appended unless -no-original is
// given; with -format text, the reply alone as NAME.reply.txt.
func (c *command) reply(in, out string, ref *referral.Referral, opts []referral.Option, logoPath string) error {
	ret, err := decodeFile(c.returned, decodeReturned)
	if err != nil {
		return err
	}
	reply, err := referral.ComposeReply(ref, ret, opts...)
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
		var popts []pdf.Option
		if logoPath != "" {
			logo, err := os.ReadFile(logoPath)
			if err != nil {
				return invalidError{fmt.Errorf("reading the logo: %w", err)}
			}
			popts = append(popts, pdf.WithLogo(logo))
		}
		r, err := pdf.NewRenderer(popts...)
		if err != nil {
			return invalidError{err}
		}
		warns, err := r.RenderAll(&buf, letters...)
		if err != nil {
			return err
		}
		for _, w := range warns {
			fmt.Fprintf(c.stderr, "warning: %s: %s\n", w.Field, w.Message)
		}
	}

	if out == "-" {
		_, err := c.stdout.Write(buf.Bytes())
		return err
	}
	if out == "" {
		out = strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)) + ".reply." + map[string]string{"pdf": "pdf", "text": "txt"}[c.format]
	}
	if err := atomicfile.Write(out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintln(c.stderr, "refer: wrote", out)
	return nil
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
