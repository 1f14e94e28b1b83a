package sysnet

import (
	"net"
	"net/netip"
	"strconv"
	"syscall"

	"golang.org/x/net/route"
)

// DefaultGateways reads the routing table through a routing socket (sysctl
// NET_RT_DUMP) and returns the default routes, IPv4 first, the route in
// use before the per-interface (scoped) ones.
func DefaultGateways() ([]Gateway, error) {
	var rs []routeEntry
	for _, af := range []int{syscall.AF_INET, syscall.AF_INET6} {
		b, err := route.FetchRIB(af, route.RIBTypeRoute, 0)
		if err != nil {
			return nil, err
		}
		msgs, err := route.ParseRIB(route.RIBTypeRoute, b)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if rm, ok := m.(*route.RouteMessage); ok && rm.Err == nil {
				rs = append(rs, entryOf(rm))
			}
		}
	}
	names := map[int]string{}
	if ifs, err := net.Interfaces(); err == nil {
		for _, i := range ifs {
			names[i.Index] = i.Name
		}
	}
	return defaultRoutes(rs, func(i int) string {
		if n, ok := names[i]; ok {
			return n
		}
		return "link#" + strconv.Itoa(i)
	}), nil
}

func entryOf(rm *route.RouteMessage) routeEntry {
	e := routeEntry{Index: rm.Index, Flags: rm.Flags, MaskLen: -1}
	at := func(i int) route.Addr {
		if i < len(rm.Addrs) {
			return rm.Addrs[i]
		}
		return nil
	}
	e.Dst = addrOf(at(syscall.RTAX_DST))
	e.Gateway = addrOf(at(syscall.RTAX_GATEWAY))
	switch m := at(syscall.RTAX_NETMASK).(type) {
	case *route.Inet4Addr:
		e.MaskLen, _ = net.IPMask(m.IP[:]).Size()
	case *route.Inet6Addr:
		e.MaskLen, _ = net.IPMask(m.IP[:]).Size()
	default:
		if e.Dst.IsValid() && e.Dst.IsUnspecified() {
			e.MaskLen = 0 // a default route may come without a netmask
		}
	}
	return e
}

func addrOf(a route.Addr) netip.Addr {
	switch a := a.(type) {
	case *route.Inet4Addr:
		return netip.AddrFrom4(a.IP)
	case *route.Inet6Addr:
		return kameAddr(a.IP, a.ZoneID)
	}
	return netip.Addr{}
}
