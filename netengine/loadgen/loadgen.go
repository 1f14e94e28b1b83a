// Package loadgen is NetLab's load generator: a fixed number of keep-alive
// connections send HTTP GET requests (or tcp:// echo messages) as fast as
// the server answers, for a fixed time, and the run reports requests per
// second, latency percentiles, errors and bytes, like wrk or hey.
//
// It only ever talks to loopback addresses (127.0.0.0/8, ::1, localhost):
// a classroom tool must not be usable to flood another machine.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
)

// Limits of a run.
const (
	MaxConns    = 1000
	MaxDuration = 10 * time.Minute
)

// Config describes a run. Zero values pick defaults.
type Config struct {
	// Target is http://HOST[:PORT][/PATH] or tcp://HOST:PORT on loopback.
	Target string
	// Conns is the number of connections (default 10, at most MaxConns).
	Conns int
	// Duration of the run (default 10 s, at most MaxDuration).
	Duration time.Duration
	// Timeout of one request, connect included (default 2 s).
	Timeout time.Duration
	// Payload is what tcp:// targets get and must echo back (default "ping\n").
	Payload []byte
	// Tick is the interval of OnTick (default 250 ms).
	Tick time.Duration
	// OnTick, if set, receives live figures every Tick from a goroutine of
	// the run; it must not block.
	OnTick func(Tick)
	// Engine picks how connections are driven: "epoll" (every connection
	// a small state machine on NetLab's epoll engine, a loop per CPU;
	// Linux only), "goroutine" (a goroutine per connection on the net
	// package) or "" / "auto" (epoll where it exists, else goroutine).
	// Both count the same way.
	Engine string
}

// Tick is a live report during a run.
type Tick struct {
	Elapsed  time.Duration
	Requests int64 // completed since the start
	Errors   int64
	// ReqPerSec, P50 and P99 are measured over the last tick only.
	ReqPerSec float64
	P50, P99  time.Duration
}

// Latency summarises response times.
type Latency struct {
	Min  time.Duration `json:"min_ns"`
	Mean time.Duration `json:"mean_ns"`
	P50  time.Duration `json:"p50_ns"`
	P90  time.Duration `json:"p90_ns"`
	P99  time.Duration `json:"p99_ns"`
	P999 time.Duration `json:"p999_ns"`
	Max  time.Duration `json:"max_ns"`
}

// Result is the outcome of a run.
type Result struct {
	Target       string           `json:"target"`
	Mode         string           `json:"mode"` // "http" or "tcp"
	Conns        int              `json:"conns"`
	Duration     time.Duration    `json:"duration_ns"` // measured
	Requests     int64            `json:"requests"`
	Errors       int64            `json:"errors"`
	ErrorKinds   map[string]int64 `json:"error_kinds,omitempty"`
	Status       map[int]int64    `json:"status,omitempty"` // HTTP status codes
	Connects     int64            `json:"connects"`         // connections opened
	BytesRead    int64            `json:"bytes_read"`
	BytesWritten int64            `json:"bytes_written"`
	ReqPerSec    float64          `json:"requests_per_sec"`
	ReadPerSec   float64          `json:"bytes_read_per_sec"`
	Latency      Latency          `json:"latency"`
}

// ErrNotLoopback is returned for targets outside this machine.
var ErrNotLoopback = errors.New("only loopback targets are allowed (127.0.0.0/8, ::1 or localhost): NetLab never load-tests another machine")

// Target is a parsed, checked target.
type Target struct {
	Mode string // "http" or "tcp"
	Addr string // host:port to dial
	Host string // Host header value
	Path string // request path (http)
}

// ParseTarget checks a target URL and refuses non-loopback hosts.
func ParseTarget(s string) (Target, error) {
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return Target{}, fmt.Errorf("bad target %q: %v", s, err)
	}
	var t Target
	switch strings.ToLower(u.Scheme) {
	case "http":
		t.Mode = "http"
	case "tcp":
		t.Mode = "tcp"
	case "https":
		return Target{}, fmt.Errorf("https is not supported: use http:// or tcp://")
	default:
		return Target{}, fmt.Errorf("unknown scheme %q: use http:// or tcp://", u.Scheme)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return Target{}, fmt.Errorf("no host in %q", s)
	}
	if port == "" {
		if t.Mode == "tcp" {
			return Target{}, fmt.Errorf("tcp:// needs a port, e.g. tcp://127.0.0.1:9000")
		}
		port = "80"
	}
	ip, err := loopbackIP(host)
	if err != nil {
		return Target{}, fmt.Errorf("refusing %s: %w", host, err)
	}
	t.Addr = net.JoinHostPort(ip.String(), port)
	t.Host = u.Host
	if u.Port() == "" {
		t.Host = net.JoinHostPort(host, port)
		if port == "80" {
			t.Host = host
		}
	}
	t.Path = u.RequestURI()
	if t.Path == "" {
		t.Path = "/"
	}
	return t, nil
}

// loopbackIP accepts loopback literals and "localhost" (never resolved
// through DNS: it is 127.0.0.1 here).
func loopbackIP(host string) (netip.Addr, error) {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return netip.MustParseAddr("127.0.0.1"), nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, ErrNotLoopback
	}
	if ip = ip.Unmap(); !ip.IsLoopback() {
		return netip.Addr{}, ErrNotLoopback
	}
	return ip, nil
}

func (c *Config) defaults() error {
	if c.Conns == 0 {
		c.Conns = 10
	}
	if c.Conns < 1 || c.Conns > MaxConns {
		return fmt.Errorf("connections must be between 1 and %d", MaxConns)
	}
	if c.Duration == 0 {
		c.Duration = 10 * time.Second
	}
	if c.Duration < 0 || c.Duration > MaxDuration {
		return fmt.Errorf("duration must be between 0 and %v", MaxDuration)
	}
	if c.Timeout <= 0 {
		c.Timeout = 2 * time.Second
	}
	if len(c.Payload) == 0 {
		c.Payload = []byte("ping\n")
	}
	if c.Tick <= 0 {
		c.Tick = 250 * time.Millisecond
	}
	return nil
}

// stats are a run's books, in shards so that event loops and goroutines
// recording at the same time rarely wait for one another; each connection
// records into one shard.
type stats struct {
	shards []shard
}

type shard struct {
	mu       sync.Mutex
	requests int64
	errors   int64
	kinds    map[string]int64
	status   [1000]int64 // by HTTP status code (100..999)
	total    Histogram
	window   Histogram // since the last tick
}

func newStats(conns int) *stats {
	s := &stats{shards: make([]shard, min(conns, 8))}
	for i := range s.shards {
		s.shards[i].kinds = map[string]int64{}
	}
	return s
}

func (s *stats) shard(i int) *shard { return &s.shards[i%len(s.shards)] }

// done records a completed request; status is 0 for tcp://. A status
// outside 200..399 also counts as an error ("status N").
func (s *shard) done(lat time.Duration, status int) {
	s.mu.Lock()
	s.requests++
	s.total.Record(lat)
	s.window.Record(lat)
	if status != 0 {
		s.status[status]++
		if status < 200 || status > 399 {
			s.errors++ // its kind is made from the status map at the end
		}
	}
	s.mu.Unlock()
}

func (s *shard) fail(kind string) {
	s.mu.Lock()
	s.errors++
	s.kinds[kind]++
	s.mu.Unlock()
}

// tally is one connection slot's byte and connect counts, kept by whoever
// drives the slot and summed once the run is over.
type tally struct {
	bytesIn, bytesOut, connects int64
}

// Run generates load until cfg.Duration has passed or ctx is cancelled and
// returns the figures. Requests still unanswered at the end get a short
// grace period; those that do not finish count as "unfinished" errors.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.defaults(); err != nil {
		return Result{}, err
	}
	tgt, err := ParseTarget(cfg.Target)
	if err != nil {
		return Result{}, err
	}
	var eng netengine.Engine
	switch cfg.Engine {
	case "", "auto":
		if netengine.EpollAvailable(runtime.GOOS) {
			if eng, err = netengine.New("epoll"); err != nil {
				eng, err = nil, nil // the goroutine generator then
			}
		}
	case "epoll":
		eng, err = netengine.New("epoll")
	case "goroutine":
	default:
		return Result{}, fmt.Errorf("unknown load generator engine %q: use auto, epoll or goroutine", cfg.Engine)
	}
	if err != nil {
		return Result{}, err
	}
	st := newStats(cfg.Conns)
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	grace := min(cfg.Timeout, 500*time.Millisecond)
	runCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	tickDone := make(chan struct{})
	if cfg.OnTick != nil {
		go ticker(&cfg, st, start, runCtx, tickDone)
	} else {
		close(tickDone)
	}
	var tallies []tally
	if eng != nil {
		tallies = runEngine(runCtx, eng, tgt, &cfg, st, deadline.Add(grace))
		eng.Close()
	} else {
		tallies = runGoroutines(runCtx, tgt, &cfg, st, deadline.Add(grace))
	}
	cancel()
	<-tickDone
	elapsed := time.Since(start)
	return st.result(&cfg, tgt, tallies, elapsed), nil
}

func (s *stats) result(cfg *Config, tgt Target, tallies []tally, elapsed time.Duration) Result {
	res := Result{Target: cfg.Target, Mode: tgt.Mode, Conns: cfg.Conns, Duration: elapsed}
	var h Histogram
	kinds, status := map[string]int64{}, map[int]int64{}
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		h.Merge(&sh.total)
		res.Requests += sh.requests
		res.Errors += sh.errors
		for k, v := range sh.kinds {
			kinds[k] += v
		}
		for k, v := range sh.status {
			if v == 0 {
				continue
			}
			status[k] += v
			if k < 200 || k > 399 {
				kinds["status "+strconv.Itoa(k)] += v
			}
		}
		sh.mu.Unlock()
	}
	for _, t := range tallies {
		res.BytesRead += t.bytesIn
		res.BytesWritten += t.bytesOut
		res.Connects += t.connects
	}
	res.Latency = Latency{Min: h.Min(), Mean: h.Mean(), P50: h.Quantile(0.5), P90: h.Quantile(0.9),
		P99: h.Quantile(0.99), P999: h.Quantile(0.999), Max: h.Max()}
	if len(kinds) > 0 {
		res.ErrorKinds = kinds
	}
	if len(status) > 0 {
		res.Status = status
	}
	if sec := elapsed.Seconds(); sec > 0 {
		res.ReqPerSec = float64(res.Requests) / sec
		res.ReadPerSec = float64(res.BytesRead) / sec
	}
	return res
}

func ticker(cfg *Config, st *stats, start time.Time, ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(cfg.Tick)
	defer t.Stop()
	last := start
	var lastReq int64
	var win Histogram
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			win.Reset()
			var req, errs int64
			for i := range st.shards {
				sh := &st.shards[i]
				sh.mu.Lock()
				win.Merge(&sh.window)
				sh.window.Reset()
				req += sh.requests
				errs += sh.errors
				sh.mu.Unlock()
			}
			tk := Tick{Elapsed: now.Sub(start), Requests: req, Errors: errs,
				P50: win.Quantile(0.5), P99: win.Quantile(0.99)}
			if d := now.Sub(last).Seconds(); d > 0 {
				tk.ReqPerSec = float64(req-lastReq) / d
			}
			last, lastReq = now, req
			cfg.OnTick(tk)
		}
	}
}

// FormatDuration prints a latency the way wrk does (µs, ms or s, 2 decimals).
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.2fµs", float64(d)/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}
