package tcpstate

import (
	"net/netip"
	"sort"
	"sync"
	"time"
)

// The registry of NetLab's own connections.
//
// The engines and the TCP workbench report here when a connection of
// theirs opens and closes, with a name a student recognises ("TCP server
// :8080", "client 2"). Reporting costs one map update under a mutex, so it
// is always on, whether or not anybody looks at the states view; the
// sampler (which reads the kernel's table, and runs only while someone
// looks) merges these reports with what it sees, so a connection that
// opened and closed while nobody looked still has a timeline, and one too
// short for any sampling interval still shows how long its handshake took.
//
// Usage, from any goroutine:
//
//	tcpstate.Own().Listening(ln.Addr().(*net.TCPAddr).AddrPort(), "TCP server :8080")
//	tcpstate.Own().Opened(local, remote, "TCP server :8080")           // accepted
//	tcpstate.Own().Dialed(local, remote, "client 2", time.Since(t0))  // connected after t0
//	tcpstate.Own().Event(local, remote, tcpstate.EventPeerFIN)        // read returned EOF
//	tcpstate.Own().Closed(local, remote, tcpstate.ReasonLocal)        // NetLab closed it
//	tcpstate.Own().Closed(local, netip.AddrPort{}, tcpstate.ReasonLocal) // listener closed
//
// Addresses are unmapped (::ffff:127.0.0.1 becomes 127.0.0.1) as the
// kernel's table shows them. Reporting a connection twice updates it.

// Reasons for Closed. The states view translates these; any other text is
// shown as given.
const (
	ReasonLocal = "closed by NetLab"      // NetLab called Close (FIN sent)
	ReasonPeer  = "closed by the peer"    // the peer closed and NetLab closed in turn
	ReasonReset = "reset (RST)"           // aborted: RST sent or received
	ReasonError = "closed after an error" // a read or write failed
)

// Event is something NetLab saw on one of its connections.
type Event uint8

// Events a connection can report.
const (
	// EventPeerFIN: a read returned end of stream, the peer closed its
	// sending side (this side is now in CLOSE_WAIT until it closes).
	EventPeerFIN Event = iota + 1
	// EventLocalFIN: NetLab closed its sending side only (CloseWrite,
	// half-close); this side is in FIN_WAIT1/FIN_WAIT2.
	EventLocalFIN
	// EventReset: the connection was reset (RST received or sent).
	EventReset
)

// String is the event's English text; the states view translates it.
func (e Event) String() string {
	switch e {
	case EventPeerFIN:
		return "peer closed its sending side (FIN received)"
	case EventLocalFIN:
		return "NetLab closed its sending side (FIN sent)"
	case EventReset:
		return "connection reset (RST)"
	}
	return "event"
}

// Report is one thing NetLab reported about a connection, with its time.
type Report struct {
	At    time.Time
	Event Event // 0 for the opening and closing reports
	Text  string
}

// OwnConn is what the registry knows about one of NetLab's connections
// (or listeners, whose Key.Remote is the unspecified address, port 0).
type OwnConn struct {
	Key   Key
	Label string
	// Opened is when the connection was reported open (after the
	// handshake); Handshake how long the handshake took, when the opener
	// measured it (a client's dial), else 0.
	Opened    time.Time
	Handshake time.Duration
	Listener  bool
	// Events are the reports between opening and closing, oldest first.
	Events []Report
	// Closed is when NetLab closed its socket (zero while open); Reason why.
	Closed time.Time
	Reason string
}

// Open reports whether NetLab still holds the socket.
func (c OwnConn) Open() bool { return c.Closed.IsZero() }

// Registry remembers NetLab's own connections. Use Own(); the zero value
// is not ready.
type Registry struct {
	now func() time.Time
	max int

	mu      sync.Mutex
	conns   map[Key]*OwnConn
	version uint64
}

// maxOwn bounds the registry: the oldest closed connections go first.
const maxOwn = 1024

// maxEvents bounds one connection's reports.
const maxEvents = 16

var own = NewRegistry()

// Own is the process-wide registry of NetLab's connections.
func Own() *Registry { return own }

// NewRegistry makes an empty registry (tests; NetLab uses Own()).
func NewRegistry() *Registry {
	return &Registry{now: time.Now, max: maxOwn, conns: map[Key]*OwnConn{}}
}

func unmapAP(a netip.AddrPort) netip.AddrPort {
	if !a.IsValid() {
		return a
	}
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
}

// ownKey is the key under which the kernel lists the socket; a listener's
// remote is the unspecified address of its family, port 0.
func ownKey(local, remote netip.AddrPort) (Key, bool) {
	local, remote = unmapAP(local), unmapAP(remote)
	if remote.IsValid() && remote.Port() != 0 {
		return Key{local, remote}, false
	}
	un := netip.IPv4Unspecified()
	if local.Addr().Is6() {
		un = netip.IPv6Unspecified()
	}
	return Key{local, netip.AddrPortFrom(un, 0)}, true
}

// Listening reports a listening socket on local.
func (r *Registry) Listening(local netip.AddrPort, label string) {
	k, _ := ownKey(local, netip.AddrPort{})
	r.open(k, label, 0, true)
}

// Opened reports a connection that is established: accepted by a server,
// or dialled when the handshake time is not known.
func (r *Registry) Opened(local, remote netip.AddrPort, label string) {
	k, l := ownKey(local, remote)
	r.open(k, label, 0, l)
}

// Dialed reports a client connection that is established; handshake is
// how long the connect took (from SYN sent to ESTABLISHED), so the states
// view can say so when the handshake was too fast to sample.
func (r *Registry) Dialed(local, remote netip.AddrPort, label string, handshake time.Duration) {
	k, l := ownKey(local, remote)
	r.open(k, label, handshake, l)
}

func (r *Registry) open(k Key, label string, hs time.Duration, listener bool) {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.conns[k]
	if c == nil || !c.Open() {
		// a new connection (an address pair can be reused after TIME_WAIT)
		c = &OwnConn{Key: k, Opened: now, Listener: listener}
		r.conns[k] = c
	}
	c.Label = label
	if hs > 0 {
		c.Handshake = hs
	}
	r.version++
	r.prune()
}

// Rename changes the label of a connection (a session was renamed).
func (r *Registry) Rename(local, remote netip.AddrPort, label string) {
	k, _ := ownKey(local, remote)
	r.mu.Lock()
	defer r.mu.Unlock()
	if c := r.conns[k]; c != nil {
		c.Label = label
		r.version++
	}
}

// Event reports something seen on an open connection.
func (r *Registry) Event(local, remote netip.AddrPort, ev Event) {
	k, _ := ownKey(local, remote)
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.conns[k]
	if c == nil || !c.Open() {
		return
	}
	if len(c.Events) < maxEvents {
		c.Events = append(c.Events, Report{At: now, Event: ev, Text: ev.String()})
		r.version++
	}
}

// Closed reports that NetLab closed its socket (remote invalid or port 0
// for a listener). reason is one of the Reason constants or a short text.
func (r *Registry) Closed(local, remote netip.AddrPort, reason string) {
	k, _ := ownKey(local, remote)
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.conns[k]
	if c == nil || !c.Open() {
		return
	}
	c.Closed, c.Reason = now, reason
	r.version++
}

// Lookup returns what the registry knows about the connection k.
func (r *Registry) Lookup(k Key) (OwnConn, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.conns[k]
	if c == nil {
		return OwnConn{}, false
	}
	return c.copy(), true
}

// Label is the name NetLab gave the connection k ("" if none).
func (r *Registry) Label(k Key) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c := r.conns[k]; c != nil {
		return c.Label
	}
	return ""
}

// Conns returns every remembered connection, newest first.
func (r *Registry) Conns() []OwnConn {
	r.mu.Lock()
	out := make([]OwnConn, 0, len(r.conns))
	for _, c := range r.conns {
		out = append(out, c.copy())
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Opened.Equal(out[j].Opened) {
			return out[i].Opened.After(out[j].Opened)
		}
		return out[i].Key.String() < out[j].Key.String()
	})
	return out
}

// keys is the set of remembered address pairs.
func (r *Registry) keys() map[Key]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[Key]bool, len(r.conns))
	for k := range r.conns {
		out[k] = true
	}
	return out
}

// Version changes whenever a report arrives.
func (r *Registry) Version() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.version
}

// Forget drops the closed connections (the view's Clear button).
func (r *Registry) Forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, c := range r.conns {
		if !c.Open() {
			delete(r.conns, k)
		}
	}
	r.version++
}

func (c *OwnConn) copy() OwnConn {
	cc := *c
	cc.Events = append([]Report(nil), c.Events...)
	return cc
}

// prune drops the connections closed longest ago, then the oldest open
// ones, when there are more than r.max (with r.mu held).
func (r *Registry) prune() {
	if len(r.conns) <= r.max {
		return
	}
	list := make([]*OwnConn, 0, len(r.conns))
	for _, c := range r.conns {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool {
		oi, oj := list[i].Open(), list[j].Open()
		if oi != oj {
			return !oi
		}
		if !oi {
			return list[i].Closed.Before(list[j].Closed)
		}
		return list[i].Opened.Before(list[j].Opened)
	})
	// Down to three quarters of the bound: the sort is paid once per
	// max/4 new connections, not on every one.
	for _, c := range list[:len(list)-(r.max-r.max/4)] {
		delete(r.conns, c.Key)
	}
}
