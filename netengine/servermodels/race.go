package servermodels

import (
	"context"
	"net"
	"runtime"
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
}

// RaceResult is one model's outcome.
type RaceResult struct {
	Model  string
	Load   loadgen.Result
	Served int64 // requests the server counted
	// CPU is the mean CPU % over the run (-1 if unknown); PeakMem the
	// highest memory sample, in bytes.
	CPU     float64
	PeakMem uint64
	// Idle is the number of silent connections held open during the run.
	Idle int
	Err  error
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

func runOne(ctx context.Context, cfg *RaceConfig, name string) RaceResult {
	res := RaceResult{Model: name, CPU: -1}
	runtime.GC() // start each model from the same clean heap
	srv, err := Start(name, cfg.Addr)
	if err != nil {
		res.Err = err
		return res
	}
	idle := openIdle(srv.Addr(), cfg.Idle)
	res.Idle = len(idle)
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
	if c := cpuTime(); c >= 0 && cpu0 >= 0 {
		res.CPU = 100 * float64(c-cpu0) / float64(time.Since(wall0))
	}
	srv.Close()
	res.Served = srv.Served()
	return res
}
