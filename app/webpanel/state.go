package webpanel

import (
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/httpserve"
)

// maxLog is how many access-log entries the view keeps.
const maxLog = 5000

// lanHost is the address a LAN server listens on (tests use loopback).
var lanHost = "0.0.0.0"

// tickEvery is how often the view takes new log entries and counters (4/s).
var tickEvery = 250 * time.Millisecond

// idleTimeout closes idle keep-alive connections (0: the server's
// default; tests shorten it).
var idleTimeout time.Duration

// settings are the inputs of one start.
type settings struct {
	Dir       string
	Port      int
	Engine    string
	KeepAlive bool
	Listing   bool
	LAN       bool
}

// state outlives view rebuilds (language switch): the running server and
// its log live here.
type state struct {
	mu      sync.Mutex
	srv     *httpserve.Server
	eng     netengine.Engine
	ln      netengine.Listener
	running settings
	urls    []string
	idle    time.Duration      // the idle keep-alive timeout, stated in the panel
	pending []*httpserve.Entry // filled by network callbacks
	dropped int
	stop    chan struct{}

	// Owned by the UI goroutine.
	log     []*httpserve.Entry
	seq     int // changes whenever log does
	trimmed int
	rates   rates
	last    httpserve.Stats
	lastAt  time.Time
	onTick  func() // the current view's refresh
	view    *panelUI
	statusT func(netengine.Engine, bool)
}

type rates struct {
	ReqPerSec, BytesPerSec float64
	Open, Total, Conns     int64
}

// nextIdle is the idle timeout the next start will use.
func nextIdle() time.Duration {
	if idleTimeout > 0 {
		return idleTimeout
	}
	return httpserve.DefaultIdleTimeout
}

func (st *state) isRunning() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.srv != nil
}

// start runs a server with s; the engine is new for each start.
func (st *state) start(s settings) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.srv != nil {
		return nil
	}
	eng, err := netengine.New(s.Engine)
	if err != nil {
		return err
	}
	srv, err := httpserve.New(httpserve.Config{
		Dir: s.Dir, NoKeepAlive: !s.KeepAlive, NoListing: !s.Listing, LogRaw: true,
		IdleTimeout: idleTimeout, Log: st.record,
	})
	if err != nil {
		eng.Close()
		return err
	}
	host := "127.0.0.1"
	if s.LAN {
		host = lanHost
	}
	ln, err := srv.Listen(eng, fmt.Sprintf("%s:%d", host, s.Port))
	if err != nil {
		srv.Close()
		eng.Close()
		return err
	}
	st.srv, st.eng, st.ln, st.running = srv, eng, ln, s
	st.idle = srv.Config().IdleTimeout
	st.urls = httpserve.URLs(ln.Addr())
	st.stop = make(chan struct{})
	if st.statusT != nil {
		st.statusT(eng, true)
	}
	go st.ticker(st.stop, tickEvery)
	return nil
}

// stopServer stops the server, if running.
func (st *state) stopServer() {
	st.mu.Lock()
	srv, eng, stop := st.srv, st.eng, st.stop
	st.srv, st.eng, st.ln, st.stop, st.urls = nil, nil, nil, nil, nil
	st.mu.Unlock()
	if srv == nil {
		return
	}
	close(stop)
	srv.Close()
	eng.Close()
	if st.statusT != nil {
		st.statusT(eng, false)
	}
}

// record is the access-log callback (engine goroutine): buffer only.
func (st *state) record(e *httpserve.Entry) {
	st.mu.Lock()
	if len(st.pending) >= maxLog {
		n := len(st.pending) / 2
		st.pending = append(st.pending[:0], st.pending[n:]...)
		st.dropped += n
	}
	st.pending = append(st.pending, e)
	st.mu.Unlock()
}

func (st *state) ticker(stop chan struct{}, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return // the view refreshes itself after stopping
		case <-t.C:
			fyne.Do(st.tick)
		}
	}
}

// tick moves buffered entries into the log and updates the counters. It
// runs on the UI goroutine.
func (st *state) tick() {
	st.mu.Lock()
	pend := st.pending
	st.pending = nil
	dropped := st.dropped
	st.dropped = 0
	srv := st.srv
	st.mu.Unlock()
	st.trimmed += dropped
	if len(pend) > 0 || dropped > 0 {
		st.seq++
	}
	st.log = append(st.log, pend...)
	if n := len(st.log) - maxLog; n > 0 {
		st.log = append(st.log[:0:0], st.log[n:]...)
		st.trimmed += n
	}
	now := time.Now()
	if srv != nil {
		s := srv.Stats()
		if dt := now.Sub(st.lastAt).Seconds(); !st.lastAt.IsZero() && dt > 0 {
			st.rates.ReqPerSec = float64(s.Requests-st.last.Requests) / dt
			st.rates.BytesPerSec = float64(s.BytesOut-st.last.BytesOut) / dt
		}
		st.rates.Open, st.rates.Total, st.rates.Conns = s.Open, s.Requests, s.Accepted
		st.last, st.lastAt = s, now
	} else {
		st.rates.ReqPerSec, st.rates.BytesPerSec, st.rates.Open = 0, 0, 0 // totals stay until the next start
		st.last, st.lastAt = httpserve.Stats{}, time.Time{}
	}
	if st.onTick != nil {
		st.onTick()
	}
}

func (st *state) clearLog() {
	st.log, st.trimmed = nil, 0
	st.seq++
}
