package netengine

import (
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netlab-classroom/netlab/netengine/internal/poll"
	"golang.org/x/sys/unix"
)

// An elistener is served by several loops. By default there is one
// listening socket and every loop registers it with EPOLLEXCLUSIVE, so a new
// connection wakes one idle loop (no thundering herd) and that loop accepts
// it itself: no hand-off between threads. With Options.ReusePort each loop
// gets its own socket bound with SO_REUSEPORT and the kernel spreads
// connections by hash.
type elistener struct {
	eng   *epollEngine
	h     Handler
	opt   Options
	addr  net.Addr
	taddr *net.TCPAddr // addr, the local address of its connections unless unspecified
	socks []*lsock
	loops []*loop

	closed atomic.Bool
	open   atomic.Int64  // connections open now, for MaxConns
	rr     atomic.Uint32 // round-robin over loops
	once   sync.Once
}

// lsock is one listening socket and the number of loops it is registered in;
// the last loop to drop it closes the fd, so no loop can ever accept on a
// number that was closed and reused.
type lsock struct {
	ln   *elistener
	fd   int
	refs atomic.Int32
}

const listenBacklog = 4096

func newListener(e *epollEngine, loops []*loop, network, addr string, h Handler, opt Options) (*elistener, error) {
	taddr, err := net.ResolveTCPAddr(network, addr)
	if err != nil {
		return nil, err
	}
	if taddr.IP == nil && network == "tcp4" {
		taddr.IP = net.IPv4zero
	}
	ln := &elistener{eng: e, h: h, opt: opt, loops: loops}
	nsock := 1
	if opt.ReusePort {
		nsock = len(loops)
	}
	for i := range nsock {
		fd, err := listenSocket(network, taddr, opt.ReusePort)
		if err != nil {
			for _, s := range ln.socks {
				unix.Close(s.fd)
			}
			return nil, &net.OpError{Op: "listen", Net: network, Addr: taddr, Err: err}
		}
		if i == 0 {
			a := localAddr(fd)
			ln.addr, ln.taddr = a, a
			taddr = &net.TCPAddr{IP: taddr.IP, Port: a.Port, Zone: taddr.Zone} // the others share the port
		}
		ln.socks = append(ln.socks, &lsock{ln: ln, fd: fd})
	}
	for i, l := range loops {
		s := ln.socks[min(i, len(ln.socks)-1)]
		s.refs.Add(1)
		l.post(func() { l.attachListener(s) })
	}
	return ln, nil
}

// listenSocket makes a non-blocking listening socket. With no host it
// listens on both IPv6 and IPv4 (dual stack) like the net package.
func listenSocket(network string, a *net.TCPAddr, reusePort bool) (int, error) {
	ip := a.IP
	dual := ip == nil && network == "tcp"
	if ip == nil {
		ip = net.IPv6unspecified
	}
	sa, family := toSockaddr(&net.TCPAddr{IP: ip, Port: a.Port, Zone: a.Zone})
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil && dual {
		// No IPv6 on this machine: fall back to IPv4 only.
		sa, family = toSockaddr(&net.TCPAddr{IP: net.IPv4zero, Port: a.Port})
		dual = false
		fd, err = unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	}
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	fail := func(call string, err error) (int, error) {
		unix.Close(fd)
		return -1, os.NewSyscallError(call, err)
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if reusePort {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return fail("setsockopt", err)
		}
	}
	if family == unix.AF_INET6 {
		v6only := 1
		if dual {
			v6only = 0
		}
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only)
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fail("bind", err)
	}
	if err := unix.Listen(fd, listenBacklog); err != nil {
		return fail("listen", err)
	}
	return fd, nil
}

func (ln *elistener) Addr() net.Addr { return ln.addr }

// Close stops accepting at once (shutdown on a listening socket resets its
// backlog and makes accept fail), then each loop drops the socket and
// closes this listener's connections with ReasonShutdown; their OnClose
// callbacks follow shortly on the loops.
func (ln *elistener) Close() error {
	ln.once.Do(func() {
		ln.closed.Store(true)
		for _, s := range ln.socks {
			_ = unix.Shutdown(s.fd, unix.SHUT_RDWR)
		}
		for _, l := range ln.loops {
			l.post(func() { l.dropListener(ln) })
		}
		ln.eng.forgetListener(ln)
	})
	return nil
}

func (l *loop) attachListener(s *lsock) {
	gen := l.nextGen()
	l.fds[int32(s.fd)] = fdEntry{gen: gen, ls: s}
	if s.ln.closed.Load() || l.poller.Add(s.fd, poll.In|poll.Exclusive, gen) != nil {
		l.detachListener(s)
	}
}

func (l *loop) detachListener(s *lsock) {
	if ent, ok := l.fds[int32(s.fd)]; !ok || ent.ls != s {
		return
	}
	_ = l.poller.Del(s.fd)
	delete(l.fds, int32(s.fd))
	if s.refs.Add(-1) == 0 {
		unix.Close(s.fd)
	}
}

func (l *loop) dropListener(ln *elistener) {
	for _, ent := range l.fds {
		switch {
		case ent.ls != nil && ent.ls.ln == ln:
			l.detachListener(ent.ls)
		case ent.c != nil && ent.c.ln == ln:
			l.closeConn(ent.c, ReasonShutdown, nil)
		}
	}
}

// acceptBatch bounds the accepts per readiness event so one busy listener
// cannot starve the loop's connections.
const acceptBatch = 128

func (l *loop) accept(s *lsock) {
	ln := s.ln
	accepted := 0
	for range acceptBatch {
		if ln.closed.Load() {
			return
		}
		nfd, remote, err := accept(s.fd)
		switch err {
		case nil:
		case unix.EAGAIN:
			return
		case unix.EINTR, unix.ECONNABORTED:
			continue
		case unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.ENOMEM:
			l.eng.stats.acceptErr.Add(1)
			if !l.eng.shed(s.fd) {
				l.pauseAccept(s)
			}
			return
		default:
			l.eng.stats.acceptErr.Add(1)
			return
		}
		l.eng.stats.accepted.Add(1)
		if ln.opt.MaxConns > 0 && ln.open.Load() >= int64(ln.opt.MaxConns) {
			unix.Close(nfd)
			continue
		}
		_ = unix.SetsockoptInt(nfd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		ln.open.Add(1)
		// The loop that woke up keeps the first connection of this wake-up
		// (EPOLLEXCLUSIVE already spreads wake-ups over the loops, and
		// handing a connection to another loop costs a cross-thread wake,
		// which a server of short connections would pay on every request);
		// the rest of a burst is dealt out round-robin so it does not pile
		// onto one loop. (With ReusePort the kernel spreads them.)
		target := l
		if accepted > 0 && !ln.opt.ReusePort && len(ln.loops) > 1 {
			target = ln.loops[int(ln.rr.Add(1))%len(ln.loops)]
		}
		accepted++
		c := newEConn(l.eng, target, ln, nfd, remote, ln.h, ln.opt)
		if ln.taddr.IP.IsUnspecified() {
			c.local = localAddr(nfd)
		} else {
			// The listener's own address; a copy, so a caller that changes
			// what LocalAddr returned changes nobody else's.
			la := *ln.taddr
			c.local = &la
		}
		if target == l {
			l.adopt(c)
		} else {
			target.post(func() { target.adopt(c) })
		}
	}
}

// adopt registers an accepted connection with this loop and opens it.
func (l *loop) adopt(c *econn) {
	if c.ln.closed.Load() || l.stopping {
		c.ln.open.Add(-1)
		unix.Close(c.fd)
		c.fd = -1
		return
	}
	if err := l.attach(c, poll.In); err != nil {
		c.ln.open.Add(-1)
		unix.Close(c.fd)
		c.fd = -1
		return
	}
	l.opened(c)
}

// shed gives up the spare descriptor to accept one pending connection and
// close it at once. Without this, a level-triggered listener with a full
// descriptor table reports "readable" forever and the loop spins.
func (e *epollEngine) shed(lfd int) bool {
	e.spareMu.Lock()
	defer e.spareMu.Unlock()
	if e.spare < 0 {
		return false
	}
	unix.Close(e.spare)
	if nfd, _, err := unix.Accept4(lfd, unix.SOCK_CLOEXEC); err == nil {
		unix.Close(nfd)
	}
	fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		fd = -1
	}
	e.spare = fd
	return true
}

// acceptPause is how long a loop ignores a listener when even the spare
// descriptor is gone.
const acceptPause = 100 * time.Millisecond

func (l *loop) pauseAccept(s *lsock) {
	ent, ok := l.fds[int32(s.fd)]
	if !ok || ent.ls != s {
		return
	}
	_ = l.poller.Del(s.fd)
	l.after(acceptPause, func() {
		if cur, ok := l.fds[int32(s.fd)]; ok && cur == ent && !s.ln.closed.Load() {
			_ = l.poller.Add(s.fd, poll.In|poll.Exclusive, ent.gen)
		}
	})
}
