//go:build !windows

package netengine

import (
	"errors"
	"syscall"
)

// ECONNABORTED shows up when a connection dies before or during accept.
func isResetOS(err error) bool { return errors.Is(err, syscall.ECONNABORTED) }
