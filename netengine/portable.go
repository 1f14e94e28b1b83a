package netengine

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// The portable engine is the textbook "one goroutine per connection" server
// on the standard net package. The Go runtime's netpoller (epoll, kqueue or
// IOCP underneath) does the multiplexing, so it runs everywhere; it is the
// default on Windows and macOS and the baseline the epoll engine is measured
// against. Its connections live in conn_portable.go.

func init() {
	Register("portable", func() (Engine, error) { return newPortable(), nil })
}

// counters are the live statistics every engine keeps. All fields are
// updated atomically so the UI may read them at any time.
type counters struct {
	open, accepted, dialed     atomic.Int64
	bytesIn, bytesOut          atomic.Int64
	wakeups, events, acceptErr atomic.Int64
}

func (c *counters) snapshot(name string) Stats {
	return Stats{
		Engine:      name,
		Open:        c.open.Load(),
		Accepted:    c.accepted.Load(),
		Dialed:      c.dialed.Load(),
		BytesIn:     c.bytesIn.Load(),
		BytesOut:    c.bytesOut.Load(),
		Wakeups:     c.wakeups.Load(),
		Events:      c.events.Load(),
		AcceptFails: c.acceptErr.Load(),
	}
}

type portableEngine struct {
	stats  counters
	nextID atomic.Uint64

	mu        sync.Mutex
	closed    bool
	listeners map[*portableListener]struct{}
	dialed    map[*pconn]struct{}
}

func newPortable() *portableEngine {
	return &portableEngine{
		listeners: map[*portableListener]struct{}{},
		dialed:    map[*pconn]struct{}{},
	}
}

func (e *portableEngine) Name() string { return "portable" }

func (e *portableEngine) Stats() Stats { return e.stats.snapshot("portable") }

func (e *portableEngine) Listen(network, addr string, h Handler, opt Options) (Listener, error) {
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil, err
	}
	l := &portableListener{eng: e, ln: ln, h: h, opt: opt.withDefaults(), conns: map[*pconn]struct{}{}}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		ln.Close()
		return nil, ErrClosed
	}
	e.listeners[l] = struct{}{}
	e.mu.Unlock()
	l.wg.Add(1)
	go l.acceptLoop()
	return l, nil
}

func (e *portableEngine) Dial(network, addr string, h Handler, timeout time.Duration, opt Options) (Conn, error) {
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	d := net.Dialer{Timeout: timeout}
	nc, err := d.Dial(network, addr)
	if err != nil {
		return nil, err
	}
	c := newPConn(e, nil, nc, h, opt.withDefaults())
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		nc.Close()
		return nil, ErrClosed
	}
	e.dialed[c] = struct{}{}
	e.mu.Unlock()
	e.stats.dialed.Add(1)
	// OnOpen runs before Dial returns, so a caller never sees a Conn whose
	// handler has not been told about it.
	c.open()
	go c.readLoop()
	return c, nil
}

// forget drops a finished connection from the engine's books.
func (e *portableEngine) forget(c *pconn) {
	if c.ln != nil {
		c.ln.mu.Lock()
		delete(c.ln.conns, c)
		c.ln.mu.Unlock()
		return
	}
	e.mu.Lock()
	delete(e.dialed, c)
	e.mu.Unlock()
}

func (e *portableEngine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	lns := make([]*portableListener, 0, len(e.listeners))
	for l := range e.listeners {
		lns = append(lns, l)
	}
	conns := make([]*pconn, 0, len(e.dialed))
	for c := range e.dialed {
		conns = append(conns, c)
	}
	e.mu.Unlock()
	for _, l := range lns {
		l.Close()
	}
	for _, c := range conns {
		c.finish(ReasonShutdown, nil, false)
	}
	return nil
}

type portableListener struct {
	eng  *portableEngine
	ln   net.Listener
	h    Handler
	opt  Options
	wg   sync.WaitGroup
	once sync.Once

	mu     sync.Mutex
	closed bool
	conns  map[*pconn]struct{}
}

func (l *portableListener) Addr() net.Addr { return l.ln.Addr() }

func (l *portableListener) acceptLoop() {
	defer l.wg.Done()
	var backoff time.Duration
	for {
		nc, err := l.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// EMFILE, ENFILE, ECONNABORTED…: count it and back off like
			// net/http does, so a full fd table does not spin a core.
			l.eng.stats.acceptErr.Add(1)
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		l.eng.stats.accepted.Add(1)
		l.mu.Lock()
		if l.closed || (l.opt.MaxConns > 0 && len(l.conns) >= l.opt.MaxConns) {
			l.mu.Unlock()
			nc.Close()
			continue
		}
		c := newPConn(l.eng, l, nc, l.h, l.opt)
		l.conns[c] = struct{}{}
		l.mu.Unlock()
		go func() {
			c.open()
			c.readLoop()
		}()
	}
}

func (l *portableListener) Close() error {
	var err error
	l.once.Do(func() {
		err = l.ln.Close()
		l.wg.Wait()
		l.mu.Lock()
		l.closed = true
		conns := make([]*pconn, 0, len(l.conns))
		for c := range l.conns {
			conns = append(conns, c)
		}
		l.mu.Unlock()
		for _, c := range conns {
			c.finish(ReasonShutdown, nil, false)
		}
		l.eng.mu.Lock()
		delete(l.eng.listeners, l)
		l.eng.mu.Unlock()
	})
	return err
}

// withDefaults fills the zero values of o.
func (o Options) withDefaults() Options {
	if o.HighWater <= 0 {
		o.HighWater = DefaultHighWater
	}
	if o.LowWater <= 0 || o.LowWater > o.HighWater {
		o.LowWater = min(DefaultLowWater, o.HighWater/2)
	}
	return o
}
