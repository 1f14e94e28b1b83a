package vnet

import (
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// forward routes an IPv4 frame that arrived on interface in, the way a
// router does it, and returns nil when it took the frame; frames for the
// router itself, broadcasts, ARP, IPv6 and anything it cannot route go to
// the router's stack instead (which drops what is not for it).
//
// netstack can forward by itself, but its IPv4 forwarding (up to at least
// the pinned version) reads the TTL through a header slice that a
// copy-on-write in PacketBuffer.PullUp has already returned to the buffer
// pool: a use-after-free the race detector reports. Forwarding here is also
// the lesson: only the MAC addresses, the TTL and the header checksum
// change.
func (r *Router) forward(in *Iface, f *frame) *frame {
	b := f.b
	if len(b) < 14+header.IPv4MinimumSize || b[12] != 0x08 || b[13] != 0x00 || string(b[0:6]) != string(in.mac) {
		return f
	}
	ip := header.IPv4(b[14:])
	if !ip.IsValid(len(b)-14) || !ip.IsChecksumValid() {
		return f
	}
	dst := netip.AddrFrom4(ip.DestinationAddress().As4())
	out := -1
	for k, p := range r.addrs {
		if p.Addr() == dst {
			return f // for the router itself
		}
		if p.Masked().Contains(dst) && dst != broadcastOf(p) {
			out = k
		}
	}
	if out < 0 || ip.TTL() <= 1 || r.ifaces[out] == in {
		return f // no route, TTL spent, or back where it came from: the stack drops it
	}
	ip.SetTTL(ip.TTL() - 1)
	ip.SetChecksum(0)
	ip.SetChecksum(^ip.CalculateChecksum())
	oi := r.ifaces[out]
	copy(b[6:12], oi.mac)
	// The next hop is the destination itself (only connected subnets): its
	// MAC comes from the ARP cache, or, when missing, after an ARP exchange
	// the router's stack starts now (send runs then, or at once).
	send := func(res stack.LinkResolutionResult) {
		if res.Err != nil || len(res.LinkAddress) != 6 {
			putFrame(f) // nobody answered ARP: the packet is lost
			return
		}
		copy(f.b[0:6], res.LinkAddress)
		oi.transmit(f)
	}
	err := r.stack.GetLinkAddress(oi.nicID, tcpipAddr(dst), tcpipAddr(r.addrs[out].Addr()), ipv4.ProtocolNumber, send)
	if _, wait := err.(*tcpip.ErrWouldBlock); err != nil && !wait {
		putFrame(f)
	}
	return nil
}
