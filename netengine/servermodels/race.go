package servermodels

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/netlab-classroom/netlab/netengine/loadgen"
)

// RaceConfig sets up an engine race: each model in turn gets the same load.
type RaceConfig struct {
	// Models to run, in order (default: every available model).
	Models []string
	// Conns and Duration of the load on each model (defaults 50 and 8 s,
	// so the four models finish in well under a minute).
	Conns    int
	Duration time.Duration
	// Idle connections are opened to each model before the load starts and
	// stay silent (like browsers keeping a connection open): a polling loop
	// must still ask each of them, a thread or goroutine per connection
	// costs a stack each, a blocking server waits on them. Default 0.
	Idle int
	// Addr is where each model listens (default 127.0.0.1:0).
	Addr string
	// Tick is the interval of OnSample (default 250 ms).
	Tick time.Duration
	// OnSample receives live figures of the model running; OnStart and
	// OnResult bracket each model. They run on the race's goroutines.
	OnStart  func(model string)
	OnSample func(Sample)
	OnResult func(RaceResult)
}

// Sample is one live point of a model's run.
type Sample struct {
	Model     string
	Elapsed   time.Duration
	ReqPerSec float64
	P50, P99  time.Duration
	// CPU is the process's CPU use over the last tick in percent of one
	// core (up to 100 × cores); -1 where it cannot be measured. It includes
	// the load generator, which is the same for every model.
	CPU float64
	// Mem is the Go memory in use (heap + goroutine stacks), in bytes.
	Mem uint64
	// RSS is the resident memory of NetLab and the model's worker
	// processes, in bytes; Threads the OS threads of NetLab (-1 unknown);
	// Procs the model's worker processes.
	RSS     uint64
	Threads int
	Procs   int
}

// RaceResult is one model's outcome.
type RaceResult struct {
	Model  string
	Load   loadgen.Result
	Served int64 // requests the server counted
	// CPU is the mean CPU over the run in percent of one core (-1 if
	// unknown), worker processes included; PeakMem the highest Go memory
	// sample, in bytes.
	CPU     float64
	PeakMem uint64
	// BaseRSS is the resident memory before the model started, PeakRSS the
	// highest during the run (worker processes included), RSSPerConn their
	// difference per connection held (load and idle); RSSExact is false
	// where only Go's own memory figure is known (not Linux).
	BaseRSS, PeakRSS, RSSPerConn uint64
	RSSExact                     bool
	// PeakThreads is the most OS threads of NetLab during the run (-1
	// unknown); PeakProcs the most worker processes (process model).
	PeakThreads, PeakProcs int
	// Idle is the number of silent connections held open during the run.
	Idle int
	// Stall says why the model (nearly) stopped answering; "" if it did not.
	Stall Stall
	Err   error
}

// Stall is why a model stopped answering.
type Stall string

// Stalls.
const (
	// StallBlocking: the blocking server waited on silent clients, one at a
	// time, while the load's clients waited in the accept queue.
	StallBlocking Stall = "blocking"
	// StallProcesses: silent clients held every worker process.
	StallProcesses Stall = "processes"
	// StallOther: few answers, many failures, for another reason.
	StallOther Stall = "other"
)

// Conns is how many connections the model held: the load's and the idle ones.
func (r RaceResult) Conns() int { return r.Load.Conns + r.Idle }

// Note is the plain English sentence for a stalled or unavailable model
// ("" if it ran normally); the lab page says the same in the user's language.
func (r RaceResult) Note() string {
	if r.Err != nil && r.Load.Requests == 0 {
		if errors.Is(r.Err, ErrUnavailable) {
			return "Not offered here: " + strings.TrimPrefix(r.Err.Error(), ErrUnavailable.Error()+": ") + "."
		}
		return "Could not run: " + r.Err.Error() + "."
	}
	secs := r.Load.Duration.Round(100 * time.Millisecond).String()
	answered := fmt.Sprintf("only %d requests were answered in %s", r.Load.Requests, secs)
	if r.Load.Requests == 0 {
		answered = "no request was answered in " + secs
	}
	switch r.Stall {
	case StallBlocking:
		return fmt.Sprintf("Stalled: the blocking server waited on %d silent clients one at a time (up to 2 s each), so the other clients queued and %s.", r.Idle, answered)
	case StallProcesses:
		return fmt.Sprintf("Stalled: %d silent clients held all %d worker processes, so the other clients waited to be accepted and %s.", r.Idle, MaxProcesses, answered)
	case StallOther:
		return fmt.Sprintf("Stalled: %s, and %d attempts failed.", answered, r.Load.Errors)
	}
	return ""
}

// stalled tells whether, and why, a model stopped answering: fewer answers
// than failures, or none.
func stalled(r RaceResult) Stall {
	if r.Load.Requests > 0 && r.Load.Errors <= r.Load.Requests {
		return ""
	}
	switch {
	case r.Model == Blocking && r.Idle > 0:
		return StallBlocking
	case r.Model == Process && r.Idle >= MaxProcesses:
		return StallProcesses
	}
	return StallOther
}

func (c *RaceConfig) defaults() {
	if len(c.Models) == 0 {
		for _, m := range All() {
			if m.Available {
				c.Models = append(c.Models, m.Name)
			}
		}
	}
	if c.Conns <= 0 {
		c.Conns = 50
	}
	if c.Duration <= 0 {
		c.Duration = 8 * time.Second
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	if c.Tick <= 0 {
		c.Tick = 250 * time.Millisecond
	}
}

// openIdle opens n connections to addr that never send anything. It stops
// at the first failure (e.g. the file-descriptor limit).
func openIdle(addr string, n int) []net.Conn {
	var out []net.Conn
	for range n {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		out = append(out, c)
	}
	return out
}

// memInUse is heap plus stacks: what goroutines and buffers cost.
func memInUse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse + ms.StackInuse
}

// Race runs the models one after the other and returns their results.
// Cancelling ctx stops the race after the current model's partial run.
func Race(ctx context.Context, cfg RaceConfig) []RaceResult {
	cfg.defaults()
	var out []RaceResult
	for _, name := range cfg.Models {
		if ctx.Err() != nil {
			break
		}
		r := runOne(ctx, &cfg, name)
		out = append(out, r)
		if cfg.OnResult != nil {
			cfg.OnResult(r)
		}
	}
	return out
}

// workers is implemented by the process model.
type workers interface {
	PIDs() []int
	Processes() (now, peak int64)
}

func runOne(ctx context.Context, cfg *RaceConfig, name string) RaceResult {
	res := RaceResult{Model: name, CPU: -1, PeakThreads: -1}
	// Start each model from the same clean heap, given back to the system,
	// so the growth of resident memory is this model's.
	debug.FreeOSMemory()
	res.BaseRSS, res.RSSExact = rss(nil)
	res.Load.Conns = cfg.Conns
	srv, err := Start(name, cfg.Addr)
	if err != nil {
		res.Err = err
		return res
	}
	wk, _ := srv.(workers)
	measure := func() (uint64, int, int) {
		var pids []int
		procs := 0
		if wk != nil {
			pids = wk.PIDs()
			procs = len(pids)
		}
		m, _ := rss(pids)
		th := osThreads()
		res.PeakRSS = max(res.PeakRSS, m)
		res.PeakThreads = max(res.PeakThreads, th)
		res.PeakProcs = max(res.PeakProcs, procs)
		return m, th, procs
	}
	idle := openIdle(srv.Addr(), cfg.Idle)
	res.Idle = len(idle)
	measure()
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	if cfg.OnStart != nil {
		cfg.OnStart(name)
	}
	cpu0, wall0 := cpuTime(), time.Now()
	lastCPU, lastWall := cpu0, wall0
	res.PeakMem = memInUse()
	lc := loadgen.Config{
		Target: "http://" + srv.Addr() + "/", Conns: cfg.Conns, Duration: cfg.Duration, Tick: cfg.Tick,
		OnTick: func(t loadgen.Tick) {
			s := Sample{Model: name, Elapsed: t.Elapsed, ReqPerSec: t.ReqPerSec, P50: t.P50, P99: t.P99, CPU: -1, Mem: memInUse()}
			s.RSS, s.Threads, s.Procs = measure()
			now, c := time.Now(), cpuTime()
			if c >= 0 && lastCPU >= 0 {
				s.CPU = 100 * float64(c-lastCPU) / float64(now.Sub(lastWall))
			}
			lastCPU, lastWall = c, now
			res.PeakMem = max(res.PeakMem, s.Mem)
			if cfg.OnSample != nil {
				cfg.OnSample(s)
			}
		},
	}
	res.Load, res.Err = loadgen.Run(ctx, lc)
	measure()
	wall := time.Since(wall0)
	srv.Close() // reaps the worker processes, whose CPU time then counts
	if c := cpuTime(); c >= 0 && cpu0 >= 0 {
		res.CPU = 100 * float64(c-cpu0) / float64(wall)
	}
	res.Served = srv.Served()
	if wk != nil {
		_, peak := wk.Processes()
		res.PeakProcs = max(res.PeakProcs, int(peak))
	}
	// Per connection held; with a process per connection, per connection
	// that had its process (the others waited in the accept queue).
	if n := res.Conns(); res.PeakRSS > res.BaseRSS && n > 0 {
		if wk != nil && res.PeakProcs > 0 {
			n = min(n, res.PeakProcs)
		}
		res.RSSPerConn = (res.PeakRSS - res.BaseRSS) / uint64(n)
	}
	if res.Err == nil {
		res.Stall = stalled(res)
	}
	return res
}

// goMemory is the memory the Go runtime holds from the system.
func goMemory() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Sys - ms.HeapReleased
}
