package poll

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Read, Write and Writev are read(2), write(2) and writev(2) on
// non-blocking descriptors, issued as raw system calls.
//
// A normal system call tells the Go scheduler that the goroutine may block:
// it lets go of its P on the way in and must win one back on the way out,
// and when the call lasts more than about 20 µs — a loopback write, which
// runs the receiver's half of TCP too, often does — sysmon hands the P to
// another thread, waking it with a futex. An event loop issues hundreds of
// thousands of these calls a second and none of them can block (the socket
// is non-blocking), so it pays that price for nothing; measured with strace
// on the 1,000-connection echo benchmark, the scheduler's futex and
// nanosleep calls outnumbered the reads. A raw call keeps the P.
//
// Only calls that cannot block may come here: not epoll_wait with a
// timeout, not sendfile (it may wait for the disk).

// Read reads from a non-blocking fd. EINTR is retried.
func Read(fd int, p []byte) (int, error) { return rw(unix.SYS_READ, fd, p) }

// Write writes to a non-blocking fd. EINTR is retried.
func Write(fd int, p []byte) (int, error) { return rw(unix.SYS_WRITE, fd, p) }

func rw(trap uintptr, fd int, p []byte) (int, error) {
	var base unsafe.Pointer
	if len(p) > 0 {
		base = unsafe.Pointer(&p[0])
	}
	for {
		r, _, e := syscall.RawSyscall(trap, uintptr(fd), uintptr(base), uintptr(len(p)))
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return int(r), nil
	}
}

// Writev writes bufs to a non-blocking fd in one call, using vecs (which
// it returns, grown if needed) as scratch space for the iovec array so a
// caller that keeps it allocates nothing. Empty buffers are skipped.
func Writev(fd int, bufs [][]byte, vecs []unix.Iovec) (int, []unix.Iovec, error) {
	return writev(fd, bufs, vecs, false)
}

// WritevMore is Writev on a socket with MSG_MORE: TCP holds the bytes back
// until the next send, so they leave in the same segments as what follows
// (a response header and the start of its file body), as TCP_CORK would.
func WritevMore(fd int, bufs [][]byte, vecs []unix.Iovec) (int, []unix.Iovec, error) {
	return writev(fd, bufs, vecs, true)
}

func writev(fd int, bufs [][]byte, vecs []unix.Iovec, more bool) (int, []unix.Iovec, error) {
	vecs = vecs[:0]
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		v := unix.Iovec{Base: &b[0]}
		v.SetLen(len(b))
		vecs = append(vecs, v)
	}
	if len(vecs) == 0 {
		return 0, vecs, nil
	}
	var msg unix.Msghdr
	if more {
		msg.Iov = &vecs[0]
		msg.SetIovlen(len(vecs))
	}
	for {
		var r uintptr
		var e syscall.Errno
		if more {
			r, _, e = syscall.RawSyscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), unix.MSG_MORE|unix.MSG_NOSIGNAL)
		} else {
			r, _, e = syscall.RawSyscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&vecs[0])), uintptr(len(vecs)))
		}
		if e == unix.EINTR {
			continue
		}
		clear(vecs) // drop the references to the caller's buffers
		if e != 0 {
			return 0, vecs, e
		}
		return int(r), vecs, nil
	}
}

// pollNow is epoll_pwait with a zero timeout, which cannot block.
func (p *Poller) pollNow(events []unix.EpollEvent) (int, error) {
	for {
		r, _, e := syscall.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(p.epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return int(r), nil
	}
}
