// Package poll wraps one epoll instance and an eventfd used to wake it.
// It knows nothing about connections: the event loop above it keeps the
// table from file descriptors to connections.
//
// Each registration carries the fd and a generation number in the event's
// user data (Fd and Pad of unix.EpollEvent). When a connection is closed and
// the kernel hands the same fd number to a new one, events still queued for
// the old connection carry the old generation and are recognised as stale.
package poll

import (
	"encoding/binary"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Interest bits, re-exported so callers need not import unix for them.
const (
	In        = unix.EPOLLIN
	Out       = unix.EPOLLOUT
	Err       = unix.EPOLLERR
	Hup       = unix.EPOLLHUP
	Exclusive = unix.EPOLLEXCLUSIVE
)

// Poller is an epoll fd plus a wake-up eventfd.
type Poller struct {
	epfd, wfd int
	// woken is true from a Wake until the loop consumes the eventfd, so a
	// burst of Wakes from many goroutines costs one write(2).
	woken atomic.Bool
}

// New creates the epoll instance and its eventfd.
func New() (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	wfd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	p := &Poller{epfd: epfd, wfd: wfd}
	if err := p.Add(wfd, In, 0); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func event(fd int, events uint32, gen uint32) *unix.EpollEvent {
	return &unix.EpollEvent{Events: events, Fd: int32(fd), Pad: int32(gen)}
}

// Add registers fd with the interest set and generation gen.
func (p *Poller) Add(fd int, events uint32, gen uint32) error {
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, event(fd, events, gen))
}

// Mod changes fd's interest set.
func (p *Poller) Mod(fd int, events uint32, gen uint32) error {
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_MOD, fd, event(fd, events, gen))
}

// Del removes fd.
func (p *Poller) Del(fd int) error {
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil)
}

// Wait waits up to msec milliseconds (-1: forever) for events. With msec
// 0 it only looks, as a raw system call (see Read).
func (p *Poller) Wait(events []unix.EpollEvent, msec int) (int, error) {
	if msec == 0 && len(events) > 0 {
		return p.pollNow(events)
	}
	n, err := unix.EpollWait(p.epfd, events, msec)
	if err == unix.EINTR {
		return 0, nil
	}
	return n, err
}

// IsWake reports whether ev is the wake-up eventfd; if so it consumes it.
func (p *Poller) IsWake(ev *unix.EpollEvent) bool {
	if int(ev.Fd) != p.wfd {
		return false
	}
	var b [8]byte
	_, _ = unix.Read(p.wfd, b[:])
	p.woken.Store(false)
	return true
}

// Wake makes a Wait in progress (or the next one) return.
func (p *Poller) Wake() {
	if !p.woken.CompareAndSwap(false, true) {
		return
	}
	var b [8]byte
	binary.NativeEndian.PutUint64(b[:], 1)
	_, _ = unix.Write(p.wfd, b[:])
}

// Close releases both descriptors.
func (p *Poller) Close() error {
	unix.Close(p.wfd)
	return unix.Close(p.epfd)
}
