package hardening

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The example commands, built once by TestMain.
var bin struct {
	refer, server string
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hardening-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "hardening:", err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		for _, c := range []struct {
			dst *string
			pkg string
		}{{&bin.refer, "refer"}, {&bin.server, "server"}} {
			*c.dst = filepath.Join(dir, c.pkg)
			cmd := exec.Command("go", "build", "-o", *c.dst, "../../examples/"+c.pkg)
			if out, err := cmd.CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "hardening: building examples/%s: %v\n%s", c.pkg, err, out)
				return 1
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}
