//go:build darwin

package tcpstate

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// Available reports whether TCP states can be read on this system.
func Available() bool {
	_, err := Snapshot()
	return err == nil
}

// Snapshot reads every TCP socket of the machine (IPv4 and IPv6) from
// sysctl net.inet.tcp.pcblist_n, which any user may read (netstat -an
// does the same), with each socket's last owning process.
func Snapshot() ([]Socket, error) {
	b, err := unix.SysctlRaw("net.inet.tcp.pcblist_n")
	if err != nil {
		return nil, fmt.Errorf("%w: sysctl net.inet.tcp.pcblist_n: %v", ErrUnavailable, err)
	}
	return ParsePCBList(b, binary.NativeEndian)
}

// OwnInodes returns no inodes: macOS sockets are matched by process
// (Socket.PID) instead.
func OwnInodes() (map[uint64]bool, error) { return nil, nil }

func socketInode(string) (uint64, bool) { return 0, false }

func liveSources() (func() ([]Socket, error), func(Key) (Socket, bool, error)) { return nil, nil }
