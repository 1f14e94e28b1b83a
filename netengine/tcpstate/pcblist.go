package tcpstate

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// macOS's TCP table, as `sysctl net.inet.tcp.pcblist_n` returns it to any
// user (what netstat -an reads), decoded here so that recorded tables can
// be tested on any system. Layouts from xnu bsd/netinet/in_pcb.h,
// bsd/sys/socketvar.h and bsd/netinet/tcp_var.h:
//
//	struct xinpgen { u_int32_t xig_len; u_int xig_count; u_int64_t xig_gen, xig_sogen; }  24 bytes
//
// then, for each of xig_count connections, records that each begin with
// u_int32_t len, kind and are padded to a multiple of 8 bytes: xinpcb_n
// (kind XSO_INPCB), xsocket_n (XSO_SOCKET), two xsockbuf_n, xsockstat_n,
// xtcpcb_n (XSO_TCPCB); then a closing xinpgen. The fields read:
//
//	xinpcb_n:  16 inp_fport, 18 inp_lport (network order), 48 inp_vflag
//	           (1 IPv4, 2 IPv6), 52 foreign address, 68 local address
//	           (16 bytes each; an IPv4 address is the last 4)
//	xsocket_n: 68 so_uid, 72 so_last_pid
//	xtcpcb_n:  36 t_state (BSD numbering: 0 CLOSED … 10 TIME_WAIT)
//
// Integers are in the host's order (little-endian on every Mac NetLab runs on).

const (
	xsoSocket  = 0x001
	xsoInpcb   = 0x010
	xsoTcpcb   = 0x020
	xinpgenLen = 24
	inpIPv4    = 0x1
	inpIPv6    = 0x2
)

// bsdStates maps the BSD TCP states (netinet/tcp_fsm.h) to State.
var bsdStates = [...]State{
	0: Closed, 1: Listen, 2: SynSent, 3: SynRecv, 4: Established, 5: CloseWait,
	6: FinWait1, 7: Closing, 8: LastAck, 9: FinWait2, 10: TimeWait,
}

// ParsePCBList decodes the answer of sysctl net.inet.tcp.pcblist_n.
// Closed sockets are left out, as netstat does.
func ParsePCBList(b []byte, order binary.ByteOrder) ([]Socket, error) {
	if len(b) < xinpgenLen || order.Uint32(b) < xinpgenLen || int(order.Uint32(b)) > len(b) {
		return nil, fmt.Errorf("tcpstate: pcblist of %d bytes has no xinpgen header", len(b))
	}
	count := int(order.Uint32(b[4:]))
	p := b[order.Uint32(b):]
	var out []Socket
	var cur Socket
	var have, haveState bool
	flush := func() {
		if have && haveState && cur.State != Closed {
			out = append(out, cur)
		}
		cur, have, haveState = Socket{}, false, false
	}
	for seen := 0; len(p) >= 8; {
		n, kind := int(order.Uint32(p)), order.Uint32(p[4:])
		if n < 8 || n > len(p) {
			return out, fmt.Errorf("tcpstate: pcblist record of length %d with %d bytes left", n, len(p))
		}
		rec := p[:n]
		switch kind {
		case xsoInpcb:
			flush()
			if seen == count {
				return out, nil
			}
			seen++
			if n < 84 {
				return out, fmt.Errorf("tcpstate: short xinpcb_n (%d bytes)", n)
			}
			var err error
			if cur.Local, cur.Remote, err = inpcbAddrs(rec); err != nil {
				return out, err
			}
			have = true
		case xsoSocket:
			if n >= 76 && have {
				cur.UID = order.Uint32(rec[68:])
				cur.PID = int(int32(order.Uint32(rec[72:])))
			}
		case xsoTcpcb:
			if n < 40 || !have {
				return out, fmt.Errorf("tcpstate: xtcpcb_n of %d bytes without its xinpcb_n", n)
			}
			st := order.Uint32(rec[36:])
			if st >= uint32(len(bsdStates)) {
				return out, fmt.Errorf("tcpstate: unknown TCP state %d", st)
			}
			cur.State, haveState = bsdStates[st], true
			if cur.State == Listen {
				cur.Remote = netip.AddrPortFrom(unspecifiedLike(cur.Local.Addr()), 0)
			}
		}
		if seen == count && kind == xsoTcpcb {
			flush()
			return out, nil
		}
		p = p[min((n+7)&^7, len(p)):]
	}
	flush()
	return out, nil
}

// inpcbAddrs reads the address pair of an xinpcb_n.
func inpcbAddrs(rec []byte) (local, remote netip.AddrPort, err error) {
	fport, lport := binary.BigEndian.Uint16(rec[16:]), binary.BigEndian.Uint16(rec[18:])
	vflag := rec[48]
	var la, fa netip.Addr
	switch {
	case vflag&inpIPv6 != 0:
		fa, la = netip.AddrFrom16([16]byte(rec[52:68])).Unmap(), netip.AddrFrom16([16]byte(rec[68:84])).Unmap()
	case vflag&inpIPv4 != 0:
		fa, la = netip.AddrFrom4([4]byte(rec[64:68])), netip.AddrFrom4([4]byte(rec[80:84]))
	default:
		return local, remote, fmt.Errorf("tcpstate: xinpcb_n with address flags %#x", vflag)
	}
	return netip.AddrPortFrom(la, lport), netip.AddrPortFrom(fa, fport), nil
}
