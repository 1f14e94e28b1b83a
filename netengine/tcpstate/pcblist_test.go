package tcpstate

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

// Record sizes of macOS 14 (x86-64 and arm64 alike); xtcpcb_n is given a
// length that is not a multiple of 8 to check the padding rule.
const (
	lenXinpcb   = 112
	lenXsocket  = 112
	lenXsockbuf = 32
	lenXsockst  = 136
	lenXtcpcb   = 236
)

var le = binary.LittleEndian

func xrecord(n int, kind uint32) []byte {
	b := make([]byte, (n+7)&^7)
	le.PutUint32(b, uint32(n))
	le.PutUint32(b[4:], kind)
	return b
}

// pcb builds the six records sysctl net.inet.tcp.pcblist_n returns for one
// connection, laid out as in xnu's headers.
func pcb(local, remote string, bsdState uint32, pid int32) []byte {
	l, r := netip.MustParseAddrPort(local), netip.MustParseAddrPort(remote)
	in := xrecord(lenXinpcb, xsoInpcb)
	binary.BigEndian.PutUint16(in[16:], r.Port())
	binary.BigEndian.PutUint16(in[18:], l.Port())
	if l.Addr().Is4() {
		in[48] = inpIPv4
		la, ra := l.Addr().As4(), r.Addr().As4()
		copy(in[64:], ra[:])
		copy(in[80:], la[:])
	} else {
		in[48] = inpIPv6
		la, ra := l.Addr().As16(), r.Addr().As16()
		copy(in[52:], ra[:])
		copy(in[68:], la[:])
	}
	so := xrecord(lenXsocket, xsoSocket)
	le.PutUint32(so[68:], 501)
	le.PutUint32(so[72:], uint32(pid))
	tc := xrecord(lenXtcpcb, xsoTcpcb)
	le.PutUint32(tc[36:], bsdState)
	b := append(in, so...)
	b = append(b, xrecord(lenXsockbuf, 0x002)...)
	b = append(b, xrecord(lenXsockbuf, 0x004)...)
	b = append(b, xrecord(lenXsockst, 0x008)...)
	return append(b, tc...)
}

func xinpgen(count int) []byte {
	b := make([]byte, xinpgenLen)
	le.PutUint32(b, xinpgenLen)
	le.PutUint32(b[4:], uint32(count))
	le.PutUint64(b[8:], 77)
	return b
}

func pcbList(pcbs ...[]byte) []byte {
	b := xinpgen(len(pcbs))
	for _, p := range pcbs {
		b = append(b, p...)
	}
	return append(b, xinpgen(len(pcbs))...)
}

func TestParsePCBList(t *testing.T) {
	b := pcbList(
		pcb("0.0.0.0:8080", "0.0.0.0:0", 1, 600),
		pcb("127.0.0.1:8080", "127.0.0.1:50001", 4, 600),
		pcb("127.0.0.1:50001", "127.0.0.1:8080", 9, 600),
		pcb("127.0.0.1:8080", "127.0.0.1:50002", 5, 600),
		pcb("[::1]:50003", "[::1]:8080", 10, 0),
		pcb("[::1]:50004", "[::1]:8080", 0, 0), // CLOSED: left out
		pcb("[::ffff:127.0.0.1]:50005", "[::ffff:127.0.0.1]:8080", 8, 601),
	)
	socks, err := ParsePCBList(b, binary.LittleEndian)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		l, r string
		st   State
		pid  int
	}{
		{"0.0.0.0:8080", "0.0.0.0:0", Listen, 600},
		{"127.0.0.1:8080", "127.0.0.1:50001", Established, 600},
		{"127.0.0.1:50001", "127.0.0.1:8080", FinWait2, 600},
		{"127.0.0.1:8080", "127.0.0.1:50002", CloseWait, 600},
		{"[::1]:50003", "[::1]:8080", TimeWait, 0},
		{"127.0.0.1:50005", "127.0.0.1:8080", LastAck, 601},
	}
	if len(socks) != len(want) {
		t.Fatalf("%d sockets, want %d: %+v", len(socks), len(want), socks)
	}
	for i, w := range want {
		s := socks[i]
		if s.Local.String() != w.l || s.Remote.String() != w.r || s.State != w.st || s.PID != w.pid || s.UID != 501 {
			t.Errorf("pcb %d: %v %v %v pid %d uid %d, want %+v", i, s.Local, s.Remote, s.State, s.PID, s.UID, w)
		}
	}
	for st := range bsdStates {
		if st != 0 && bsdStates[st] == 0 {
			t.Errorf("BSD state %d unnamed", st)
		}
	}
}

func TestParsePCBListErrors(t *testing.T) {
	good := pcbList(pcb("127.0.0.1:1", "127.0.0.1:2", 4, 1))
	badState := pcbList(pcb("127.0.0.1:1", "127.0.0.1:2", 11, 1))
	noFamily := pcbList(pcb("127.0.0.1:1", "127.0.0.1:2", 4, 1))
	noFamily[xinpgenLen+48] = 0
	badLen := append([]byte(nil), good...)
	le.PutUint32(badLen[xinpgenLen:], 4)
	for name, b := range map[string][]byte{
		"empty":     nil,
		"header":    good[:10],
		"truncated": good[:xinpgenLen+200],
		"state":     badState,
		"family":    noFamily,
		"length":    badLen,
	} {
		if _, err := ParsePCBList(b, binary.LittleEndian); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if socks, err := ParsePCBList(pcbList(), binary.LittleEndian); err != nil || len(socks) != 0 {
		t.Errorf("empty table: %v %v", socks, err)
	}
}

func FuzzParsePCBList(f *testing.F) {
	f.Add(pcbList(pcb("127.0.0.1:1", "127.0.0.1:2", 4, 1), pcb("[::1]:1", "[::1]:2", 10, 1)))
	f.Fuzz(func(t *testing.T, b []byte) { ParsePCBList(b, binary.LittleEndian) })
}
