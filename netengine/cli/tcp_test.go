package cli

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
)

// tcpBuf is a bytes.Buffer safe for the command's goroutines and the test.
type tcpBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *tcpBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *tcpBuf) Bytes() []byte               { s.mu.Lock(); defer s.mu.Unlock(); return bytes.Clone(s.b.Bytes()) }
func (s *tcpBuf) String() string              { return string(s.Bytes()) }

// waitFor polls until f is true (bounded).
func tcpWaitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	for range 1000 {
		if f() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

type tcpRun struct {
	stdin        *io.PipeWriter
	stdout, errb *tcpBuf
	cancel       func()
	code         chan int
}

// startTCP runs `netlab tcp ARGS` in-process with a pipe for stdin and a
// context the test cancels (what Ctrl-C does).
func startTCP(t *testing.T, args ...string) *tcpRun {
	t.Helper()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	r := &tcpRun{stdin: pw, stdout: &tcpBuf{}, errb: &tcpBuf{}, cancel: cancel, code: make(chan int, 1)}
	env := &Env{Stdin: pr, Stdout: r.stdout, Stderr: r.errb, Ctx: ctx}
	go func() { r.code <- env.run(append([]string{"tcp"}, args...)) }()
	t.Cleanup(func() { cancel(); pw.Close() })
	return r
}

func (r *tcpRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case c := <-r.code:
		return c
	case <-time.After(10 * time.Second):
		t.Fatalf("command did not end; stderr: %s", r.errb)
		return -1
	}
}

var listeningRE = regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)

func (r *tcpRun) addr(t *testing.T) string {
	t.Helper()
	var m []string
	tcpWaitFor(t, "the listening notice", func() bool {
		m = listeningRE.FindStringSubmatch(r.errb.String())
		return m != nil
	})
	return m[1]
}

func TestTCPListen(t *testing.T) {
	for _, eng := range netengine.Names() {
		t.Run(eng, func(t *testing.T) {
			r := startTCP(t, "listen", "127.0.0.1:0", "--crlf", "--engine", eng)
			c, err := net.DialTimeout("tcp", r.addr(t), 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			tcpWaitFor(t, "the connection notice", func() bool { return strings.Contains(r.errb.String(), "connection from") })

			// Bytes from the client reach stdout exactly, binary included.
			sent := make([]byte, 200<<10)
			rand.NewChaCha8([32]byte{9}).Read(sent)
			sent = append([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), sent...)
			if _, err := c.Write(sent); err != nil {
				t.Fatal(err)
			}
			tcpWaitFor(t, "stdout", func() bool { return len(r.stdout.Bytes()) >= len(sent) })
			if !bytes.Equal(r.stdout.Bytes(), sent) {
				t.Fatal("stdout differs from what the client sent")
			}

			// Stdin lines go to the client, LF turned into CR LF.
			io.WriteString(r.stdin, "HTTP/1.1 200 OK\n\n<h1>hi</h1>\r\n")
			want := "HTTP/1.1 200 OK\r\n\r\n<h1>hi</h1>\r\n"
			got := make([]byte, len(want))
			if _, err := io.ReadFull(c, got); err != nil || string(got) != want {
				t.Fatalf("client got %q, %v; want %q", got, err, want)
			}

			r.cancel()
			if code := r.wait(t); code != 0 {
				t.Fatalf("exit %d, stderr %s", code, r.errb)
			}
			// Stopping the server closed the client.
			if _, err := c.Read(make([]byte, 1)); err == nil {
				t.Fatal("client still open after the server stopped")
			}
		})
	}
}

func TestTCPListenEcho(t *testing.T) {
	r := startTCP(t, "listen", "127.0.0.1:0", "--echo")
	c, err := net.DialTimeout("tcp", r.addr(t), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	msg := "ping\n"
	io.WriteString(c, msg)
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil || string(got) != msg {
		t.Fatalf("echo %q, %v", got, err)
	}
	// Half-close: the server closes its side after our FIN.
	c.(*net.TCPConn).CloseWrite()
	if _, err := c.Read(got); err != io.EOF {
		t.Fatalf("read after FIN = %v, want EOF", err)
	}
	tcpWaitFor(t, "the close notice", func() bool { return strings.Contains(r.errb.String(), "closed (eof)") })
	if r.stdout.String() != msg {
		t.Fatalf("stdout %q", r.stdout)
	}
	r.cancel()
	r.wait(t)
}

func TestTCPConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		s, err := ln.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		_ = s.SetDeadline(time.Now().Add(10 * time.Second))
		b, _ := io.ReadAll(s) // until the client's FIN (stdin closed)
		got <- string(b)
		io.WriteString(s, "bye\n")
	}()
	var out, errb tcpBuf
	stdin := strings.NewReader("GET / HTTP/1.0\n\n")
	code := Run([]string{"tcp", "connect", ln.Addr().String(), "--crlf"}, stdin, &out, &errb, "", "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if s := <-got; s != "GET / HTTP/1.0\r\n\r\n" {
		t.Fatalf("server got %q", s)
	}
	if out.String() != "bye\n" {
		t.Fatalf("stdout %q", out.String())
	}
}

func TestTCPConnectStopsOnCancel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		s, err := ln.Accept()
		if err == nil {
			defer s.Close()
			io.Copy(io.Discard, s)
		}
	}()
	r := startTCP(t, "connect", ln.Addr().String())
	tcpWaitFor(t, "the connected notice", func() bool { return strings.Contains(r.errb.String(), "connected to") })
	r.cancel()
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d: %s", code, r.errb)
	}
}

func TestTCPErrors(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"tcp"}, 2, "want listen ADDR"},
		{[]string{"tcp", "listen"}, 2, "want listen ADDR"},
		{[]string{"tcp", "bind", "80"}, 2, "want listen ADDR"},
		{[]string{"tcp", "listen", "nonsense"}, 2, "bad address"},
		{[]string{"tcp", "listen", "127.0.0.1:99999"}, 2, "bad port"},
		{[]string{"tcp", "connect", ":80"}, 2, "needs a host"},
		{[]string{"tcp", "connect", "127.0.0.1:1", "--echo"}, 2, "--echo is for listen"},
		{[]string{"tcp", "listen", "0", "--engine", "nope"}, 1, "unknown engine"},
		{[]string{"tcp", "connect", closed}, 1, "refused"},
	} {
		var out, errb tcpBuf
		code := Run(tc.args, strings.NewReader(""), &out, &errb, "", "")
		if code != tc.code || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}

func TestToCRLF(t *testing.T) {
	for _, tc := range []struct {
		in   string
		prev byte
		want string
	}{
		{"a\nb\n", 0, "a\r\nb\r\n"},
		{"a\r\nb", 0, "a\r\nb"},
		{"\n", '\r', "\n"}, // the CR came at the end of the previous piece
		{"\n\n", 0, "\r\n\r\n"},
		{"", 0, ""},
	} {
		if got := string(toCRLF(nil, []byte(tc.in), tc.prev)); got != tc.want {
			t.Errorf("toCRLF(%q, %q) = %q, want %q", tc.in, tc.prev, got, tc.want)
		}
	}
}
