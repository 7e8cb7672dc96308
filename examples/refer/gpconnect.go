package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/refletter/refletter/examples/internal/atomicfile"
	"github.com/refletter/refletter/examples/internal/printable"
	"github.com/refletter/refletter/referral/gpconnect"
)

// draftFlags are the flags of the GP Connect path: refer -gpconnect
// BUNDLE.json [-gpconnect BUNDLE.json ...] -draft writes a draft referral
// from the GP record for a person to complete.
type draftFlags struct {
	bundles []string
	draft   *bool
}

func gpconnectFlags(fs *flag.FlagSet) *draftFlags {
	d := &draftFlags{}
	fs.Func("gpconnect", "GP Connect structured record `bundle` (FHIR STU3 JSON) to draft a referral from, with -draft; repeat it for bundles queried separately", func(s string) error {
		d.bundles = append(d.bundles, s)
		return nil
	})
	d.draft = fs.Bool("draft", false, "with -gpconnect: write the draft referral JSON (to stdout, or the -o file) and the mapping report (stderr)")
	return d
}

func (d *draftFlags) requested() bool { return len(d.bundles) > 0 || *d.draft }

// run writes the draft referral to out (stdout when empty or "-") and the
// mapping report to stderr. The report names resources, never values.
func (d *draftFlags) run(args []string, out string, stdout, stderr io.Writer) int {
	switch {
	case len(d.bundles) == 0:
		fmt.Fprintln(stderr, "refer: -draft needs -gpconnect BUNDLE.json")
		return exitInvalid
	case !*d.draft:
		fmt.Fprintln(stderr, "refer: -gpconnect needs -draft: the record cannot supply the reason for referral, so no letter is written from it directly")
		return exitInvalid
	case len(args) > 0:
		fmt.Fprintln(stderr, "refer: -gpconnect takes no REFERRAL.json")
		return exitInvalid
	}
	var rs []io.Reader
	for _, path := range d.bundles {
		f, err := os.Open(path)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			fmt.Fprintln(stderr, "refer:", strconv.Quote(filepath.Base(path))+":", printable.String(err.Error()))
			return exitInvalid
		}
		defer f.Close()
		rs = append(rs, f)
	}
	draft, report, err := gpconnect.Read(rs...)
	var ge *gpconnect.Error
	switch {
	case errors.As(err, &ge):
		fmt.Fprintln(stderr, "refer:", strconv.Quote(filepath.Base(d.bundles[ge.Bundle-1]))+":", printable.String(err.Error()))
		return exitInvalid
	case err != nil:
		fmt.Fprintln(stderr, "refer:", printable.String(err.Error()))
		return exitFailed
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // a person reads it: "<5 mg/L", not "\u003c5 mg/L"
	if err := enc.Encode(draft); err != nil {
		fmt.Fprintln(stderr, "refer:", err)
		return exitFailed
	}
	if out == "" || out == "-" {
		_, err = stdout.Write(buf.Bytes())
	} else {
		err = atomicfile.Write(out, buf.Bytes())
	}
	if err != nil {
		fmt.Fprintln(stderr, "refer:", printable.String(err.Error()))
		return exitFailed
	}
	if err := report.WriteText(stderr); err != nil {
		return exitFailed
	}
	if out != "" && out != "-" {
		fmt.Fprintln(stderr, "refer: wrote the draft", strconv.Quote(out), "(complete it, then run refer on it)")
	}
	return exitOK
}
