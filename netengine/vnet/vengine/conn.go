package vengine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// Conn is a blocking TCP socket of a netstack stack that behaves like
// *net.TCPConn: deadlines (a past one wakes a blocked call), io.EOF after
// the peer's FIN, CloseWrite (FIN), SetLinger(0) (Close sends RST), and
// errors that wrap the same syscall errors as the host's sockets
// (ECONNRESET, ECONNREFUSED, EPIPE…) so callers classify them the same
// way. gonet.TCPConn reports netstack errors as plain strings, which is why
// this type exists.
type Conn struct {
	ep            tcpip.Endpoint
	wq            *waiter.Queue
	local, remote net.Addr // fixed at creation: still known after Close

	rmu    sync.Mutex // one Read at a time
	wmu    sync.Mutex // one Write at a time, so writes do not interleave
	rd, wd deadline
	once   sync.Once
}

func newConn(ep tcpip.Endpoint, wq *waiter.Queue) *Conn {
	c := &Conn{ep: ep, wq: wq}
	if a, err := ep.GetLocalAddress(); err == nil {
		c.local = tcpAddr(a)
	}
	if a, err := ep.GetRemoteAddress(); err == nil {
		c.remote = tcpAddr(a)
	}
	c.rd.init()
	c.wd.init()
	return c
}

func tcpAddr(a tcpip.FullAddress) *net.TCPAddr {
	return &net.TCPAddr{IP: net.IP(a.Addr.AsSlice()), Port: int(a.Port)}
}

func (c *Conn) LocalAddr() net.Addr  { return c.local }
func (c *Conn) RemoteAddr() net.Addr { return c.remote }

func (c *Conn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: "tcp", Source: c.local, Addr: c.remote, Err: err}
}

// Read reads what has arrived, waiting (until the read deadline) if
// nothing has; io.EOF once the peer's FIN is reached.
func (c *Conn) Read(b []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if len(b) == 0 {
		return 0, nil
	}
	expired := c.rd.channel()
	w := tcpip.SliceWriter(b)
	res, err := c.ep.Read(&w, tcpip.ReadOptions{})
	if _, ok := err.(*tcpip.ErrWouldBlock); ok {
		entry, ready := waiter.NewChannelEntry(waiter.ReadableEvents | waiter.EventHUp | waiter.EventErr)
		c.wq.EventRegister(&entry)
		defer c.wq.EventUnregister(&entry)
		for {
			res, err = c.ep.Read(&w, tcpip.ReadOptions{})
			if _, ok := err.(*tcpip.ErrWouldBlock); !ok {
				break
			}
			select {
			case <-expired:
				return 0, c.opError("read", os.ErrDeadlineExceeded)
			case <-ready:
			}
		}
	}
	switch err.(type) {
	case nil:
		c.ep.ModerateRecvBuf(res.Count) // receive-buffer auto-tuning, as gonet does
		return res.Count, nil
	case *tcpip.ErrClosedForReceive:
		return 0, io.EOF
	}
	return 0, c.opError("read", sysErr(err))
}

// Write sends all of b, waiting (until the write deadline) while the send
// buffer is full.
func (c *Conn) Write(b []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	expired := c.wd.channel()
	var (
		r     bytes.Reader
		done  int
		ready <-chan struct{}
	)
	for done < len(b) {
		select {
		case <-expired:
			return done, c.opError("write", os.ErrDeadlineExceeded)
		default:
		}
		r.Reset(b[done:])
		n, err := c.ep.Write(&r, tcpip.WriteOptions{})
		done += int(n)
		switch err.(type) {
		case nil:
			continue
		case *tcpip.ErrWouldBlock:
		default:
			return done, c.opError("write", sysErr(err))
		}
		if ready == nil {
			// Register, then try once more before waiting: the buffer may
			// have drained in between.
			var entry waiter.Entry
			entry, ready = waiter.NewChannelEntry(waiter.WritableEvents | waiter.EventHUp | waiter.EventErr)
			c.wq.EventRegister(&entry)
			defer c.wq.EventUnregister(&entry)
			continue
		}
		select {
		case <-expired:
			return done, c.opError("write", os.ErrDeadlineExceeded)
		case <-ready:
		}
	}
	return done, nil
}

// CloseWrite sends FIN after what is queued (half-close); reading goes on.
func (c *Conn) CloseWrite() error {
	if err := c.ep.Shutdown(tcpip.ShutdownWrite); err != nil {
		return c.opError("close", sysErr(err))
	}
	return nil
}

// SetLinger as on *net.TCPConn: 0 makes Close reset the connection (RST)
// and drop what is unsent; a negative value restores the orderly close.
func (c *Conn) SetLinger(sec int) error {
	c.ep.SocketOptions().SetLinger(tcpip.LingerOption{Enabled: sec >= 0, Timeout: time.Duration(max(sec, 0)) * time.Second})
	return nil
}

// Close closes the socket: FIN after what is queued, or RST after
// SetLinger(0) (or with unread data, as on Linux). Blocked calls return.
func (c *Conn) Close() error {
	c.once.Do(func() {
		c.ep.Close()
		c.rd.set(aLongTimeAgo)
		c.wd.set(aLongTimeAgo)
	})
	return nil
}

var aLongTimeAgo = time.Unix(1, 0)

func (c *Conn) SetDeadline(t time.Time) error {
	c.rd.set(t)
	c.wd.set(t)
	return nil
}
func (c *Conn) SetReadDeadline(t time.Time) error  { c.rd.set(t); return nil }
func (c *Conn) SetWriteDeadline(t time.Time) error { c.wd.set(t); return nil }

// deadline is one direction's deadline: a channel closed when it passes.
// A blocked call holds the channel it read at its start; moving the
// deadline keeps that channel (re-arming its timer) unless it had already
// expired, so a blocked call sees every later change.
type deadline struct {
	mu    sync.Mutex
	ch    chan struct{}
	timer *time.Timer
	gen   uint64 // invalidates a timer that fires after it was replaced
}

func (d *deadline) init() { d.ch = make(chan struct{}) }

func (d *deadline) channel() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ch
}

func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	select {
	case <-d.ch:
		d.ch = make(chan struct{}) // expired before: start afresh
	default:
	}
	if t.IsZero() {
		return
	}
	wait := time.Until(t)
	if wait <= 0 {
		close(d.ch)
		return
	}
	gen, ch := d.gen, d.ch
	d.timer = time.AfterFunc(wait, func() {
		d.mu.Lock()
		if d.gen == gen {
			close(ch)
		}
		d.mu.Unlock()
	})
}

// sysErr maps a netstack error to the system error a host socket reports
// in the same case, so callers (the engine's close reasons, tests) classify
// both alike.
func sysErr(err tcpip.Error) error {
	switch err.(type) {
	case *tcpip.ErrConnectionReset, *tcpip.ErrAborted:
		return syscall.ECONNRESET
	case *tcpip.ErrConnectionRefused:
		return syscall.ECONNREFUSED
	case *tcpip.ErrConnectionAborted:
		return syscall.ECONNABORTED
	case *tcpip.ErrClosedForSend:
		return syscall.EPIPE
	case *tcpip.ErrTimeout:
		return syscall.ETIMEDOUT
	case *tcpip.ErrNetworkUnreachable, *tcpip.ErrNoNet:
		return syscall.ENETUNREACH
	case *tcpip.ErrHostUnreachable, *tcpip.ErrHostDown:
		return syscall.EHOSTUNREACH
	case *tcpip.ErrPortInUse:
		return syscall.EADDRINUSE
	case *tcpip.ErrBadLocalAddress:
		return syscall.EADDRNOTAVAIL
	case *tcpip.ErrNotConnected:
		return syscall.ENOTCONN
	}
	return errors.New(err.String())
}

// dial connects a new endpoint of s to fa and waits for the handshake.
func dial(s *stack.Stack, fa tcpip.FullAddress, proto tcpip.NetworkProtocolNumber, timeout time.Duration) (*Conn, error) {
	remote := tcpAddr(fa)
	fail := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Addr: remote, Err: err} }
	var wq waiter.Queue
	ep, terr := s.NewEndpoint(tcp.ProtocolNumber, proto, &wq)
	if terr != nil {
		return nil, fail(sysErr(terr))
	}
	entry, ready := waiter.NewChannelEntry(waiter.WritableEvents | waiter.EventHUp | waiter.EventErr)
	wq.EventRegister(&entry)
	defer wq.EventUnregister(&entry)
	terr = ep.Connect(fa)
	if _, ok := terr.(*tcpip.ErrConnectStarted); ok {
		ctx := context.Background()
		if timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		select {
		case <-ready:
			terr = ep.LastError()
		case <-ctx.Done():
			ep.Close()
			return nil, fail(os.ErrDeadlineExceeded)
		}
	}
	if terr != nil {
		ep.Close()
		return nil, fail(sysErr(terr))
	}
	return newConn(ep, &wq), nil
}

// Listener is a listening TCP socket of a netstack stack (a net.Listener).
type Listener struct {
	ep     tcpip.Endpoint
	wq     *waiter.Queue
	addr   net.Addr
	closed chan struct{}
	once   sync.Once
}

// listenBacklog is the accept queue's length (Linux's default somaxconn).
const listenBacklog = 4096

func listen(s *stack.Stack, fa tcpip.FullAddress, proto tcpip.NetworkProtocolNumber) (*Listener, error) {
	fail := func(op string, err tcpip.Error) error {
		return &net.OpError{Op: op, Net: "tcp", Addr: tcpAddr(fa), Err: sysErr(err)}
	}
	var wq waiter.Queue
	ep, err := s.NewEndpoint(tcp.ProtocolNumber, proto, &wq)
	if err != nil {
		return nil, fail("listen", err)
	}
	if err := ep.Bind(fa); err != nil {
		ep.Close()
		return nil, fail("bind", err)
	}
	if err := ep.Listen(listenBacklog); err != nil {
		ep.Close()
		return nil, fail("listen", err)
	}
	a, err := ep.GetLocalAddress()
	if err != nil {
		ep.Close()
		return nil, fail("listen", err)
	}
	return &Listener{ep: ep, wq: &wq, addr: tcpAddr(a), closed: make(chan struct{})}, nil
}

// Accept waits for the next connection; after Close it returns an error
// that wraps net.ErrClosed.
func (l *Listener) Accept() (net.Conn, error) {
	entry, ready := waiter.NewChannelEntry(waiter.ReadableEvents | waiter.EventHUp | waiter.EventErr)
	l.wq.EventRegister(&entry)
	defer l.wq.EventUnregister(&entry)
	for {
		select {
		case <-l.closed:
			return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.addr, Err: net.ErrClosed}
		default:
		}
		ep, wq, err := l.ep.Accept(nil)
		switch err.(type) {
		case nil:
			return newConn(ep, wq), nil
		case *tcpip.ErrWouldBlock:
		default:
			return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.addr, Err: sysErr(err)}
		}
		select {
		case <-l.closed:
		case <-ready:
		}
	}
}

// Close stops listening; connections not yet accepted are reset.
func (l *Listener) Close() error {
	l.once.Do(func() {
		close(l.closed)
		l.ep.Close()
	})
	return nil
}

func (l *Listener) Addr() net.Addr { return l.addr }
