package tcpstate

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Windows' TCP tables, as GetExtendedTcpTable returns them with
// TCP_TABLE_OWNER_PID_ALL (iphlpapi, no administrator rights needed),
// decoded here so that recorded tables can be tested on any system.
//
//	MIB_TCPTABLE_OWNER_PID:  DWORD dwNumEntries; MIB_TCPROW_OWNER_PID table[];
//	MIB_TCPROW_OWNER_PID:    DWORD dwState, dwLocalAddr, dwLocalPort,
//	                         dwRemoteAddr, dwRemotePort, dwOwningPid   (24 bytes)
//	MIB_TCP6TABLE_OWNER_PID: DWORD dwNumEntries; MIB_TCP6ROW_OWNER_PID table[];
//	MIB_TCP6ROW_OWNER_PID:   UCHAR ucLocalAddr[16]; DWORD dwLocalScopeId, dwLocalPort;
//	                         UCHAR ucRemoteAddr[16]; DWORD dwRemoteScopeId, dwRemotePort,
//	                         dwState, dwOwningPid                       (56 bytes)
//
// DWORDs are little-endian; addresses are in network order, and a port is
// the first two bytes of its DWORD, in network order.

const (
	mibRow4Len = 24
	mibRow6Len = 56
)

// mibStates maps MIB_TCP_STATE (1 = CLOSED … 12 = DELETE_TCB) to State.
var mibStates = [...]State{
	1: Closed, 2: Listen, 3: SynSent, 4: SynRecv, 5: Established, 6: FinWait1,
	7: FinWait2, 8: CloseWait, 9: Closing, 10: LastAck, 11: TimeWait, 12: Closed,
}

func mibState(v uint32) (State, error) {
	if v == 0 || v >= uint32(len(mibStates)) {
		return 0, fmt.Errorf("tcpstate: unknown MIB_TCP_STATE %d", v)
	}
	return mibStates[v], nil
}

func mibPort(b []byte) uint16 { return binary.BigEndian.Uint16(b) }

// ParseMIBTable decodes a MIB_TCPTABLE_OWNER_PID (v6 false) or a
// MIB_TCP6TABLE_OWNER_PID (v6 true). Sockets in CLOSED and DELETE_TCB are
// left out, as netstat does.
func ParseMIBTable(b []byte, v6 bool) ([]Socket, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("tcpstate: TCP table of %d bytes", len(b))
	}
	n := int(binary.LittleEndian.Uint32(b))
	rowLen, off := mibRow4Len, 4
	if v6 {
		rowLen = mibRow6Len
	}
	if n < 0 || n > (len(b)-off)/rowLen {
		return nil, fmt.Errorf("tcpstate: TCP table says %d rows but holds %d bytes", n, len(b))
	}
	out := make([]Socket, 0, n)
	le := binary.LittleEndian
	for i := range n {
		r := b[off+i*rowLen : off+(i+1)*rowLen]
		var s Socket
		var st uint32
		if v6 {
			l, rm := netip.AddrFrom16([16]byte(r[0:16])), netip.AddrFrom16([16]byte(r[24:40]))
			if z := le.Uint32(r[16:]); z != 0 && l.IsLinkLocalUnicast() {
				l = l.WithZone(fmt.Sprint(z))
			}
			s.Local = netip.AddrPortFrom(l.Unmap(), mibPort(r[20:]))
			s.Remote = netip.AddrPortFrom(rm.Unmap(), mibPort(r[44:]))
			st, s.PID = le.Uint32(r[48:]), int(le.Uint32(r[52:]))
		} else {
			st = le.Uint32(r[0:])
			s.Local = netip.AddrPortFrom(netip.AddrFrom4([4]byte(r[4:8])), mibPort(r[8:]))
			s.Remote = netip.AddrPortFrom(netip.AddrFrom4([4]byte(r[12:16])), mibPort(r[16:]))
			s.PID = int(le.Uint32(r[20:]))
		}
		state, err := mibState(st)
		if err != nil {
			return out, fmt.Errorf("row %d: %w", i, err)
		}
		if state == Closed {
			continue
		}
		s.State = state
		if s.State == Listen {
			s.Remote = netip.AddrPortFrom(unspecifiedLike(s.Local.Addr()), 0)
		}
		out = append(out, s)
	}
	return out, nil
}

// unspecifiedLike is 0.0.0.0 or :: as a's family.
func unspecifiedLike(a netip.Addr) netip.Addr {
	if a.Is6() {
		return netip.IPv6Unspecified()
	}
	return netip.IPv4Unspecified()
}
