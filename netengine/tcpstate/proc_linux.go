//go:build linux

package tcpstate

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// Available reports whether TCP states can be read on this system.
func Available() bool { return true }

// Snapshot reads every TCP socket of the machine (IPv4 and IPv6): with a
// sock_diag netlink dump, or from /proc/net/tcp and tcp6 where netlink is
// not allowed.
func Snapshot() ([]Socket, error) {
	if socks, err := SnapshotNetlink(); err == nil {
		return socks, nil
	}
	return SnapshotProc()
}

// SnapshotProc reads every TCP socket from /proc/net/tcp and tcp6.
func SnapshotProc() ([]Socket, error) {
	var all []Socket
	for _, name := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && name == "/proc/net/tcp6" {
				continue // IPv6 disabled
			}
			return nil, err
		}
		socks, err := ParseProcNet(f, binary.NativeEndian)
		f.Close()
		if err != nil {
			return nil, err
		}
		all = append(all, socks...)
	}
	return all, nil
}

// OwnInodes lists the inodes of the sockets this process has open, from
// the "socket:[INODE]" links in /proc/self/fd.
func OwnInodes() (map[uint64]bool, error) {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil, err
	}
	out := make(map[uint64]bool, len(ents))
	for _, e := range ents {
		link, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil {
			continue // closed meanwhile
		}
		if ino, ok := socketInode(link); ok {
			out[ino] = true
		}
	}
	return out, nil
}

// socketInode parses "socket:[12345]".
func socketInode(link string) (uint64, bool) {
	rest, ok := strings.CutPrefix(link, "socket:[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return 0, false
	}
	n, err := strconv.ParseUint(strings.TrimSuffix(rest, "]"), 10, 64)
	return n, err == nil
}
