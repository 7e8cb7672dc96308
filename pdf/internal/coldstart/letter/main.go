// Command letter renders one referral, read as JSON from the file named by
// its argument, as a PDF on standard output: the least a command-line tool
// does for one letter.
package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "letter:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 {
		return fmt.Errorf("usage: letter referral.json")
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		return err
	}
	defer f.Close()
	ref, err := referral.Decode(bufio.NewReader(f))
	if err != nil {
		return err
	}
	l, err := referral.Compose(ref)
	if err != nil {
		return err
	}
	if l == nil {
		return fmt.Errorf("not a letter")
	}
	_, err = pdf.Render(os.Stdout, l)
	return err
}
