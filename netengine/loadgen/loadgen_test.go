package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
)

func TestParseTarget(t *testing.T) {
	ok := map[string]Target{
		"http://127.0.0.1:8080/x?y=1": {"http", "127.0.0.1:8080", "127.0.0.1:8080", "/x?y=1"},
		"127.0.0.1:8080":              {"http", "127.0.0.1:8080", "127.0.0.1:8080", "/"},
		"http://localhost/":           {"http", "127.0.0.1:80", "localhost", "/"},
		"tcp://[::1]:9000":            {"tcp", "[::1]:9000", "[::1]:9000", "/"},
		"http://127.9.9.9:81":         {"http", "127.9.9.9:81", "127.9.9.9:81", "/"},
	}
	for in, want := range ok {
		got, err := ParseTarget(in)
		if err != nil || got != want {
			t.Errorf("%s: %+v %v, want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"http://192.0.2.1/", "tcp://10.0.0.1:80", "http://example.com/", "http://[2001:db8::1]/", "http://0.0.0.0:80/"} {
		_, err := ParseTarget(in)
		if !errors.Is(err, ErrNotLoopback) {
			t.Errorf("%s: err %v, want ErrNotLoopback", in, err)
		}
	}
	for _, in := range []string{"https://127.0.0.1/", "ftp://127.0.0.1/", "tcp://127.0.0.1", "http://:80/", "http://%zz"} {
		if _, err := ParseTarget(in); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
}

// engines are the generators to test here: both count the same way.
func engines() []string {
	if netengine.EpollAvailable(runtime.GOOS) {
		return []string{"epoll", "goroutine"}
	}
	return []string{"goroutine"}
}

// forEngines runs f as a subtest per generator.
func forEngines(t *testing.T, f func(t *testing.T, eng string)) {
	for _, eng := range engines() {
		t.Run(eng, func(t *testing.T) { f(t, eng) })
	}
}

func TestConfigLimits(t *testing.T) {
	for _, c := range []Config{{Target: "127.0.0.1:1", Conns: MaxConns + 1}, {Target: "127.0.0.1:1", Duration: -1}, {Target: "http://192.0.2.1/"}, {Target: "127.0.0.1:1", Engine: "threads"}} {
		if _, err := Run(context.Background(), c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

// The generator's counts agree with the server's own.
func TestHTTPCountsAgreeWithServer(t *testing.T) { forEngines(t, testHTTPCountsAgreeWithServer) }

func testHTTPCountsAgreeWithServer(t *testing.T, eng string) {
	var served, conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		if r.URL.Path != "/hello" || r.Header.Get("Host") == "" && r.Host == "" {
			w.WriteHeader(400)
			return
		}
		io.WriteString(w, "hello\n")
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	var ticks atomic.Int64
	res, err := Run(context.Background(), Config{
		Target: srv.URL + "/hello", Conns: 4, Duration: 300 * time.Millisecond, Engine: eng,
		Tick: 50 * time.Millisecond, OnTick: func(Tick) { ticks.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Requests != served.Load() {
		t.Fatalf("requests %d, server served %d", res.Requests, served.Load())
	}
	if res.Errors != 0 || res.Status[200] != res.Requests {
		t.Fatalf("errors %d %v status %v", res.Errors, res.ErrorKinds, res.Status)
	}
	if res.Connects != 4 || conns.Load() != 4 {
		t.Fatalf("keep-alive: %d connects, server saw %d", res.Connects, conns.Load())
	}
	if res.BytesRead < res.Requests*int64(len("HTTP/1.1 200 OK\r\n\r\nhello\n")) || res.BytesWritten == 0 {
		t.Fatalf("bytes read %d written %d", res.BytesRead, res.BytesWritten)
	}
	l := res.Latency
	if !(l.Min > 0 && l.Min <= l.P50 && l.P50 <= l.P99 && l.P99 <= l.Max) || res.ReqPerSec <= 0 {
		t.Fatalf("latency %+v rps %v", l, res.ReqPerSec)
	}
	if ticks.Load() == 0 {
		t.Fatal("no live ticks")
	}
}

// rawServer answers each request line block with resp, counting requests.
func rawServer(t *testing.T, resp string, closeAfter bool) (string, *atomic.Int64) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var n atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					if strings.TrimSpace(line) != "" {
						continue
					}
					n.Add(1)
					io.WriteString(c, resp)
					if closeAfter {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), &n
}

func TestHTTPFraming(t *testing.T) { forEngines(t, testHTTPFraming) }

func testHTTPFraming(t *testing.T, eng string) {
	cases := map[string]struct {
		resp       string
		closeAfter bool
		reconnect  bool
	}{
		"chunked":   {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX: y\r\n\r\n", false, false},
		"close":     {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi", true, true},
		"until-eof": {"HTTP/1.0 200 OK\r\n\r\nbody to the end", true, true},
		"404":       {"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", false, false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			addr, served := rawServer(t, c.resp, c.closeAfter)
			res, err := Run(context.Background(), Config{Target: "http://" + addr + "/", Conns: 2, Duration: 150 * time.Millisecond, Engine: eng})
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests == 0 || res.Requests != served.Load() {
				t.Fatalf("requests %d, served %d (errors %v)", res.Requests, served.Load(), res.ErrorKinds)
			}
			if c.reconnect != (res.Connects > 2) {
				t.Errorf("connects %d", res.Connects)
			}
			want404 := name == "404"
			if want404 != (res.ErrorKinds["status 404"] == res.Requests) {
				t.Errorf("errors %v", res.ErrorKinds)
			}
			if !want404 && res.Errors != 0 {
				t.Errorf("errors %v", res.ErrorKinds)
			}
		})
	}
}

func TestTCPEcho(t *testing.T) { forEngines(t, testTCPEcho) }

func testTCPEcho(t *testing.T, eng string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var echoed atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				n, _ := io.Copy(c, c)
				echoed.Add(n)
				c.Close()
			}()
		}
	}()
	res, err := Run(context.Background(), Config{Target: "tcp://" + ln.Addr().String(), Conns: 3, Duration: 200 * time.Millisecond, Payload: []byte("abc\n"), Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 0 || res.Requests == 0 || res.BytesRead != res.Requests*4 || res.Mode != "tcp" {
		t.Fatalf("%+v", res)
	}
	time.Sleep(50 * time.Millisecond) // let the server's copies see EOF
	if echoed.Load() != res.BytesRead {
		t.Fatalf("server echoed %d bytes, generator read %d", echoed.Load(), res.BytesRead)
	}
}

func TestErrorsCounted(t *testing.T) { forEngines(t, testErrorsCounted) }

func testErrorsCounted(t *testing.T, eng string) {
	// Nobody listens: connect errors.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	res, err := Run(context.Background(), Config{Target: "http://" + addr, Conns: 2, Duration: 100 * time.Millisecond, Engine: eng})
	if err != nil || res.Requests != 0 || res.ErrorKinds["connect"] == 0 {
		t.Fatalf("%+v %v", res, err)
	}
	// A server that never answers: requests unfinished at the end.
	addr2, _ := rawServer(t, "", false)
	res, err = Run(context.Background(), Config{Target: "http://" + addr2, Conns: 2, Duration: 50 * time.Millisecond, Timeout: 100 * time.Millisecond, Engine: eng})
	if err != nil || res.Requests != 0 || res.ErrorKinds["unfinished"]+res.ErrorKinds["timeout"] != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	// Garbage answers: protocol errors.
	addr3, _ := rawServer(t, "SSH-2.0-nope\r\n", false)
	res, _ = Run(context.Background(), Config{Target: "http://" + addr3, Conns: 1, Duration: 50 * time.Millisecond, Engine: eng})
	if res.ErrorKinds["protocol"] == 0 {
		t.Fatalf("%+v", res)
	}
}

func TestCancelStopsAtOnce(t *testing.T) { forEngines(t, testCancelStopsAtOnce) }

func testCancelStopsAtOnce(t *testing.T, eng string) {
	addr, _ := rawServer(t, "", false) // never answers
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Result)
	go func() {
		r, _ := Run(ctx, Config{Target: "http://" + addr, Conns: 3, Duration: time.Minute, Timeout: time.Minute, Engine: eng})
		done <- r
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case r := <-done:
		if r.Requests != 0 {
			t.Fatalf("%+v", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run ignored cancellation")
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{1500: "1.50µs", 2500000: "2.50ms", 3 * time.Second: "3.00s"} {
		if got := FormatDuration(d); got != want {
			t.Errorf("%v: %s", d, got)
		}
	}
	_ = fmt.Sprint()
}

// scriptServer serves each connection with serve(conn, reader), counting
// requests the way the handler reports them and connections accepted.
func scriptServer(t *testing.T, serve func(c net.Conn, br *bufio.Reader, n *atomic.Int64)) (string, *atomic.Int64, *atomic.Int64) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var n, conns atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer c.Close()
				serve(c, bufio.NewReader(c), &n)
			}()
		}
	}()
	return ln.Addr().String(), &n, &conns
}

// readRequest reads one request head; ok is false at the end of the connection.
func readRequest(br *bufio.Reader) (head string, ok bool) {
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return b.String(), false
		}
		b.WriteString(line)
		if strings.TrimSpace(line) == "" {
			return b.String(), true
		}
	}
}

// Exact books on both generators: every request and response byte is
// counted once, connections are reused (keep-alive), a response split in
// pieces with a pause in the middle is read whole, and the next request
// never leaves before the response is complete (no pipelining).
func TestExactCountsNoPipelining(t *testing.T) {
	forEngines(t, func(t *testing.T, eng string) {
		const body = "0123456789abcdef"
		resp := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n" + body + "\r\n0\r\n\r\n"
		var reqBytes, pipelined atomic.Int64
		addr, served, conns := scriptServer(t, func(c net.Conn, br *bufio.Reader, n *atomic.Int64) {
			for {
				head, ok := readRequest(br)
				if !ok {
					return
				}
				reqBytes.Add(int64(len(head)))
				n.Add(1)
				io.WriteString(c, resp[:30])
				// Half a response is out: nothing more may arrive from the client.
				c.SetReadDeadline(time.Now().Add(2 * time.Millisecond))
				if _, err := br.Peek(1); err == nil {
					pipelined.Add(1)
				}
				c.SetReadDeadline(time.Time{})
				io.WriteString(c, resp[30:])
			}
		})
		res, err := Run(context.Background(), Config{Target: "http://" + addr + "/x", Conns: 3, Duration: 300 * time.Millisecond, Engine: eng})
		if err != nil {
			t.Fatal(err)
		}
		if res.Requests == 0 || res.Requests != served.Load() || res.Errors != 0 {
			t.Fatalf("requests %d, server served %d, errors %v", res.Requests, served.Load(), res.ErrorKinds)
		}
		if res.BytesRead != res.Requests*int64(len(resp)) {
			t.Errorf("bytes read %d, want %d × %d", res.BytesRead, res.Requests, len(resp))
		}
		if res.BytesWritten != reqBytes.Load() {
			t.Errorf("bytes written %d, server read %d", res.BytesWritten, reqBytes.Load())
		}
		if res.Connects != 3 || conns.Load() != 3 {
			t.Errorf("connects %d, server accepted %d: want 3 reused connections", res.Connects, conns.Load())
		}
		if pipelined.Load() != 0 {
			t.Errorf("%d requests sent before the previous response was complete", pipelined.Load())
		}
		if res.Status[200] != res.Requests || res.Latency.Max <= 0 || res.Latency.Min > res.Latency.P50 {
			t.Errorf("status %v latency %+v", res.Status, res.Latency)
		}
	})
}

// Connection: close: a new connection per request, each counted.
func TestConnectionClosePerRequest(t *testing.T) {
	forEngines(t, func(t *testing.T, eng string) {
		resp := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
		addr, served, conns := scriptServer(t, func(c net.Conn, br *bufio.Reader, n *atomic.Int64) {
			if _, ok := readRequest(br); ok {
				n.Add(1)
				io.WriteString(c, resp)
				// Wait for the client's close, so that the client (not the
				// server) holds TIME_WAIT and no response is cut short.
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				br.Peek(1)
			}
		})
		res, err := Run(context.Background(), Config{Target: "http://" + addr + "/", Conns: 2, Duration: 200 * time.Millisecond, Engine: eng})
		if err != nil {
			t.Fatal(err)
		}
		if res.Requests < 2 || res.Requests != served.Load() || res.Errors != 0 {
			t.Fatalf("requests %d served %d errors %v", res.Requests, served.Load(), res.ErrorKinds)
		}
		// One connection per request; at the end each slot may have opened
		// one more that never got to send (or the server accepted a dial
		// the generator gave up on).
		if res.Connects < res.Requests || res.Connects > res.Requests+2 || conns.Load() > res.Requests+2 {
			t.Errorf("connects %d, server accepted %d, requests %d", res.Connects, conns.Load(), res.Requests)
		}
		if res.BytesRead != res.Requests*int64(len(resp)) {
			t.Errorf("bytes read %d for %d responses", res.BytesRead, res.Requests)
		}
	})
}

// Broken answers count as the same kind of error on both generators.
func TestErrorKindsAgree(t *testing.T) {
	cases := map[string]struct {
		serve func(c net.Conn)
		kind  string
	}{
		// Half a response, then FIN.
		"cut": {func(c net.Conn) { io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf") }, "closed"},
		// Half a response, then RST.
		"reset": {func(c net.Conn) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf")
			time.Sleep(5 * time.Millisecond)
			c.(*net.TCPConn).SetLinger(0)
		}, "read"},
		// Two responses to one request.
		"unasked": {func(c net.Conn) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
			time.Sleep(50 * time.Millisecond)
		}, "protocol"},
		// A 503.
		"503": {func(c net.Conn) {
			io.WriteString(c, "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		}, "status 503"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			forEngines(t, func(t *testing.T, eng string) {
				addr, served, _ := scriptServer(t, func(c net.Conn, br *bufio.Reader, n *atomic.Int64) {
					if _, ok := readRequest(br); ok {
						n.Add(1)
						tc.serve(c)
					}
				})
				res, err := Run(context.Background(), Config{Target: "http://" + addr + "/", Conns: 1, Duration: 100 * time.Millisecond, Engine: eng})
				if err != nil {
					t.Fatal(err)
				}
				if res.ErrorKinds[tc.kind] == 0 || res.Errors != res.ErrorKinds[tc.kind] {
					t.Fatalf("errors %d %v, want only %q (served %d)", res.Errors, res.ErrorKinds, tc.kind, served.Load())
				}
				if tc.kind == "status 503" {
					if res.Requests != served.Load() || res.Status[503] != res.Requests {
						t.Fatalf("requests %d served %d status %v", res.Requests, served.Load(), res.Status)
					}
				} else if res.Requests != 0 {
					t.Fatalf("%d requests counted as complete", res.Requests)
				}
			})
		})
	}
}

// A request costs no allocation once the connections are up: the
// difference in allocations between a short and a longer run, per extra
// request, is about zero.
func TestNoAllocationPerRequest(t *testing.T) {
	forEngines(t, func(t *testing.T, eng string) {
		resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: t\r\n\r\nhello")
		tgt, _ := ParseTarget("http://127.0.0.1:1/")
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		tgt.Host = ln.Addr().String()
		reqLen := len(requestBytes(tgt, &Config{}))
		go func() { // a server that allocates nothing per request either
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					buf := make([]byte, reqLen)
					for {
						if _, err := io.ReadFull(c, buf); err != nil {
							return
						}
						if _, err := c.Write(resp); err != nil {
							return
						}
					}
				}()
			}
		}()
		run := func(d time.Duration) (uint64, int64) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := Run(context.Background(), Config{Target: "http://" + tgt.Host + "/", Conns: 4, Duration: d, Engine: eng})
			runtime.ReadMemStats(&after)
			if err != nil || res.Errors != 0 {
				t.Fatalf("%v %v", err, res.ErrorKinds)
			}
			return after.Mallocs - before.Mallocs, res.Requests
		}
		run(50 * time.Millisecond) // warm up
		m1, r1 := run(100 * time.Millisecond)
		m2, r2 := run(500 * time.Millisecond)
		if r2-r1 < 1000 {
			t.Skipf("too few requests to tell (%d, then %d)", r1, r2)
		}
		per := (float64(m2) - float64(m1)) / float64(r2-r1)
		t.Logf("%d allocations for %d requests, %d for %d: %.3f per extra request", m1, r1, m2, r2, per)
		if per > 0.05 {
			t.Fatalf("%.3f allocations per request", per)
		}
	})
}
