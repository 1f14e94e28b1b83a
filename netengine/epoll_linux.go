package netengine

import (
	"errors"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// The epoll engine: a fixed set of event loops (eventloop_linux.go), each an
// epoll instance driven by one goroutine, the way gnet and the Go runtime's
// own netpoller work, but with the loop in plain sight for the course. A
// listening socket is shared by the loops (EPOLLEXCLUSIVE) or, with
// Options.ReusePort, opened once per loop with SO_REUSEPORT
// (acceptor_linux.go). Connections live in conn_epoll_linux.go.

func init() {
	Register("epoll", func() (Engine, error) { return newEpoll() })
}

type epollEngine struct {
	stats  counters
	nextID atomic.Uint64
	rr     atomic.Uint32 // round-robin for Dial

	mu        sync.Mutex
	closed    bool
	loops     []*loop
	listeners map[*elistener]struct{}

	// spare is an fd kept open to /dev/null and given up when accept fails
	// with EMFILE, so the loop can accept the pending connection and close
	// it at once instead of spinning on a level-triggered listener.
	spareMu sync.Mutex
	spare   int
}

var raiseOnce sync.Once

// raiseNoFile lifts the soft RLIMIT_NOFILE to the hard limit: C10K needs
// more than the usual 1,024 descriptors. (Go ≥ 1.19 does this at start-up
// too; doing it here keeps the engine correct when embedded elsewhere.)
func raiseNoFile() {
	raiseOnce.Do(func() {
		var lim unix.Rlimit
		if unix.Getrlimit(unix.RLIMIT_NOFILE, &lim) == nil && lim.Cur < lim.Max {
			lim.Cur = lim.Max
			_ = unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)
		}
	})
}

func newEpoll() (*epollEngine, error) {
	raiseNoFile()
	e := &epollEngine{listeners: map[*elistener]struct{}{}, spare: -1}
	e.spare, _ = unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	return e, nil
}

func (e *epollEngine) Name() string { return "epoll" }
func (e *epollEngine) Stats() Stats {
	s := e.stats.snapshot("epoll")
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, l := range e.loops {
		s.BytesIn += l.ctr.bytesIn.Load()
		s.BytesOut += l.ctr.bytesOut.Load()
		s.Wakeups += l.ctr.wakeups.Load()
		s.Events += l.ctr.events.Load()
	}
	return s
}

// ensureLoops starts loops until there are at least n (0: one per CPU).
func (e *epollEngine) ensureLoops(n int) ([]*loop, error) {
	if n <= 0 {
		n = runtime.NumCPU()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, ErrClosed
	}
	for len(e.loops) < n {
		l, err := newLoop(e, len(e.loops))
		if err != nil {
			return nil, err
		}
		e.loops = append(e.loops, l)
		go l.run()
	}
	return e.loops[:n], nil
}

func (e *epollEngine) Listen(network, addr string, h Handler, opt Options) (Listener, error) {
	loops, err := e.ensureLoops(opt.Loops)
	if err != nil {
		return nil, err
	}
	ln, err := newListener(e, loops, network, addr, h, opt.withDefaults())
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		ln.Close()
		return nil, ErrClosed
	}
	e.listeners[ln] = struct{}{}
	e.mu.Unlock()
	return ln, nil
}

// dialOp is one Dial in progress. The loop and the dialling goroutine race
// to settle it (connected vs timed out); state decides who wins.
type dialOp struct {
	state atomic.Int32 // dialPending, dialDone, dialCancelled
	done  chan struct{}
	err   error
}

const (
	dialPending int32 = iota
	dialDone
	dialCancelled
)

func (e *epollEngine) Dial(network, addr string, h Handler, timeout time.Duration, opt Options) (Conn, error) {
	loops, err := e.ensureLoops(0)
	if err != nil {
		return nil, err
	}
	raddr, err := net.ResolveTCPAddr(network, addr)
	if err != nil {
		return nil, err
	}
	sa, family := toSockaddr(raddr)
	opErr := func(err error) error {
		return &net.OpError{Op: "dial", Net: network, Addr: raddr, Err: err}
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, opErr(os.NewSyscallError("socket", err))
	}
	_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	if err := unix.Connect(fd, sa); err != nil && err != unix.EINPROGRESS {
		unix.Close(fd)
		return nil, opErr(os.NewSyscallError("connect", err))
	}
	l := loops[int(e.rr.Add(1))%len(loops)]
	c := newEConn(e, l, nil, fd, raddr, h, opt.withDefaults())
	op := &dialOp{done: make(chan struct{})}
	c.dial = op
	l.post(func() { l.startDial(c) })

	var expire <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expire = t.C
	}
	select {
	case <-op.done:
	case <-expire:
		if op.state.CompareAndSwap(dialPending, dialCancelled) {
			l.post(func() { l.cancelDial(c) })
			return nil, opErr(os.ErrDeadlineExceeded)
		}
		<-op.done // the loop won the race: the connection is up
	}
	if op.err != nil {
		return nil, opErr(op.err)
	}
	return c, nil
}

func (e *epollEngine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	lns := make([]*elistener, 0, len(e.listeners))
	for ln := range e.listeners {
		lns = append(lns, ln)
	}
	loops := e.loops
	e.mu.Unlock()
	for _, ln := range lns {
		ln.Close()
	}
	// Each loop closes what it still holds (dialed connections) with
	// ReasonShutdown, then exits. Close must not be called from a callback.
	for _, l := range loops {
		l.post(l.stop)
	}
	for _, l := range loops {
		<-l.exited
		l.poller.Close()
	}
	e.spareMu.Lock()
	if e.spare >= 0 {
		unix.Close(e.spare)
		e.spare = -1
	}
	e.spareMu.Unlock()
	return nil
}

func (e *epollEngine) forgetListener(ln *elistener) {
	e.mu.Lock()
	delete(e.listeners, ln)
	e.mu.Unlock()
}

var errEngineClosed = errors.New("netengine: engine closed")
