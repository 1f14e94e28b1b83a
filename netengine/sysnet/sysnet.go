// Package sysnet describes this machine's network: its interfaces with
// addresses, prefix lengths and MAC addresses, and its default gateways.
// Interfaces work everywhere (package net); default gateways come from
// /proc/net/route and /proc/net/ipv6_route on Linux and are
// ErrNotAvailable elsewhere until a system-specific file adds them.
package sysnet

import (
	"errors"
	"net"
	"net/netip"
	"sort"

	"go4.org/netipx"
)

// ErrNotAvailable is returned where the default gateway cannot be read on
// this system.
var ErrNotAvailable = errors.New("the default gateway is not available on this system")

// Interface is one network interface.
type Interface struct {
	Name  string
	Index int
	MTU   int
	// MAC is the hardware address ("" for loopback and tunnels).
	MAC      string
	Up       bool
	Loopback bool
	// Addrs are the interface's addresses with their prefix lengths (host
	// bits kept, e.g. 192.168.1.23/24).
	Addrs []netip.Prefix
}

// Gateway is a default route.
type Gateway struct {
	Interface string
	Addr      netip.Addr
	Metric    int
}

// Interfaces lists the interfaces with their addresses: up interfaces
// first, loopback last.
func Interfaces() ([]Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	out := make([]Interface, 0, len(ifs))
	for _, i := range ifs {
		x := Interface{Name: i.Name, Index: i.Index, MTU: i.MTU, MAC: i.HardwareAddr.String(),
			Up: i.Flags&net.FlagUp != 0, Loopback: i.Flags&net.FlagLoopback != 0}
		addrs, _ := i.Addrs()
		x.Addrs = prefixes(addrs)
		out = append(out, x)
	}
	sortInterfaces(out)
	return out, nil
}

func prefixes(addrs []net.Addr) []netip.Prefix {
	var out []netip.Prefix
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip, ok1 := netipx.FromStdIP(n.IP)
		ones, _ := n.Mask.Size()
		if !ok1 {
			continue
		}
		if ip.Is4In6() {
			ip = ip.Unmap()
			if ones > 32 {
				ones -= 96
			}
		}
		out = append(out, netip.PrefixFrom(ip, ones))
	}
	return out
}

func sortInterfaces(ifs []Interface) {
	rank := func(i Interface) int {
		switch {
		case i.Loopback:
			return 2
		case !i.Up || len(i.Addrs) == 0:
			return 1
		}
		return 0
	}
	sort.SliceStable(ifs, func(a, b int) bool {
		if ra, rb := rank(ifs[a]), rank(ifs[b]); ra != rb {
			return ra < rb
		}
		return ifs[a].Index < ifs[b].Index
	})
}

// GatewayFor returns the default gateway on interface name for the family of a, if any.
func GatewayFor(gws []Gateway, name string, a netip.Addr) (netip.Addr, bool) {
	for _, g := range gws {
		if g.Interface == name && g.Addr.Is4() == a.Is4() {
			return g.Addr, true
		}
	}
	return netip.Addr{}, false
}
