package tcpstate

import (
	"encoding/binary"
	"net/netip"
	"os"
	"strings"
	"testing"
)

func loadSample(t *testing.T, name string) []Socket {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Recorded on x86-64: little-endian words.
	socks, err := ParseProcNet(f, binary.LittleEndian)
	if err != nil {
		t.Fatal(err)
	}
	return socks
}

func find(socks []Socket, local, remote string) (Socket, bool) {
	l, r := netip.MustParseAddrPort(local), netip.MustParseAddrPort(remote)
	for _, s := range socks {
		if s.Local == l && s.Remote == r {
			return s, true
		}
	}
	return Socket{}, false
}

// The sample was recorded with a listener on 127.0.0.1:47001 and three
// clients: one open, one closed by the client only (FIN_WAIT2 / CLOSE_WAIT),
// one closed by both (TIME_WAIT).
func TestParseRecordedIPv4(t *testing.T) {
	socks := loadSample(t, "proc_net_tcp.txt")
	if len(socks) != 10 {
		t.Fatalf("got %d sockets, want 10", len(socks))
	}
	cases := []struct {
		local, remote string
		state         State
		inode         uint64
	}{
		{"127.0.0.1:47001", "0.0.0.0:0", Listen, 26742},
		{"127.0.0.1:47684", "127.0.0.1:47001", Established, 26749},
		{"127.0.0.1:47692", "127.0.0.1:47001", FinWait2, 0},
		{"127.0.0.1:47706", "127.0.0.1:47001", TimeWait, 0},
		{"127.0.0.1:47001", "127.0.0.1:47692", CloseWait, 26751},
		{"192.0.2.2:51798", "203.0.113.80:80", TimeWait, 0},
	}
	for _, c := range cases {
		s, ok := find(socks, c.local, c.remote)
		if !ok {
			t.Errorf("%s -> %s not found", c.local, c.remote)
			continue
		}
		if s.State != c.state || s.Inode != c.inode {
			t.Errorf("%s -> %s: state %v inode %d, want %v %d", c.local, c.remote, s.State, s.Inode, c.state, c.inode)
		}
	}
	cw, _ := find(socks, "127.0.0.1:47001", "127.0.0.1:47692")
	if cw.RxQueue != 1 || cw.TxQueue != 0 {
		t.Errorf("CLOSE_WAIT queues tx=%d rx=%d, want 0 1", cw.TxQueue, cw.RxQueue)
	}
}

func TestParseRecordedIPv6(t *testing.T) {
	socks := loadSample(t, "proc_net_tcp6.txt")
	if len(socks) != 3 {
		t.Fatalf("got %d sockets, want 3", len(socks))
	}
	if s, ok := find(socks, "[::1]:47002", "[::]:0"); !ok || s.State != Listen || s.Inode != 26747 {
		t.Errorf("listener: %+v %v", s, ok)
	}
	if s, ok := find(socks, "[::1]:50700", "[::1]:47002"); !ok || s.State != Established {
		t.Errorf("client: %+v %v", s, ok)
	}
}

func TestParseMappedAndBigEndian(t *testing.T) {
	// ::ffff:127.0.0.1 port 8080, as a little-endian kernel prints it.
	le := "0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D431 01 00000000:00000000 00:00000000 00000000 1000 0 4242 1\n"
	socks, err := ParseProcNet(strings.NewReader(le), binary.LittleEndian)
	if err != nil || len(socks) != 1 {
		t.Fatalf("%v %v", socks, err)
	}
	if got := socks[0].Local.String(); got != "127.0.0.1:8080" {
		t.Errorf("mapped local = %s", got)
	}
	if socks[0].UID != 1000 || socks[0].Inode != 4242 {
		t.Errorf("uid/inode = %d/%d", socks[0].UID, socks[0].Inode)
	}
	// The same address on a big-endian kernel reads in network order.
	be := "0: 7F000001:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 7 1\n"
	socks, err = ParseProcNet(strings.NewReader(be), binary.BigEndian)
	if err != nil || socks[0].Local.String() != "127.0.0.1:80" {
		t.Fatalf("big-endian: %v %v", socks, err)
	}
}

func TestParseErrors(t *testing.T) {
	bad := []string{
		"0: 0100007F:1F90 00000000:0000 0A\n",                                                    // too short
		"0: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n",          // no port
		"0: 0100007:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n",      // odd hex
		"0: 0100007F:1F90 00000000:0000 ZZ 00000000:00000000 00:00000000 00000000 0 0 1 1\n",     // state
		"0: 0100007F:1F90 00000000:0000 0A 0000000000000000 00:00000000 00000000 0 0 1 1\n",      // queues
		"0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 x 0 1 1\n",     // uid
		"0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 -1 1\n",    // inode
		"0: 0100007F:1FFFF 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n",    // port range
		"0: 0100007F0100:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n", // 6 bytes
	}
	for _, b := range bad {
		if _, err := ParseProcNet(strings.NewReader(b), binary.LittleEndian); err == nil {
			t.Errorf("no error for %q", b)
		}
	}
}

func TestStateNames(t *testing.T) {
	want := map[State]string{Listen: "LISTEN", SynSent: "SYN_SENT", FinWait1: "FIN_WAIT1", TimeWait: "TIME_WAIT", LastAck: "LAST_ACK", Closing: "CLOSING", CloseWait: "CLOSE_WAIT", State(99): "STATE(99)"}
	for s, n := range want {
		if s.String() != n {
			t.Errorf("%d: %s, want %s", s, s, n)
		}
	}
}

func TestSocketInode(t *testing.T) {
	if n, ok := socketInode("socket:[12345]"); runtimeHasProc && (!ok || n != 12345) {
		t.Errorf("socket link: %d %v", n, ok)
	}
	for _, s := range []string{"pipe:[1]", "socket:[x]", "socket:[1", "/dev/null"} {
		if _, ok := socketInode(s); ok {
			t.Errorf("%q accepted", s)
		}
	}
}

func FuzzParseProcNet(f *testing.F) {
	for _, n := range []string{"proc_net_tcp.txt", "proc_net_tcp6.txt"} {
		b, err := os.ReadFile("testdata/" + n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		socks, _ := ParseProcNet(strings.NewReader(s), binary.LittleEndian)
		for _, so := range socks {
			if !so.Local.IsValid() || so.State == 0 {
				t.Fatalf("invalid socket accepted: %+v", so)
			}
		}
	})
}
