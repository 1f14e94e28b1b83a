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

// econn is a connection of the epoll engine. Its socket and the fields
// marked loop-owned are touched only by its loop's goroutine. The send
// queue and the requests made by the API (close, half-close, abort, timer
// reset) are guarded by mu because Write and friends may be called from
// any goroutine; they only record the request and mark the connection
// dirty, and the loop acts on it before it next sleeps.
//
// An idle connection holds no buffer: reads go through the loop's shared
// buffer, and send chunks return to a pool as soon as they are written.
type econn struct {
	id            uint64
	eng           *epollEngine
	l             *loop
	ln            *elistener // nil for dialed connections
	h             Handler
	local, remote net.Addr
	hi, lo        int64

	// Loop-owned.
	fd         int // -1 once closed
	gen        uint32
	interest   uint32
	paused     bool // reading stopped by the high-water mark
	peerEOF    bool
	shutDone   bool // our FIN is sent
	connecting bool
	dial       *dialOp
	lastActive int64 // unix ns of the last byte in or out
	timerIdx   int   // index+1 of its entry in the loop's timer heap, 0 if none

	timeout  atomic.Int64 // idle timeout in ns
	buffered atomic.Int64 // bytes queued; written under mu, read anywhere
	ctx      atomic.Pointer[any]

	mu         sync.Mutex
	out        []*chunk
	dirty      bool // queued in the loop's dirty list
	wantClose  bool
	wantShut   bool
	abortReq   bool
	timerReset bool
	done       bool
	// inCB is true while the loop runs one of c's callbacks. The loop is
	// then busy with c and cannot close its fd, so a Write that finds the
	// queue empty may write to the socket at once, as gnet does: no copy,
	// no queueing, no second trip through the loop. Set and cleared under
	// mu, so a Write holding mu sees a stable answer.
	inCB bool
}

// chunk is a piece of a send queue: b[off:] is still to be written, or,
// when file is set, a file segment queued by SendFile (sendfile_linux.go).
type chunk struct {
	b    []byte
	off  int
	file *fileSeg
}

// The two pooled chunk sizes are in sendqueue.go.
var (
	chunkPool    = sync.Pool{New: func() any { return &chunk{b: make([]byte, 0, chunkSize)} }}
	bigChunkPool = sync.Pool{New: func() any { return &chunk{b: make([]byte, 0, bigChunkSize)} }}
)

func newChunk(p []byte) *chunk {
	var ch *chunk
	switch {
	case len(p) <= chunkSize:
		ch = chunkPool.Get().(*chunk)
	case len(p) <= bigChunkSize:
		ch = bigChunkPool.Get().(*chunk)
	default:
		ch = &chunk{b: make([]byte, 0, len(p))}
	}
	ch.b = append(ch.b, p...)
	return ch
}

func (ch *chunk) free() {
	if fs := ch.file; fs != nil {
		ch.file = nil
		unix.Close(fs.fd) // the queue's duplicate; the caller's file is untouched
		return
	}
	ch.b, ch.off = ch.b[:0], 0
	switch cap(ch.b) {
	case chunkSize:
		chunkPool.Put(ch)
	case bigChunkSize:
		bigChunkPool.Put(ch)
	}
}

func newEConn(e *epollEngine, l *loop, ln *elistener, fd int, remote net.Addr, h Handler, opt Options) *econn {
	c := &econn{id: e.nextID.Add(1), eng: e, l: l, ln: ln, h: h, fd: fd, remote: remote,
		hi: int64(opt.HighWater), lo: int64(opt.LowWater)}
	c.timeout.Store(int64(opt.IdleTimeout))
	return c
}

// ---- the Conn API, callable from any goroutine ----

func (c *econn) ID() uint64           { return c.id }
func (c *econn) LocalAddr() net.Addr  { return c.local }
func (c *econn) RemoteAddr() net.Addr { return c.remote }
func (c *econn) Buffered() int        { return int(c.buffered.Load()) }
func (c *econn) SetContext(v any)     { c.ctx.Store(&v) }
func (c *econn) Context() any {
	if p := c.ctx.Load(); p != nil {
		return *p
	}
	return nil
}

func (c *econn) Write(p []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done || c.wantClose || c.wantShut || c.abortReq {
		return ErrClosed
	}
	if len(p) == 0 {
		return nil
	}
	if c.inCB && len(c.out) == 0 {
		n, err := poll.Write(c.fd, p)
		if n > 0 {
			c.l.ctr.bytesOut.Add(int64(n))
			p = p[n:]
		}
		if len(p) == 0 {
			return nil
		}
		// The rest (or an error, which flush will meet again and report)
		// goes through the queue.
		_ = err
	}
	c.queueLocked(p)
	c.l.markDirty(c)
	return nil
}

// queueLocked appends a copy of p to the send queue.
func (c *econn) queueLocked(p []byte) {
	if n := len(c.out); n > 0 && c.out[n-1].file == nil && cap(c.out[n-1].b)-len(c.out[n-1].b) >= len(p) {
		last := c.out[n-1]
		last.b = append(last.b, p...)
	} else {
		c.out = append(c.out, newChunk(p))
	}
	c.buffered.Add(int64(len(p)))
}

func (c *econn) CloseWrite() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done || c.wantClose || c.abortReq {
		return ErrClosed
	}
	if !c.wantShut {
		c.wantShut = true
		c.l.markDirty(c)
	}
	return nil
}

func (c *econn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done || c.abortReq {
		return ErrClosed
	}
	if !c.wantClose {
		c.wantClose = true
		c.l.markDirty(c)
	}
	return nil
}

func (c *econn) Abort() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done || c.abortReq {
		return ErrClosed
	}
	// The loop discards the queue when it closes the socket: it may be in
	// the middle of writing from those very chunks right now.
	c.abortReq = true
	c.l.markDirty(c)
	return nil
}

func (c *econn) SetTimeout(d time.Duration) {
	c.timeout.Store(int64(max(d, 0)))
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done {
		c.timerReset = true
		c.l.markDirty(c)
	}
}

func (c *econn) dropQueueLocked() {
	for _, ch := range c.out {
		ch.free()
	}
	c.out = nil
	c.buffered.Store(0)
}

// ---- loop side ----

// attach registers c's fd with the loop under a fresh generation.
func (l *loop) attach(c *econn, events uint32) error {
	c.gen = l.nextGen()
	c.interest = events
	l.fds[int32(c.fd)] = fdEntry{gen: c.gen, c: c}
	if err := l.poller.Add(c.fd, events, c.gen); err != nil {
		delete(l.fds, int32(c.fd))
		return err
	}
	return nil
}

// opened counts c and tells the handler; the idle timer starts now.
func (l *loop) opened(c *econn) {
	l.eng.stats.open.Add(1)
	c.lastActive = l.now
	l.armTimer(c)
	c.enterCB()
	c.h.OnOpen(c)
	c.leaveCB()
}

func (c *econn) enterCB() {
	c.mu.Lock()
	c.inCB = true
	c.mu.Unlock()
}

func (c *econn) leaveCB() {
	c.mu.Lock()
	c.inCB = false
	c.mu.Unlock()
}

// handle reacts to one epoll event for c.
func (l *loop) handle(c *econn, ev uint32) {
	if c.connecting {
		l.finishDial(c)
		return
	}
	reading := c.interest&poll.In != 0
	if reading && ev&(poll.In|poll.Hup|poll.Err) != 0 {
		l.read(c)
	}
	if c.fd >= 0 && ev&poll.Out != 0 {
		l.flush(c)
	}
	if c.fd >= 0 && !reading && ev&(poll.Hup|poll.Err) != 0 {
		// Not reading (paused, or after the peer's FIN) but the socket is
		// dead both ways: level-triggered HUP would fire forever.
		l.closeDead(c)
	}
}

func (l *loop) read(c *econn) {
	n, err := poll.Read(c.fd, l.buf)
	switch {
	case n > 0:
		l.ctr.bytesIn.Add(int64(n))
		c.lastActive = l.now
		c.enterCB()
		c.h.OnData(c, l.buf[:n])
		c.leaveCB()
		if c.fd >= 0 && !c.paused && c.buffered.Load() > c.hi {
			// The peer sends faster than it reads our replies: stop reading
			// until the queue drains to the low-water mark.
			c.paused = true
			l.setInterest(c, c.interest&poll.Out != 0)
		}
	case err == nil: // n == 0: the peer's FIN, after every byte before it
		c.peerEOF = true
		l.setInterest(c, c.interest&poll.Out != 0)
		if c.shutDone {
			l.closeConn(c, ReasonLocalClose, nil)
			return
		}
		c.enterCB()
		c.h.OnEOF(c)
		c.leaveCB()
	case err == unix.EAGAIN || err == unix.EINTR:
	default:
		l.closeConn(c, reasonFor(err), os.NewSyscallError("read", err))
	}
}

// service acts on what the API asked for since the loop last looked.
func (l *loop) service(c *econn) {
	c.mu.Lock()
	c.dirty = false
	abort, reset := c.abortReq, c.timerReset
	c.timerReset = false
	c.mu.Unlock()
	if c.fd < 0 || c.connecting {
		return
	}
	if abort {
		l.closeConn(c, ReasonAbort, nil)
		return
	}
	if reset {
		c.lastActive = l.now
		l.armTimer(c)
	}
	l.flush(c)
}

// flush writes as much of the queue as the socket takes, then carries out
// a pending Close or CloseWrite once the queue is empty, and moves the
// read pause according to the watermarks. Byte chunks go out with writev
// up to the next file segment, file segments with sendfile; flush goes on
// to the next item while the socket takes everything it is given.
func (l *loop) flush(c *econn) {
	for range maxFlushSteps {
		c.mu.Lock()
		if c.abortReq {
			c.mu.Unlock()
			l.closeConn(c, ReasonAbort, nil)
			return
		}
		var fs *fileSeg
		iov := l.iov[:0]
		want := 0
		fileNext := false // the bytes in iov are followed by a file segment
		for _, ch := range c.out {
			if ch.file != nil {
				if len(iov) == 0 {
					fs = ch.file
				} else {
					fileNext = true
				}
				break
			}
			iov = append(iov, ch.b[ch.off:])
			want += len(ch.b) - ch.off
			if len(iov) == maxIov {
				break
			}
		}
		c.mu.Unlock()
		more := false
		switch {
		case fs != nil:
			var alive bool
			if alive, more = l.sendFileStep(c, fs); !alive {
				return
			}
		case len(iov) > 0:
			var n int
			var err error
			switch {
			case fileNext:
				// A head before a file body: hold it back so both
				// leave in the same segments (nginx's tcp_nopush).
				n, l.iovecs, err = poll.WritevMore(c.fd, iov, l.iovecs)
			case len(iov) == 1:
				n, err = poll.Write(c.fd, iov[0])
			default:
				n, l.iovecs, err = poll.Writev(c.fd, iov, l.iovecs)
			}
			clear(iov)
			l.iov = iov[:0]
			switch {
			case err == unix.EAGAIN || err == unix.EINTR:
				n = 0
			case err != nil:
				l.closeConn(c, reasonFor(err), os.NewSyscallError("write", err))
				return
			}
			if n > 0 {
				l.ctr.bytesOut.Add(int64(n))
				c.lastActive = l.now
				c.mu.Lock()
				c.consumeLocked(n)
				c.mu.Unlock()
			}
			more = n == want
		}
		if !more {
			break
		}
	}
	c.mu.Lock()
	left, wantClose, wantShut := c.buffered.Load(), c.wantClose, c.wantShut
	c.mu.Unlock()
	if left == 0 {
		if wantClose {
			reason := ReasonLocalClose
			if c.peerEOF {
				reason = ReasonEOF
			}
			l.closeConn(c, reason, nil)
			return
		}
		if wantShut && !c.shutDone {
			c.shutDone = true
			if err := unix.Shutdown(c.fd, unix.SHUT_WR); err != nil {
				l.closeConn(c, reasonFor(err), os.NewSyscallError("shutdown", err))
				return
			}
			if c.peerEOF {
				l.closeConn(c, ReasonEOF, nil)
				return
			}
		}
	}
	switch {
	case !c.paused && left > c.hi:
		c.paused = true
	case c.paused && left <= c.lo:
		c.paused = false
	}
	l.setInterest(c, left > 0)
}

// maxFlushSteps bounds the writev/sendfile calls of one flush, so one
// connection with a long queue cannot hold the loop.
const maxFlushSteps = 16

func (c *econn) consumeLocked(n int) {
	c.buffered.Add(-int64(n))
	for n > 0 {
		ch := c.out[0]
		if rest := len(ch.b) - ch.off; n >= rest {
			n -= rest
			c.out[0] = nil
			c.out = c.out[1:]
			ch.free()
		} else {
			ch.off += n
			n = 0
		}
	}
	if len(c.out) == 0 {
		c.out = nil
	}
}

// setInterest updates the epoll registration: read unless paused or at
// EOF, write while something is queued.
func (l *loop) setInterest(c *econn, wantOut bool) {
	var ev uint32
	if !c.paused && !c.peerEOF {
		ev |= poll.In
	}
	if wantOut {
		ev |= poll.Out
	}
	if ev != c.interest {
		c.interest = ev
		_ = l.poller.Mod(c.fd, ev, c.gen)
	}
}

// closeDead closes a connection whose socket reported an error or hang-up
// while we were not reading it.
func (l *loop) closeDead(c *econn) {
	soerr, _ := unix.GetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_ERROR)
	switch {
	case soerr != 0:
		err := unix.Errno(soerr)
		l.closeConn(c, reasonFor(err), os.NewSyscallError("socket", err))
	case c.peerEOF:
		l.closeConn(c, ReasonEOF, nil)
	default:
		l.closeConn(c, ReasonReset, os.NewSyscallError("socket", unix.ECONNRESET))
	}
}

// closeConn closes c now (no flush) and calls OnClose. OnClose runs before
// the socket is closed, so by the time the peer sees the connection end
// the handler's books (open counts, client lists) are already up to date.
// Closing the fd also removes it from epoll; events already fetched for it
// are dropped by the generation check.
func (l *loop) closeConn(c *econn, reason CloseReason, err error) {
	if c.fd < 0 {
		return
	}
	fd := l.forget(c)
	if c.ln != nil {
		c.ln.open.Add(-1)
	}
	l.eng.stats.open.Add(-1)
	c.h.OnClose(c, reason, err)
	if reason == ReasonAbort {
		// Linger on, timeout 0: close discards the send buffer and sends RST.
		_ = unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
	}
	unix.Close(fd)
}

// forget marks c closed for the API and the loop and returns its fd, which
// the caller closes. The fd changes under mu because a direct Write reads
// it under mu.
func (l *loop) forget(c *econn) int {
	fd := c.fd
	delete(l.fds, int32(fd))
	l.timers.remove(c)
	c.mu.Lock()
	c.fd = -1
	c.done = true
	c.dropQueueLocked()
	c.mu.Unlock()
	return fd
}

// drop forgets and closes c's socket without any callback.
func (l *loop) drop(c *econn) {
	unix.Close(l.forget(c))
}

// ---- dialing ----

func (l *loop) startDial(c *econn) {
	if c.dial.state.Load() != dialPending {
		unix.Close(c.fd)
		c.fd = -1
		return
	}
	c.connecting = true
	if err := l.attach(c, poll.Out); err != nil {
		unix.Close(c.fd)
		c.fd = -1
		l.settleDial(c, os.NewSyscallError("epoll_ctl", err))
	}
}

// finishDial runs when a connecting socket becomes writable (or fails).
func (l *loop) finishDial(c *econn) {
	soerr, err := unix.GetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err == nil && soerr != 0 {
		err = unix.Errno(soerr)
	}
	if err != nil {
		l.failDial(c, os.NewSyscallError("connect", err))
		return
	}
	if !c.dial.state.CompareAndSwap(dialPending, dialDone) {
		l.drop(c) // Dial gave up meanwhile
		return
	}
	c.connecting = false
	c.local = localAddr(c.fd)
	l.setInterest(c, false)
	l.eng.stats.dialed.Add(1)
	l.opened(c)
	close(c.dial.done)
}

func (l *loop) failDial(c *econn, err error) {
	if c.fd >= 0 {
		l.drop(c)
	}
	l.settleDial(c, err)
}

func (l *loop) settleDial(c *econn, err error) {
	if c.dial.state.CompareAndSwap(dialPending, dialDone) {
		c.dial.err = err
		close(c.dial.done)
	}
}

// cancelDial runs after Dial timed out: close the half-open socket quietly.
func (l *loop) cancelDial(c *econn) {
	if c.fd >= 0 && c.connecting {
		l.drop(c)
	}
}
