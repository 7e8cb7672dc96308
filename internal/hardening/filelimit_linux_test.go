package hardening

import "golang.org/x/sys/unix"

const fileLimitSupported = true

// setFileLimit limits the files process pid writes to n bytes: a write
// that would take a regular file past n fails with EFBIG (the Go runtime
// ignores SIGXFSZ), like a disk that fills at exactly that byte.
func setFileLimit(pid int, n int64) error {
	return unix.Prlimit(pid, unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: uint64(n), Max: uint64(n)}, nil)
}
