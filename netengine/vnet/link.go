package vnet

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// maxFrame is the largest frame a port carries: MTU 1500 plus the 14-byte
// Ethernet header (no VLAN tag, no FCS).
const (
	MTU      = 1500
	maxFrame = MTU + 14
)

// frame is one frame in flight, from a pool: the hot path allocates nothing.
type frame struct {
	b   []byte
	buf [maxFrame]byte
}

var framePool = sync.Pool{New: func() any { return new(frame) }}

func getFrame(n int) *frame {
	f := framePool.Get().(*frame)
	f.b = f.buf[:n]
	return f
}

func putFrame(f *frame) { framePool.Put(f) }

func (f *frame) clone() *frame {
	g := getFrame(len(f.b))
	copy(g.b, f.b)
	return g
}

// Port is one end of a link: a host's network card, a switch port or a
// router interface.
type Port interface {
	// PortName names the port in captures: "pc1", "sw1/3", "r1/lan".
	PortName() string
	// MACString is the port's MAC address ("" for switch ports, which have
	// none that frames carry).
	MACString() string
	base() *portBase
	// deliver hands the port a frame that arrived over its link; the port
	// owns f from then on. It must not block for long and must not call
	// into a stack (the caller may be a stack's goroutine).
	deliver(f *frame)
}

// portBase is what every port kind shares: its name and its link.
type portBase struct {
	name string
	link atomic.Pointer[Link]
}

func (p *portBase) base() *portBase { return p }

// PortName implements Port.
func (p *portBase) PortName() string { return p.name }

// Linked is the link plugged into the port, or nil.
func (p *portBase) Linked() *Link { return p.link.Load() }

// Impairment is what a teacher can do to a link. The zero value is a perfect
// cable. Impairments apply to both directions.
type Impairment struct {
	DropNext    int           // drop the next N frames (then this counts down to 0)
	DropPercent float64       // drop each frame with this probability (0–100)
	Delay       time.Duration // deliver every frame this much later
	Duplicate   float64       // deliver each frame twice with this probability (0–100)
	// DropIf, when set, is asked about each frame (its bytes, not to be
	// kept) and drops it when it returns true; scenarios use it to drop
	// exactly one chosen segment. It runs on the sender's goroutine.
	DropIf func(frame []byte) bool `json:"-"`
}

func (im Impairment) active() bool {
	return im.DropNext > 0 || im.DropPercent > 0 || im.Delay > 0 || im.Duplicate > 0 || im.DropIf != nil
}

// LinkStats counts what crossed a link.
type LinkStats struct {
	Frames, Bytes, Dropped, Duplicated uint64
}

// Link is a cable between two ports. Every frame that crosses it, in either
// direction, is captured with the link's name, including frames an
// impairment drops (marked Dropped).
type Link struct {
	net    *Network
	name   string
	a, b   Port
	impOn  atomic.Bool
	mu     sync.Mutex // guards imp and rng
	imp    Impairment
	rng    *rand.Rand
	frames atomic.Uint64
	bytes  atomic.Uint64
	drops  atomic.Uint64
	dups   atomic.Uint64
}

// Name is the link's name, e.g. "pc1-sw1".
func (l *Link) Name() string { return l.name }

// Ends are the two ports the link joins.
func (l *Link) Ends() (Port, Port) { return l.a, l.b }

// Stats returns the link's counters.
func (l *Link) Stats() LinkStats {
	return LinkStats{Frames: l.frames.Load(), Bytes: l.bytes.Load(), Dropped: l.drops.Load(), Duplicated: l.dups.Load()}
}

// SetImpairment replaces the link's impairment (the zero value removes it).
func (l *Link) SetImpairment(im Impairment) {
	l.mu.Lock()
	l.imp = im
	l.impOn.Store(im.active())
	l.mu.Unlock()
}

// Impairment returns the link's impairment now (DropNext counts down).
func (l *Link) Impairment() Impairment {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.imp
}

// send carries f from port from to the other end. It runs on the sender's
// goroutine and owns f.
func (l *Link) send(from Port, f *frame) {
	if l.net.closed.Load() { // closing stacks abort their sockets: not part of the lesson
		putFrame(f)
		return
	}
	to := l.a
	if from == l.a {
		to = l.b
	}
	l.frames.Add(1)
	l.bytes.Add(uint64(len(f.b)))
	if !l.impOn.Load() {
		l.net.cap.add(l.name, from.PortName(), f.b, false)
		to.deliver(f)
		return
	}
	drop, dup, delay := l.decide(f.b)
	l.net.cap.add(l.name, from.PortName(), f.b, drop)
	if drop {
		l.drops.Add(1)
		putFrame(f)
		return
	}
	var g *frame
	if dup {
		l.dups.Add(1)
		g = f.clone()
		l.net.cap.add(l.name, from.PortName(), g.b, false)
	}
	if delay <= 0 {
		to.deliver(f)
		if g != nil {
			to.deliver(g)
		}
		return
	}
	time.AfterFunc(delay, func() {
		if l.net.closed.Load() {
			putFrame(f)
			if g != nil {
				putFrame(g)
			}
			return
		}
		to.deliver(f)
		if g != nil {
			to.deliver(g)
		}
	})
}

func (l *Link) decide(b []byte) (drop, dup bool, delay time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	im := &l.imp
	switch {
	case im.DropIf != nil && im.DropIf(b):
		drop = true
	case im.DropNext > 0:
		im.DropNext--
		drop = true
	case im.DropPercent > 0 && l.rng.Float64()*100 < im.DropPercent:
		drop = true
	}
	if !drop && im.Duplicate > 0 && l.rng.Float64()*100 < im.Duplicate {
		dup = true
	}
	l.impOn.Store(im.active())
	return drop, dup, im.Delay
}
