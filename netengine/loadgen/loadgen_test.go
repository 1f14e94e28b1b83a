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
	"strings"
	"sync/atomic"
	"testing"
	"time"
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

func TestConfigLimits(t *testing.T) {
	for _, c := range []Config{{Target: "127.0.0.1:1", Conns: MaxConns + 1}, {Target: "127.0.0.1:1", Duration: -1}, {Target: "http://192.0.2.1/"}} {
		if _, err := Run(context.Background(), c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

// The generator's counts agree with the server's own.
func TestHTTPCountsAgreeWithServer(t *testing.T) {
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
		Target: srv.URL + "/hello", Conns: 4, Duration: 300 * time.Millisecond,
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

func TestHTTPFraming(t *testing.T) {
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
			res, err := Run(context.Background(), Config{Target: "http://" + addr + "/", Conns: 2, Duration: 150 * time.Millisecond})
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

func TestTCPEcho(t *testing.T) {
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
	res, err := Run(context.Background(), Config{Target: "tcp://" + ln.Addr().String(), Conns: 3, Duration: 200 * time.Millisecond, Payload: []byte("abc\n")})
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

func TestErrorsCounted(t *testing.T) {
	// Nobody listens: connect errors.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	res, err := Run(context.Background(), Config{Target: "http://" + addr, Conns: 2, Duration: 100 * time.Millisecond})
	if err != nil || res.Requests != 0 || res.ErrorKinds["connect"] == 0 {
		t.Fatalf("%+v %v", res, err)
	}
	// A server that never answers: requests unfinished at the end.
	addr2, _ := rawServer(t, "", false)
	res, err = Run(context.Background(), Config{Target: "http://" + addr2, Conns: 2, Duration: 50 * time.Millisecond, Timeout: 100 * time.Millisecond})
	if err != nil || res.Requests != 0 || res.ErrorKinds["unfinished"]+res.ErrorKinds["timeout"] != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	// Garbage answers: protocol errors.
	addr3, _ := rawServer(t, "SSH-2.0-nope\r\n", false)
	res, _ = Run(context.Background(), Config{Target: "http://" + addr3, Conns: 1, Duration: 50 * time.Millisecond})
	if res.ErrorKinds["protocol"] == 0 {
		t.Fatalf("%+v", res)
	}
}

func TestCancelStopsAtOnce(t *testing.T) {
	addr, _ := rawServer(t, "", false) // never answers
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Result)
	go func() {
		r, _ := Run(ctx, Config{Target: "http://" + addr, Conns: 3, Duration: time.Minute, Timeout: time.Minute})
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
