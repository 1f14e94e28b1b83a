package netengine

import (
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"
)

// CloseReason says why a connection ended; the UI shows it to students.
type CloseReason int

const (
	// ReasonEOF: the peer closed its side (FIN) and we closed ours.
	ReasonEOF CloseReason = iota
	// ReasonLocalClose: this side called Close or CloseWrite and the close finished.
	ReasonLocalClose
	// ReasonAbort: this side called Abort (RST sent).
	ReasonAbort
	// ReasonReset: the peer reset the connection (RST received).
	ReasonReset
	// ReasonTimeout: an idle or read timeout expired.
	ReasonTimeout
	// ReasonError: any other socket error.
	ReasonError
	// ReasonShutdown: the listener or engine was closed with the connection open.
	ReasonShutdown
)

var reasonNames = [...]string{"eof", "local-close", "abort", "reset", "timeout", "error", "shutdown"}

func (r CloseReason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// Conn is one TCP connection owned by an engine.
type Conn interface {
	// ID is unique within the engine for its lifetime.
	ID() uint64
	LocalAddr() net.Addr
	RemoteAddr() net.Addr
	// Write copies p into the connection's send queue and returns at once.
	// It never blocks the event loop. It fails after Close, CloseWrite or Abort.
	Write(p []byte) error
	// CloseWrite sends FIN once the queue is flushed (half-close); reading goes on.
	CloseWrite() error
	// Close flushes the queue, then closes the connection.
	Close() error
	// Abort discards the queue and resets the connection (RST, SO_LINGER 0).
	Abort() error
	// SendFile queues head (may be empty), then n bytes of f from offset
	// off, and returns at once. The connection keeps its own duplicate of
	// f's descriptor, so the caller may close f right away. epoll sends the
	// range with sendfile(2), head in the same TCP segments as its first
	// bytes; portable copies it in pieces from its writer goroutine. The
	// unsent part counts in Buffered and against the watermarks. A file
	// shorter than off+n when its turn comes ends the connection with
	// ReasonError.
	SendFile(head []byte, f *os.File, off, n int64) error
	// Buffered is the number of bytes queued and not yet written to the
	// socket (file ranges included).
	Buffered() int
	// SetTimeout closes the connection (ReasonTimeout) when no byte arrives
	// for d; 0 disables it. It replaces Options.IdleTimeout for this
	// connection; the web server uses it for header and keep-alive timeouts.
	SetTimeout(d time.Duration)
	// SetContext and Context attach one value of the handler's choice.
	SetContext(v any)
	Context() any
}

// Handler receives a connection's events. A Handler may serve many
// connections at once, from several goroutines.
type Handler interface {
	// OnOpen is called once, before any other callback for c.
	OnOpen(c Conn)
	// OnData delivers bytes in order. data is valid only during the call.
	OnData(c Conn, data []byte)
	// OnEOF is called once the peer has half-closed (FIN) and every byte
	// before the FIN was delivered. The handler may still write, then should
	// call Close or CloseWrite.
	OnEOF(c Conn)
	// OnClose is called exactly once, last. err is nil for orderly closes.
	// It runs before the engine closes the socket, so once the peer sees
	// the connection end, OnClose has run.
	OnClose(c Conn, reason CloseReason, err error)
}

// HandlerFuncs adapts plain functions to Handler. A nil OnEOF closes the
// connection after flushing, which is what most servers want.
type HandlerFuncs struct {
	Open  func(c Conn)
	Data  func(c Conn, data []byte)
	EOF   func(c Conn)
	Close func(c Conn, reason CloseReason, err error)
}

func (h HandlerFuncs) OnOpen(c Conn) {
	if h.Open != nil {
		h.Open(c)
	}
}
func (h HandlerFuncs) OnData(c Conn, data []byte) {
	if h.Data != nil {
		h.Data(c, data)
	}
}
func (h HandlerFuncs) OnEOF(c Conn) {
	if h.EOF != nil {
		h.EOF(c)
		return
	}
	_ = c.Close()
}
func (h HandlerFuncs) OnClose(c Conn, reason CloseReason, err error) {
	if h.Close != nil {
		h.Close(c, reason, err)
	}
}

// Options tune a listener or a dialed connection. Zero values pick defaults.
type Options struct {
	// Loops is the number of event loops (epoll); 0 means one per CPU.
	Loops int
	// IdleTimeout closes a connection with no traffic in either direction.
	IdleTimeout time.Duration
	// HighWater: above this many queued bytes the engine stops reading the
	// connection until the queue drains below LowWater. Defaults 1 MiB / 256 KiB.
	HighWater, LowWater int
	// MaxConns caps open connections of a listener; extra ones are closed at accept.
	MaxConns int
	// ReusePort opens one listening socket per loop with SO_REUSEPORT (epoll).
	ReusePort bool
}

const (
	DefaultHighWater = 1 << 20
	DefaultLowWater  = 256 << 10
)

// Listener is a listening socket served by an engine.
type Listener interface {
	Addr() net.Addr
	// Close stops accepting and closes every open connection of this listener
	// (their OnClose sees ReasonShutdown).
	Close() error
}

// Engine runs listeners and dialed connections.
type Engine interface {
	Name() string
	Listen(network, addr string, h Handler, opt Options) (Listener, error)
	// Dial connects and returns once the handshake is done (or failed).
	Dial(network, addr string, h Handler, timeout time.Duration, opt Options) (Conn, error)
	Stats() Stats
	// Close stops the engine and closes everything it owns.
	Close() error
}

// Stats is a snapshot of an engine's counters, for the UI and benchmarks.
type Stats struct {
	Engine      string
	Open        int64 // connections open now
	Accepted    int64 // connections accepted since start
	Dialed      int64 // connections dialed since start
	BytesIn     int64
	BytesOut    int64
	Wakeups     int64 // event-loop wake-ups (epoll_wait returns); 0 for portable
	Events      int64 // events handled over all wake-ups
	AcceptFails int64 // accept errors such as EMFILE
}

// EventsPerWakeup is the mean batch size of the event loop.
func (s Stats) EventsPerWakeup() float64 {
	if s.Wakeups == 0 {
		return 0
	}
	return float64(s.Events) / float64(s.Wakeups)
}

// Errors shared by every engine.
var (
	ErrClosed        = errors.New("netengine: connection closed")
	ErrUnknownEngine = errors.New("netengine: unknown engine")
	ErrUnsupported   = errors.New("netengine: engine not supported on this system")
)

// Factory makes a new engine.
type Factory func() (Engine, error)

var (
	regMu    sync.Mutex
	registry = map[string]Factory{}
)

// Register makes an engine available by name. Engines call it from init.
func Register(name string, f Factory) {
	regMu.Lock()
	defer regMu.Unlock()
	registry[name] = f
}

// Names lists the engines available on this system, sorted.
func Names() []string {
	regMu.Lock()
	defer regMu.Unlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// AutoName is the engine "auto" picks on the given GOOS: epoll on Linux,
// portable elsewhere.
func AutoName(goos string) string {
	if goos == "linux" {
		return "epoll"
	}
	return "portable"
}

// EpollAvailable reports whether the epoll engine exists on goos.
func EpollAvailable(goos string) bool { return goos == "linux" }

// New makes the engine called name ("auto", "epoll", "portable").
func New(name string) (Engine, error) {
	auto := name == "" || name == "auto"
	if auto {
		name = AutoName(runtime.GOOS)
	}
	regMu.Lock()
	f, ok := registry[name]
	if !ok && auto {
		// "auto" never fails while the portable engine exists.
		name = "portable"
		f, ok = registry[name]
	}
	regMu.Unlock()
	if !ok {
		if name == "epoll" && !EpollAvailable(runtime.GOOS) {
			return nil, fmt.Errorf("%w: epoll is Linux-only", ErrUnsupported)
		}
		return nil, fmt.Errorf("%w %q", ErrUnknownEngine, name)
	}
	return f()
}

var (
	defaultOnce sync.Once
	defaultEng  Engine
	defaultErr  error
)

// Default is the process-wide "auto" engine, shared by the app's panels so
// the status bar can show one set of live counters.
func Default() (Engine, error) {
	defaultOnce.Do(func() { defaultEng, defaultErr = New("auto") })
	return defaultEng, defaultErr
}
