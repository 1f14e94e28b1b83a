package vnet

import (
	"encoding/binary"
	"net/netip"
	"sort"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// NAT is source NAT with port mapping (NAPT), written out small on purpose:
// it is what the class learns. It sits on the router's outside interface
// and rewrites frames at the wire, so a capture shows the same connection
// before (inside link) and after (outside link) translation.
//
//   - A TCP or UDP packet leaving the outside interface from an inside
//     address gets the router's outside address as its source and a port from
//     the table: the entry for (protocol, inside address:port, remote
//     address:port), made on the first packet with the next free port from
//     FirstPort up.
//   - A packet arriving on the outside interface for the router's outside
//     address and a mapped port goes back to the inside address:port, if it
//     comes from the entry's remote (endpoint-dependent filtering); anything
//     else is left to the router itself (which answers a closed port with
//     RST or ICMP).
//   - Checksums are updated incrementally (RFC 1624), IPv4 and TCP/UDP.
//
// Entries are never expired while the network runs (a class lasts an hour).
type NAT struct {
	outside netip.Addr
	now     func() time.Time

	mu    sync.Mutex
	next  uint16
	byIn  map[natKey]*NATEntry
	byOut map[natOutKey]*NATEntry
	list  []*NATEntry
}

// FirstPort is the first outside port the NAT hands out.
const FirstPort = 50000

// NATEntry is one translation.
type NATEntry struct {
	Proto    string         // "TCP" or "UDP"
	Inside   netip.AddrPort // the inside host's address:port
	Outside  netip.AddrPort // what the outside sees: router address:mapped port
	Remote   netip.AddrPort // the outside peer
	Created  time.Time
	LastUsed time.Time
	Packets  int // packets translated, both directions
}

type natKey struct {
	proto          uint8
	inside, remote netip.AddrPort
}

type natOutKey struct {
	proto uint8
	port  uint16
}

func newNAT(outside netip.Addr, now func() time.Time) *NAT {
	return &NAT{outside: outside, now: now, next: FirstPort,
		byIn: map[natKey]*NATEntry{}, byOut: map[natOutKey]*NATEntry{}}
}

// Outside is the address the NAT translates to.
func (t *NAT) Outside() netip.Addr { return t.outside }

// Table returns a copy of the translation table, oldest first.
func (t *NAT) Table() []NATEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]NATEntry, len(t.list))
	for i, e := range t.list {
		out[i] = *e
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out
}

func protoName(p uint8) string {
	if p == uint8(header.TCPProtocolNumber) {
		return "TCP"
	}
	return "UDP"
}

// l4 finds the IPv4 header and the TCP/UDP header in an Ethernet frame.
func l4(b []byte) (ip header.IPv4, proto uint8, tp []byte, ok bool) {
	if len(b) < 14+header.IPv4MinimumSize || binary.BigEndian.Uint16(b[12:]) != uint16(header.IPv4ProtocolNumber) {
		return nil, 0, nil, false
	}
	ip = header.IPv4(b[14:])
	hl := int(ip.HeaderLength())
	if hl < header.IPv4MinimumSize || len(ip) < hl || ip.FragmentOffset() != 0 {
		return nil, 0, nil, false
	}
	proto = ip.Protocol()
	tp = ip[hl:]
	switch {
	case proto == uint8(header.TCPProtocolNumber) && len(tp) >= header.TCPMinimumSize:
	case proto == uint8(header.UDPProtocolNumber) && len(tp) >= header.UDPMinimumSize:
	default:
		return nil, 0, nil, false
	}
	return ip, proto, tp, true
}

func addrPortOf(a [4]byte, port uint16) netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4(a), port)
}

// outbound translates a frame leaving the outside interface.
func (t *NAT) outbound(f *frame) bool {
	ip, proto, tp, ok := l4(f.b)
	if !ok {
		return true
	}
	src := netip.AddrFrom4(ip.SourceAddress().As4())
	if src == t.outside {
		return true // the router's own traffic
	}
	sport := binary.BigEndian.Uint16(tp[0:])
	dport := binary.BigEndian.Uint16(tp[2:])
	key := natKey{proto: proto, inside: netip.AddrPortFrom(src, sport), remote: addrPortOf(ip.DestinationAddress().As4(), dport)}
	now := t.now()
	t.mu.Lock()
	e := t.byIn[key]
	if e == nil {
		port := t.freePortLocked(proto)
		if port == 0 {
			t.mu.Unlock()
			return false // table full: the packet is dropped, as a real NAT does
		}
		e = &NATEntry{Proto: protoName(proto), Inside: key.inside, Outside: netip.AddrPortFrom(t.outside, port),
			Remote: key.remote, Created: now}
		t.byIn[key] = e
		t.byOut[natOutKey{proto, port}] = e
		t.list = append(t.list, e)
	}
	e.LastUsed = now
	e.Packets++
	outPort := e.Outside.Port()
	t.mu.Unlock()
	rewrite(ip, proto, tp, true, t.outside, outPort)
	return true
}

// inbound translates a frame arriving on the outside interface.
func (t *NAT) inbound(f *frame) bool {
	ip, proto, tp, ok := l4(f.b)
	if !ok || netip.AddrFrom4(ip.DestinationAddress().As4()) != t.outside {
		return true
	}
	dport := binary.BigEndian.Uint16(tp[2:])
	remote := addrPortOf(ip.SourceAddress().As4(), binary.BigEndian.Uint16(tp[0:]))
	t.mu.Lock()
	e := t.byOut[natOutKey{proto, dport}]
	if e == nil || e.Remote != remote {
		t.mu.Unlock()
		return true
	}
	e.LastUsed = t.now()
	e.Packets++
	in := e.Inside
	t.mu.Unlock()
	rewrite(ip, proto, tp, false, in.Addr(), in.Port())
	return true
}

func (t *NAT) freePortLocked(proto uint8) uint16 {
	for tries := 0; tries < 65536-FirstPort; tries++ {
		p := t.next
		t.next++
		if t.next == 0 || t.next < FirstPort {
			t.next = FirstPort
		}
		if t.byOut[natOutKey{proto, p}] == nil {
			return p
		}
	}
	return 0
}

// rewrite sets the source (src true) or destination address and port of an
// IPv4 TCP/UDP packet, updating the checksums.
func rewrite(ip header.IPv4, proto uint8, tp []byte, src bool, a netip.Addr, port uint16) {
	na := tcpipAddr(a)
	var old = ip.DestinationAddress()
	if src {
		old = ip.SourceAddress()
		ip.SetSourceAddressWithChecksumUpdate(na)
	} else {
		ip.SetDestinationAddressWithChecksumUpdate(na)
	}
	if proto == uint8(header.TCPProtocolNumber) {
		h := header.TCP(tp)
		h.UpdateChecksumPseudoHeaderAddress(old, na, true)
		if src {
			h.SetSourcePortWithChecksumUpdate(port)
		} else {
			h.SetDestinationPortWithChecksumUpdate(port)
		}
		return
	}
	h := header.UDP(tp)
	if h.Checksum() == 0 { // UDP over IPv4 without a checksum: keep it so
		if src {
			h.SetSourcePort(port)
		} else {
			h.SetDestinationPort(port)
		}
		return
	}
	h.UpdateChecksumPseudoHeaderAddress(old, na, true)
	if src {
		h.SetSourcePortWithChecksumUpdate(port)
	} else {
		h.SetDestinationPortWithChecksumUpdate(port)
	}
}
