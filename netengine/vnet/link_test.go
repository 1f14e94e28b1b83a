package vnet

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

// sink is a port that counts what arrives.
type sink struct {
	portBase
	n int
}

func (s *sink) MACString() string { return "" }
func (s *sink) deliver(f *frame)  { s.n++; putFrame(f) }

func newSink(name string) *sink { s := &sink{}; s.name = name; return s }

// TestHotPathAllocs: switching a frame across two links, with both
// crossings captured into the ring, allocates nothing.
func TestHotPathAllocs(t *testing.T) {
	n := New(Options{CaptureFrames: 1024, CaptureBytes: 1 << 20})
	sw := n.AddSwitch("sw")
	a, b := newSink("a"), newSink("b")
	la, _ := n.Link(a, sw.Port(), "a-sw")
	n.Link(b, sw.Port(), "b-sw")
	frame := func(dst, src byte) *frame {
		f := getFrame(1514)
		copy(f.b, []byte{2, 0, 0, 0, 0, dst, 2, 0, 0, 0, 0, src, 8, 0})
		return f
	}
	// teach the switch where b is, so a's frames to b are not flooded
	n.LinkNamed("b-sw").send(b, frame(0xa, 0xb))
	allocs := testing.AllocsPerRun(1000, func() { la.send(a, frame(0xb, 0xa)) })
	if allocs != 0 {
		t.Fatalf("%.1f allocations per switched frame, want 0", allocs)
	}
	if b.n < 1000 || n.LastSeq() < 2000 {
		t.Fatalf("b got %d frames, %d captured", b.n, n.LastSeq())
	}
}

func TestImpairmentDuplicateAndDrop(t *testing.T) {
	n := New(Options{})
	a, b := newSink("a"), newSink("b")
	l, _ := n.Link(a, b, "")
	if l.Name() != "a-b" {
		t.Fatalf("default link name %q", l.Name())
	}
	l.SetImpairment(Impairment{Duplicate: 100})
	l.send(a, getFrame(60))
	if b.n != 2 || n.LastSeq() != 2 || l.Stats().Duplicated != 1 {
		t.Fatalf("duplicate: %d delivered, %d captured, %+v", b.n, n.LastSeq(), l.Stats())
	}
	l.SetImpairment(Impairment{DropPercent: 50})
	for i := 0; i < 1000; i++ {
		l.send(a, getFrame(60))
	}
	if d := l.Stats().Dropped; d < 400 || d > 600 {
		t.Fatalf("50%% drop dropped %d of 1000", d)
	}
	dropped := 0
	for _, f := range n.Frames(2, 0) {
		if f.Dropped {
			dropped++
		}
	}
	if uint64(dropped) != l.Stats().Dropped {
		t.Fatalf("%d frames marked dropped, %d counted", dropped, l.Stats().Dropped)
	}
}

// TestImpairmentDelay: a delayed frame is captured when sent and arrives
// later, once.
func TestImpairmentDelay(t *testing.T) {
	n := New(Options{})
	a := newSink("a")
	got := make(chan struct{}, 4)
	b := &notify{ch: got}
	b.name = "b"
	l, _ := n.Link(a, b, "")
	l.SetImpairment(Impairment{Delay: 20 * time.Millisecond})
	l.send(a, getFrame(60))
	if n.LastSeq() != 1 {
		t.Fatalf("%d frames captured at send, want 1", n.LastSeq())
	}
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the delayed frame never arrived")
	}
	if n.LastSeq() != 1 || len(got) != 0 {
		t.Fatalf("captured %d, extra deliveries %d", n.LastSeq(), len(got))
	}
}

type notify struct {
	portBase
	ch chan struct{}
}

func (s *notify) MACString() string { return "" }
func (s *notify) deliver(f *frame)  { putFrame(f); s.ch <- struct{}{} }

func TestLinkErrors(t *testing.T) {
	n := New(Options{})
	a, b, c := newSink("a"), newSink("b"), newSink("c")
	if _, err := n.Link(a, a, ""); err == nil {
		t.Fatal("a link from a port to itself was accepted")
	}
	n.Link(a, b, "x")
	if _, err := n.Link(a, c, "y"); err == nil || !strings.Contains(err.Error(), "already has a link") {
		t.Fatalf("second link on a port: %v", err)
	}
	if _, err := n.Link(c, newSink("d"), "x"); err == nil {
		t.Fatal("a duplicate link name was accepted")
	}
}

func TestSetAddrRoutes(t *testing.T) {
	n := classroom(t)
	pc1 := n.Host("pc1")
	if !pc1.HasDefaultRoute() {
		t.Fatal("pc1 has no default route in the classroom")
	}
	// a /29 puts the gateway 192.168.1.1 outside pc1's subnet: no default route
	if err := pc1.SetAddr(netip.MustParsePrefix("192.168.1.10/29"), ClassroomGateway); err != nil {
		t.Fatal(err)
	}
	if pc1.HasDefaultRoute() || pc1.Addr().String() != "192.168.1.10/29" {
		t.Fatalf("after /29: default route %v, addr %s", pc1.HasDefaultRoute(), pc1.Addr())
	}
	for _, bad := range []string{"192.168.1.0/24", "192.168.1.255/24", "fd00::1/64"} {
		if err := pc1.SetAddr(netip.MustParsePrefix(bad), ClassroomGateway); err == nil {
			t.Errorf("SetAddr(%s) accepted", bad)
		}
	}
	if err := pc1.SetAddr(netip.MustParsePrefix("192.168.1.10/24"), ClassroomGateway); err != nil || !pc1.HasDefaultRoute() {
		t.Fatalf("back to /24: %v, default route %v", err, pc1.HasDefaultRoute())
	}
	serveHTTP(t, n.Host("server"), 80, "ok")
	if got := get(t, pc1, netip.AddrPortFrom(ClassroomServer, 80)); !strings.Contains(got, "ok") {
		t.Fatalf("after restoring the address: %q", got)
	}
}

func TestRouterConfigErrors(t *testing.T) {
	n := New(Options{})
	for _, cfg := range []RouterConfig{
		{Name: "r", Ifaces: []RouterIfaceConfig{{Name: "a", Addr: netip.MustParsePrefix("10.0.0.1/24")}}},
		{Name: "r", Ifaces: []RouterIfaceConfig{{Name: "a", Addr: netip.MustParsePrefix("10.0.0.1/24")}, {Name: "b", Addr: netip.MustParsePrefix("10.0.0.2/16")}}},
		{Name: "r", NAT: "c", Ifaces: []RouterIfaceConfig{{Name: "a", Addr: netip.MustParsePrefix("10.0.0.1/24")}, {Name: "b", Addr: netip.MustParsePrefix("10.1.0.1/24")}}},
	} {
		if _, err := n.AddRouter(cfg); err == nil {
			t.Errorf("AddRouter(%+v) accepted", cfg)
		}
	}
}

// TestIPv6 carries an HTTP exchange between two hosts over IPv6 (neighbour
// discovery through the switch instead of ARP).
func TestIPv6(t *testing.T) {
	n := New(Options{})
	t.Cleanup(func() { n.Close() })
	sw := n.AddSwitch("sw")
	a, err := n.AddHost(HostConfig{Name: "a", Addr: netip.MustParsePrefix("10.9.0.1/24"), Addr6: netip.MustParsePrefix("fd00::1/64")})
	if err != nil {
		t.Fatal(err)
	}
	b, err := n.AddHost(HostConfig{Name: "b", Addr: netip.MustParsePrefix("10.9.0.2/24"), Addr6: netip.MustParsePrefix("fd00::2/64")})
	if err != nil {
		t.Fatal(err)
	}
	n.Link(a.Port(), sw.Port(), "")
	n.Link(b.Port(), sw.Port(), "")
	l, err := b.ListenTCP6(80)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		var req []byte // read the whole request first: closing with it unread would reset
		buf := make([]byte, 512)
		for !strings.Contains(string(req), "\r\n\r\n") {
			k, err := c.Read(buf)
			if err != nil {
				return
			}
			req = append(req, buf[:k]...)
		}
		c.Write([]byte("HTTP/1.0 200 OK\r\n\r\nover IPv6"))
	}()
	if got := get(t, a, netip.MustParseAddrPort("[fd00::2]:80")); !strings.Contains(got, "over IPv6") {
		t.Fatalf("got %q", got)
	}
	var ndp, v6 bool
	for _, f := range n.Frames(0, 0) {
		if len(f.Data) > 14 && f.Data[12] == 0x86 && f.Data[13] == 0xdd {
			v6 = true
			if len(f.Data) > 54 && f.Data[20] == 58 && f.Data[54] == 135 { // ICMPv6 neighbour solicitation
				ndp = true
			}
		}
	}
	if !v6 || !ndp {
		t.Fatalf("IPv6 frames %v, neighbour solicitation %v", v6, ndp)
	}
}
