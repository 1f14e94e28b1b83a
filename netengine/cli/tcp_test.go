package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
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
	// --half-close (nc -N): the end of stdin is our FIN.
	code := Run([]string{"tcp", "connect", ln.Addr().String(), "--crlf", "--half-close"}, stdin, &out, &errb, "", "")
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
		{[]string{"tcp", "listen", "0", "--echo", "--half-close"}, 2, "--half-close is about stdin"},
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

// ncPeer is one side under test in TestTCPStdinLikeNC: nc itself or
// `netlab tcp` in-process. stdin is a real pipe (as in a shell pipeline)
// that the test writes in steps and keeps open; conn is the test's end of
// the TCP connection; stdout is what the tool printed.
type ncPeer struct {
	stdin  *os.File
	conn   net.Conn
	stdout *tcpBuf
	stop   func()
}

// startNCPeer starts tool ("nc" or "netlab-ENGINE") in mode "listen" or
// "connect"; crlf and halfClose are nc's -C and -N.
func startNCPeer(t *testing.T, tool, mode string, crlf, halfClose bool) *ncPeer {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &ncPeer{stdin: pw, stdout: &tcpBuf{}}
	var ln net.Listener
	target := ""
	if mode == "connect" {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		target = ln.Addr().String()
	} else {
		// nc -l needs a port number: take a free one.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		target = l.Addr().String()
		l.Close()
	}
	errb := &tcpBuf{}
	if tool == "nc" {
		host, port, _ := net.SplitHostPort(target)
		args := []string{}
		if crlf {
			args = append(args, "-C")
		}
		if halfClose {
			args = append(args, "-N")
		}
		if mode == "listen" {
			args = append(args, "-l")
		}
		cmd := exec.Command("nc", append(args, host, port)...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = pr, p.stdout, errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pr.Close()
		p.stop = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	} else {
		args := []string{"tcp", mode, target, "--engine", strings.TrimPrefix(tool, "netlab-")}
		if crlf {
			args = append(args, "--crlf")
		}
		if halfClose {
			args = append(args, "--half-close")
		}
		ctx, cancel := context.WithCancel(context.Background())
		env := &Env{Stdin: pr, Stdout: p.stdout, Stderr: errb, Ctx: ctx}
		code := make(chan int, 1)
		go func() { code <- env.run(args) }()
		p.stop = func() {
			cancel()
			pw.Close()
			select {
			case <-code:
			case <-time.After(10 * time.Second):
				t.Errorf("%s did not stop", tool)
			}
			pr.Close()
		}
	}
	t.Cleanup(func() { p.stop(); pw.Close() })
	if mode == "connect" {
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
		p.conn, err = ln.Accept()
		if err != nil {
			t.Fatalf("%s did not connect: %v (stderr %s)", tool, err, errb)
		}
	} else {
		// Dial until the tool listens; nc -l serves exactly this connection.
		tcpWaitFor(t, tool+" listening", func() bool {
			p.conn, err = net.DialTimeout("tcp", target, time.Second)
			return err == nil
		})
		if strings.HasPrefix(tool, "netlab") {
			tcpWaitFor(t, "the connection notice", func() bool { return strings.Contains(errb.String(), "connection from") })
		}
	}
	t.Cleanup(func() { p.conn.Close() })
	return p
}

// expect reads from the connection until want has arrived, while the
// tool's stdin stays open.
func (p *ncPeer) expect(t *testing.T, tool, step, want string) {
	t.Helper()
	_ = p.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, 0, len(want))
	buf := make([]byte, 256)
	for len(got) < len(want) {
		n, err := p.conn.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			t.Fatalf("%s, %s: got %q then %v; want %q", tool, step, got, err, want)
		}
	}
	if string(got) != want {
		t.Fatalf("%s, %s: got %q, want %q", tool, step, got, want)
	}
}

// nc is the reference (design §6): `netlab tcp` must send stdin the way nc
// does. Each step writes to the tool's stdin pipe, which stays open, and
// the peer must receive the bytes at once: a partial line is never held
// back. Runs the same script against nc (skipped where it is missing) and
// against netlab on every engine, in both directions.
func TestTCPStdinLikeNC(t *testing.T) {
	tools := []string{}
	if _, err := exec.LookPath("nc"); err == nil {
		tools = append(tools, "nc")
	} else {
		t.Log("nc not installed (apt-get install -y netcat-openbsd): checking netlab without the reference")
	}
	for _, eng := range netengine.Names() {
		tools = append(tools, "netlab-"+eng)
	}
	for _, mode := range []string{"listen", "connect"} {
		for _, tool := range tools {
			t.Run(mode+"/"+tool, func(t *testing.T) {
				// -C: LF that arrives becomes CR LF, an arriving CR LF stays.
				p := startNCPeer(t, tool, mode, true, false)
				steps := []struct{ in, want string }{
					{"HTTP/1.0 200 OK\nContent-Type: text/plain\r\n\nbody", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nbody"},
					{"\nmore", "\r\nmore"},
					{"\r\n\n", "\r\n\r\n"},
				}
				for i, st := range steps {
					if _, err := p.stdin.WriteString(st.in); err != nil {
						t.Fatal(err)
					}
					p.expect(t, tool, fmt.Sprintf("step %d (%q)", i+1, st.in), st.want)
				}
				// A CR at the end of one read and its LF in the next: nc
				// looks at one read at a time and sends CR CR LF; netlab
				// remembers the CR (the wire bytes then do not depend on
				// how stdin's writer split its writes). Where we differ on
				// purpose, this says how.
				p.stdin.WriteString("x\r")
				p.expect(t, tool, "a CR alone", "x\r")
				p.stdin.WriteString("\ny")
				if tool == "nc" {
					p.expect(t, tool, "its LF in the next read", "\r\ny")
				} else {
					p.expect(t, tool, "its LF in the next read", "\ny")
				}
				// Received bytes go to stdout untouched, stdin still open.
				io.WriteString(p.conn, "from peer\n")
				tcpWaitFor(t, "stdout", func() bool { return p.stdout.String() == "from peer\n" })
			})
			t.Run(mode+"/"+tool+"/raw", func(t *testing.T) {
				p := startNCPeer(t, tool, mode, false, false)
				p.stdin.WriteString("a\r\nb\nno newline")
				p.expect(t, tool, "without -C", "a\r\nb\nno newline")
			})
			// End of stdin: nc sends no FIN by default (the connection
			// stays open both ways); -N / --half-close sends FIN.
			for _, half := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/eof-half-close=%v", mode, tool, half), func(t *testing.T) {
					p := startNCPeer(t, tool, mode, false, half)
					p.stdin.WriteString("last")
					p.expect(t, tool, "before EOF", "last")
					p.stdin.Close()
					// Waiting for a FIN that must come may take long on a
					// busy machine; waiting for one that must not come
					// stops after 300 ms (a slow machine can only make that
					// check pass, never fail).
					wait := 300 * time.Millisecond
					if half {
						wait = 10 * time.Second
					}
					_ = p.conn.SetReadDeadline(time.Now().Add(wait))
					n, err := p.conn.Read(make([]byte, 16))
					if half {
						if n != 0 || err != io.EOF {
							t.Fatalf("%s -N: read after stdin's end = %d, %v; want EOF (FIN)", tool, n, err)
						}
					} else if !errors.Is(err, os.ErrDeadlineExceeded) {
						t.Fatalf("%s: read after stdin's end = %d, %v; want nothing (no FIN)", tool, n, err)
					}
					// Either way the other direction still works.
					io.WriteString(p.conn, "still here")
					tcpWaitFor(t, "stdout", func() bool { return p.stdout.String() == "still here" })
				})
			}
		}
	}
}
