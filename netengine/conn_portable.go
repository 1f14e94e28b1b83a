package netengine

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// pconn is a connection of the portable engine. Two goroutines touch the
// socket: the reader (started per connection, it runs every callback, so a
// handler sees one connection's events in order and never concurrently)
// and a writer that exists only while there is something to send. Write just
// appends to the queue and wakes the writer, so it never blocks the caller.
type pconn struct {
	id  uint64
	eng *portableEngine
	ln  *portableListener // nil for dialed connections
	nc  net.Conn
	rc  syscall.RawConn // for tryWrite; nil where unsupported
	h   Handler

	hi, lo    int
	timeout   atomic.Int64 // idle timeout in ns, 0 = none
	lastWrite atomic.Int64 // unix ns of the last successful write
	ctx       atomic.Pointer[any]

	mu        sync.Mutex
	cond      sync.Cond   // signals the reader: drained below lo, or done
	queue     []pitem     // bytes and file segments waiting for the writer, in order
	buffered  int         // queued + being written
	wbufs     net.Buffers // the writer's scratch list for writev
	writing   bool        // a writer goroutine is running
	wantClose bool        // Close called: close after the flush
	wantShut  bool        // CloseWrite called: FIN after the flush
	shutDone  bool        // FIN sent
	peerEOF   bool        // FIN received and delivered
	done      bool        // ended; reason and err are final (the reader closes the socket)
	abort     bool        // close with RST
	reason    CloseReason
	err       error
}

func newPConn(e *portableEngine, ln *portableListener, nc net.Conn, h Handler, opt Options) *pconn {
	c := &pconn{id: e.nextID.Add(1), eng: e, ln: ln, nc: nc, rc: rawConn(nc), h: h, hi: opt.HighWater, lo: opt.LowWater}
	c.cond.L = &c.mu
	c.timeout.Store(int64(opt.IdleTimeout))
	if tc, ok := nc.(interface{ SetNoDelay(bool) error }); ok {
		_ = tc.SetNoDelay(true)
	}
	return c
}

func (c *pconn) ID() uint64           { return c.id }
func (c *pconn) LocalAddr() net.Addr  { return c.nc.LocalAddr() }
func (c *pconn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

func (c *pconn) SetContext(v any) { c.ctx.Store(&v) }
func (c *pconn) Context() any {
	if p := c.ctx.Load(); p != nil {
		return *p
	}
	return nil
}

func (c *pconn) Buffered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buffered
}

// pitem is one item of the send queue: bytes, or a file segment (our own
// duplicate of the caller's file, sent from off for n bytes).
type pitem struct {
	b      []byte
	file   *os.File
	off, n int64
}

func (c *pconn) Write(p []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done || c.wantClose || c.wantShut {
		return ErrClosed
	}
	if len(p) == 0 {
		return nil
	}
	if !c.writing && len(c.queue) == 0 {
		// Nobody else is writing to the socket (mu is held and no writer
		// runs), so one direct attempt keeps the order.
		if n := tryWrite(c.rc, p); n > 0 {
			c.eng.stats.bytesOut.Add(int64(n))
			c.lastWrite.Store(time.Now().UnixNano())
			p = p[n:]
		}
		if len(p) == 0 {
			return nil
		}
	}
	c.queueLocked(p)
	c.kickLocked()
	return nil
}

// queueLocked appends a copy of p to the queue.
func (c *pconn) queueLocked(p []byte) {
	if n := len(c.queue); n > 0 && c.queue[n-1].file == nil && cap(c.queue[n-1].b)-len(c.queue[n-1].b) >= len(p) {
		c.queue[n-1].b = append(c.queue[n-1].b, p...)
	} else {
		b := make([]byte, len(p), max(len(p), chunkSize))
		copy(b, p)
		c.queue = append(c.queue, pitem{b: b})
	}
	c.buffered += len(p)
}

// SendFile queues head, then n bytes of f from offset off, after what was
// queued before; it returns at once. The connection keeps its own
// duplicate of f's descriptor (the caller may close f at once) and its
// writer copies the range in fileChunk pieces with ReadAt, so memory stays
// at one buffer however large the file, and Buffered counts what is left.
// If the file is shorter than off+n when its turn comes, the connection
// ends with ReasonError, as on epoll.
func (c *pconn) SendFile(head []byte, f *os.File, off, n int64) error {
	if f == nil || off < 0 || n < 0 {
		return errBadFileRange
	}
	if n == 0 {
		return c.Write(head)
	}
	g, err := dupOSFile(f)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done || c.wantClose || c.wantShut {
		g.Close()
		return ErrClosed
	}
	if len(head) > 0 {
		c.queueLocked(head)
	}
	c.queue = append(c.queue, pitem{file: g, off: off, n: n})
	c.buffered += int(n)
	c.kickLocked()
	return nil
}

// fileChunk is how much of a file the portable writer reads and writes at
// a time.
const fileChunk = 256 << 10

var fileBufs = sync.Pool{New: func() any { b := make([]byte, fileChunk); return &b }}

// sendFile writes the file segment it (which the writer has taken off the
// queue) chunk by chunk, and closes its file. fileErr says the error came
// from reading the file, not from the socket.
func (c *pconn) sendFile(it pitem) (fileErr bool, err error) {
	defer it.file.Close()
	bp := fileBufs.Get().(*[]byte)
	defer fileBufs.Put(bp)
	buf := *bp
	for it.n > 0 {
		if c.isDone() {
			return false, nil
		}
		k, rerr := it.file.ReadAt(buf[:min(int64(len(buf)), it.n)], it.off)
		if k == 0 {
			if rerr == nil || rerr == io.EOF {
				rerr = fmt.Errorf("netengine: sendfile: file ended %d bytes early: %w", it.n, io.ErrUnexpectedEOF)
			}
			return true, rerr
		}
		w, werr := c.nc.Write(buf[:k])
		c.wrote(w)
		if werr != nil {
			return false, werr
		}
		it.off, it.n = it.off+int64(k), it.n-int64(k)
	}
	return false, nil
}

// wrote books n bytes taken by the socket.
func (c *pconn) wrote(n int) {
	if n <= 0 {
		return
	}
	c.eng.stats.bytesOut.Add(int64(n))
	c.lastWrite.Store(time.Now().UnixNano())
	c.mu.Lock()
	if !c.done { // finish has already dropped the books
		c.buffered -= n
		if c.buffered <= c.lo {
			c.cond.Broadcast()
		}
	}
	c.mu.Unlock()
}

func (c *pconn) CloseWrite() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done || c.wantClose {
		return ErrClosed
	}
	if !c.wantShut {
		c.wantShut = true
		c.kickLocked()
	}
	return nil
}

func (c *pconn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return ErrClosed
	}
	if !c.wantClose {
		c.wantClose = true
		c.kickLocked()
	}
	return nil
}

func (c *pconn) Abort() error {
	c.mu.Lock()
	done := c.done
	c.mu.Unlock()
	if done {
		return ErrClosed
	}
	c.finish(ReasonAbort, nil, true)
	return nil
}

func (c *pconn) SetTimeout(d time.Duration) {
	c.timeout.Store(int64(max(d, 0)))
	if d > 0 {
		c.setReadDeadline(time.Now().Add(d))
	} else {
		c.setReadDeadline(time.Time{})
	}
}

// kickLocked starts the writer if it is not running. c.mu is held.
func (c *pconn) kickLocked() {
	if !c.writing {
		c.writing = true
		go c.writeLoop()
	}
}

// writeLoop sends the queue, then carries out a pending CloseWrite or Close,
// then exits. An idle connection therefore costs one goroutine, not two.
func (c *pconn) writeLoop() {
	c.mu.Lock()
	for !c.done {
		if len(c.queue) > 0 && c.queue[0].file != nil {
			it := c.queue[0]
			c.queue[0] = pitem{}
			c.queue = c.queue[1:]
			c.mu.Unlock()
			if fileErr, err := c.sendFile(it); err != nil {
				reason := reasonFor(err)
				if fileErr {
					reason = ReasonError // the file, not the socket, failed
				}
				c.finish(reason, err, false)
			}
			c.mu.Lock()
			continue
		}
		if len(c.queue) > 0 {
			// The bytes up to the next file segment, in one writev.
			bufs := c.wbufs[:0]
			k := 0
			for ; k < len(c.queue) && c.queue[k].file == nil; k++ {
				bufs = append(bufs, c.queue[k].b)
				c.queue[k] = pitem{}
			}
			c.queue = c.queue[k:]
			if len(c.queue) == 0 {
				c.queue = nil
			}
			c.mu.Unlock()
			all := bufs
			n, err := all.WriteTo(c.nc) // writev; blocks only this goroutine
			clear(bufs)
			c.wbufs = bufs[:0]
			c.wrote(int(n))
			if err != nil {
				c.finish(reasonFor(err), err, false)
			}
			c.mu.Lock()
			continue
		}
		if c.wantClose {
			reason := ReasonLocalClose
			if c.peerEOF {
				reason = ReasonEOF
			}
			c.mu.Unlock()
			c.finish(reason, nil, false)
			c.mu.Lock()
			continue
		}
		if c.wantShut && !c.shutDone {
			c.shutDone = true
			peer := c.peerEOF
			c.mu.Unlock()
			err := closeWrite(c.nc)
			switch {
			case err != nil:
				c.finish(reasonFor(err), err, false)
			case peer: // both directions are closed now
				c.finish(ReasonEOF, nil, false)
			}
			c.mu.Lock()
			continue
		}
		break
	}
	c.writing = false
	c.mu.Unlock()
}

func closeWrite(nc net.Conn) error {
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// finish ends the connection once and records why. It does not close the
// socket: it unblocks both goroutines (a deadline in the past makes a
// blocked Read or Write return), and the reader calls OnClose and only then
// closes the socket, so by the time the peer sees the end the handler's
// books are up to date, as with the epoll engine.
func (c *pconn) finish(reason CloseReason, err error, abort bool) {
	c.mu.Lock()
	if c.done {
		c.mu.Unlock()
		return
	}
	c.done, c.reason, c.err, c.abort = true, reason, err, abort
	for _, it := range c.queue {
		if it.file != nil {
			it.file.Close()
		}
	}
	c.queue, c.buffered = nil, 0
	c.cond.Broadcast()
	c.mu.Unlock()
	_ = c.nc.SetDeadline(aLongTimeAgo)
}

// aLongTimeAgo is a deadline that has always passed (net/http uses the same).
var aLongTimeAgo = time.Unix(1, 0)

func (c *pconn) open() {
	c.eng.stats.open.Add(1)
	c.h.OnOpen(c)
}

// readBufSize is the portable engine's read buffer per connection.
const readBufSize = 16 << 10

// readLoop reads until EOF or an error, delivering data in order, then
// waits for the connection to finish and calls OnClose last.
func (c *pconn) readLoop() {
	buf := make([]byte, readBufSize)
	c.armDeadline()
	for {
		n, err := c.nc.Read(buf)
		if n > 0 {
			c.eng.stats.bytesIn.Add(int64(n))
			// Above the high-water mark the engine "stops reading": a Read
			// already waiting when the queue grew cannot be taken back, so
			// what it returned waits here until the queue drains, as it
			// would wait in the kernel on epoll.
			c.waitDrain()
			if c.isDone() {
				break
			}
			c.h.OnData(c, buf[:n])
			c.waitDrain()
			c.armDeadline()
		}
		if err == nil {
			continue
		}
		if c.isDone() {
			break
		}
		if errors.Is(err, io.EOF) {
			c.peerClosed()
			break
		}
		if errors.Is(err, os.ErrDeadlineExceeded) && c.stillBusy() {
			continue
		}
		if reason := reasonFor(err); reason == ReasonTimeout {
			c.finish(ReasonTimeout, nil, false)
		} else {
			c.finish(reason, err, false)
		}
		break
	}
	buf = nil
	c.mu.Lock()
	for !c.done {
		c.cond.Wait()
	}
	reason, err, abort := c.reason, c.err, c.abort
	c.mu.Unlock()
	c.eng.forget(c)
	c.eng.stats.open.Add(-1)
	c.h.OnClose(c, reason, err)
	if tc, ok := c.nc.(interface{ SetLinger(int) error }); ok && abort {
		_ = tc.SetLinger(0) // close now sends RST instead of FIN
	}
	_ = c.nc.Close()
}

// setReadDeadline moves the read deadline without undoing finish: finish
// marks done before it sets its deadline in the past, and we check done
// after setting ours, so the past deadline always wins.
func (c *pconn) setReadDeadline(t time.Time) {
	_ = c.nc.SetReadDeadline(t)
	if c.isDone() {
		_ = c.nc.SetDeadline(aLongTimeAgo)
	}
}

func (c *pconn) isDone() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done
}

// peerClosed handles a FIN from the peer: every byte before it has been
// delivered, so tell the handler, unless we had half-closed already, in
// which case both directions are done.
func (c *pconn) peerClosed() {
	c.mu.Lock()
	c.peerEOF = true
	shut, done := c.shutDone, c.done
	c.mu.Unlock()
	switch {
	case done:
	case shut:
		c.finish(ReasonLocalClose, nil, false)
	default:
		c.h.OnEOF(c)
	}
}

// waitDrain pauses reading while the send queue is above the high-water
// mark, until it falls to the low-water mark: a peer that sends but does not
// read cannot make us queue without bound.
func (c *pconn) waitDrain() {
	c.mu.Lock()
	if c.buffered > c.hi {
		for c.buffered > c.lo && !c.done {
			c.cond.Wait()
		}
	}
	c.mu.Unlock()
}

func (c *pconn) armDeadline() {
	if d := c.timeout.Load(); d > 0 {
		c.setReadDeadline(time.Now().Add(time.Duration(d)))
	}
}

// stillBusy decides, when the read deadline fires, whether the connection
// really was idle: the timeout may have been switched off meanwhile, or
// bytes may have gone out. If busy it re-arms the deadline.
func (c *pconn) stillBusy() bool {
	d := time.Duration(c.timeout.Load())
	if d <= 0 {
		c.setReadDeadline(time.Time{})
		return true
	}
	next := time.Unix(0, c.lastWrite.Load()).Add(d)
	if time.Until(next) > 0 {
		c.setReadDeadline(next)
		return true
	}
	return false
}
