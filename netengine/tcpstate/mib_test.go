package tcpstate

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

// mibRow4 builds a MIB_TCPROW_OWNER_PID as Windows lays it out.
func mibRow4(state uint32, local, remote string, pid uint32) []byte {
	l, r := netip.MustParseAddrPort(local), netip.MustParseAddrPort(remote)
	b := make([]byte, mibRow4Len)
	le := binary.LittleEndian
	le.PutUint32(b[0:], state)
	la, ra := l.Addr().As4(), r.Addr().As4()
	copy(b[4:], la[:])
	binary.BigEndian.PutUint16(b[8:], l.Port())
	b[10], b[11] = 0xAB, 0xCD // the high half of the port DWORD is not the port
	copy(b[12:], ra[:])
	binary.BigEndian.PutUint16(b[16:], r.Port())
	le.PutUint32(b[20:], pid)
	return b
}

func mibRow6(state uint32, local, remote string, pid uint32) []byte {
	l, r := netip.MustParseAddrPort(local), netip.MustParseAddrPort(remote)
	b := make([]byte, mibRow6Len)
	le := binary.LittleEndian
	la, ra := l.Addr().As16(), r.Addr().As16()
	copy(b[0:], la[:])
	binary.BigEndian.PutUint16(b[20:], l.Port())
	copy(b[24:], ra[:])
	binary.BigEndian.PutUint16(b[44:], r.Port())
	le.PutUint32(b[48:], state)
	le.PutUint32(b[52:], pid)
	return b
}

func mibTable(rows ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(rows)))
	for _, r := range rows {
		b = append(b, r...)
	}
	return b
}

// A table as netstat -ano shows it: a listener, both ends of a connection,
// a half-closed pair, a TIME_WAIT and a CLOSED row netstat leaves out.
func TestParseMIBTable(t *testing.T) {
	b := mibTable(
		mibRow4(2, "0.0.0.0:8080", "0.0.0.0:4660", 4242),
		mibRow4(5, "127.0.0.1:8080", "127.0.0.1:50001", 4242),
		mibRow4(5, "127.0.0.1:50001", "127.0.0.1:8080", 4242),
		mibRow4(7, "127.0.0.1:50002", "127.0.0.1:8080", 17),
		mibRow4(8, "127.0.0.1:8080", "127.0.0.1:50002", 4242),
		mibRow4(11, "127.0.0.1:50003", "127.0.0.1:8080", 0),
		mibRow4(1, "127.0.0.1:50004", "127.0.0.1:8080", 0),
	)
	socks, err := ParseMIBTable(b, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		l, r string
		st   State
		pid  int
	}{
		{"0.0.0.0:8080", "0.0.0.0:0", Listen, 4242},
		{"127.0.0.1:8080", "127.0.0.1:50001", Established, 4242},
		{"127.0.0.1:50001", "127.0.0.1:8080", Established, 4242},
		{"127.0.0.1:50002", "127.0.0.1:8080", FinWait2, 17},
		{"127.0.0.1:8080", "127.0.0.1:50002", CloseWait, 4242},
		{"127.0.0.1:50003", "127.0.0.1:8080", TimeWait, 0},
	}
	if len(socks) != len(want) {
		t.Fatalf("%d sockets, want %d: %+v", len(socks), len(want), socks)
	}
	for i, w := range want {
		s := socks[i]
		if s.Local.String() != w.l || s.Remote.String() != w.r || s.State != w.st || s.PID != w.pid {
			t.Errorf("row %d: %v %v %v pid %d, want %+v", i, s.Local, s.Remote, s.State, s.PID, w)
		}
	}
	// Every MIB_TCP_STATE has a name.
	for v := uint32(1); v <= 12; v++ {
		if _, err := mibState(v); err != nil {
			t.Error(err)
		}
	}
}

func TestParseMIBTable6(t *testing.T) {
	b := mibTable(
		mibRow6(2, "[::]:8080", "[::]:0", 9),
		mibRow6(10, "[::1]:8080", "[::1]:50010", 9),
		mibRow6(3, "[::ffff:127.0.0.1]:50011", "[::ffff:127.0.0.1]:8080", 9),
	)
	socks, err := ParseMIBTable(b, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(socks) != 3 || socks[0].State != Listen || socks[1].State != LastAck || socks[1].Remote.String() != "[::1]:50010" ||
		socks[2].State != SynSent || socks[2].Local.String() != "127.0.0.1:50011" || socks[2].PID != 9 {
		t.Fatalf("%+v", socks)
	}
}

func TestParseMIBTableErrors(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":      nil,
		"short":      mibTable(mibRow4(5, "1.2.3.4:1", "1.2.3.4:2", 1))[:20],
		"bad state":  mibTable(mibRow4(13, "1.2.3.4:1", "1.2.3.4:2", 1)),
		"zero state": mibTable(mibRow4(0, "1.2.3.4:1", "1.2.3.4:2", 1)),
		"huge count": binary.LittleEndian.AppendUint32(nil, 1<<31),
	} {
		if _, err := ParseMIBTable(b, false); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzParseMIBTable(f *testing.F) {
	f.Add(mibTable(mibRow4(5, "127.0.0.1:1", "127.0.0.1:2", 3)), false)
	f.Add(mibTable(mibRow6(5, "[::1]:1", "[::1]:2", 3)), true)
	f.Fuzz(func(t *testing.T, b []byte, v6 bool) {
		ParseMIBTable(b, v6)
	})
}
