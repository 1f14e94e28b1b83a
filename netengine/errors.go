package netengine

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

var errBadFileRange = errors.New("netengine: SendFile: negative offset or length")

// reasonFor maps a socket error to the CloseReason students see.
func reasonFor(err error) CloseReason {
	switch {
	case err == nil, errors.Is(err, io.EOF):
		return ReasonEOF
	case isReset(err):
		return ReasonReset
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, syscall.ETIMEDOUT):
		return ReasonTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return ReasonTimeout
	}
	return ReasonError
}

// isReset reports a connection reset by the peer. Besides ECONNRESET, a
// write to a socket whose peer already reset it fails with EPIPE.
func isReset(err error) bool {
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	return isResetOS(err)
}
