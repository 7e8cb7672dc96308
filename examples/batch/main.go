// Command batch renders every referral in a folder at once.
//
//	go run ./examples/batch -in DIR -out DIR [-workers N]
//
// For each NAME.json in -in (the extension in any case) it writes NAME.pdf
// (a letter), NAME.ers.json (the handoff of a two-week-wait case, for eRS in
// England and naming the nation's own route elsewhere) or
// NAME.errors.txt (why the file is invalid) to -out, and beside a letter
// NAME.patient.pdf when the patient's copy is due (and NAME.patient.txt
// for email). One bad file never stops the run. It shows a progress bar on a terminal and a line per file
// otherwise, each file name quoted and escaped; Decide's warnings are
// printed per file, then a summary counts outcomes and warnings.
//
// After a file is processed, -out holds only the outputs of this run's
// outcome for its name: an earlier NAME.pdf, NAME.patient.pdf,
// NAME.patient.txt, NAME.txt, NAME.ers.json or NAME.errors.txt that this outcome did not write is
// removed (a stale letter must never sit beside a two-week-wait handoff),
// and the summary says how many were. Anything in -in that is not a regular
// file (a folder, a FIFO) is skipped with a line saying so, as is a file
// whose outputs would share names with another's. On SIGINT or SIGTERM the
// files in progress are finished, the rest are skipped, temporary files are
// removed and the summary is printed.
//
// Exit codes: 0 every file gave a letter or a handoff; 1 some file was
// invalid, failed or was skipped (or the run was interrupted); 2 bad
// usage, or -in is missing or holds no .json file.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/refletter/refletter/examples/internal/atomicfile"
	"github.com/refletter/refletter/examples/internal/patientcopy"
	"github.com/refletter/refletter/examples/internal/printable"
	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, term.IsTerminal(int(os.Stderr.Fd()))))
}

// outcome is what became of one input file.
type outcome int

const (
	letter outcome = iota
	handoff
	invalid
	failed
)

// outputExts are the outputs batch may have written for a name, this run
// or an earlier one (NAME.txt included).
var outputExts = []string{".pdf", ".patient.pdf", ".patient.txt", ".txt", ".ers.json", ".errors.txt"}

// input is one file to process.
type input struct {
	path string // in -in
	file string // its base name, as found
	name string // without .json: its outputs are name + an output extension
}

type result struct {
	input
	outcome  outcome
	err      error    // for failed: never holds patient data
	warnings []string // "path: message (code)"
	removed  []string // stale outputs removed
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, tty bool) int {
	fset := flag.NewFlagSet("batch", flag.ContinueOnError)
	fset.SetOutput(stderr)
	in := fset.String("in", "", "folder of referral JSON files")
	out := fset.String("out", "", "folder for the letters, handoffs and error reports")
	workers := fset.Int("workers", runtime.NumCPU(), "how many files to render at once")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if *in == "" || *out == "" || *workers < 1 || fset.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: batch -in DIR -out DIR [-workers N]")
		return 2
	}
	inputs, skipped, err := list(*in)
	if err != nil {
		fmt.Fprintln(stderr, "batch:", err)
		return 2
	}
	for _, s := range skipped {
		fmt.Fprintln(stderr, "skipped", s)
	}
	if len(inputs) == 0 {
		fmt.Fprintf(stderr, "batch: no .json files in %s\n", quote(*in))
		return 2
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(stderr, "batch: creating the output folder:", printable.String(err.Error()))
		return 1
	}
	if a, b := statDir(*in), statDir(*out); a != nil && b != nil && os.SameFile(a, b) {
		fmt.Fprintln(stderr, "batch: -out must be a different folder from -in")
		return 2
	}
	removeTemporaries(*out, inputs)
	r, err := pdf.NewRenderer()
	if err != nil {
		fmt.Fprintln(stderr, "batch:", err)
		return 1
	}

	start := time.Now()
	jobs := make(chan input)
	results := make(chan result)
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for in := range jobs {
				results <- process(r, in, *out)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, in := range inputs {
			if ctx.Err() != nil {
				return
			}
			select {
			case jobs <- in:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var counts [4]int
	done, warnings, warned, removed := 0, 0, 0, 0
	p := progress{w: stderr, tty: tty, total: len(inputs)}
	for res := range results {
		done++
		counts[res.outcome]++
		warnings += len(res.warnings)
		if len(res.warnings) > 0 {
			warned++
		}
		removed += len(res.removed)
		p.update(done, res)
	}
	p.finish()
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "batch: interrupted: %d files not processed\n", len(inputs)-done)
	}
	elapsed := time.Since(start)
	rate := float64(counts[letter]) / elapsed.Seconds()
	fmt.Fprintf(stdout, "letters: %d, two-week-wait handoffs: %d, invalid: %d, failed: %d, skipped: %d\n",
		counts[letter], counts[handoff], counts[invalid], counts[failed], len(inputs)-done+len(skipped))
	fmt.Fprintf(stdout, "warnings: %d (in %d files), stale outputs removed: %d\n", warnings, warned, removed)
	fmt.Fprintf(stdout, "time: %s, letters per second: %.1f\n", elapsed.Round(time.Millisecond), rate)
	if counts[letter]+counts[handoff] == len(inputs) && len(skipped) == 0 {
		return 0
	}
	return 1
}

// list finds the .json files of dir (the extension in any case). What is
// not a regular file, and a file whose outputs would share names with an
// earlier one's, is returned as a skipped line instead.
func list(dir string) (inputs []input, skipped []string, err error) {
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, fmt.Errorf("the input folder %s does not exist", quote(dir))
	case err != nil:
		return nil, nil, fmt.Errorf("reading the input folder %s: %s", quote(dir), printable.String(cause(err).Error()))
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	owner := map[string]string{} // output name, lower-cased -> the input that writes it
	for _, e := range ents {
		file := e.Name()
		ext := filepath.Ext(file)
		if !strings.EqualFold(ext, ".json") || len(file) == len(ext) {
			continue
		}
		path := filepath.Join(dir, file)
		if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
			skipped = append(skipped, quote(file)+": not a regular file")
			continue
		}
		in := input{path: path, file: file, name: strings.TrimSuffix(file, ext)}
		clash := ""
		for _, x := range outputExts {
			if o, ok := owner[strings.ToLower(in.name+x)]; ok {
				clash = o
			}
		}
		if clash != "" {
			skipped = append(skipped, quote(file)+": its outputs would have the same names as those of "+quote(clash))
			continue
		}
		for _, x := range outputExts {
			owner[strings.ToLower(in.name+x)] = file
		}
		inputs = append(inputs, in)
	}
	return inputs, skipped, nil
}

func statDir(p string) os.FileInfo {
	fi, err := os.Stat(p)
	if err != nil {
		return nil
	}
	return fi
}

// removeTemporaries removes what an earlier run killed mid-write left of
// the outputs of these inputs: atomicfile's ".NAME.EXT.*.tmp".
func removeTemporaries(outDir string, inputs []input) {
	names := map[string]bool{}
	for _, in := range inputs {
		for _, x := range outputExts {
			names[in.name+x] = true
		}
	}
	ents, _ := os.ReadDir(outDir)
	for _, e := range ents {
		n := e.Name()
		inner, ok := strings.CutPrefix(n, ".")
		if inner, ok2 := strings.CutSuffix(inner, ".tmp"); ok && ok2 && e.Type().IsRegular() {
			if i := strings.LastIndexByte(inner, '.'); i > 0 && names[inner[:i]] {
				os.Remove(filepath.Join(outDir, n))
			}
		}
	}
}

// process turns one file into a letter, a handoff or an error report, and
// removes the outputs of an earlier run that this outcome does not write.
// The stale outputs go before the new ones are written: a run stopped
// between the two leaves nothing rather than a letter beside a handoff.
func process(r *pdf.Renderer, in input, outDir string) result {
	res := result{input: in}
	outputs := map[string][]byte{} // extension -> content
	ref, err := read(in.path)
	var l *referral.Letter
	if err == nil {
		l, err = referral.Compose(ref)
	}
	var tw *referral.TwoWeekWaitError
	var fes referral.FieldErrors
	switch {
	case errors.As(err, &tw):
		res.outcome = handoff
		b, merr := json.MarshalIndent(tw.Handoff(), "", "  ")
		if merr != nil {
			res.outcome, res.err = failed, merr
		}
		outputs[".ers.json"] = append(b, '\n')
	case errors.As(err, &fes):
		res.outcome = invalid
		var b strings.Builder
		for _, fe := range fes {
			b.WriteString(printable.String(fe.Error()) + "\n")
		}
		outputs[".errors.txt"] = []byte(b.String())
	case errors.Is(err, referral.ErrTooLarge):
		res.outcome = invalid
		outputs[".errors.txt"] = []byte(err.Error() + "\n")
	case err != nil:
		res.outcome, res.err = failed, err
	default:
		res.outcome = letter
		for _, w := range referral.Decide(ref).Warnings {
			res.warnings = append(res.warnings, w.String())
		}
		var buf bytes.Buffer
		pws, err := r.Render(&buf, l)
		if err != nil {
			res.outcome, res.err = failed, err
			break
		}
		for _, w := range pws {
			res.warnings = append(res.warnings, w.String())
		}
		outputs[".pdf"] = buf.Bytes()
		files, pws, err := patientcopy.Files(ref, r, false)
		if err != nil {
			res.outcome, res.err = failed, err
			break
		}
		for _, w := range pws {
			res.warnings = append(res.warnings, "patient's copy: "+w.String())
		}
		for _, f := range files {
			outputs[f.Ext] = f.Data
		}
	}
	if res.outcome == failed {
		clear(outputs) // a failed file keeps no output, old or new
	}
	for _, x := range outputExts {
		if _, ok := outputs[x]; ok {
			continue
		}
		p := filepath.Join(outDir, in.name+x)
		switch err := os.Remove(p); {
		case err == nil:
			res.removed = append(res.removed, in.name+x)
		case !errors.Is(err, fs.ErrNotExist) && res.err == nil:
			res.outcome, res.err = failed, fmt.Errorf("removing the stale %s: %w", in.name+x, cause(err))
		}
	}
	if res.outcome == failed {
		return res
	}
	for _, x := range outputExts {
		if b, ok := outputs[x]; ok {
			if err := atomicfile.Write(filepath.Join(outDir, in.name+x), b); err != nil {
				res.outcome, res.err = failed, fmt.Errorf("writing %s: %w", in.name+x, cause(err))
				return res
			}
		}
	}
	return res
}

// read decodes one input. It opens without blocking and checks the file
// is still a regular file: one swapped for a FIFO after listing cannot
// hang the run.
func read(path string) (*referral.Referral, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("opening: %w", cause(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	return referral.Decode(f)
}

// cause returns err without the path of a *fs.PathError: the progress
// line names the file already, and a temporary file's name means nothing
// to the reader.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// quote quotes a name for a progress line: no character in it can end the
// line or drive the terminal.
func quote(s string) string { return strconv.Quote(s) }

// progress shows a bar on a terminal, and a line per file otherwise.
// Warnings and failures are lines in both.
type progress struct {
	w     io.Writer
	tty   bool
	total int
}

// A handoff is "two-week-wait", not "eRS": outside England its route is
// the nation's own (Handoff.Via).
var outcomeWords = [...]string{letter: "letter", handoff: "two-week-wait handoff", invalid: "invalid", failed: "failed"}

func (p *progress) update(done int, res result) {
	var lines []string
	if !p.tty {
		line := fmt.Sprintf("[%d/%d] %s: %s", done, p.total, quote(res.file), outcomeWords[res.outcome])
		if res.err != nil {
			line += " (" + printable.String(res.err.Error()) + ")"
		}
		lines = append(lines, line)
	} else if res.err != nil {
		lines = append(lines, fmt.Sprintf("%s: failed (%s)", quote(res.file), printable.String(res.err.Error())))
	}
	for _, w := range res.warnings {
		lines = append(lines, fmt.Sprintf("  warning: %s: %s", quote(res.file), printable.String(w)))
	}
	for _, s := range res.removed {
		lines = append(lines, fmt.Sprintf("  removed the stale %s", quote(s)))
	}
	if !p.tty {
		for _, l := range lines {
			fmt.Fprintln(p.w, l)
		}
		return
	}
	for _, l := range lines {
		fmt.Fprintf(p.w, "\r\x1b[K%s\n", l) // clear the bar, then the line
	}
	const width = 30
	filled := width * done / p.total
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, p.total)
}

func (p *progress) finish() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
