//go:build !unix

package netengine

import (
	"net"
	"syscall"
)

// On Windows sockets are overlapped handles with no cheap non-blocking
// write; every Write goes through the queue and the writer goroutine.
func tryWrite(rc syscall.RawConn, p []byte) int { return 0 }

func rawConn(nc net.Conn) syscall.RawConn { return nil }
