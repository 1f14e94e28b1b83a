package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"
)

// worker drives one connection at a time, one request at a time.
type worker struct {
	tgt Target
	cfg *Config
	sh  *shared

	conn net.Conn
	br   *bufio.Reader
	req  []byte
	echo []byte
	// deadline is the connection's current I/O deadline.
	deadline time.Time

	mu     sync.Mutex // guards conn (for cancellation) and the histograms
	total  Histogram
	window Histogram
}

func newWorker(tgt Target, cfg *Config, sh *shared) *worker {
	w := &worker{tgt: tgt, cfg: cfg, sh: sh}
	if tgt.Mode == "http" {
		w.req = []byte("GET " + tgt.Path + " HTTP/1.1\r\nHost: " + tgt.Host + "\r\nUser-Agent: netlab-load\r\n\r\n")
	} else {
		w.req = cfg.Payload
		w.echo = make([]byte, len(cfg.Payload))
	}
	return w
}

// countingConn counts the bytes read into the run's total.
type countingConn struct {
	net.Conn
	sh *shared
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.sh.bytesIn.Add(int64(n))
	return n, err
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
		w.sh.bytesOut.Add(int64(n))
		if err != nil {
			w.failed(ctx, "write", err)
			continue
		}
		var keep bool
		var status int
		if w.tgt.Mode == "http" {
			keep, status, err = w.readHTTP()
		} else {
			keep, err = w.readEcho()
		}
		if err != nil {
			w.failed(ctx, "read", err)
			continue
		}
		lat := time.Since(t0)
		w.mu.Lock()
		w.total.Record(lat)
		w.window.Record(lat)
		w.mu.Unlock()
		w.sh.requests.Add(1)
		if status != 0 && (status < 200 || status > 399) {
			w.sh.fail("status " + strconv.Itoa(status))
		}
		if status != 0 {
			w.sh.mu.Lock()
			w.sh.status[status]++
			w.sh.mu.Unlock()
		}
		if !keep {
			w.closeConn()
		}
	}
}

func (w *worker) dial(ctx context.Context) bool {
	d := net.Dialer{Timeout: w.cfg.Timeout}
	c, err := d.DialContext(ctx, "tcp", w.tgt.Addr)
	if err != nil {
		if ctx.Err() == nil && !runOver(ctx) {
			w.sh.fail("connect")
		}
		return false
	}
	w.sh.connects.Add(1)
	cc := countingConn{c, w.sh}
	if w.br == nil {
		w.br = bufio.NewReaderSize(cc, 16<<10)
	} else {
		w.br.Reset(cc)
	}
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
	case errors.Is(err, errProtocol):
		w.sh.fail("protocol")
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		w.sh.fail("closed")
	default:
		w.sh.fail(op)
	}
}

var errProtocol = errors.New("loadgen: bad response")

func (w *worker) readEcho() (bool, error) {
	if _, err := io.ReadFull(w.br, w.echo); err != nil {
		return false, err
	}
	if !bytes.Equal(w.echo, w.req) {
		return false, errProtocol
	}
	return true, nil
}

func hasPrefixFold(line []byte, prefix string) bool {
	return len(line) >= len(prefix) && bytes.EqualFold(line[:len(prefix)], []byte(prefix))
}

// readHTTP reads one response: status line, headers, then a body framed
// by Content-Length, chunked encoding or the end of the connection.
func (w *worker) readHTTP() (keep bool, status int, err error) {
	line, err := w.br.ReadSlice('\n')
	if err != nil {
		return false, 0, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return false, 0, errProtocol
	}
	keep = line[7] == '1'
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return false, 0, errProtocol
	}
	length, chunked := int64(-1), false
	for {
		line, err = w.br.ReadSlice('\n')
		if err != nil {
			if err == bufio.ErrBufferFull {
				err = errProtocol
			}
			return false, status, err
		}
		h := bytes.TrimSpace(line)
		if len(h) == 0 {
			break
		}
		_, v, _ := bytes.Cut(h, []byte(":"))
		v = bytes.TrimSpace(v)
		switch {
		case hasPrefixFold(h, "content-length:"):
			length, err = strconv.ParseInt(string(v), 10, 64)
			if err != nil || length < 0 {
				return false, status, errProtocol
			}
		case hasPrefixFold(h, "transfer-encoding:"):
			chunked = bytes.Contains(bytes.ToLower(v), []byte("chunked"))
		case hasPrefixFold(h, "connection:"):
			lv := bytes.ToLower(v)
			if bytes.Contains(lv, []byte("close")) {
				keep = false
			} else if bytes.Contains(lv, []byte("keep-alive")) {
				keep = true
			}
		}
	}
	switch {
	case status == 204 || status == 304 || status < 200:
	case chunked:
		err = w.readChunked()
	case length >= 0:
		_, err = w.br.Discard(int(length))
	default: // body ends with the connection
		_, err = io.Copy(io.Discard, w.br)
		keep = false
	}
	return keep, status, err
}

func (w *worker) readChunked() error {
	for {
		line, err := w.br.ReadSlice('\n')
		if err != nil {
			return err
		}
		sz, _, _ := bytes.Cut(bytes.TrimSpace(line), []byte(";"))
		n, err := strconv.ParseInt(string(sz), 16, 64)
		if err != nil || n < 0 {
			return errProtocol
		}
		if n == 0 {
			for { // trailers until the blank line
				line, err = w.br.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimSpace(line)) == 0 {
					return nil
				}
			}
		}
		if _, err := w.br.Discard(int(n) + 2); err != nil {
			return err
		}
	}
}

// runOver reports whether the run's deadline has passed (a dial may time
// out on it a moment before the context says so).
func runOver(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}
