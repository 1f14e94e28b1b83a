package tcpstate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// The Linux sock_diag netlink protocol (linux/inet_diag.h), decoded here
// so that recorded answers can be tested on any system.

const (
	nlmsgHdrLen     = 16
	nlmsgError      = 2
	nlmsgDone       = 3
	sockDiagByFam   = 20 // SOCK_DIAG_BY_FAMILY
	inetDiagMsgLen  = 72
	inetDiagReqLen  = 56
	afInet, afInet6 = 2, 10
)

// allStates asks sock_diag for sockets in every state.
const allStates = 0xffffffff

// diagRequest is a netlink message asking for every TCP socket of family
// (2 = IPv4, 10 = IPv6) whose state bit is set in states.
func diagRequest(family uint8, seq uint32, states uint32) []byte {
	b := make([]byte, nlmsgHdrLen+inetDiagReqLen)
	ne := binary.NativeEndian
	ne.PutUint32(b[0:], uint32(len(b)))
	ne.PutUint16(b[4:], sockDiagByFam)
	ne.PutUint16(b[6:], 0x1|0x300) // NLM_F_REQUEST | NLM_F_DUMP
	ne.PutUint32(b[8:], seq)
	r := b[nlmsgHdrLen:]
	r[0] = family
	r[1] = 6 // IPPROTO_TCP
	ne.PutUint32(r[4:], states)
	return b
}

// diagLookup is a netlink message asking for the one TCP socket with
// address pair k (TIME_WAIT included).
func diagLookup(k Key, seq uint32) []byte {
	fam := uint8(afInet)
	if k.Local.Addr().Is6() {
		fam = afInet6
	}
	b := diagRequest(fam, seq, allStates)
	binary.NativeEndian.PutUint16(b[6:], 0x1) // NLM_F_REQUEST: no dump
	id := b[nlmsgHdrLen+8:]
	binary.BigEndian.PutUint16(id[0:], k.Local.Port())
	binary.BigEndian.PutUint16(id[2:], k.Remote.Port())
	if fam == afInet {
		a, r := k.Local.Addr().As4(), k.Remote.Addr().As4()
		copy(id[4:], a[:])
		copy(id[20:], r[:])
	} else {
		a, r := k.Local.Addr().As16(), k.Remote.Addr().As16()
		copy(id[4:], a[:])
		copy(id[20:], r[:])
	}
	binary.NativeEndian.PutUint32(id[40:], 0xffffffff) // no cookie check
	binary.NativeEndian.PutUint32(id[44:], 0xffffffff)
	return b
}

// errNoSocket is sock_diag's answer when a looked-up socket does not exist.
var errNoSocket = errors.New("tcpstate: no such socket")

// ParseDiag decodes one datagram of sock_diag answers. done reports the
// end of the dump. order is the byte order of the kernel that answered
// (binary.NativeEndian live, the recording machine's for samples).
func ParseDiag(b []byte, order binary.ByteOrder) (socks []Socket, done bool, err error) {
	for len(b) >= nlmsgHdrLen {
		n := int(order.Uint32(b[0:]))
		typ := order.Uint16(b[4:])
		if n < nlmsgHdrLen || n > len(b) {
			return socks, false, fmt.Errorf("tcpstate: bad netlink message length %d", n)
		}
		payload := b[nlmsgHdrLen:n]
		switch typ {
		case nlmsgDone:
			return socks, true, nil
		case nlmsgError:
			if len(payload) >= 4 {
				code := -int32(order.Uint32(payload))
				if code == 2 { // ENOENT
					return socks, true, errNoSocket
				}
				if code != 0 {
					return socks, true, fmt.Errorf("tcpstate: sock_diag error %d", code)
				}
				return socks, true, nil // an ACK
			}
			return socks, true, errors.New("tcpstate: sock_diag error")
		case sockDiagByFam:
			s, err := parseDiagMsg(payload, order)
			if err != nil {
				return socks, false, err
			}
			socks = append(socks, s)
		}
		// Messages are aligned to 4 bytes.
		n = (n + 3) &^ 3
		if n > len(b) {
			break
		}
		b = b[n:]
	}
	return socks, false, nil
}

// parseDiagMsg decodes struct inet_diag_msg.
func parseDiagMsg(p []byte, order binary.ByteOrder) (Socket, error) {
	if len(p) < inetDiagMsgLen {
		return Socket{}, fmt.Errorf("tcpstate: short inet_diag_msg (%d bytes)", len(p))
	}
	var s Socket
	family, state := p[0], p[1]
	if state == 0 {
		return s, fmt.Errorf("tcpstate: inet_diag_msg without a state")
	}
	s.State = State(state)
	// inet_diag_sockid: sport, dport (big-endian), src[16], dst[16], if, cookie.
	id := p[4:52]
	sport, dport := binary.BigEndian.Uint16(id[0:]), binary.BigEndian.Uint16(id[2:])
	var src, dst netip.Addr
	switch family {
	case afInet:
		src, dst = netip.AddrFrom4([4]byte(id[4:8])), netip.AddrFrom4([4]byte(id[20:24]))
	case afInet6:
		src, dst = netip.AddrFrom16([16]byte(id[4:20])).Unmap(), netip.AddrFrom16([16]byte(id[20:36])).Unmap()
	default:
		return s, fmt.Errorf("tcpstate: unknown address family %d", family)
	}
	s.Local, s.Remote = netip.AddrPortFrom(src, sport), netip.AddrPortFrom(dst, dport)
	s.RxQueue = uint64(order.Uint32(p[56:]))
	s.TxQueue = uint64(order.Uint32(p[60:]))
	if s.State == Listen {
		s.TxQueue = 0 // the backlog limit, which /proc does not show
	}
	s.UID = order.Uint32(p[64:])
	s.Inode = uint64(order.Uint32(p[68:]))
	return s, nil
}
