//go:build linux

package tcpstate

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// SnapshotNetlink reads every TCP socket with one sock_diag netlink dump
// per address family (what `ss` does); Snapshot falls back to /proc when
// this is not allowed.
func SnapshotNetlink() ([]Socket, error) { return snapshotNetlink(allStates) }

// snapshotNetlink dumps the sockets whose state bit (1<<state) is in mask.
func snapshotNetlink(mask uint32) ([]Socket, error) {
	var all []Socket
	buf := make([]byte, 64<<10)
	for i, fam := range []uint8{afInet, afInet6} {
		socks, err := diagDump(diagRequest(fam, uint32(i+1), mask), buf)
		if err != nil {
			return nil, err
		}
		all = append(all, socks...)
	}
	return all, nil
}

// lookupNetlink asks for the socket with address pair k.
func lookupNetlink(k Key) (Socket, bool, error) {
	socks, err := diagDump(diagLookup(k, 1), make([]byte, 4096))
	if err == errNoSocket {
		return Socket{}, false, nil
	}
	if err != nil || len(socks) == 0 {
		return Socket{}, false, err
	}
	return socks[0], true, nil
}

func diagDump(req []byte, buf []byte) ([]Socket, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
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
		if done || (len(socks) > 0 && len(req) > 6 && binary.NativeEndian.Uint16(req[6:])&0x300 == 0) {
			return out, nil // a dump ends with DONE; a lookup is one answer
		}
	}
}

// liveSources returns the cheap readers when sock_diag is allowed here.
func liveSources() (func() ([]Socket, error), func(Key) (Socket, bool, error)) {
	live := func() ([]Socket, error) { return snapshotNetlink(allStates &^ (1 << TimeWait)) }
	if _, err := live(); err != nil {
		return nil, nil
	}
	return live, lookupNetlink
}
