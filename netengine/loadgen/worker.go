package loadgen

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// The goroutine generator (Config.Engine "goroutine", and every system
// without epoll): a goroutine per connection with blocking reads and
// writes on the net package.

func runGoroutines(ctx context.Context, tgt Target, cfg *Config, st *stats, hardStop time.Time) []tally {
	req := requestBytes(tgt, cfg)
	workers := make([]*worker, cfg.Conns)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{tgt: tgt, cfg: cfg, sh: st.shard(i), req: req, p: newParser(tgt.Mode, req)}
		workers[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(ctx, hardStop)
		}()
	}
	wg.Wait()
	tallies := make([]tally, len(workers))
	for i, w := range workers {
		tallies[i] = w.tally
	}
	return tallies
}

// requestBytes is what every request sends: a GET, or the tcp:// payload.
func requestBytes(tgt Target, cfg *Config) []byte {
	if tgt.Mode == "http" {
		return []byte("GET " + tgt.Path + " HTTP/1.1\r\nHost: " + tgt.Host + "\r\nUser-Agent: netlab-load\r\n\r\n")
	}
	return cfg.Payload
}

// worker drives one connection at a time, one request at a time.
type worker struct {
	tgt Target
	cfg *Config
	sh  *shard
	req []byte
	p   respParser
	buf []byte
	tally

	mu   sync.Mutex // guards conn, for cancellation
	conn net.Conn
	// deadline is the connection's current I/O deadline.
	deadline time.Time
}

func (w *worker) setConn(c net.Conn) {
	w.mu.Lock()
	w.conn = c
	w.mu.Unlock()
}

func (w *worker) closeConn() {
	if w.conn != nil {
		w.conn.Close()
		w.setConn(nil)
	}
}

// run sends requests until ctx ends (the run's deadline); a request in
// flight then may finish until hardStop.
func (w *worker) run(ctx context.Context, hardStop time.Time) {
	defer w.closeConn()
	// Ctrl-C (the parent context) interrupts a blocked read at once.
	stop := context.AfterFunc(ctx, func() {
		if ctx.Err() == context.DeadlineExceeded {
			return // normal end: let the request in flight finish
		}
		w.mu.Lock()
		if w.conn != nil {
			w.conn.SetDeadline(time.Unix(1, 0))
		}
		w.mu.Unlock()
	})
	defer stop()
	w.buf = make([]byte, 16<<10)
	for ctx.Err() == nil {
		if w.conn == nil && !w.dial(ctx) {
			select {
			case <-ctx.Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		t0 := time.Now()
		// Moving a deadline costs a timer update per request; refresh it
		// only when less than half the timeout is left, so each request
		// still gets between Timeout/2 and Timeout.
		if w.deadline.Sub(t0) < w.cfg.Timeout/2 && w.deadline.Before(hardStop) {
			w.deadline = t0.Add(w.cfg.Timeout)
			if w.deadline.After(hardStop) {
				w.deadline = hardStop
			}
			w.conn.SetDeadline(w.deadline)
		}
		n, err := w.conn.Write(w.req)
		w.bytesOut += int64(n)
		if err != nil {
			w.failed(ctx, "write", err)
			continue
		}
		if err := w.readResponse(); err != nil {
			w.failed(ctx, "read", err)
			continue
		}
		w.sh.done(time.Since(t0), w.p.status)
		if w.p.echo == nil && !w.p.keep {
			w.closeConn()
		}
	}
}

// readResponse reads until the parser has one whole response.
func (w *worker) readResponse() error {
	w.p.reset()
	for {
		n, err := w.conn.Read(w.buf)
		w.bytesIn += int64(n)
		if n > 0 {
			used, done, perr := w.p.feed(w.buf[:n])
			if perr != nil {
				return perr
			}
			if done {
				if used < n {
					return errUnasked
				}
				return nil
			}
		}
		if err == io.EOF {
			return w.p.eof()
		}
		if err != nil {
			return err
		}
	}
}

// errUnasked: bytes arrived beyond the response to the one request sent
// (requests are never pipelined).
var errUnasked = errors.New("loadgen: bytes beyond the response")

func (w *worker) dial(ctx context.Context) bool {
	d := net.Dialer{Timeout: w.cfg.Timeout}
	c, err := d.DialContext(ctx, "tcp", w.tgt.Addr)
	if err != nil {
		if ctx.Err() == nil && !runOver(ctx) {
			w.sh.fail("connect")
		}
		return false
	}
	w.connects++
	w.deadline = time.Time{}
	w.setConn(c)
	return true
}

// failed counts an error and drops the connection.
func (w *worker) failed(ctx context.Context, op string, err error) {
	w.closeConn()
	switch {
	case ctx.Err() != nil && (errors.Is(err, os.ErrDeadlineExceeded)):
		// Still unanswered when the run ended (or was interrupted).
		w.sh.fail("unfinished")
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.sh.fail("timeout")
	default:
		w.sh.fail(errorKind(op, err))
	}
}

// errorKind names an error the way both generators report it.
func errorKind(op string, err error) string {
	switch {
	case errors.Is(err, errProtocol), errors.Is(err, errUnasked):
		return "protocol"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "closed"
	}
	return op
}

// runOver reports whether the run's deadline has passed (a dial may time
// out on it a moment before the context says so).
func runOver(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}
