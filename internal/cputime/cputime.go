// Package cputime reports a benchmark's CPU time per operation, which on a
// shared machine is steadier than its wall time: ns/op counts time spent
// waiting for a processor, CPU time does not.
package cputime

import "testing"

// Report starts measuring and returns a function, to defer, that adds
// "cpu-ns/op" to b: the process's CPU time (all threads, garbage
// collection included) per operation. Where the system cannot tell, it
// adds nothing.
func Report(b *testing.B) func() {
	start, ok := Used()
	return func() {
		if end, ok2 := Used(); ok && ok2 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
