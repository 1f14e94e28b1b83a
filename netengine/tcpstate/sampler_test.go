package tcpstate

import (
	"errors"
	"net/netip"
	"testing"
	"time"
)

// fakeTable replays a scripted sequence of tables.
type fakeTable struct {
	tables [][]Socket
	own    map[uint64]bool
	i      int
	t      time.Time
}

func (f *fakeTable) snap() ([]Socket, error) {
	if f.i >= len(f.tables) {
		return nil, errors.New("script ended")
	}
	s := f.tables[f.i]
	f.i++
	return s, nil
}
func (f *fakeTable) owned() (map[uint64]bool, error) { return f.own, nil }
func (f *fakeTable) now() time.Time                  { f.t = f.t.Add(time.Second); return f.t }

func sock(l, r string, st State, ino uint64) Socket {
	return Socket{Local: netip.MustParseAddrPort(l), Remote: netip.MustParseAddrPort(r), State: st, Inode: ino}
}

func states(c Conn) []State {
	var out []State
	for _, ch := range c.Timeline {
		out = append(out, ch.State)
	}
	return out
}

func TestSamplerTimelineFollowsClosedSocket(t *testing.T) {
	mine := sock("127.0.0.1:5000", "127.0.0.1:80", Established, 11)
	other := sock("127.0.0.1:6000", "127.0.0.1:22", Established, 99)
	fw2 := mine
	fw2.State, fw2.Inode = FinWait2, 0 // closed by us: no inode any more
	tw := fw2
	tw.State = TimeWait
	f := &fakeTable{own: map[uint64]bool{11: true}, t: time.Unix(0, 0), tables: [][]Socket{
		{mine, other},
		{mine, other},
		{fw2, other},
		{tw, other},
		{other},
	}}
	s := newSampler(Options{Registry: NewRegistry()}, f.snap, f.owned, f.now)
	for range 5 {
		if err := s.Sample(); err != nil {
			t.Fatal(err)
		}
	}
	conns := s.Conns()
	if len(conns) != 1 {
		t.Fatalf("tracked %d connections, want only ours: %+v", len(conns), conns)
	}
	got := states(conns[0])
	want := []State{Established, FinWait2, TimeWait, Closed}
	if len(got) != len(want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("timeline %v, want %v", got, want)
		}
	}
	if conns[0].Inode != 11 || !conns[0].Gone() {
		t.Errorf("inode %d gone %v", conns[0].Inode, conns[0].Gone())
	}
	if err := s.Sample(); err == nil || s.Err() == nil {
		t.Error("error of the source not reported")
	}
}

func TestSamplerAllPortsAndBounds(t *testing.T) {
	var table []Socket
	for i := range 10 {
		table = append(table, sock("127.0.0.1:1", netip.AddrPortFrom(netip.MustParseAddr("127.0.0.2"), uint16(100+i)).String(), Established, uint64(i+1)))
	}
	f := &fakeTable{own: map[uint64]bool{}, t: time.Unix(0, 0), tables: [][]Socket{table, table, table[:2], table[:2]}}
	s := newSampler(Options{All: true, MaxConns: 4, Keep: 1500 * time.Millisecond, Registry: NewRegistry()}, f.snap, f.owned, f.now)
	_ = s.Sample()
	if n := len(s.Conns()); n != 4 {
		t.Fatalf("MaxConns: %d conns", n)
	}
	s.SetAll(false)
	if n := len(s.Conns()); n != 0 || s.All() {
		t.Fatalf("SetAll(false) kept %d", n)
	}
	s.opt.Ports = []uint16{105}
	_ = s.Sample()
	if c := s.Conns(); len(c) != 1 || c[0].Key.Remote.Port() != 105 {
		t.Fatalf("port filter: %+v", c)
	}
	_ = s.Sample() // 105 vanished -> Closed
	if c, ok := s.Lookup(Key{table[5].Local, table[5].Remote}); !ok || !c.Gone() {
		t.Fatalf("vanished connection: %+v %v", c, ok)
	}
	v := s.Version()
	_ = s.Sample() // 2 s later: beyond Keep, forgotten
	if len(s.Conns()) != 0 || s.Version() == v {
		t.Fatalf("Keep not applied: %+v", s.Conns())
	}
}

// With live and lookup sources, TIME_WAIT sockets are not read in bulk:
// a tracked connection that leaves the live list is looked up by itself.
func TestSamplerLiveAndLookup(t *testing.T) {
	mine := sock("127.0.0.1:5000", "127.0.0.1:80", Established, 11)
	fw2 := mine
	fw2.State, fw2.Inode = FinWait2, 0
	tw := fw2
	tw.State = TimeWait
	lives := [][]Socket{{mine}, {fw2}, {}, {}}
	var lookups []Key
	f := &fakeTable{own: map[uint64]bool{11: true}, t: time.Unix(0, 0)}
	s := newSampler(Options{Registry: NewRegistry()}, func() ([]Socket, error) { t.Fatal("full snapshot used"); return nil, nil }, f.owned, f.now)
	i := 0
	s.live = func() ([]Socket, error) { i++; return lives[i-1], nil }
	s.lookup = func(k Key) (Socket, bool, error) {
		lookups = append(lookups, k)
		if len(lookups) == 1 {
			return tw, true, nil // first lookup: in TIME_WAIT
		}
		return Socket{}, false, nil // then gone
	}
	for range 4 {
		if err := s.Sample(); err != nil {
			t.Fatal(err)
		}
	}
	c, ok := s.Lookup(mine.Key())
	got := states(c)
	want := []State{Established, FinWait2, TimeWait, Closed}
	if !ok || len(got) != 4 || got[2] != TimeWait || got[3] != Closed {
		t.Fatalf("timeline %v, want %v", got, want)
	}
	if len(lookups) != 2 || lookups[0] != mine.Key() {
		t.Fatalf("lookups %v", lookups)
	}
}
