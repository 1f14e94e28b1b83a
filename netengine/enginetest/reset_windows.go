package enginetest

import (
	"errors"
	"syscall"
)

// Winsock reports resets with its own codes, not with syscall.ECONNRESET.
func isResetOS(err error) bool {
	return errors.Is(err, syscall.Errno(10054)) || errors.Is(err, syscall.Errno(10053)) // WSAECONNRESET, WSAECONNABORTED
}
