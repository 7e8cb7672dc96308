// Command refer writes a GP referral letter from a referral in its JSON
// form: a PDF by default, or plain text.
//
//	go run ./examples/refer [flags] REFERRAL.json
//
// Exit codes: 0 letter written; 2 invalid input (one line per field error
// on stderr, no output file); 3 two-week-wait case (no letter: the eRS
// handoff as JSON on stdout); 1 anything else. The output file appears
// whole or not at all: it is written to a temporary file and renamed.
// When the patient's copy is due it is written beside the letter as
// NAME.patient.pdf (or .txt), in the format the referral asks for, and for
// email as both (not with -o -).
//
// Nothing printed on stderr holds patient data: errors and warnings name
// fields, never their values.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/refletter/refletter/examples/internal/atomicfile"
	"github.com/refletter/refletter/examples/internal/patientcopy"
	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/proforma"
	"github.com/refletter/refletter/referral"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1
	exitInvalid = 2
	exitTWW     = 3
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// invalidError marks bad input: exit code 2.
type invalidError struct{ err error }

func (e invalidError) Error() string { return e.err.Error() }
func (e invalidError) Unwrap() error { return e.err }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("refer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output `path` (default: the input's name with .pdf or .txt, in the current folder; - for stdout)")
	format := fs.String("format", "pdf", "output format: pdf or text")
	formPath := fs.String("proforma", "", "local referral form `definition` (JSON) to check the referral against")
	answersPath := fs.String("answers", "", "the referrer's answers to the form's questions (JSON), with -proforma")
	statementPath := fs.String("statement", "", "replace the contractual statement with this `file` (JSON: title, paragraphs, source)")
	noStatement := fs.Bool("no-statement", false, "leave the contractual statement out")
	logoPath := fs.String("logo", "", "practice logo `file` (PNG or JPEG)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: refer [flags] REFERRAL.json")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitInvalid
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitInvalid
	}
	if *format != "pdf" && *format != "text" {
		fmt.Fprintln(stderr, "refer: -format must be pdf or text")
		return exitInvalid
	}
	if *answersPath != "" && *formPath == "" {
		fmt.Fprintln(stderr, "refer: -answers needs -proforma")
		return exitInvalid
	}
	in := fs.Arg(0)

	c := command{format: *format, stdout: stdout, stderr: stderr}
	err := c.run(in, *out, *formPath, *answersPath, *statementPath, *noStatement, *logoPath)
	var tw *referral.TwoWeekWaitError
	var fes referral.FieldErrors
	var inv invalidError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &tw):
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if encErr := enc.Encode(tw.Handoff()); encErr != nil {
			fmt.Fprintln(stderr, "refer: writing the handoff:", encErr)
			return exitFailed
		}
		fmt.Fprintln(stderr, "refer: two-week-wait case: no letter written; refer through the NHS e-Referral Service (handoff on stdout)")
		return exitTWW
	case errors.As(err, &fes):
		for _, fe := range fes {
			fmt.Fprintln(stderr, fe.Error())
		}
		return exitInvalid
	case errors.As(err, &inv), errors.Is(err, referral.ErrTooLarge):
		fmt.Fprintln(stderr, "refer:", err)
		return exitInvalid
	}
	fmt.Fprintln(stderr, "refer:", err)
	return exitFailed
}

type command struct {
	format         string
	stdout, stderr io.Writer
}

func (c *command) run(in, out, formPath, answersPath, statementPath string, noStatement bool, logoPath string) error {
	ref, err := decodeFile(in, referral.Decode)
	if err != nil {
		return err
	}
	var opts []referral.Option
	if formPath != "" {
		report, err := checkForm(ref, formPath, answersPath)
		if err != nil {
			return err
		}
		opts = append(opts, referral.WithProforma(report))
	}
	if statementPath != "" {
		st, err := decodeFile(statementPath, decodeStatement)
		if err != nil {
			return err
		}
		opts = append(opts, referral.WithStatement(*st))
	}
	if noStatement {
		opts = append(opts, referral.WithoutStatement())
	}
	for _, w := range referral.Decide(ref, opts...).Warnings {
		fmt.Fprintf(c.stderr, "warning: %s: %s (%s)\n", w.Path, w.Message, w.Code)
	}
	letter, err := referral.Compose(ref, opts...)
	if err != nil {
		return err
	}

	var buf bytes.Buffer
	var r *pdf.Renderer
	if c.format == "text" {
		if err := letter.WriteText(&buf); err != nil {
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
		if r, err = pdf.NewRenderer(popts...); err != nil {
			return invalidError{err}
		}
		warns, err := r.Render(&buf, letter)
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
		ext := ".pdf"
		if c.format == "text" {
			ext = ".txt"
		}
		out = strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)) + ext
	}
	if err := atomicfile.Write(out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintln(c.stderr, "refer: wrote", out)
	return c.patientCopy(ref, r, out, opts)
}

// patientCopy writes the patient's copy, when one is due, beside out:
// NAME.patient.pdf (or .txt), and for email both.
func (c *command) patientCopy(ref *referral.Referral, r *pdf.Renderer, out string, opts []referral.Option) error {
	files, warns, err := patientcopy.Files(ref, r, c.format == "text", opts...)
	if err != nil {
		return err
	}
	for _, w := range warns {
		fmt.Fprintf(c.stderr, "warning: patient's copy: %s: %s\n", w.Field, w.Message)
	}
	for _, f := range files {
		path := strings.TrimSuffix(out, filepath.Ext(out)) + f.Ext
		if err := atomicfile.Write(path, f.Data); err != nil {
			return err
		}
		fmt.Fprintln(c.stderr, "refer: wrote", path)
	}
	return nil
}

func checkForm(ref *referral.Referral, formPath, answersPath string) (*proforma.Report, error) {
	form, err := decodeFile(formPath, proforma.Load)
	if err != nil {
		return nil, err
	}
	answers := proforma.Answers{}
	if answersPath != "" {
		a, err := decodeFile(answersPath, proforma.LoadAnswers)
		if err != nil {
			return nil, err
		}
		answers = a
	}
	report, err := form.Check(ref, answers)
	if err != nil {
		return nil, invalidError{fmt.Errorf("%s: %w", filepath.Base(answersPath), err)}
	}
	return report, nil
}

// decodeFile opens path and decodes it with decode. Errors that are not
// the reader's own mark the input as invalid.
func decodeFile[T any](path string, decode func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	v, err := decode(f)
	if err != nil {
		var fes referral.FieldErrors
		if errors.As(err, &fes) {
			return zero, err
		}
		return zero, invalidError{fmt.Errorf("%s: %w", filepath.Base(path), err)}
	}
	return v, nil
}

func decodeStatement(r io.Reader) (*referral.Statement, error) {
	dec := json.NewDecoder(io.LimitReader(r, referral.MaxDocumentBytes))
	dec.DisallowUnknownFields()
	var st referral.Statement
	if err := dec.Decode(&st); err != nil {
		return nil, errors.New("the statement file must be JSON with title, paragraphs and source")
	}
	if len(st.Paragraphs) == 0 {
		return nil, errors.New("the statement file has no paragraphs")
	}
	return &st, nil
}
