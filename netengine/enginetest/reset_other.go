//go:build !windows

package enginetest

import (
	"errors"
	"syscall"
)

// A connection reset before or during accept shows up as ECONNABORTED.
func isResetOS(err error) bool { return errors.Is(err, syscall.ECONNABORTED) }
