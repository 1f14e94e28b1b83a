package winadapt

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Read lists the adapters with their gateways and DNS servers.
func Read() ([]Adapter, error) {
	const flags = windows.GAA_FLAG_INCLUDE_GATEWAYS | windows.GAA_FLAG_SKIP_ANYCAST | windows.GAA_FLAG_SKIP_MULTICAST
	size := uint32(15000) // Microsoft's advice: start with 15 KB
	for range 4 {
		buf := make([]byte, size)
		first := (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0]))
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC, flags, 0, first, &size)
		if errors.Is(err, windows.ERROR_BUFFER_OVERFLOW) {
			continue // size now holds what is needed
		}
		if err != nil {
			return nil, fmt.Errorf("GetAdaptersAddresses: %w", err)
		}
		var out []Adapter
		for a := first; a != nil; a = a.Next {
			out = append(out, convert(a))
		}
		return out, nil
	}
	return nil, errors.New("GetAdaptersAddresses: the adapter list keeps growing")
}

func convert(a *windows.IpAdapterAddresses) Adapter {
	x := Adapter{
		Index:       int(a.IfIndex),
		Name:        windows.UTF16PtrToString(a.FriendlyName),
		Description: windows.UTF16PtrToString(a.Description),
		Up:          a.OperStatus == windows.IfOperStatusUp,
		Loopback:    a.IfType == windows.IF_TYPE_SOFTWARE_LOOPBACK,
		Tunnel:      a.IfType == windows.IF_TYPE_TUNNEL,
		IPv4Metric:  int(a.Ipv4Metric),
		IPv6Metric:  int(a.Ipv6Metric),
	}
	if x.Index == 0 {
		x.Index = int(a.Ipv6IfIndex)
	}
	for g := a.FirstGatewayAddress; g != nil; g = g.Next {
		if ip, ok := sockaddrAddr(&g.Address); ok {
			x.Gateways = append(x.Gateways, ip)
		}
	}
	for d := a.FirstDnsServerAddress; d != nil; d = d.Next {
		if ip, ok := sockaddrAddr(&d.Address); ok {
			x.DNSServers = append(x.DNSServers, ip)
		}
	}
	return x
}

// sockaddrAddr converts a SOCKET_ADDRESS, keeping an IPv6 scope as zone.
func sockaddrAddr(sa *windows.SocketAddress) (netip.Addr, bool) {
	if sa.Sockaddr == nil {
		return netip.Addr{}, false
	}
	switch sa.Sockaddr.Addr.Family {
	case windows.AF_INET:
		if uintptr(sa.SockaddrLength) < unsafe.Sizeof(windows.RawSockaddrInet4{}) {
			return netip.Addr{}, false
		}
		p := (*windows.RawSockaddrInet4)(unsafe.Pointer(sa.Sockaddr))
		return netip.AddrFrom4(p.Addr), true
	case windows.AF_INET6:
		if uintptr(sa.SockaddrLength) < unsafe.Sizeof(windows.RawSockaddrInet6{}) {
			return netip.Addr{}, false
		}
		p := (*windows.RawSockaddrInet6)(unsafe.Pointer(sa.Sockaddr))
		ip := netip.AddrFrom16(p.Addr)
		if p.Scope_id != 0 && (ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast()) {
			ip = ip.WithZone(strconv.Itoa(int(p.Scope_id)))
		}
		return ip, true
	}
	return netip.Addr{}, false
}
