package tcpstate

import (
	"net/netip"
	"testing"
	"time"
)

// A connection that opened and closed while nobody sampled still has a
// timeline from NetLab's reports, and says its handshake was not sampled.
func TestSamplerRegistryOnlyConnection(t *testing.T) {
	reg := NewRegistry()
	t0 := time.Unix(100, 0)
	now := t0
	reg.now = func() time.Time { return now }
	f := &fakeTable{own: map[uint64]bool{}, t: t0}
	s := newSampler(Options{Registry: reg}, f.snap, f.owned, f.now)
	l, r := netip.MustParseAddrPort("127.0.0.1:5000"), netip.MustParseAddrPort("127.0.0.1:8080")
	v := s.Version()
	reg.Dialed(l, r, "client 2", 400*time.Microsecond)
	if s.Version() == v {
		t.Fatal("a report did not change the sampler's version")
	}
	now = now.Add(20 * time.Millisecond)
	reg.Event(l, r, EventReset)
	reg.Closed(l, r, ReasonReset)
	cs := s.Conns()
	if len(cs) != 1 {
		t.Fatalf("%d conns", len(cs))
	}
	c := cs[0]
	if c.Label != "client 2" || !c.Mine || !c.Gone() || !c.HandshakeUnsampled() {
		t.Fatalf("conn %+v", c)
	}
	if got := states(c); len(got) != 2 || got[0] != Established || got[1] != Closed || !c.Timeline[0].Reported || !c.Timeline[1].Reported {
		t.Fatalf("timeline %+v", c.Timeline)
	}
	if len(c.Reports) != 2 || c.Reports[0].Event != EventReset || c.Reports[1].Text != ReasonReset {
		t.Fatalf("reports %+v", c.Reports)
	}
}

// The sampler's states win over the report; a report that came before the
// first sample moves the start of the first state back to it.
func TestSamplerMergesReportWithSamples(t *testing.T) {
	reg := NewRegistry()
	t0 := time.Unix(0, 0)
	reg.now = func() time.Time { return t0 }
	mine := sock("127.0.0.1:5000", "127.0.0.1:80", Established, 0) // no inode: known only from the report
	cw := mine
	cw.State = CloseWait
	f := &fakeTable{own: map[uint64]bool{}, t: t0, tables: [][]Socket{{mine}, {cw}, {}}}
	s := newSampler(Options{Registry: reg}, f.snap, f.owned, f.now)
	reg.Opened(mine.Local, mine.Remote, "TCP server :80")
	for range 3 {
		if err := s.Sample(); err != nil {
			t.Fatal(err)
		}
	}
	c, ok := s.Lookup(mine.Key())
	if !ok || c.Label != "TCP server :80" {
		t.Fatalf("%+v %v", c, ok)
	}
	want := []State{Established, CloseWait, Closed}
	got := states(c)
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("timeline %v, want %v", got, want)
	}
	if !c.Timeline[0].At.Equal(t0) || c.Timeline[0].Reported || c.HandshakeUnsampled() {
		t.Fatalf("first step %+v", c.Timeline[0])
	}
}

// Showing all sockets and back keeps every timeline; other programs'
// connections are hidden, not forgotten, while only NetLab's are shown.
func TestSamplerToggleAllKeepsHistory(t *testing.T) {
	mine := sock("127.0.0.1:5000", "127.0.0.1:80", Established, 11)
	other := sock("127.0.0.1:6000", "127.0.0.1:22", Established, 99)
	mineFW := mine
	mineFW.State = FinWait2
	f := &fakeTable{own: map[uint64]bool{11: true}, t: time.Unix(0, 0), tables: [][]Socket{
		{mine, other}, {mine, other}, {mineFW, other}, {mineFW, other},
	}}
	s := newSampler(Options{Registry: NewRegistry()}, f.snap, f.owned, f.now)
	s.SetAll(true)
	_ = s.Sample()
	if n := len(s.Conns()); n != 2 {
		t.Fatalf("all: %d conns", n)
	}
	s.SetAll(false)
	_ = s.Sample()
	if cs := s.Conns(); len(cs) != 1 || cs[0].Key != mine.Key() {
		t.Fatalf("own only: %+v", cs)
	}
	_ = s.Sample()
	s.SetAll(true)
	cs := s.Conns()
	if len(cs) != 2 {
		t.Fatalf("all again: %d conns", len(cs))
	}
	c, _ := s.Lookup(mine.Key())
	if got := states(c); len(got) != 2 || got[1] != FinWait2 {
		t.Fatalf("own timeline lost: %v", got)
	}
	o, ok := s.Lookup(other.Key())
	if !ok || o.Gone() || len(o.Timeline) != 1 {
		t.Fatalf("other program's connection lost or changed: %+v", o)
	}
	_ = s.Sample()
	if o, _ := s.Lookup(other.Key()); o.Gone() {
		t.Fatal("other connection marked gone")
	}
}

// On a machine with more sockets than MaxConns, showing all of them does
// not push NetLab's own out of the list, and lists them first.
func TestSamplerAllKeepsOwnWhenFull(t *testing.T) {
	mine := sock("127.0.0.1:5000", "127.0.0.1:80", Established, 11)
	table := []Socket{mine}
	for i := range 20 {
		table = append(table, sock("127.0.0.1:1", netip.AddrPortFrom(netip.MustParseAddr("127.0.0.2"), uint16(100+i)).String(), TimeWait, 0))
	}
	f := &fakeTable{own: map[uint64]bool{11: true}, t: time.Unix(0, 0), tables: [][]Socket{table, table}}
	s := newSampler(Options{All: true, MaxConns: 5, Registry: NewRegistry()}, f.snap, f.owned, f.now)
	_ = s.Sample()
	_ = s.Sample()
	cs := s.Conns()
	if len(cs) != 5 || cs[0].Key != mine.Key() {
		t.Fatalf("%d conns, first %v", len(cs), cs[0].Key)
	}
}

// The peer's FIN reported before sampling began dates the CLOSE_WAIT
// that sampling found later.
func TestSamplerPeerFINDatesCloseWait(t *testing.T) {
	reg := NewRegistry()
	t0 := time.Unix(0, 0)
	now := t0
	reg.now = func() time.Time { return now }
	cw := sock("127.0.0.1:9103", "127.0.0.1:40000", CloseWait, 0)
	f := &fakeTable{own: map[uint64]bool{}, t: t0.Add(2 * time.Second), tables: [][]Socket{{cw}}}
	s := newSampler(Options{Registry: reg}, f.snap, f.owned, f.now)
	reg.Opened(cw.Local, cw.Remote, "server :9103")
	now = t0.Add(time.Second)
	reg.Event(cw.Local, cw.Remote, EventPeerFIN)
	if err := s.Sample(); err != nil {
		t.Fatal(err)
	}
	c, _ := s.Lookup(cw.Key())
	if got := states(c); len(got) != 2 || got[0] != Established || got[1] != CloseWait ||
		!c.Timeline[0].Reported || !c.Timeline[1].At.Equal(now) || c.Timeline[1].Reported {
		t.Fatalf("timeline %+v", c.Timeline)
	}
}

// A close NetLab reported while nobody sampled dates the closing state
// seen later: ESTABLISHED ends at the close, not at the next sample.
func TestSamplerReportedCloseDatesTimeWait(t *testing.T) {
	reg := NewRegistry()
	t0 := time.Unix(0, 0)
	now := t0
	reg.now = func() time.Time { return now }
	est := sock("127.0.0.1:40001", "127.0.0.1:9104", Established, 0)
	tw := sock("127.0.0.1:40001", "127.0.0.1:9104", TimeWait, 0)
	f := &fakeTable{own: map[uint64]bool{}, t: t0.Add(time.Second), tables: [][]Socket{{est}, {tw}}}
	s := newSampler(Options{Registry: reg}, f.snap, f.owned, f.now)
	reg.Dialed(est.Local, est.Remote, "client 1", time.Millisecond)
	if err := s.Sample(); err != nil { // +1 s: ESTABLISHED
		t.Fatal(err)
	}
	now = t0.Add(9 * time.Second) // the page is hidden; NetLab closes
	reg.Closed(est.Local, est.Remote, ReasonLocal)
	f.t = t0.Add(12 * time.Second) // the page is shown again
	if err := s.Sample(); err != nil {
		t.Fatal(err)
	}
	c, _ := s.Lookup(est.Key())
	last := c.Timeline[len(c.Timeline)-1]
	if last.State != TimeWait || !last.At.Equal(now) || last.Reported {
		t.Fatalf("TIME_WAIT should start at the reported close (%v): %+v", now, c.Timeline)
	}
	if !c.Sampled(TimeWait) {
		t.Fatal("TIME_WAIT was sampled, not only reported")
	}
}

// A reported connection closed longer ago than Keep leaves the list, as
// the sampler's own vanished ones do.
func TestSamplerForgetsOldReports(t *testing.T) {
	reg := NewRegistry()
	t0 := time.Unix(0, 0)
	reg.now = func() time.Time { return t0 }
	now := t0
	s := newSampler(Options{Registry: reg, Keep: time.Minute}, nil, nil, func() time.Time { return now })
	l, r := netip.MustParseAddrPort("127.0.0.1:1"), netip.MustParseAddrPort("127.0.0.1:2")
	reg.Opened(l, r, "c")
	reg.Closed(l, r, ReasonPeer)
	now = t0.Add(59 * time.Second)
	if len(s.Conns()) != 1 {
		t.Fatal("closed connection left before Keep")
	}
	now = t0.Add(61 * time.Second)
	if _, ok := s.Lookup(Key{l, r}); ok || len(s.Conns()) != 0 {
		t.Fatal("closed connection kept beyond Keep")
	}
}
