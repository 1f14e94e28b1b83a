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
	Register("portable", func() (Engine, error) { return newPortable("portable", hostTransport{}), nil })
}

// Transport is where a portable engine gets its sockets: the host's TCP/IP
// stack (the net package) for the registered "portable" engine, a
// user-space stack for the virtual engine (netengine/vnet/vengine).
//
// Its connections must behave like *net.TCPConn: blocking Read and Write
// that honour deadlines, a deadline in the past waking a blocked call,
// io.EOF after the peer's FIN, errors that wrap syscall.ECONNRESET,
// ECONNREFUSED and so on like the host's. A connection with CloseWrite
// gets half-closes, one with SetLinger(0) gets RST on Abort. Accept on a
// closed listener returns an error that wraps net.ErrClosed.
type Transport interface {
	Listen(network, addr string) (net.Listener, error)
	Dial(network, addr string, timeout time.Duration) (net.Conn, error)
}

// NewPortable makes a portable engine (a goroutine per connection, the
// whole contract of this package) over tr; name is what Name and
// Stats.Engine report. It is not registered: Names and New are unchanged.
func NewPortable(name string, tr Transport) Engine { return newPortable(name, tr) }

// hostTransport is the host's own TCP/IP stack.
type hostTransport struct{}

func (hostTransport) Listen(network, addr string) (net.Listener, error) {
	return net.Listen(network, addr)
}

func (hostTransport) Dial(network, addr string, timeout time.Duration) (net.Conn, error) {
	d := net.Dialer{Timeout: timeout}
	return d.Dial(network, addr)
}

type portableEngine struct {
	name   string
	tr     Transport
	stats  counters
	nextID atomic.Uint64

	mu        sync.Mutex
	closed    bool
	listeners map[*portableListener]struct{}
	dialed    map[*pconn]struct{}
}

func newPortable(name string, tr Transport) *portableEngine {
	return &portableEngine{
		name:      name,
		tr:        tr,
		listeners: map[*portableListener]struct{}{},
		dialed:    map[*pconn]struct{}{},
	}
}

func (e *portableEngine) Name() string { return e.name }

func (e *portableEngine) Stats() Stats { return e.stats.snapshot(e.name) }

func (e *portableEngine) Listen(network, addr string, h Handler, opt Options) (Listener, error) {
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	ln, err := e.tr.Listen(network, addr)
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
	nc, err := e.tr.Dial(network, addr, timeout)
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
