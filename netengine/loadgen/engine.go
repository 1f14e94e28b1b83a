package loadgen

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
)

// The event-driven generator (Config.Engine "epoll", the default on
// Linux): every connection is a small state machine on NetLab's epoll
// engine, whose loops (one per CPU the process may use) run all of them,
// as wrk's threads do. A response is parsed as its bytes arrive, in the
// loop's own read buffer, and the next request leaves from the same
// callback with one write: per request a read, a write and no
// allocation. Dialing blocks until the handshake is done, so dials (at
// the start, and again after the server closes a connection) run on a few
// dialer goroutines.

type engRun struct {
	eng      netengine.Engine
	tgt      Target
	cfg      *Config
	req      []byte
	over     atomic.Bool // the run's deadline passed: send nothing new
	stopping atomic.Bool // grace over or interrupted: what is in flight is unfinished
	dials    chan *slot
	wg       sync.WaitGroup // one per slot, done when the slot has stopped for good
}

// slot is one of the Conns connections, across reconnects. Its fields but
// mu and conn belong to whoever drives it now: the loop of its open
// connection, or a dialer goroutine in between (the hand-over goes through
// the engine's callbacks and the dials channel).
type slot struct {
	r  *engRun
	sh *shard
	p  respParser
	tally
	t0       time.Time
	inflight bool // a request was sent and its response is not complete
	closing  bool // we closed the connection; ignore what still arrives

	mu   sync.Mutex // guards conn, for the end of the run
	conn netengine.Conn
}

func runEngine(ctx context.Context, eng netengine.Engine, tgt Target, cfg *Config, st *stats, hardStop time.Time) []tally {
	r := &engRun{eng: eng, tgt: tgt, cfg: cfg, req: requestBytes(tgt, cfg), dials: make(chan *slot, cfg.Conns)}
	slots := make([]*slot, cfg.Conns)
	for i := range slots {
		slots[i] = &slot{r: r, sh: st.shard(i), p: newParser(tgt.Mode, r.req)}
	}
	dialers := min(cfg.Conns, 16)
	var dwg sync.WaitGroup
	for range dialers {
		dwg.Add(1)
		go func() {
			defer dwg.Done()
			r.dialer(ctx)
		}()
	}
	r.wg.Add(len(slots))
	for _, s := range slots {
		r.dials <- s
	}

	// The deadline: nothing new is sent; requests in flight may finish
	// until hardStop. Ctrl-C (the parent context) ends them at once.
	<-ctx.Done()
	r.over.Store(true)
	finished := make(chan struct{})
	go func() { r.wg.Wait(); close(finished) }()
	if ctx.Err() == context.DeadlineExceeded {
		t := time.NewTimer(time.Until(hardStop))
		select {
		case <-finished:
		case <-t.C:
		}
		t.Stop()
	}
	r.stopping.Store(true)
	for _, s := range slots {
		s.mu.Lock()
		if s.conn != nil {
			_ = s.conn.Abort() // its OnClose counts the request unfinished
		}
		s.mu.Unlock()
	}
	<-finished
	close(r.dials)
	dwg.Wait()
	tallies := make([]tally, len(slots))
	for i, s := range slots {
		tallies[i] = s.tally
	}
	return tallies
}

// dialer connects the slots it is handed until the run is over.
func (r *engRun) dialer(ctx context.Context) {
	for s := range r.dials {
		for {
			// ctx ends a moment before runEngine sets over.
			if r.over.Load() || ctx.Err() != nil {
				r.wg.Done() // this slot stops here
				break
			}
			// OnOpen, on the connection's loop, sends the first request
			// before Dial returns; from then on the loop drives the slot.
			if _, err := r.eng.Dial("tcp", r.tgt.Addr, s, r.cfg.Timeout, netengine.Options{IdleTimeout: r.cfg.Timeout}); err == nil {
				break
			}
			if r.over.Load() || ctx.Err() != nil {
				continue
			}
			s.sh.fail("connect")
			t := time.NewTimer(10 * time.Millisecond)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
		}
	}
}

func (s *slot) OnOpen(c netengine.Conn) {
	s.mu.Lock()
	s.conn = c
	s.mu.Unlock()
	s.connects++
	s.closing = false
	if s.r.over.Load() {
		s.closing = true
		_ = c.Close()
		return
	}
	s.send(c, time.Now())
}

func (s *slot) send(c netengine.Conn, now time.Time) {
	s.p.reset()
	s.inflight = true
	s.t0 = now
	s.bytesOut += int64(len(s.r.req))
	_ = c.Write(s.r.req)
}

func (s *slot) OnData(c netengine.Conn, data []byte) {
	s.bytesIn += int64(len(data))
	if s.closing {
		return
	}
	if !s.inflight {
		s.fail(c, "protocol") // bytes nobody asked for
		return
	}
	n, done, err := s.p.feed(data)
	if err != nil {
		s.fail(c, "protocol")
		return
	}
	if done {
		s.complete(c, n < len(data))
	}
}

// complete books a whole response and sends the next request, or closes.
func (s *slot) complete(c netengine.Conn, extra bool) {
	if extra {
		s.fail(c, "protocol") // bytes beyond the response (we never pipeline)
		return
	}
	now := time.Now()
	s.inflight = false
	s.sh.done(now.Sub(s.t0), s.p.status)
	switch {
	case s.p.echo == nil && !s.p.keep, s.r.over.Load():
		s.closing = true
		_ = c.Close()
	default:
		s.send(c, now)
	}
}

func (s *slot) OnEOF(c netengine.Conn) {
	if !s.closing && s.inflight {
		if s.p.eof() == nil {
			s.complete(c, false)
		} else {
			s.fail(c, "closed")
		}
	}
	s.closing = true
	_ = c.Close()
}

// fail counts an error and closes the connection.
func (s *slot) fail(c netengine.Conn, kind string) {
	s.inflight = false
	s.sh.fail(kind)
	s.closing = true
	_ = c.Close()
}

func (s *slot) OnClose(c netengine.Conn, reason netengine.CloseReason, err error) {
	s.mu.Lock()
	s.conn = nil
	s.mu.Unlock()
	if s.inflight {
		s.inflight = false
		switch {
		case s.r.stopping.Load() || (reason == netengine.ReasonTimeout && s.r.over.Load()):
			s.sh.fail("unfinished")
		case reason == netengine.ReasonTimeout:
			s.sh.fail("timeout")
		case reason == netengine.ReasonEOF:
			s.sh.fail("closed")
		default: // reset or another socket error while waiting
			s.sh.fail("read")
		}
	}
	if s.r.over.Load() {
		s.r.wg.Done()
		return
	}
	s.r.dials <- s // reconnect
}
