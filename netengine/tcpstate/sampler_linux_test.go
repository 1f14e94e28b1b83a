//go:build linux

package tcpstate

import (
	"net"
	"net/netip"
	"testing"
	"time"
)

func addrPort(a net.Addr) netip.AddrPort { return a.(*net.TCPAddr).AddrPort() }

// waitState samples until the connection k reaches st, for at most 5 s.
func waitState(t *testing.T, s *Sampler, k Key, st State) Conn {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if err := s.Sample(); err != nil {
			t.Fatal(err)
		}
		if c, ok := s.Lookup(k); ok && c.State() == st {
			return c
		}
		time.Sleep(2 * time.Millisecond)
	}
	c, _ := s.Lookup(k)
	t.Fatalf("%v never reached %v; timeline %v", k, st, states(c))
	return c
}

// A real loopback connection that the test closes itself: the client
// closes first (FIN_WAIT2), then the server (client TIME_WAIT, server gone).
func TestSamplerRealClose(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cli, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s := NewSampler(Options{Registry: NewRegistry()})
	ck := Key{addrPort(cli.LocalAddr()), addrPort(cli.RemoteAddr())}
	sk := Key{addrPort(srv.LocalAddr()), addrPort(srv.RemoteAddr())}
	lk := Key{addrPort(ln.Addr()), netip.AddrPortFrom(netip.IPv4Unspecified(), 0)}
	waitState(t, s, ck, Established)
	waitState(t, s, lk, Listen)
	waitState(t, s, sk, Established)

	cli.Close()
	waitState(t, s, ck, FinWait2)
	waitState(t, s, sk, CloseWait)
	srv.Close()
	c := waitState(t, s, ck, TimeWait)
	waitState(t, s, sk, Closed)

	var order []State
	for _, st := range states(c) {
		if st == Established || st == FinWait2 || st == TimeWait {
			order = append(order, st)
		}
	}
	if len(order) != 3 || order[0] != Established || order[1] != FinWait2 || order[2] != TimeWait {
		t.Fatalf("client timeline %v", states(c))
	}
	if c.Inode == 0 {
		t.Error("inode of the client socket not remembered")
	}
}

func TestSamplerRunsOnlyWhenStarted(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := NewSampler(Options{Interval: 5 * time.Millisecond, Registry: NewRegistry()})
	if s.Running() || len(s.Conns()) != 0 {
		t.Fatal("sampler works before Start")
	}
	s.Start()
	s.Start()
	lk := Key{addrPort(ln.Addr()), netip.AddrPortFrom(netip.IPv4Unspecified(), 0)}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := s.Lookup(lk); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("running sampler never saw the listener")
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.Stop()
	s.Stop()
	if s.Running() {
		t.Fatal("still running after Stop")
	}
	v := s.Version()
	ln.Close()
	time.Sleep(30 * time.Millisecond)
	if s.Version() != v {
		t.Fatal("stopped sampler kept sampling")
	}
}

// Half-close: the client shuts down its sending side only (FIN_WAIT2),
// the server sees EOF and stays open (CLOSE_WAIT), sends more, then closes
// (LAST_ACK, then gone; the client ends in TIME_WAIT).
func TestSamplerHalfClose(t *testing.T) {
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
	reg := NewRegistry()
	s := NewSampler(Options{Registry: reg})
	ck := Key{addrPort(cli.LocalAddr()), addrPort(cli.RemoteAddr())}
	sk := Key{addrPort(srv.LocalAddr()), addrPort(srv.RemoteAddr())}
	reg.Opened(sk.Local, sk.Remote, "TCP server")
	waitState(t, s, sk, Established)
	if c, _ := s.Lookup(sk); c.Label != "TCP server" {
		t.Fatalf("label %q", c.Label)
	}
	if err := cli.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, ck, FinWait2)
	waitState(t, s, sk, CloseWait)
	if _, err := srv.Write([]byte("more")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := cli.Read(buf); err != nil || string(buf) != "more" {
		t.Fatalf("read after half-close: %q %v", buf, err)
	}
	srv.Close()
	reg.Closed(sk.Local, sk.Remote, ReasonLocal)
	waitState(t, s, ck, TimeWait)
	c := waitState(t, s, sk, Closed)
	if !c.Sampled(CloseWait) || c.Reports[len(c.Reports)-1].Text != ReasonLocal {
		t.Fatalf("server timeline %v reports %+v", states(c), c.Reports)
	}
}

// Abort: SO_LINGER 0 makes Close send RST; both sides leave the table at
// once, with no TIME_WAIT, and still keep their timelines.
func TestSamplerReset(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cli, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s := NewSampler(Options{Registry: NewRegistry()})
	ck := Key{addrPort(cli.LocalAddr()), addrPort(cli.RemoteAddr())}
	sk := Key{addrPort(srv.LocalAddr()), addrPort(srv.RemoteAddr())}
	waitState(t, s, ck, Established)
	waitState(t, s, sk, Established)
	cli.(*net.TCPConn).SetLinger(0)
	cli.Close()
	c := waitState(t, s, ck, Closed)
	if c.Sampled(TimeWait) || c.Sampled(FinWait1) {
		t.Fatalf("reset client went through a close: %v", states(c))
	}
	srv.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := srv.Read(make([]byte, 1)); err == nil {
		t.Fatal("server read after RST succeeded")
	}
	srv.Close()
	waitState(t, s, sk, Closed)
}
