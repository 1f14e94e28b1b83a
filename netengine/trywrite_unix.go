//go:build unix

package netengine

import (
	"net"
	"syscall"
)

// tryWrite makes one non-blocking write(2) attempt on nc's socket (the net
// package keeps sockets non-blocking) and returns how much went out. The
// portable engine uses it when nothing is queued, so an echo reply needs
// no copy and no writer goroutine; whatever does not fit is queued.
func tryWrite(rc syscall.RawConn, p []byte) int {
	if rc == nil {
		return 0
	}
	var n int
	err := rc.Write(func(fd uintptr) bool {
		var werr error
		n, werr = syscall.Write(int(fd), p)
		if werr != nil || n < 0 {
			n = 0
		}
		return true // one attempt only: never wait for writability here
	})
	if err != nil {
		return 0
	}
	return n
}

func rawConn(nc net.Conn) syscall.RawConn {
	if sc, ok := nc.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			return rc
		}
	}
	return nil
}
