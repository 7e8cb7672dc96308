// Command batch renders every referral in a folder at once.
//
//	go run ./examples/batch -in DIR -out DIR [-workers N]
//
// For each NAME.json in -in it writes NAME.pdf (a letter), NAME.ers.json
// (the eRS handoff of a two-week-wait case) or NAME.errors.txt (why the
// file is invalid) to -out, and beside a letter NAME.patient.pdf when the
// patient's copy is due (and NAME.patient.txt for email). One bad file
// never stops the run. It shows a
// progress bar on a terminal and plain lines otherwise, then a summary.
// The exit code is 0 only when every file gave a letter or a handoff.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/refletter/refletter/examples/internal/atomicfile"
	"github.com/refletter/refletter/examples/internal/patientcopy"
	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
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

type result struct {
	name    string
	outcome outcome
	err     error // for failed: never holds patient data
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, tty bool) int {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "folder of referral JSON files")
	out := fs.String("out", "", "folder for the letters, handoffs and error reports")
	workers := fs.Int("workers", runtime.NumCPU(), "how many files to render at once")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *in == "" || *out == "" || *workers < 1 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: batch -in DIR -out DIR [-workers N]")
		return 2
	}
	files, err := filepath.Glob(filepath.Join(*in, "*.json"))
	if err != nil || len(files) == 0 {
		fmt.Fprintln(stderr, "batch: no .json files in", *in)
		return 2
	}
	sort.Strings(files)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(stderr, "batch:", err)
		return 1
	}
	r, err := pdf.NewRenderer()
	if err != nil {
		fmt.Fprintln(stderr, "batch:", err)
		return 1
	}

	start := time.Now()
	jobs := make(chan string)
	results := make(chan result)
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				results <- process(r, f, *out)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, f := range files {
			select {
			case jobs <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var counts [4]int
	done := 0
	p := progress{w: stderr, tty: tty, total: len(files)}
	for res := range results {
		done++
		counts[res.outcome]++
		p.update(done, res)
	}
	p.finish()
	elapsed := time.Since(start)
	rate := float64(counts[letter]) / elapsed.Seconds()
	fmt.Fprintf(stdout, "letters: %d, eRS handoffs: %d, invalid: %d, failed: %d, skipped: %d\n",
		counts[letter], counts[handoff], counts[invalid], counts[failed], len(files)-done)
	fmt.Fprintf(stdout, "time: %s, letters per second: %.1f\n", elapsed.Round(time.Millisecond), rate)
	if counts[letter]+counts[handoff] == len(files) {
		return 0
	}
	return 1
}

// process turns one file into a letter, a handoff or an error report.
func process(r *pdf.Renderer, path, outDir string) result {
	name := strings.TrimSuffix(filepath.Base(path), ".json")
	res := result{name: filepath.Base(path)}
	dest := func(ext string) string { return filepath.Join(outDir, name+ext) }

	var ref *referral.Referral
	letterOf := func() (*referral.Letter, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if ref, err = referral.Decode(f); err != nil {
			return nil, err
		}
		return referral.Compose(ref)
	}
	l, err := letterOf()
	var tw *referral.TwoWeekWaitError
	var fes referral.FieldErrors
	switch {
	case errors.As(err, &tw):
		b, merr := json.MarshalIndent(tw.Handoff(), "", "  ")
		if merr == nil {
			merr = atomicfile.Write(dest(".ers.json"), append(b, '\n'))
		}
		res.outcome, res.err = handoff, merr
	case errors.As(err, &fes), errors.Is(err, referral.ErrTooLarge):
		werr := atomicfile.Write(dest(".errors.txt"), []byte(err.Error()+"\n"))
		res.outcome, res.err = invalid, werr
	case err != nil:
		res.outcome, res.err = failed, err
	default:
		var buf bytes.Buffer
		_, err = r.Render(&buf, l)
		if err == nil {
			err = atomicfile.Write(dest(".pdf"), buf.Bytes())
		}
		if err == nil {
			err = writePatientCopy(r, ref, dest)
		}
		res.outcome, res.err = letter, err
	}
	if res.err != nil {
		res.outcome = failed
	}
	return res
}

// writePatientCopy writes NAME.patient.pdf (and .txt for email) when the
// patient's copy is due.
func writePatientCopy(r *pdf.Renderer, ref *referral.Referral, dest func(string) string) error {
	files, _, err := patientcopy.Files(ref, r, false)
	for _, f := range files {
		if err == nil {
			err = atomicfile.Write(dest(f.Ext), f.Data)
		}
	}
	return err
}

// progress shows a bar on a terminal, and a line per file otherwise.
type progress struct {
	w     io.Writer
	tty   bool
	total int
}

var outcomeWords = [...]string{letter: "letter", handoff: "eRS handoff", invalid: "invalid", failed: "failed"}

func (p *progress) update(done int, res result) {
	if !p.tty {
		line := fmt.Sprintf("[%d/%d] %s: %s", done, p.total, res.name, outcomeWords[res.outcome])
		if res.err != nil {
			line += " (" + res.err.Error() + ")"
		}
		fmt.Fprintln(p.w, line)
		return
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
