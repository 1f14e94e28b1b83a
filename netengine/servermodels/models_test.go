package servermodels

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
)

func TestHandler(t *testing.T) {
	r := newResponses("x")
	cases := []struct {
		in        string
		used      int
		status    string
		closeConn bool
	}{
		{"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 27, "200", false},
		{"GET / HTTP/1.1\r\nHost: a\r\n", 0, "", false},
		{"GET /x HTTP/1.1\r\nConnection: Close\r\n\r\nGET", 38, "200", true},
		{"GET / HTTP/1.0\r\n\r\n", 18, "200", true},
		{"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 42, "200", false},
		{"HEAD / HTTP/1.1\r\n\r\n", 19, "200", false},
		{"POST / HTTP/1.1\r\n\r\n", 19, "400", true},
		{"GET nope HTTP/1.1\r\n\r\n", 21, "400", true},
		{"hello\r\n\r\n", 9, "400", true},
		{strings.Repeat("a", maxRequest+1), maxRequest + 1, "400", true},
	}
	for _, c := range cases {
		used, answer, cl := r.handle([]byte(c.in), false)
		if used != c.used || cl != c.closeConn || (c.status != "" && !strings.HasPrefix(string(answer), "HTTP/1.1 "+c.status)) {
			t.Errorf("%q: used %d close %v answer %q", c.in, used, cl, answer)
		}
	}
	if _, a, _ := r.handle([]byte("HEAD / HTTP/1.1\r\n\r\n"), false); !strings.HasSuffix(string(a), "\r\n\r\n") {
		t.Errorf("HEAD answer has a body: %q", a)
	}
	if _, a, cl := r.handle([]byte("GET / HTTP/1.1\r\n\r\n"), true); !cl || !strings.Contains(string(a), "Connection: close") {
		t.Errorf("forceClose ignored: %q", a)
	}
}

// servers lists every model this system can run, plus the handler on every
// registered netengine engine.
func servers(t *testing.T) map[string]func() (Server, error) {
	out := map[string]func() (Server, error){}
	for _, m := range All() {
		if m.Available {
			out[m.Name] = func() (Server, error) { return Start(m.Name, "127.0.0.1:0") }
		} else if _, err := Start(m.Name, "127.0.0.1:0"); err == nil {
			t.Errorf("%s: unavailable but starts", m.Name)
		}
	}
	for _, e := range netengine.Names() {
		out["engine-"+e] = func() (Server, error) { return startEngine("engine-"+e, e, "127.0.0.1:0") }
	}
	return out
}

func TestModelsAnswer(t *testing.T) {
	for name, start := range servers(t) {
		t.Run(name, func(t *testing.T) {
			s, err := start()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			tr := &http.Transport{MaxIdleConnsPerHost: 4}
			defer tr.CloseIdleConnections()
			cl := &http.Client{Transport: tr, Timeout: 5 * time.Second}
			for i := range 5 {
				resp, err := cl.Get("http://" + s.Addr() + "/page")
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != "hello from the "+s.Name()+" model\n" {
					t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
				}
			}
			// The process model's workers report their answers over a pipe:
			// the count may arrive just after the answer.
			for i := 0; s.Served() != 5 && s.Name() == Process && i < 500; i++ {
				time.Sleep(10 * time.Millisecond)
			}
			if s.Served() != 5 {
				t.Errorf("served %d, want 5", s.Served())
			}
		})
	}
}

// Pipelined requests on one connection: keep-alive models answer both,
// in order; the blocking model answers one and closes.
func TestModelsPipelineAndClose(t *testing.T) {
	for name, start := range servers(t) {
		t.Run(name, func(t *testing.T) {
			s, err := start()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			c, err := net.DialTimeout("tcp", s.Addr(), 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			io.WriteString(c, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			all, err := io.ReadAll(c) // ends when the server closes
			if err != nil {
				t.Fatal(err)
			}
			n := strings.Count(string(all), "HTTP/1.1 200 OK")
			want := 2
			if name == Blocking {
				want = 1
			}
			if n != want || !strings.HasSuffix(string(all), "model\n") {
				t.Fatalf("got %d answers: %q", n, all)
			}
			br := bufio.NewReader(strings.NewReader(string(all)))
			for range want {
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
			}
		})
	}
}

func TestUnknownModel(t *testing.T) {
	if _, err := Start("fork", "127.0.0.1:0"); err == nil {
		t.Fatal("unknown model started")
	}
	if _, err := Start(Goroutine, "127.0.0.1:notaport"); err == nil {
		t.Fatal("bad address accepted")
	}
	if pollingAvailable {
		if _, err := Start(Polling, "127.0.0.1:notaport"); err == nil {
			t.Fatal("bad address accepted by polling")
		}
	} else if _, err := Start(Polling, "127.0.0.1:0"); !errors.Is(err, ErrUnavailable) {
		t.Fatal(err)
	}
}

func TestRaceTiny(t *testing.T) {
	var starts []string
	var samples int
	var models []string
	for _, m := range All() {
		if m.Available && m.Name != Epoll {
			models = append(models, m.Name)
		}
	}
	res := Race(context.Background(), RaceConfig{
		Models: models, Conns: 4, Duration: 300 * time.Millisecond, Tick: 50 * time.Millisecond,
		Idle:    idleFor(models),
		OnStart: func(m string) { starts = append(starts, m) }, OnSample: func(Sample) { samples++ },
	})
	if len(res) != len(models) || len(starts) != len(models) || samples == 0 {
		t.Fatalf("results %d starts %v samples %d", len(res), starts, samples)
	}
	for _, r := range res {
		if r.Err != nil || r.Load.Requests == 0 {
			t.Fatalf("%s: %+v", r.Model, r)
		}
		if r.Idle != idleFor(models) {
			t.Errorf("%s: %d idle connections, want %d", r.Model, r.Idle, idleFor(models))
		}
		if r.Served != r.Load.Requests {
			t.Errorf("%s: server counted %d, load generator %d (errors %v)", r.Model, r.Served, r.Load.Requests, r.Load.ErrorKinds)
		}
		if r.PeakMem == 0 {
			t.Errorf("%s: no memory figure", r.Model)
		}
	}
}

// idleFor is the idle connections of the tiny race: none when the blocking
// model runs (one silent client would stall it for the whole run).
func idleFor(models []string) int {
	for _, m := range models {
		if m == Blocking {
			return 0
		}
	}
	return 3
}

// Idle connections stall the blocking server and not the others.
func TestIdleConnections(t *testing.T) {
	var models []string
	for _, m := range All() {
		if m.Available && m.Name != Blocking {
			models = append(models, m.Name)
		}
	}
	for _, r := range Race(context.Background(), RaceConfig{Models: models, Conns: 2, Duration: 200 * time.Millisecond, Idle: 20}) {
		if r.Err != nil || r.Idle != 20 || r.Load.Requests == 0 || r.Load.Errors != 0 {
			t.Errorf("%s: idle %d requests %d errors %v %v", r.Model, r.Idle, r.Load.Requests, r.Load.ErrorKinds, r.Err)
		}
	}
	r := Race(context.Background(), RaceConfig{Models: []string{Blocking}, Conns: 2, Duration: 200 * time.Millisecond, Idle: 2})[0]
	if r.Idle != 2 || r.Load.Requests != 0 {
		t.Errorf("blocking with silent clients answered %d requests", r.Load.Requests)
	}
	if r.Stall != StallBlocking || !strings.Contains(r.Note(), "waited on 2 silent clients one at a time") {
		t.Errorf("blocking stall not explained: %q %q", r.Stall, r.Note())
	}
}

// Thread per connection: every connection holds its own OS thread while
// it is open; the threads end with their connections.
func TestThreadPerConnection(t *testing.T) {
	s, err := startGoroutine(Thread, "127.0.0.1:0", true)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := osThreads()
	var conns []net.Conn
	for range 20 {
		c, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for i := 0; ; i++ {
		if now, _ := s.Threads(); now == 20 {
			break
		}
		if i == 500 {
			now, _ := s.Threads()
			t.Fatalf("%d connection threads for 20 connections", now)
		}
		time.Sleep(10 * time.Millisecond)
	}
	during := osThreads()
	if before >= 0 && during < 20 {
		t.Errorf("OS threads %d → %d with 20 connections, each should hold one", before, during)
	}
	for _, c := range conns {
		c.Close()
	}
	for i := 0; ; i++ {
		if now, peak := s.Threads(); now == 0 && peak == 20 {
			break
		}
		if i == 500 {
			now, peak := s.Threads()
			t.Fatalf("after closing: %d threads, peak %d", now, peak)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A goroutine that ends locked takes its thread with it (Linux counts them).
	for i := 0; during >= 0 && runtime.GOOS == "linux"; i++ {
		if n := osThreads(); n <= during-20 {
			break
		} else if i == 500 {
			t.Fatalf("OS threads %d with 20 connections, still %d after they closed", during, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Process per connection: each connection is served by its own worker
// process (a different PID), and the answers are counted by the parent.
func TestProcessPerConnection(t *testing.T) {
	if !processAvailable {
		if _, err := Start(Process, "127.0.0.1:0"); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "not offered on Windows") {
			t.Fatalf("process model here: %v", err)
		}
		return
	}
	srv, err := Start(Process, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ps := srv.(workers)
	var conns []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		conns = append(conns, c)
	}
	br := make([]*bufio.Reader, len(conns))
	for i, c := range conns {
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		br[i] = bufio.NewReader(c)
		resp, err := http.ReadResponse(br[i], nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if string(body) != "hello from the process model\n" {
			t.Fatalf("%q", body)
		}
	}
	if now, _ := ps.Processes(); now != 3 || len(ps.PIDs()) != 3 {
		t.Fatalf("%d worker processes (%v) for 3 connections", now, ps.PIDs())
	}
	for _, p := range ps.PIDs() {
		if p == os.Getpid() {
			t.Fatal("a worker is the parent")
		}
	}
	if m, exact := rss(ps.PIDs()); exact {
		self, _ := rss(nil)
		if m <= self {
			t.Errorf("workers' memory not counted: %d with, %d without", m, self)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	for i := 0; ; i++ {
		if now, peak := ps.Processes(); now == 0 && peak == 3 {
			break
		}
		if i == 1000 {
			now, peak := ps.Processes()
			t.Fatalf("workers did not exit with their clients: %d running, peak %d", now, peak)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for i := 0; srv.Served() != 3; i++ {
		if i == 500 {
			t.Fatalf("parent counted %d answers, want 3", srv.Served())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
