// Package servermodels holds the teaching server models of the engine race
// (E5 in docs/exercises.md): the same tiny HTTP handler served several
// ways, so students can compare how each copes with many clients.
//
//   - blocking: one client at a time; accept, answer one request, close.
//   - polling: one loop that tries every non-blocking socket in turn, like
//     cases 006/007 of the course notes (Linux; busy even when idle).
//   - goroutine: one goroutine per connection (Go's answer to "a thread
//     per client", cheap because goroutines are small).
//   - epoll: NetLab's event-loop engine (netengine "epoll"), the notes' case 008.
package servermodels

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sync/atomic"

	"github.com/netlab-classroom/netlab/netengine"
)

// Model names in race order.
const (
	Blocking  = "blocking"
	Polling   = "polling"
	Thread    = "thread"
	Process   = "process"
	Goroutine = "goroutine"
	Epoll     = "epoll"
)

// Names are the models in race order.
var Names = []string{Blocking, Polling, Thread, Process, Goroutine, Epoll}

// WorkerEnv, set to 1 in a worker's environment, tells the program it was
// started by the process model: netlab's __worker command and test
// binaries' TestMain call RunWorker then.
const WorkerEnv = "NETLAB_RACE_WORKER"

// WorkerCommand returns the program and arguments that start a worker of
// the process model: this program, `__worker`. Tests may replace it.
var WorkerCommand = func() (string, []string, error) {
	exe, err := os.Executable()
	return exe, []string{"__worker"}, err
}

const whyNoProcess = "process per connection is not offered on Windows (NetLab hands each accepted socket to a new process with fork/exec, which Windows does not have)"

// Server is a running model.
type Server interface {
	Name() string
	// Addr is the listening address, host:port.
	Addr() string
	// Served is the number of requests answered so far.
	Served() int64
	// Close stops the server and closes its connections.
	Close() error
}

// ErrUnavailable says a model cannot run on this system.
var ErrUnavailable = errors.New("models: not available on this system")

// Info describes a model for the UI.
type Info struct {
	Name      string
	Available bool
	// Why is set when the model is not available.
	Why string
}

// All lists the six models in race order with their availability here.
func All() []Info {
	out := []Info{
		{Name: Blocking, Available: true},
		{Name: Polling, Available: pollingAvailable},
		{Name: Thread, Available: true},
		{Name: Process, Available: processAvailable},
		{Name: Goroutine, Available: true},
		{Name: Epoll, Available: slices.Contains(netengine.Names(), "epoll")},
	}
	for i := range out {
		if !out[i].Available {
			switch out[i].Name {
			case Polling:
				out[i].Why = "the polling model uses Linux non-blocking sockets"
			case Process:
				out[i].Why = whyNoProcess
			case Epoll:
				out[i].Why = "the epoll engine is not available on this system (Linux only)"
			}
		}
	}
	return out
}

// Start runs model name on addr (e.g. "127.0.0.1:0").
func Start(name, addr string) (Server, error) {
	switch name {
	case Blocking:
		return startBlocking(addr)
	case Polling:
		return startPolling(addr)
	case Thread:
		return startGoroutine(Thread, addr, true)
	case Process:
		return startProcess(addr)
	case Goroutine:
		return startGoroutine(Goroutine, addr, false)
	case Epoll:
		if !slices.Contains(netengine.Names(), "epoll") {
			return nil, fmt.Errorf("%w: the epoll engine is not built in", ErrUnavailable)
		}
		return startEngine(Epoll, "epoll", addr)
	}
	return nil, fmt.Errorf("models: unknown model %q", name)
}

// counter is embedded by the servers.
type counter struct{ served atomic.Int64 }

func (c *counter) Served() int64 { return c.served.Load() }
