package netengine

import (
	"errors"
	"syscall"
)

// Winsock reports resets with its own codes, not with syscall.ECONNRESET.
const (
	wsaECONNABORTED syscall.Errno = 10053
	wsaECONNRESET   syscall.Errno = 10054
)

func isResetOS(err error) bool {
	return errors.Is(err, wsaECONNRESET) || errors.Is(err, wsaECONNABORTED)
}
