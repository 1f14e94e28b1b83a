//go:build linux

package tcpstate

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// SnapshotNetlink reads every TCP socket with one sock_diag netlink dump
// per address family (what `ss` does); Snapshot falls back to /proc when
// this is not allowed.
func SnapshotNetlink() ([]Socket, error) {
	var all []Socket
	buf := make([]byte, 64<<10)
	for i, fam := range []uint8{afInet, afInet6} {
		socks, err := diagDump(fam, uint32(i+1), buf)
		if err != nil {
			return nil, err
		}
		all = append(all, socks...)
	}
	return all, nil
}

func diagDump(fam uint8, seq uint32, buf []byte) ([]Socket, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	if err := unix.Sendto(fd, diagRequest(fam, seq), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, err
	}
	var out []Socket
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return nil, err
		}
		socks, done, err := ParseDiag(buf[:n], binary.NativeEndian)
		out = append(out, socks...)
		if err != nil {
			return nil, err
		}
		if done {
			return out, nil
		}
	}
}
