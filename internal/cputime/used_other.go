//go:build !unix

package cputime

import "time"

// Used returns false: this system's CPU time is not read here.
func Used() (time.Duration, bool) { return 0, false }
