package netengine

import (
	"fmt"
	"io"
	"os"

	"github.com/netlab-classroom/netlab/netengine/internal/poll"
	"golang.org/x/sys/unix"
)

// Zero-copy file sending for the epoll engine (sendfile(2)).
//
// A file segment is one item of the connection's send queue, between the
// byte chunks written before and after it, so bytes and files reach the
// peer in the order they were queued. The loop sends it with sendfile from
// the page cache straight into the socket: no read into user space and no
// copy through the queue's chunks.
//
// Ownership: SendFile duplicates f's descriptor (F_DUPFD_CLOEXEC) and the
// queue owns the duplicate. The caller keeps f and may close it as soon as
// SendFile returns. The duplicate is closed when the segment has been sent,
// or when the connection ends for any reason (Close after the flush, Abort,
// a socket error, a short file, the listener or engine closing). sendfile
// is given an explicit offset, so the file position of f is never used or
// changed and one *os.File may feed many connections at once.
//
// Accounting: the segment's remaining bytes count in Buffered() and
// against the watermarks like queued bytes. They cost only a descriptor in
// memory, but they are bytes the peer has not taken yet: a client that does
// not read a large download stops being read (HighWater) just as it would
// with a copied body, Close and CloseWrite wait for them, and a server that
// paces itself on Buffered() (httpserve with pipelined requests) sees the
// real backlog. Sent bytes count in Stats.BytesOut.

// fileSeg is the file part of a queued chunk. Its fields are touched only
// by the loop (and by SendFile before it is queued).
type fileSeg struct {
	fd     int   // our duplicate of the caller's descriptor
	off, n int64 // next offset to send, bytes left
	copy   bool  // sendfile refused this file: pread + write instead
}

// maxSendfile bounds one sendfile call (Linux stops at 0x7ffff000 anyway).
const maxSendfile = 1 << 30

// SendFile queues head (which may be empty) and then n bytes of f starting
// at offset off, after everything queued before them; like Write it
// returns at once and never blocks, and head is copied. head leaves in the
// same TCP segments as the first bytes of the file (MSG_MORE), so a
// response header and its body reach the peer together instead of the
// header alone in a small packet first. See the file comment for who owns
// the descriptor. If the file turns out shorter than off+n when its turn
// comes, the connection is closed with ReasonError (the peer would
// otherwise wait for bytes that never come).
func (c *econn) SendFile(head []byte, f *os.File, off, n int64) error {
	if f == nil || off < 0 || n < 0 {
		return errBadFileRange
	}
	if n == 0 {
		return c.Write(head) // ErrClosed on a closed connection, as below
	}
	fd, err := dupFD(f)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done || c.wantClose || c.wantShut || c.abortReq {
		unix.Close(fd)
		return ErrClosed
	}
	if len(head) > 0 {
		c.queueLocked(head)
	}
	c.out = append(c.out, &chunk{file: &fileSeg{fd: fd, off: off, n: n}})
	c.buffered.Add(n)
	c.l.markDirty(c)
	return nil
}

// ZeroCopy reports that SendFile sends from the page cache without copying
// through user space (the portable engine's SendFile copies).
func (c *econn) ZeroCopy() bool { return true }

// sendFileStep sends what the socket takes of the file segment fs at the
// head of c's queue. alive is false if c was closed; more is true when the
// step sent everything it tried, so the next queue item may go at once.
func (l *loop) sendFileStep(c *econn, fs *fileSeg) (alive, more bool) {
	count := int(min(fs.n, maxSendfile))
	var n int
	var err error
	if !fs.copy {
		off := fs.off
		// A normal system call, unlike the loop's reads and writes: on a
		// page-cache miss sendfile waits for the disk, and a raw call would
		// hold up the whole program's garbage collector meanwhile.
		n, err = unix.Sendfile(c.fd, fs.fd, &off, count)
		if n <= 0 && (err == unix.EINVAL || err == unix.ENOSYS) {
			fs.copy = true // a file system without splice_read: copy it
		}
	}
	if fs.copy {
		count = min(count, len(l.buf))
		var k int
		k, err = unix.Pread(fs.fd, l.buf[:count], fs.off)
		switch {
		case k > 0:
			n, err = poll.Write(c.fd, l.buf[:k])
			count = k
		case err == nil:
			n = 0 // EOF
		default:
			l.closeConn(c, ReasonError, os.NewSyscallError("pread", err))
			return false, false
		}
	}
	switch {
	case err == unix.EAGAIN || err == unix.EINTR:
		if n <= 0 {
			return true, false
		}
	case err != nil:
		l.closeConn(c, reasonFor(err), os.NewSyscallError("sendfile", err))
		return false, false
	case n == 0:
		// End of file before the segment's end: the file shrank since the
		// caller measured it. The peer was promised more bytes than exist.
		l.closeConn(c, ReasonError, fmt.Errorf("netengine: sendfile: file ended %d bytes early: %w", fs.n, io.ErrUnexpectedEOF))
		return false, false
	}
	l.ctr.bytesOut.Add(int64(n))
	c.lastActive = l.now
	fs.off += int64(n)
	fs.n -= int64(n)
	c.mu.Lock()
	c.buffered.Add(-int64(n))
	if fs.n == 0 {
		ch := c.out[0]
		c.out[0] = nil
		c.out = c.out[1:]
		if len(c.out) == 0 {
			c.out = nil
		}
		ch.free()
	}
	c.mu.Unlock()
	return true, n == count
}
