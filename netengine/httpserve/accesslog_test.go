package httpserve

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine/httpx"
)

// slowWriter collects lines slowly, like a pipe to a busy terminal.
type slowWriter struct {
	mu     sync.Mutex
	b      bytes.Buffer
	delay  time.Duration
	writes int
	fail   error
}

func (w *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(w.delay)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	if w.fail != nil {
		return 0, w.fail
	}
	return w.b.Write(p)
}

func (w *slowWriter) text() (string, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String(), w.writes
}

func TestAccessLogFormat(t *testing.T) {
	var w slowWriter
	l := NewAccessLog(&w)
	var p httpx.Parser
	p.Feed([]byte("GET /a%20b?x=\"q\" HTTP/1.0\r\n\r\n"))
	r, err := p.Next()
	if err != nil || r == nil {
		t.Fatal(r, err)
	}
	at := time.Date(2026, 12, 7, 16, 5, 9, 0, time.Local)
	l.add(at, "127.0.0.1:40000", r, 200, 1024)
	l.add(at, "[::1]:40001", nil, 400, 0)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	date := at.Format("02/Jan/2006:15:04:05 -0700")
	want := `127.0.0.1 - - [` + date + `] "GET /a%20b?x=\"q\" HTTP/1.0" 200 1024` + "\n" +
		`::1 - - [` + date + `] "-" 400 -` + "\n"
	if got, _ := w.text(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if written, lost, _ := l.Counts(); written != 2 || lost != 0 {
		t.Fatalf("counts %d %d", written, lost)
	}
}

// TestAccessLogCompleteUnderLoad: with a writer far slower than the
// server, every response still gets its line (back-pressure, no drops,
// issue 15.4), written in batches rather than a write per line.
func TestAccessLogCompleteUnderLoad(t *testing.T) {
	for _, eng := range engines(t) {
		t.Run(eng, func(t *testing.T) {
			w := &slowWriter{delay: 30 * time.Millisecond}
			l := NewAccessLog(w)
			f := start(t, eng, Config{AccessLog: l})
			const conns, each = 8, 1500
			var wg sync.WaitGroup
			for c := 0; c < conns; c++ {
				wg.Add(1)
				go func(c int) {
					defer wg.Done()
					pipelined(t, f.addr, fmt.Sprintf("/docs/a.txt?c=%d&i=", c), each)
				}(c)
			}
			wg.Wait()
			f.srv.Close()
			l.Close()
			text, writes := w.text()
			lines := strings.Count(text, "\n")
			st := f.srv.Stats()
			if int64(lines) != st.Requests || lines != conns*each {
				t.Fatalf("%d lines for %d requests (%d sent)", lines, st.Requests, conns*each)
			}
			if writes >= lines/10 {
				t.Errorf("%d writes for %d lines: not batched", writes, lines)
			}
			// every request appears exactly once
			seen := map[string]bool{}
			re := regexp.MustCompile(`"GET (\S+) HTTP/1\.1" 200 20$`)
			for _, ln := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				m := re.FindStringSubmatch(ln)
				if m == nil || seen[m[1]] {
					t.Fatalf("bad or repeated line %q", ln)
				}
				seen[m[1]] = true
			}
		})
	}
}

// pipelined sends n requests for prefix+i on one connection, 100 at a
// time, and reads all the answers.
func pipelined(t *testing.T, addr, prefix string, n int) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Error(err)
		return
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	br := bufio.NewReader(c)
	for i := 0; i < n; i += 100 {
		var req bytes.Buffer
		for j := i; j < i+100 && j < n; j++ {
			fmt.Fprintf(&req, "GET %s%d HTTP/1.1\r\nHost: a\r\n\r\n", prefix, j)
		}
		if _, err := c.Write(req.Bytes()); err != nil {
			t.Error(err)
			return
		}
		for j := i; j < i+100 && j < n; j++ {
			if err := readResponse(br); err != nil {
				t.Error(err)
				return
			}
		}
	}
}

// readResponse reads one response with a Content-Length body.
func readResponse(br *bufio.Reader) error {
	length := -1
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return err
		}
		if line == "\r\n" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			fmt.Sscan(v, &length)
		}
	}
	if length < 0 {
		return errors.New("no Content-Length")
	}
	_, err := br.Discard(length)
	return err
}

// TestAccessLogWriteError: lines lost to a failed write are counted and
// reported, never silently.
func TestAccessLogWriteError(t *testing.T) {
	w := &slowWriter{fail: errors.New("no space left on device")}
	l := NewAccessLog(w)
	var reported int
	var mu sync.Mutex
	l.OnLost = func(err error, n int) {
		mu.Lock()
		reported += n
		mu.Unlock()
	}
	for i := 0; i < 3000; i++ {
		l.add(time.Now(), "127.0.0.1:1", nil, 400, 0)
	}
	l.Close()
	written, lost, err := l.Counts()
	mu.Lock()
	defer mu.Unlock()
	if written != 0 || lost != 3000 || reported != 3000 || err == nil || !strings.Contains(err.Error(), "no space") {
		t.Fatalf("written %d lost %d reported %d err %v", written, lost, reported, err)
	}
	l.add(time.Now(), "127.0.0.1:1", nil, 400, 0) // after Close
	if _, lost, _ := l.Counts(); lost != 3001 {
		t.Fatalf("a line after Close: lost %d", lost)
	}
}

// blockedWriter never returns from Write until unblocked (a paused terminal).
type blockedWriter struct{ unblock chan struct{} }

func (w blockedWriter) Write(p []byte) (int, error) { <-w.unblock; return len(p), nil }

// TestAccessLogBlockedOutput: a blocked output makes the event loops wait
// (back-pressure) until Release, and Close gives up after closeWait,
// counting every unwritten line as lost instead of hanging the stop.
func TestAccessLogBlockedOutput(t *testing.T) {
	defer func(d time.Duration) { closeWait = d }(closeWait)
	closeWait = 200 * time.Millisecond
	w := blockedWriter{unblock: make(chan struct{})}
	defer close(w.unblock)
	l := NewAccessLog(w)
	const n = 2*logMax + 5000 // two full batches: one in the blocked Write, one filled
	added := make(chan int, n)
	go func() {
		for i := 0; i < n; i++ {
			l.add(time.Now(), "127.0.0.1:1", nil, 200, 1)
			added <- i
		}
		close(added)
	}()
	// The loop gets at most two batches ahead of the blocked writer.
	count := 0
	for timeout := time.After(30 * time.Second); count < n; count++ {
		select {
		case _, ok := <-added:
			if !ok {
				t.Fatal("closed early")
			}
			continue
		case <-time.After(500 * time.Millisecond):
		case <-timeout:
		}
		break
	}
	if count >= n {
		l.mu.Lock()
		t.Fatalf("all %d lines were taken with the output blocked: no back-pressure (cur %d spare %d written %d)", n, len(l.cur.recs), len(l.spare.recs), l.written)
	}
	l.Release()
	for range added { // the rest goes through now
	}
	err := l.Close()
	written, lost, _ := l.Counts()
	if err == nil || written != 0 || lost != n {
		t.Fatalf("Close: %v; written %d lost %d, want 0 and %d", err, written, lost, n)
	}
}
