//go:build !windows

package netengine

import (
	"os"

	"golang.org/x/sys/unix"
)

// dupOSFile duplicates f's descriptor (close-on-exec) as a file of our own,
// without touching f's blocking mode (f.Fd would switch it to blocking).
func dupOSFile(f *os.File) (*os.File, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	nfd := -1
	var derr error
	if err := rc.Control(func(fd uintptr) {
		nfd, derr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return nil, err
	}
	if derr != nil {
		return nil, os.NewSyscallError("fcntl", derr)
	}
	return os.NewFile(uintptr(nfd), f.Name()), nil
}
