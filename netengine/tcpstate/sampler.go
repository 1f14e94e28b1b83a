package tcpstate

import (
	"sort"
	"sync"
	"time"
)

// Options configure a Sampler.
type Options struct {
	// Interval between samples while running; default 30 ms, which catches
	// FIN_WAIT1/LAST_ACK on a real network and TIME_WAIT (60 s) always.
	Interval time.Duration
	// All tracks every TCP socket of the machine, not only this process's.
	All bool
	// Ports also count sockets with one of these local or remote ports as
	// this process's own (e.g. a server run by another program).
	Ports []uint16
	// MaxConns bounds the connections remembered; default 256.
	MaxConns int
	// Keep is how long a vanished connection stays listed; default 2 min.
	Keep time.Duration
	// Registry of NetLab's own connections to merge; default Own().
	Registry *Registry
}

// Change is one step of a connection's timeline.
type Change struct {
	At    time.Time
	State State
	// Reported is set when the step comes from NetLab's own report (the
	// registry) rather than from a sample of the kernel's table: the
	// opening of a connection nobody watched, or its closing by NetLab.
	Reported bool
}

// Conn is a connection and the states it went through, oldest first. When
// it leaves the kernel's table (or NetLab closed it while nobody sampled)
// its last state is Closed.
type Conn struct {
	Key      Key
	Inode    uint64
	Timeline []Change
	LastSeen time.Time
	// Mine: one of NetLab's connections (its socket, a registered address
	// pair, or a watched port), as opposed to another program's.
	Mine bool
	// PID of the owning process where the source says (Windows), else 0.
	PID int
	// From the registry, for NetLab's connections it knows: Label names the
	// session ("client 2"); Handshake is how long the connect took (0 if
	// not measured); Reports are the events and the closing, oldest first.
	Label     string
	Handshake time.Duration
	Reports   []Report
}

// State is the connection's current (last) state.
func (c Conn) State() State { return c.Timeline[len(c.Timeline)-1].State }

// Gone reports whether the connection has left the kernel's table.
func (c Conn) Gone() bool { return c.State() == Closed }

// Sampled reports whether state st was seen in the kernel's table.
func (c Conn) Sampled(st State) bool {
	for _, ch := range c.Timeline {
		if ch.State == st && !ch.Reported {
			return true
		}
	}
	return false
}

// HandshakeUnsampled reports whether NetLab measured the handshake but
// no sample caught it (SYN_SENT lasted less than the sampling interval).
func (c Conn) HandshakeUnsampled() bool {
	return c.Handshake > 0 && !c.Sampled(SynSent)
}

// maxTimeline bounds one connection's timeline.
const maxTimeline = 64

// Sampler polls the TCP table and keeps per-connection timelines. It costs
// nothing until Start and stops polling at Stop. Safe for concurrent use.
type Sampler struct {
	snapshot func() ([]Socket, error)
	// live and lookup, when set, make following this process's sockets
	// cheap on machines with thousands of TIME_WAIT sockets: live reads
	// every socket except TIME_WAIT ones, and lookup asks for one socket.
	live   func() ([]Socket, error)
	lookup func(Key) (Socket, bool, error)
	own    func() (map[uint64]bool, error)
	now    func() time.Time
	reg    *Registry

	mu      sync.Mutex
	opt     Options
	conns   map[Key]*Conn
	checked map[Key]time.Time // registry closings looked up once (live mode)
	// samplingSince is when Start began polling (zero while stopped).
	samplingSince time.Time
	version       uint64
	err           error
	stop          chan struct{}
	done          chan struct{}
}

// NewSampler makes a sampler over this system's TCP table.
func NewSampler(opt Options) *Sampler {
	s := newSampler(opt, Snapshot, OwnInodes, time.Now)
	s.live, s.lookup = liveSources()
	return s
}

func newSampler(opt Options, snap func() ([]Socket, error), own func() (map[uint64]bool, error), now func() time.Time) *Sampler {
	if opt.Interval <= 0 {
		opt.Interval = 30 * time.Millisecond
	}
	if opt.MaxConns <= 0 {
		opt.MaxConns = 256
	}
	if opt.Keep <= 0 {
		opt.Keep = 2 * time.Minute
	}
	if opt.Registry == nil {
		opt.Registry = Own()
	}
	return &Sampler{snapshot: snap, own: own, now: now, opt: opt, conns: map[Key]*Conn{}, checked: map[Key]time.Time{}, reg: opt.Registry}
}

// SetAll switches between this process's sockets and all sockets. The
// history stays: NetLab's connections keep their timelines both ways, and
// other programs' come back when all sockets are shown again.
func (s *Sampler) SetAll(all bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opt.All != all {
		s.opt.All = all
		s.version++
	}
}

// Registry is the registry of NetLab's connections this sampler merges.
func (s *Sampler) Registry() *Registry { return s.reg }

// All reports whether every socket of the machine is tracked.
func (s *Sampler) All() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opt.All
}

// Clear forgets every remembered connection, and the registry's closed ones.
func (s *Sampler) Clear() {
	s.reg.Forget()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns = map[Key]*Conn{}
	s.version++
}

// Start polls every Interval until Stop. Starting twice is harmless.
func (s *Sampler) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		return
	}
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	s.samplingSince = s.now()
	go s.loop(s.stop, s.done, s.opt.Interval)
}

// Stop ends polling and waits for the poller to finish.
func (s *Sampler) Stop() {
	s.mu.Lock()
	stop, done := s.stop, s.done
	s.stop, s.done = nil, nil
	s.samplingSince = time.Time{}
	s.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}

// Running reports whether the sampler is polling.
func (s *Sampler) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stop != nil
}

// loop samples every interval, or less often when one sample takes long
// (a machine with tens of thousands of sockets): the sampler then uses at
// most about a quarter of a core.
func (s *Sampler) loop(stop, done chan struct{}, every time.Duration) {
	defer close(done)
	for {
		t0 := time.Now()
		_ = s.Sample()
		wait := max(every, 3*time.Since(t0))
		select {
		case <-stop:
			return
		case <-time.After(wait):
		}
	}
}

// Sample reads the table once and updates the timelines.
func (s *Sampler) Sample() error {
	s.mu.Lock()
	all := s.opt.All
	s.mu.Unlock()
	var socks []Socket
	var err error
	var own map[uint64]bool
	if !all && s.live != nil && s.lookup != nil {
		socks, err = s.sampleLive()
	} else {
		socks, err = s.snapshot()
	}
	if err == nil {
		// also with all sockets: NetLab's are marked, kept and listed first
		own, err = s.own()
	}
	reg := s.reg.keys()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if s.err == nil {
			s.version++
		}
		s.err = err
		return err
	}
	s.err = nil
	now := s.now()
	seen := make(map[Key]bool, len(socks))
	for _, so := range socks {
		k := so.Key()
		if seen[k] {
			continue
		}
		c := s.conns[k]
		mine := (so.Inode != 0 && own[so.Inode]) || (so.PID != 0 && so.PID == selfPID) || reg[k] || s.portMatch(k)
		if c == nil {
			if !all && !mine {
				continue
			}
			c = &Conn{Key: k, Inode: so.Inode, Timeline: []Change{{At: now, State: so.State}}}
			s.conns[k] = c
			s.version++
		} else if !all && !c.Mine && !mine {
			continue // another program's: frozen while only NetLab's are read
		} else if c.State() != so.State {
			c.Timeline = append(c.Timeline, Change{At: now, State: so.State})
			if len(c.Timeline) > maxTimeline {
				c.Timeline = append(c.Timeline[:1], c.Timeline[len(c.Timeline)-maxTimeline+1:]...)
			}
			s.version++
		}
		if so.Inode != 0 {
			c.Inode = so.Inode
		}
		if mine {
			c.Mine = true
		}
		if so.PID != 0 {
			c.PID = so.PID
		}
		seen[k] = true
		c.LastSeen = now
	}
	for k, c := range s.conns {
		if seen[k] || (!all && !c.Mine) {
			continue
		}
		if !c.Gone() {
			c.Timeline = append(c.Timeline, Change{At: now, State: Closed})
			s.version++
		} else if now.Sub(c.LastSeen) > s.opt.Keep {
			delete(s.conns, k)
			s.version++
		}
	}
	s.prune()
	return nil
}

// sampleLive reads every socket but the TIME_WAIT ones, then looks up the
// tracked connections that left that list (closing ones end in TIME_WAIT).
func (s *Sampler) sampleLive() ([]Socket, error) {
	socks, err := s.live()
	if err != nil {
		return nil, err
	}
	seen := make(map[Key]bool, len(socks))
	for _, so := range socks {
		seen[so.Key()] = true
	}
	s.mu.Lock()
	var missing []Key
	for k, c := range s.conns {
		if !seen[k] && c.Mine && !c.Gone() && c.State() != Listen {
			missing = append(missing, k)
		}
	}
	s.mu.Unlock()
	// NetLab's connections closed since the last sample, or before the
	// sampler started, may be in TIME_WAIT.
	// Each is looked up once (a TIME_WAIT one is tracked from then on).
	for _, rc := range s.reg.Conns() {
		if seen[rc.Key] || rc.Listener || rc.Open() {
			continue
		}
		s.mu.Lock()
		_, tracked := s.conns[rc.Key]
		done := s.checked[rc.Key].Equal(rc.Closed)
		if !tracked && !done {
			s.checked[rc.Key] = rc.Closed
			missing = append(missing, rc.Key)
		}
		s.mu.Unlock()
	}
	for _, k := range missing {
		so, ok, err := s.lookup(k)
		if err != nil {
			return nil, err
		}
		if ok {
			socks = append(socks, so)
		}
	}
	return socks, nil
}

func (s *Sampler) portMatch(k Key) bool {
	for _, p := range s.opt.Ports {
		if k.Local.Port() == p || k.Remote.Port() == p {
			return true
		}
	}
	return false
}

// prune drops the connections that vanished longest ago, then other
// programs' oldest, then NetLab's oldest, until at most MaxConns remain.
func (s *Sampler) prune() {
	if len(s.conns) <= s.opt.MaxConns {
		return
	}
	list := make([]*Conn, 0, len(s.conns))
	for _, c := range s.conns {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool {
		gi, gj := list[i].Gone(), list[j].Gone()
		if gi != gj {
			return gi
		}
		// other programs' connections go before NetLab's
		if list[i].Mine != list[j].Mine {
			return !list[i].Mine
		}
		return list[i].LastSeen.Before(list[j].LastSeen)
	})
	for _, c := range list[:len(list)-s.opt.MaxConns] {
		delete(s.conns, c.Key)
	}
	s.version++
}

// Version changes whenever the connections or their states change, or
// NetLab reports one of its own, so a view can skip refreshing when
// nothing happened.
func (s *Sampler) Version() uint64 {
	r := s.reg.Version()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version + r // both only grow
}

// Err is the error of the last sample, if it failed.
func (s *Sampler) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Conns returns a copy of the remembered connections (NetLab's only,
// unless all sockets are shown), merged with the registry's reports: open
// ones first, NetLab's before other programs', then by first appearance,
// newest first.
func (s *Sampler) Conns() []Conn {
	regs := s.reg.Conns()
	s.mu.Lock()
	all := s.opt.All
	out := make([]Conn, 0, len(s.conns)+len(regs))
	have := make(map[Key]bool, len(s.conns))
	now := s.now()
	for _, rc := range regs {
		c := s.conns[rc.Key]
		have[rc.Key] = true
		if c == nil && !rc.Open() && now.Sub(rc.Closed) > s.opt.Keep {
			continue // closed long ago, like the sampler's own vanished ones
		}
		out = append(out, merge(c, rc, s.samplingSince))
	}
	for k, c := range s.conns {
		if have[k] || (!all && !c.Mine) {
			continue
		}
		out = append(out, copyConn(c))
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Gone() != out[j].Gone() {
			return !out[i].Gone()
		}
		if out[i].Mine != out[j].Mine {
			return out[i].Mine // NetLab's first among all the machine's
		}
		ti, tj := out[i].Timeline[0].At, out[j].Timeline[0].At
		if !ti.Equal(tj) {
			return ti.After(tj)
		}
		return out[i].Key.String() < out[j].Key.String()
	})
	return out
}

// Lookup returns the remembered connection with key k (whatever the
// all-sockets setting).
func (s *Sampler) Lookup(k Key) (Conn, bool) {
	rc, inReg := s.reg.Lookup(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.conns[k]
	if inReg && !ok && !rc.Open() && s.now().Sub(rc.Closed) > s.opt.Keep {
		return Conn{}, false
	}
	if inReg {
		return merge(c, rc, s.samplingSince), true
	}
	if !ok {
		return Conn{}, false
	}
	return copyConn(c), true
}

func copyConn(c *Conn) Conn {
	cc := *c
	cc.Timeline = append([]Change(nil), c.Timeline...)
	cc.Reports = append([]Report(nil), c.Reports...)
	return cc
}

// merge combines what the sampler saw of a connection (c, nil if it never
// saw it) with NetLab's report rc. The kernel's states stay as sampled;
// the report adds the opening when it came before the first sample, and
// the closing when no sample followed it.
func merge(c *Conn, rc OwnConn, since time.Time) Conn {
	first := Established
	if rc.Listener {
		first = Listen
	}
	var out Conn
	if c != nil {
		out = copyConn(c)
	} else {
		out = Conn{Key: rc.Key}
	}
	out.Mine, out.Label, out.Handshake = true, rc.Label, rc.Handshake
	out.Reports = append([]Report(nil), rc.Events...)
	if !rc.Open() {
		reason := rc.Reason
		if reason == "" {
			reason = ReasonLocal
		}
		out.Reports = append(out.Reports, Report{At: rc.Closed, Text: reason})
	}
	opened := Change{At: rc.Opened, State: first, Reported: true}
	switch {
	case len(out.Timeline) == 0:
		out.Timeline = []Change{opened}
		if !rc.Open() {
			out.Timeline = append(out.Timeline, Change{At: rc.Closed, State: Closed, Reported: true})
		}
		out.LastSeen = rc.Opened
	case rc.Opened.Before(out.Timeline[0].At):
		if out.Timeline[0].State == first {
			// the same state, seen later: it began when NetLab reported it
			out.Timeline[0].At, out.Timeline[0].Reported = rc.Opened, false
		} else {
			out.Timeline = append([]Change{opened}, out.Timeline...)
		}
	}
	// A peer FIN reported before the first sample: CLOSE_WAIT, first seen
	// later, began then.
	for _, ev := range rc.Events {
		if ev.Event != EventPeerFIN {
			continue
		}
		for i := range out.Timeline {
			ch := &out.Timeline[i]
			if ch.Reported {
				continue
			}
			if ch.State == CloseWait && ev.At.Before(ch.At) && (i == 0 || out.Timeline[i-1].At.Before(ev.At)) {
				ch.At = ev.At
			}
			break // only the first sampled state
		}
	}
	// Likewise a close NetLab reported while nobody sampled (the lab page
	// hidden): the first closing state seen later (FIN_WAIT…, TIME_WAIT,
	// LAST_ACK, CLOSING) began at the close, not when it was first seen,
	// so ESTABLISHED is not drawn on past the moment the connection closed.
	if !rc.Open() {
		for i := range out.Timeline {
			ch := &out.Timeline[i]
			if ch.Reported || !closing(ch.State) {
				continue
			}
			if rc.Closed.Before(ch.At) && (i == 0 || out.Timeline[i-1].At.Before(rc.Closed)) {
				ch.At = rc.Closed
			}
			break // only the first closing state
		}
	}
	if !rc.Open() && !out.Gone() && (since.IsZero() || since.After(rc.Closed)) && out.LastSeen.Before(rc.Closed) {
		// closed by NetLab and not sampled since: whatever the kernel did
		// next was not seen, so the connection is shown as gone.
		out.Timeline = append(out.Timeline, Change{At: rc.Closed, State: Closed, Reported: true})
	}
	return out
}

// closing reports whether st comes after a side has closed (sent FIN).
func closing(st State) bool {
	switch st {
	case FinWait1, FinWait2, TimeWait, LastAck, Closing:
		return true
	}
	return false
}
