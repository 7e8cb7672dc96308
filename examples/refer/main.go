// Command refer writes a GP referral letter from a referral in its JSON
// form: a PDF by default, or plain text.
//
//	go run ./examples/refer [flags] REFERRAL.json
//
//	go run ./examples/refer -gpconnect BUNDLE.json -draft [-o DRAFT.json]
//
// The second form drafts a referral from GP Connect structured record
// bundles: the draft JSON on stdout (or -o), what the clinician must still
// write on stderr, exit 0. The completed draft is an ordinary referral.
//
// With -returned RETURNED.json it writes instead the practice's reply to
// the referral, returned unaccepted for the reason the file gives, followed
// by the original letter in the same PDF (NAME.reply.pdf).
//
// Exit codes: 0 letter written (or -h); 2 invalid input (one "refer:" line
// per field error on stderr, no output file); 3 two-week-wait case (no
// letter: the eRS handoff as JSON on stdout); 1 anything else. The output
// file appears whole or not at all: it is written to a temporary file and
// renamed. When the patient's copy is due it is written beside the letter
// as NAME.patient.pdf (or .txt), in the format the referral asks for, and
// for email as both (not with -o -, where stderr says the copy is due). A
// copy an earlier run left there that this run does not make is removed,
// and so are the letter and its copies (or the reply) when the case is now
// two-week wait; stderr names each.
//
// Nothing printed on stderr holds patient data: errors and warnings name
// fields, never their values, and every path or name printed is escaped,
// so no control character reaches the terminal.
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
	"strings"

	"github.com/refletter/refletter/examples/internal/atomicfile"
	"github.com/refletter/refletter/examples/internal/patientcopy"
	"github.com/refletter/refletter/examples/internal/printable"
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
	logoPath := fs.String("logo", "", "practice logo `file` (PNG or JPEG) for the letterhead")
	signaturePath := fs.String("signature", "", "signature image `file` (PNG or JPEG) above the referrer's name")
	gpc := gpconnectFlags(fs)
	returnedPath := fs.String("returned", "", "write the reply to the referral, returned as this `file` says (JSON), as NAME.reply.pdf")
	noOriginal := fs.Bool("no-original", false, "with -returned: leave the original letter out of the reply's PDF")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: refer [flags] REFERRAL.json")
		fmt.Fprintln(fs.Output(), "       refer -returned RETURNED.json [flags] REFERRAL.json")
		fmt.Fprintln(fs.Output(), "       refer -gpconnect BUNDLE.json [-gpconnect BUNDLE.json ...] -draft [-o DRAFT.json]")
		fs.PrintDefaults()
	}
	// Parse into a buffer: -h asks for the usage, which goes to stdout;
	// a bad flag's message and the usage go to stderr.
	var parseOut bytes.Buffer
	fs.SetOutput(&parseOut)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return exitOK
	case err != nil:
		stderr.Write(parseOut.Bytes())
		return exitInvalid
	}
	if gpc.requested() {
		return gpc.run(fs.Args(), *out, stdout, stderr)
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

	c := command{format: *format, stdout: stdout, stderr: stderr, returned: *returnedPath, noOriginal: *noOriginal}
	err = c.run(in, *out, *formPath, *answersPath, *statementPath, *noStatement, *logoPath, *signaturePath)
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
		// The route is the practice's nation's: e-RS only in England.
		fmt.Fprintln(stderr, "refer: two-week-wait case: no letter written; refer through "+tw.Handoff().Via+" (handoff on stdout)")
		return exitTWW
	case errors.As(err, &fes):
		for _, fe := range fes {
			fmt.Fprintln(stderr, "refer:", printable.String(fe.Error()))
		}
		return exitInvalid
	case errors.As(err, &inv), errors.Is(err, referral.ErrTooLarge):
		// A form's or its answers' problems come one a line.
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "refer:", printable.String(line))
		}
		return exitInvalid
	}
	fmt.Fprintln(stderr, "refer:", printable.String(err.Error()))
	return exitFailed
}

type command struct {
	format         string
	stdout, stderr io.Writer
	returned       string // -returned: write the reply instead of the letter
	noOriginal     bool
}

func (c *command) run(in, out, formPath, answersPath, statementPath string, noStatement bool, logoPath, signaturePath string) error {
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
		fmt.Fprintln(c.stderr, "proforma: "+report.Summary())
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
	if c.returned != "" {
		return c.reply(in, out, ref, opts, logoPath, signaturePath)
	}
	for _, w := range referral.Decide(ref, opts...).Warnings {
		fmt.Fprintln(c.stderr, "warning:", printable.String(w.String()))
	}
	letter, err := referral.Compose(ref, opts...)
	if tw := (*referral.TwoWeekWaitError)(nil); errors.As(err, &tw) && out != "-" {
		// No letter an earlier run wrote for this case, in any format,
		// may stand beside the handoff.
		if rmErr := c.removeStale(in, caseOutputs(in, out)...); rmErr != nil {
			return rmErr
		}
	}
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
		if r, err = newRenderer(logoPath, signaturePath); err != nil {
			return err
		}
		warns, err := r.Render(&buf, letter)
		if err != nil {
			return err
		}
		for _, w := range warns {
			fmt.Fprintln(c.stderr, "warning:", printable.String(w.String()))
		}
	}

	ext := ".pdf"
	if c.format == "text" {
		ext = ".txt"
	}
	var copies []patientcopy.File
	if out != "-" {
		// Made before anything is written: a copy that cannot be made
		// leaves no letter without it.
		if copies, err = c.patientCopy(ref, r, opts); err != nil {
			return err
		}
	}
	if err := c.write(in, out, ext, buf.Bytes()); err != nil {
		return err
	}
	if out == "-" {
		if _, due := ref.PatientCopy(); due {
			fmt.Fprintln(c.stderr, "refer: the patient's copy is due but not written with -o -: give an output file to write it beside the letter")
		}
		return nil
	}
	return c.writeCopies(in, copies, c.outPath(in, out))
}

// outPath is the letter's path: out, or by default the input's name with
// the format's extension in the current folder.
func (c *command) outPath(in, out string) string {
	if out != "" {
		return out
	}
	ext := ".pdf"
	if c.format == "text" {
		ext = ".txt"
	}
	return strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)) + ext
}

// copyPaths are the paths of the patient's copy of the letter at out, in
// this run's format: NAME.patient.txt, and for PDF NAME.patient.pdf too
// (a copy asked for by email is both).
func (c *command) copyPaths(out string) []string {
	name := strings.TrimSuffix(out, filepath.Ext(out))
	if c.format == "text" {
		return []string{name + ".patient.txt"}
	}
	return []string{name + ".patient.pdf", name + ".patient.txt"}
}

// caseOutputs are every output refer may have written for this case, in
// any format: the letter, the patient's copies and the reply, named after
// out (or by default the input) without its extension, and out itself.
func caseOutputs(in, out string) []string {
	name := out
	if name == "" {
		name = filepath.Base(in)
	}
	name = strings.TrimSuffix(name, filepath.Ext(name))
	paths := []string{}
	if out != "" {
		paths = append(paths, out)
	}
	for _, ext := range []string{".pdf", ".txt", ".patient.pdf", ".patient.txt", ".reply.pdf", ".reply.txt"} {
		if name+ext != out {
			paths = append(paths, name+ext)
		}
	}
	return paths
}

// removeStale removes the files at paths, left by an earlier run, that
// this run's outcome does not make, and says so. It never removes the
// input file in.
func (c *command) removeStale(in string, paths ...string) error {
	inInfo, inErr := os.Stat(in)
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && inErr == nil && os.SameFile(fi, inInfo) {
			continue
		}
		err := os.Remove(p)
		switch {
		case err == nil:
			fmt.Fprintln(c.stderr, "refer: removed the stale", strconv.Quote(p))
		case !errors.Is(err, fs.ErrNotExist):
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return fmt.Errorf("removing the stale %s: %w", strconv.Quote(p), err)
		}
	}
	return nil
}

// patientCopy makes the patient's copy, when one is due: NAME.patient.pdf
// (or .txt), and for email both.
func (c *command) patientCopy(ref *referral.Referral, r *pdf.Renderer, opts []referral.Option) ([]patientcopy.File, error) {
	files, warns, err := patientcopy.Files(ref, r, c.format == "text", opts...)
	if err != nil {
		return nil, err
	}
	for _, w := range warns {
		fmt.Fprintln(c.stderr, "warning: patient's copy:", printable.String(w.String()))
	}
	return files, nil
}

// writeCopies writes the patient's copy, files, beside the letter at out,
// and removes an earlier run's copy that this run does not make.
func (c *command) writeCopies(in string, files []patientcopy.File, out string) error {
	written := map[string]bool{}
	for _, f := range files {
		path := strings.TrimSuffix(out, filepath.Ext(out)) + f.Ext
		if err := c.write("", path, "", f.Data); err != nil {
			return err
		}
		written[path] = true
	}
	// An earlier run's copy that this run does not make (no copy due now,
	// or another format) must not pass for this letter's.
	var stale []string
	for _, p := range c.copyPaths(out) {
		if !written[p] {
			stale = append(stale, p)
		}
	}
	return c.removeStale(in, stale...)
}

// newRenderer makes the PDF renderer with the -logo and -signature images.
func newRenderer(logoPath, signaturePath string) (*pdf.Renderer, error) {
	var popts []pdf.Option
	for _, img := range []struct {
		what, path string
		opt        func([]byte) pdf.Option
	}{{"logo", logoPath, pdf.WithLogo}, {"signature", signaturePath, pdf.WithSignature}} {
		if img.path == "" {
			continue
		}
		b, err := readImage(img.path)
		if err != nil {
			return nil, invalidError{fmt.Errorf("reading the %s: %w", img.what, err)}
		}
		popts = append(popts, img.opt(b))
	}
	r, err := pdf.NewRenderer(popts...)
	if err != nil {
		return nil, invalidError{err}
	}
	return r, nil
}

// maxImageFile bounds a -logo or -signature file: far above any image the
// PDF renderer accepts (2 million pixels), so that a file such as
// /dev/zero is refused rather than read without end.
const maxImageFile = 32 << 20

// readImage reads the image file at path, refusing one over maxImageFile.
func readImage(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxImageFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxImageFile {
		return nil, fmt.Errorf("the file is larger than %d MiB", maxImageFile>>20)
	}
	return b, nil
}

// write writes data to out: stdout for "-", and by default the input's
// name with ext in the current folder. The file appears whole or not at all.
func (c *command) write(in, out, ext string, data []byte) error {
	if out == "-" {
		_, err := c.stdout.Write(data)
		return err
	}
	if out == "" {
		out = strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)) + ext
	}
	dir := filepath.Dir(out)
	if fi, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.IsDir()) {
		return fmt.Errorf("the output folder %s does not exist", strconv.Quote(dir))
	}
	if err := atomicfile.Write(out, data); err != nil {
		// The error names a temporary file: name the output instead.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("writing %s: %w", strconv.Quote(out), err)
	}
	fmt.Fprintln(c.stderr, "refer: wrote", strconv.Quote(out))
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
