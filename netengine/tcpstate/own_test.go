package tcpstate

import (
	"net/netip"
	"testing"
	"time"
)

func TestRegistryLifecycle(t *testing.T) {
	r := NewRegistry()
	t0 := time.Unix(1000, 0)
	now := t0
	r.now = func() time.Time { return now }
	local := netip.MustParseAddrPort("[::ffff:127.0.0.1]:40000")
	remote := netip.MustParseAddrPort("127.0.0.1:8080")
	k := Key{netip.MustParseAddrPort("127.0.0.1:40000"), remote}

	r.Listening(netip.MustParseAddrPort("0.0.0.0:8080"), "TCP server :8080")
	r.Dialed(local, remote, "client 1", 300*time.Microsecond)
	v0 := r.Version()
	now = now.Add(time.Second)
	r.Event(local, remote, EventPeerFIN)
	now = now.Add(time.Second)
	r.Closed(local, remote, ReasonLocal)
	if r.Version() == v0 {
		t.Fatal("version did not change")
	}
	c, ok := r.Lookup(k)
	if !ok {
		t.Fatalf("connection not found under its unmapped key %v", k)
	}
	if c.Label != "client 1" || c.Handshake != 300*time.Microsecond || !c.Opened.Equal(t0) || c.Open() ||
		!c.Closed.Equal(t0.Add(2*time.Second)) || c.Reason != ReasonLocal || len(c.Events) != 1 || c.Events[0].Event != EventPeerFIN {
		t.Fatalf("got %+v", c)
	}
	lk := Key{netip.MustParseAddrPort("0.0.0.0:8080"), netip.MustParseAddrPort("0.0.0.0:0")}
	l, ok := r.Lookup(lk)
	if !ok || !l.Listener || l.Label != "TCP server :8080" || !l.Open() {
		t.Fatalf("listener: %+v %v", l, ok)
	}
	// Events after closing are ignored; reopening the same pair is a new connection.
	r.Event(local, remote, EventReset)
	if c, _ := r.Lookup(k); len(c.Events) != 1 {
		t.Fatalf("event recorded after close: %+v", c.Events)
	}
	now = now.Add(time.Minute)
	r.Opened(local, remote, "client 1 again")
	if c, _ := r.Lookup(k); !c.Open() || !c.Opened.Equal(now) || len(c.Events) != 0 || c.Handshake != 0 {
		t.Fatalf("reopened: %+v", c)
	}
	if got := r.Label(k); got != "client 1 again" {
		t.Fatalf("label %q", got)
	}
	r.Closed(netip.MustParseAddrPort("0.0.0.0:8080"), netip.AddrPort{}, ReasonLocal)
	r.Forget()
	if cs := r.Conns(); len(cs) != 1 || cs[0].Key != k {
		t.Fatalf("after Forget: %+v", cs)
	}
}

func TestRegistryBounded(t *testing.T) {
	r := NewRegistry()
	r.max = 10
	for i := range 30 {
		a := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(10000+i))
		b := netip.MustParseAddrPort("127.0.0.1:80")
		r.Opened(a, b, "c")
		if i%2 == 0 {
			r.Closed(a, b, ReasonPeer)
		}
	}
	cs := r.Conns()
	if len(cs) > 10 {
		t.Fatalf("%d connections kept, want at most 10", len(cs))
	}
	open := 0
	for _, c := range cs {
		if c.Open() {
			open++
		}
	}
	if open < len(cs)-1 {
		t.Fatalf("closed ones should go first: %d open kept of %d", open, len(cs))
	}
}

// What a connection costs the registry when nobody looks: one Opened and
// one Closed.
func BenchmarkRegistryOpenClose(b *testing.B) {
	r := NewRegistry()
	remote := netip.MustParseAddrPort("127.0.0.1:8080")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(1024+i%60000))
		r.Opened(l, remote, "client")
		r.Closed(l, remote, ReasonLocal)
	}
}
