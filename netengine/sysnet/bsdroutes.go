package sysnet

import (
	"net/netip"
	"strconv"
)

// routeEntry is one route of a BSD/macOS routing table, as the routing
// socket (sysctl NET_RT_DUMP) reports it.
type routeEntry struct {
	Dst     netip.Addr // invalid: no destination
	MaskLen int        // prefix length of the netmask; -1: host route (no mask)
	Gateway netip.Addr // invalid: the gateway is a link (link#N), not an address
	Index   int        // interface index
	Flags   int
}

// Route flags of BSD/macOS (net/route.h).
const (
	bsdRTFUp        = 0x1
	bsdRTFGateway   = 0x2
	bsdRTFReject    = 0x8
	bsdRTFBlackhole = 0x1000
	bsdRTFIfscope   = 0x1000000 // macOS: a route bound to one interface
)

// defaultRoutes picks the default routes through a gateway address out of
// a routing table. macOS keeps one unscoped default route per family (the
// one used) and scoped copies per interface (RTF_IFSCOPE): the unscoped
// route comes first (metric 0), scoped ones after (metric 1), duplicates
// dropped. name maps an interface index to its name.
func defaultRoutes(rs []routeEntry, name func(int) string) []Gateway {
	var out []Gateway
	seen := map[Gateway]bool{}
	for _, r := range rs {
		if !r.Dst.IsValid() || !r.Dst.IsUnspecified() || r.MaskLen > 0 {
			continue
		}
		if r.Flags&(bsdRTFUp|bsdRTFGateway) != bsdRTFUp|bsdRTFGateway || r.Flags&(bsdRTFReject|bsdRTFBlackhole) != 0 {
			continue
		}
		if !r.Gateway.IsValid() || r.Gateway.IsUnspecified() {
			continue // via a link (utun): no address to show
		}
		g := Gateway{Interface: name(r.Index), Addr: r.Gateway.WithZone("")}
		if r.Flags&bsdRTFIfscope != 0 {
			g.Metric = 1
		}
		key := Gateway{Interface: g.Interface, Addr: g.Addr}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, g)
	}
	sortGateways(out)
	return out
}

// kameAddr turns a routing-socket IPv6 address into a netip.Addr. BSD
// kernels (macOS included) embed the scope of a link-local address in its
// bytes 2–3 ("fe80:4::1" for fe80::1 on interface 4): it becomes the zone.
func kameAddr(b [16]byte, zone int) netip.Addr {
	if b[0] == 0xfe && b[1]&0xc0 == 0x80 && (b[2] != 0 || b[3] != 0) {
		if zone == 0 {
			zone = int(b[2])<<8 | int(b[3])
		}
		b[2], b[3] = 0, 0
	}
	ip := netip.AddrFrom16(b)
	if zone != 0 && ip.IsLinkLocalUnicast() {
		ip = ip.WithZone(strconv.Itoa(zone))
	}
	return ip
}
