package netengine

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netlab-classroom/netlab/netengine/internal/poll"
	"golang.org/x/sys/unix"
)

// A loop owns an epoll instance and every connection registered in it. Only
// the loop's goroutine touches a connection's socket and loop-side state,
// and every callback runs here, so handlers need no locks for one
// connection. Other goroutines reach the loop through post and markDirty,
// which queue work and wake epoll_wait through an eventfd, only when the
// loop is actually asleep.
type loop struct {
	eng    *epollEngine
	idx    int
	poller *poll.Poller
	exited chan struct{}

	// Loop-owned state.
	fds      map[int32]fdEntry
	gen      uint32
	timers   timerHeap
	now      int64        // unix ns, refreshed once per wake-up
	buf      []byte       // read buffer shared by all connections of the loop
	iov      [][]byte     // scratch for writev
	iovecs   []unix.Iovec // scratch for writev's iovec array
	events   []unix.EpollEvent
	stopping bool

	// Hot counters live per loop, on their own cache line, so two loops do
	// not fight over one; Stats adds them up.
	_   [64]byte
	ctr struct {
		bytesIn, bytesOut, wakeups, events atomic.Int64
	}
	_ [64]byte

	// Shared with other goroutines.
	mu       sync.Mutex
	dirty    []*econn
	tasks    []func()
	pending  atomic.Int64 // len(dirty)+len(tasks), readable without mu
	sleeping atomic.Bool  // in (or about to enter) epoll_wait
}

// fdEntry is what an epoll event's fd refers to: a connection or one of
// the listening sockets, registered with generation gen.
type fdEntry struct {
	gen uint32
	c   *econn
	ls  *lsock
}

const (
	loopReadBuf = 64 << 10
	maxEvents   = 256
	maxIov      = 1024 // IOV_MAX
)

func newLoop(e *epollEngine, idx int) (*loop, error) {
	p, err := poll.New()
	if err != nil {
		return nil, err
	}
	return &loop{
		eng: e, idx: idx, poller: p, exited: make(chan struct{}),
		fds:    map[int32]fdEntry{},
		buf:    make([]byte, loopReadBuf),
		events: make([]unix.EpollEvent, maxEvents),
	}, nil
}

// post queues f to run on the loop goroutine.
func (l *loop) post(f func()) {
	l.mu.Lock()
	l.tasks = append(l.tasks, f)
	l.pending.Add(1)
	l.mu.Unlock()
	l.wake()
}

// markDirty queues c for a flush (and any pending close, abort or timer
// change) on the loop. c.mu is held by the caller.
func (l *loop) markDirty(c *econn) {
	if c.dirty {
		return
	}
	c.dirty = true
	l.mu.Lock()
	l.dirty = append(l.dirty, c)
	l.pending.Add(1)
	l.mu.Unlock()
	l.wake()
}

// wake interrupts epoll_wait if the loop sleeps. A Write from a callback
// finds the loop awake and costs no system call: the loop flushes dirty
// connections before it sleeps again. The loop stores sleeping before it
// loads pending, and we store pending before we load sleeping, so at least
// one side sees the other (both are sequentially consistent atomics).
func (l *loop) wake() {
	if l.sleeping.Load() {
		l.poller.Wake()
	}
}

func (l *loop) nextGen() uint32 {
	l.gen++
	return l.gen
}

func (l *loop) run() {
	defer close(l.exited)
	// busy: the last wait returned events, so poll once more without
	// blocking before going to sleep (as gnet does). Under load this skips
	// most blocking epoll_wait calls and the scheduler hand-offs they cost.
	busy := false
	// The loop's system calls are raw (they never enter the scheduler), so
	// under constant load it would run until sysmon preempts it with a
	// signal every 10 ms, after which sysmon polls every 20 µs for a while.
	// Yielding now and then is cheaper than both.
	var lastYield int64
	for !l.stopping {
		msec := -1
		if next := l.timers.next(); next >= 0 {
			msec = int((next - time.Now().UnixNano() + int64(time.Millisecond) - 1) / int64(time.Millisecond))
			msec = max(msec, 0)
		}
		if busy {
			msec = 0
		} else {
			l.sleeping.Store(true)
			if l.pending.Load() > 0 {
				msec = 0
			}
		}
		n, err := l.poller.Wait(l.events, msec)
		l.sleeping.Store(false)
		if err != nil {
			// EBADF/EINVAL cannot happen while the loop owns the fd; back
			// off rather than spin if something is badly wrong.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		l.now = time.Now().UnixNano()
		if (busy && n == 0) || l.now-lastYield > yieldEvery {
			runtime.Gosched()
			lastYield = l.now
		}
		busy = n > 0
		if n > 0 {
			l.ctr.wakeups.Add(1)
			l.ctr.events.Add(int64(n))
		}
		for i := range n {
			l.dispatch(&l.events[i])
		}
		l.runTimers()
		l.runPending()
	}
}

// yieldEvery is how long a busy loop runs before it yields (ns).
const yieldEvery = int64(2 * time.Millisecond)

func (l *loop) dispatch(ev *unix.EpollEvent) {
	if l.poller.IsWake(ev) {
		return
	}
	ent, ok := l.fds[ev.Fd]
	if !ok || ent.gen != uint32(ev.Pad) {
		return // stale: the fd was closed (and maybe reused) in this batch
	}
	if ent.ls != nil {
		l.accept(ent.ls)
		return
	}
	l.handle(ent.c, ev.Events)
}

// runPending runs posted tasks and flushes dirty connections. Work queued
// meanwhile (a callback writing to another connection) waits for the next
// turn, which will not block because pending is non-zero.
func (l *loop) runPending() {
	if l.pending.Load() == 0 {
		return
	}
	l.mu.Lock()
	tasks, dirty := l.tasks, l.dirty
	l.tasks, l.dirty = nil, nil
	l.pending.Store(0)
	l.mu.Unlock()
	for _, f := range tasks {
		f()
	}
	for _, c := range dirty {
		l.service(c)
	}
}

// runTimers fires due idle timeouts and back-off timers.
func (l *loop) runTimers() {
	for {
		t, ok := l.timers.popDue(l.now)
		if !ok {
			return
		}
		if t.fn != nil {
			t.fn()
			continue
		}
		c := t.c
		if c.fd < 0 {
			continue // cannot happen: closing removes the entry
		}
		d := c.timeout.Load()
		if d <= 0 {
			continue
		}
		if due := c.lastActive + d; due > l.now {
			l.timers.set(c, due)
			continue
		}
		l.closeConn(c, ReasonTimeout, nil)
	}
}

// armTimer makes sure c's idle deadline is in the heap, no later than
// lastActive plus the timeout.
func (l *loop) armTimer(c *econn) {
	if d := c.timeout.Load(); d > 0 {
		if due, at := c.lastActive+d, l.timers.deadline(c); at == 0 || due < at {
			l.timers.set(c, due)
		}
	}
}

func (l *loop) after(d time.Duration, fn func()) {
	l.timers.add(timerEntry{when: time.Now().UnixNano() + int64(d), fn: fn})
}

// stop closes everything the loop still holds and ends run.
func (l *loop) stop() {
	for _, ent := range l.fds {
		if ent.c != nil {
			if ent.c.connecting {
				l.failDial(ent.c, errEngineClosed)
			} else {
				l.closeConn(ent.c, ReasonShutdown, nil)
			}
		}
	}
	l.stopping = true
}
