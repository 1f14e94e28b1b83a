package tcpstate

import (
	"encoding/binary"
	"net/netip"
	"os"
	"testing"
)

// testdata/netlink_inet4.bin is a sock_diag answer recorded on x86-64 (the
// messages about port 47011 and the final NLMSG_DONE): a listener on
// 127.0.0.1:47011, an ESTABLISHED connection, and two closed clients no
// process holds any more (FIN_WAIT1 and TIME_WAIT, inode 0).
func TestParseDiagRecorded(t *testing.T) {
	b, err := os.ReadFile("testdata/netlink_inet4.bin")
	if err != nil {
		t.Fatal(err)
	}
	socks, done, err := ParseDiag(b, binary.LittleEndian)
	if err != nil || !done {
		t.Fatalf("done=%v err=%v", done, err)
	}
	count := map[State]int{}
	for _, s := range socks {
		count[s.State]++
		if s.Local.Port() != 47011 && s.Remote.Port() != 47011 {
			t.Errorf("unexpected socket %+v", s)
		}
		if !s.Local.Addr().IsLoopback() {
			t.Errorf("local %v", s.Local)
		}
		orphan := s.State == TimeWait || s.State == FinWait1 || s.State == FinWait2
		if orphan != (s.Inode == 0) {
			t.Errorf("%v with inode %d", s.State, s.Inode)
		}
		if s.State == Listen && (s.Remote.Port() != 0 || s.Local.String() != "127.0.0.1:47011") {
			t.Errorf("listener %+v", s)
		}
	}
	if count[Listen] != 1 || count[Established] != 1 || count[FinWait1] != 1 || count[TimeWait] != 1 || len(socks) != 4 {
		t.Fatalf("states %v", count)
	}
}

func TestParseDiagErrors(t *testing.T) {
	msg := func(typ uint16, payload []byte) []byte {
		b := make([]byte, nlmsgHdrLen+len(payload))
		binary.LittleEndian.PutUint32(b, uint32(len(b)))
		binary.LittleEndian.PutUint16(b[4:], typ)
		copy(b[nlmsgHdrLen:], payload)
		return b
	}
	// An error message with errno EPERM (1) as -1.
	perm := make([]byte, 4)
	binary.LittleEndian.PutUint32(perm, uint32(0xffffffff))
	if _, done, err := ParseDiag(msg(nlmsgError, perm), binary.LittleEndian); err == nil || !done {
		t.Error("netlink error not reported")
	}
	if _, _, err := ParseDiag(msg(sockDiagByFam, make([]byte, 10)), binary.LittleEndian); err == nil {
		t.Error("short inet_diag_msg accepted")
	}
	bad := make([]byte, inetDiagMsgLen)
	bad[0], bad[1] = 99, 1
	if _, _, err := ParseDiag(msg(sockDiagByFam, bad), binary.LittleEndian); err == nil {
		t.Error("unknown family accepted")
	}
	b := msg(nlmsgDone, nil)
	binary.LittleEndian.PutUint32(b, 999)
	if _, _, err := ParseDiag(b, binary.LittleEndian); err == nil {
		t.Error("bad length accepted")
	}
	// IPv6 message, v4-mapped addresses come out as IPv4.
	v6 := make([]byte, inetDiagMsgLen)
	v6[0], v6[1] = afInet6, byte(Established)
	binary.BigEndian.PutUint16(v6[4:], 8080)
	copy(v6[8:], []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1})
	v6[24+15] = 1 // ::1
	binary.LittleEndian.PutUint32(v6[68:], 77)
	socks, _, err := ParseDiag(append(msg(sockDiagByFam, v6), msg(nlmsgDone, nil)...), binary.LittleEndian)
	if err != nil || len(socks) != 1 || socks[0].Local.String() != "127.0.0.1:8080" || socks[0].Remote.String() != "[::1]:0" || socks[0].Inode != 77 {
		t.Fatalf("%+v %v", socks, err)
	}
	if r := diagRequest(afInet, 7, allStates); len(r) != nlmsgHdrLen+inetDiagReqLen || r[16] != afInet || r[17] != 6 {
		t.Errorf("request %x", r)
	}
	k := Key{netip.MustParseAddrPort("127.0.0.1:80"), netip.MustParseAddrPort("127.0.0.1:5000")}
	if l := diagLookup(k, 1); binary.BigEndian.Uint16(l[24:]) != 80 || binary.BigEndian.Uint16(l[26:]) != 5000 || l[28] != 127 || l[44] != 127 {
		t.Errorf("lookup %x", l)
	}
	enoent := make([]byte, 4)
	binary.LittleEndian.PutUint32(enoent, uint32(0xfffffffe)) // -2
	if _, _, err := ParseDiag(msg(nlmsgError, enoent), binary.LittleEndian); err != errNoSocket {
		t.Errorf("ENOENT: %v", err)
	}
}
