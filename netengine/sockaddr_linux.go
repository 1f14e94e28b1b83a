package netengine

import (
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// toSockaddr converts a resolved address to what the socket calls take.
// An IPv4 address (or the unspecified address with no host) uses AF_INET;
// everything else AF_INET6.
func toSockaddr(a *net.TCPAddr) (unix.Sockaddr, int) {
	if ip4 := a.IP.To4(); ip4 != nil {
		sa := &unix.SockaddrInet4{Port: a.Port}
		copy(sa.Addr[:], ip4)
		return sa, unix.AF_INET
	}
	sa := &unix.SockaddrInet6{Port: a.Port}
	copy(sa.Addr[:], a.IP.To16())
	if a.Zone != "" {
		if ifi, err := net.InterfaceByName(a.Zone); err == nil {
			sa.ZoneId = uint32(ifi.Index)
		}
	}
	return sa, unix.AF_INET6
}

// The accept path reads socket addresses itself: x/sys/unix's Accept4 and
// Getsockname ask the kernel for the socket's protocol (one getsockopt
// more) on every call, which a server of short connections pays on every
// request (strace: two getsockopt per connection).

// accept is accept4(2), non-blocking and close-on-exec, returning the
// peer's address. The listening socket is non-blocking, so the call is raw
// (see poll.Read).
func accept(fd int) (int, *net.TCPAddr, error) {
	var rsa unix.RawSockaddrAny
	n := uint32(unix.SizeofSockaddrAny)
	for {
		r, _, e := syscall.RawSyscall6(unix.SYS_ACCEPT4, uintptr(fd), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n)), unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return -1, nil, e
		}
		return int(r), tcpAddr(&rsa), nil
	}
}

// localAddr is the socket's own address (getsockname), or an empty
// address if the socket has none.
func localAddr(fd int) *net.TCPAddr {
	var rsa unix.RawSockaddrAny
	n := uint32(unix.SizeofSockaddrAny)
	if _, _, e := syscall.RawSyscall(unix.SYS_GETSOCKNAME, uintptr(fd), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n))); e != 0 {
		return &net.TCPAddr{}
	}
	return tcpAddr(&rsa)
}

// tcpAddr converts a kernel socket address (port in network byte order).
func tcpAddr(rsa *unix.RawSockaddrAny) *net.TCPAddr {
	switch rsa.Addr.Family {
	case unix.AF_INET:
		sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		return &net.TCPAddr{IP: net.IPv4(sa.Addr[0], sa.Addr[1], sa.Addr[2], sa.Addr[3]), Port: netPort(&sa.Port)}
	case unix.AF_INET6:
		sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		a := &net.TCPAddr{IP: append(net.IP(nil), sa.Addr[:]...), Port: netPort(&sa.Port)}
		if sa.Scope_id != 0 {
			if ifi, err := net.InterfaceByIndex(int(sa.Scope_id)); err == nil {
				a.Zone = ifi.Name
			}
		}
		return a
	}
	return &net.TCPAddr{}
}

func netPort(p *uint16) int {
	b := (*[2]byte)(unsafe.Pointer(p))
	return int(b[0])<<8 | int(b[1])
}
