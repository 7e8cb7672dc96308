//go:build !linux

package hardening

import "errors"

const fileLimitSupported = false

func setFileLimit(pid int, n int64) error {
	return errors.New("file size limits are set only on Linux")
}
