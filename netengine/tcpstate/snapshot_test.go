package tcpstate

import (
	"net"
	"net/netip"
	"os"
	"runtime"
	"testing"
	"time"
)

// The system's own table (sock_diag or /proc on Linux,
// GetExtendedTcpTable on Windows, pcblist_n on macOS) lists a listener
// and both ends of a loopback connection this test opens, with their
// states, and (where the source tells) this process as owner; the sampler
// counts them as NetLab's.
func TestSnapshotSeesOwnSockets(t *testing.T) {
	if !Available() {
		t.Skip("no TCP table on", runtime.GOOS)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cli, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	srv, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ap := func(a net.Addr) netip.AddrPort { return a.(*net.TCPAddr).AddrPort() }
	want := map[Key]State{
		{ap(ln.Addr()), netip.AddrPortFrom(netip.IPv4Unspecified(), 0)}: Listen,
		{ap(cli.LocalAddr()), ap(cli.RemoteAddr())}:                     Established,
		{ap(srv.LocalAddr()), ap(srv.RemoteAddr())}:                     Established,
	}
	socks, err := Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	found, byPID := 0, map[Key]bool{}
	for _, s := range socks {
		st, ok := want[s.Key()]
		if !ok {
			continue
		}
		found++
		if s.State != st {
			t.Errorf("%v: %v, want %v", s.Key(), s.State, st)
		}
		// wine reports 0 (unknown) for some sockets; Windows and macOS
		// give the owner.
		if s.PID != 0 && s.PID != os.Getpid() {
			t.Errorf("%v: owner pid %d, want %d", s.Key(), s.PID, os.Getpid())
		}
		byPID[s.Key()] = s.PID == os.Getpid()
	}
	if found != len(want) {
		t.Fatalf("found %d of %d sockets in a table of %d: %+v", found, len(want), len(socks), socks)
	}
	if runtime.GOOS != "linux" && len(byPID) > 0 {
		n := 0
		for _, ok := range byPID {
			if ok {
				n++
			}
		}
		if n == 0 {
			t.Error("no socket of this process carries its PID")
		}
	}
	// The sampler counts a socket as this process's by inode (Linux), by
	// PID (Windows, macOS), or because NetLab reported it (everywhere): the
	// server end is reported, as the workbench does.
	reg := NewRegistry()
	sk := Key{ap(srv.LocalAddr()), ap(srv.RemoteAddr())}
	reg.Opened(sk.Local, sk.Remote, "server")
	s := NewSampler(Options{Registry: reg})
	deadline := time.Now().Add(5 * time.Second)
	for {
		if err := s.Sample(); err != nil {
			t.Fatal(err)
		}
		if c, ok := s.Lookup(sk); (ok && c.Sampled(Established)) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for k := range want {
		if !(runtime.GOOS == "linux" || byPID[k] || k == sk) {
			continue
		}
		if c, ok := s.Lookup(k); !ok || !c.Mine || c.State() != want[k] {
			t.Errorf("sampler did not count %v as this process's: %+v", k, c)
		}
	}
}

func TestOwnSockets(t *testing.T) {
	if !Available() {
		t.Skip("no TCP table here")
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	socks, err := OwnSockets()
	if err != nil {
		t.Fatal(err)
	}
	lk := Key{ln.Addr().(*net.TCPAddr).AddrPort(), netip.AddrPortFrom(netip.IPv4Unspecified(), 0)}
	found := false
	for _, s := range socks {
		found = found || s.Key() == lk
	}
	// wine gives listening sockets PID 0: only real systems must list it
	if !found && !(runtime.GOOS == "windows" && len(socks) == 0) {
		t.Errorf("own listener %v not among %d own sockets", lk, len(socks))
	}
}
