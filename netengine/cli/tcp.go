package cli

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
)

// `netlab tcp listen|connect`: NetLab's nc. Received bytes go to stdout
// untouched (so `> file` captures exactly what arrived); notices about
// connections go to stderr.

func init() {
	var tcp Command
	tcp = Command{
		Name:    "tcp",
		Summary: "raw TCP like nc: listen for clients or connect to a server",
		Usage: "tcp listen ADDR [--echo] [--crlf] [--half-close] [--engine auto|epoll|portable]\n" +
			"       netlab tcp connect ADDR [--crlf] [--half-close] [--engine auto|epoll|portable]",
		Run: func(env *Env, args []string) int {
			if len(args) > 0 {
				if sub, ok := tcpSubcommand(args[0]); ok {
					return sub.Run(env, args[1:])
				}
			}
			fs := env.Flags(tcp)
			echo := fs.Bool("echo", false, "listen: send every client's bytes back to it (instead of stdin)")
			crlf := fs.Bool("crlf", false, "turn LF from stdin into CR LF, as HTTP and SMTP want (nc -C)")
			halfClose := fs.Bool("half-close", false, "send FIN when stdin ends, and keep reading (nc -N)")
			engine := fs.String("engine", "auto", "network engine: auto, epoll or portable")
			pos, done, code := env.Parse(fs, args)
			if done {
				return code
			}
			if len(pos) != 2 || (pos[0] != "listen" && pos[0] != "connect") {
				return env.UsageError(tcp, "want listen ADDR or connect ADDR")
			}
			addr, err := tcpAddr(pos[1], pos[0] == "listen")
			if err != nil {
				return env.UsageError(tcp, "%v", err)
			}
			if pos[0] == "connect" && *echo {
				return env.UsageError(tcp, "--echo is for listen")
			}
			if *echo && *halfClose {
				return env.UsageError(tcp, "--half-close is about stdin, which --echo does not read")
			}
			eng, err := netengine.New(*engine)
			if err != nil {
				return env.Fail("tcp", "%v", err)
			}
			defer eng.Close()
			if pos[0] == "listen" {
				return tcpListen(env, eng, addr, *echo, *crlf, *halfClose)
			}
			return tcpConnect(env, eng, addr, *crlf, *halfClose)
		},
	}
	Register(tcp)
}

// Other `netlab tcp WORD` commands (such as `tcp states`) live in their own
// files and add themselves here from init, so tcp.go stays about nc.
var tcpSubs = map[string]Command{}

// RegisterTCP adds `netlab tcp NAME`; c.Name should be "tcp NAME".
func RegisterTCP(name string, c Command) {
	mu.Lock()
	defer mu.Unlock()
	tcpSubs[name] = c
}

func tcpSubcommand(name string) (Command, bool) {
	mu.Lock()
	defer mu.Unlock()
	c, ok := tcpSubs[name]
	return c, ok
}

// tcpAddr accepts HOST:PORT, and a bare PORT (127.0.0.1 for listen and
// connect alike: exposing a server to the LAN must be explicit).
func tcpAddr(s string, listen bool) (string, error) {
	if _, err := strconv.ParseUint(s, 10, 16); err == nil {
		return "127.0.0.1:" + s, nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("bad address %q: want HOST:PORT or PORT", s)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", fmt.Errorf("bad port %q", port)
	}
	if host == "" && !listen {
		return "", fmt.Errorf("bad address %q: connect needs a host", s)
	}
	return s, nil
}

// lockedWriter serialises writes from several event loops. A slow stdout
// blocks the loop that writes, which is the back-pressure we want for a
// command-line tool: the engine stops reading, TCP tells the peer to wait.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func tcpListen(env *Env, eng netengine.Engine, addr string, echo, crlf, halfClose bool) int {
	out := &lockedWriter{w: env.Stdout}
	note := &lockedWriter{w: env.Stderr}
	var mu sync.Mutex
	clients := map[netengine.Conn]struct{}{}
	stdinDone := false // with --half-close: stdin ended, every client got our FIN
	h := netengine.HandlerFuncs{
		Open: func(c netengine.Conn) {
			mu.Lock()
			clients[c] = struct{}{}
			if stdinDone {
				_ = c.CloseWrite() // nothing more will come from stdin
			}
			mu.Unlock()
			fmt.Fprintf(note, "netlab tcp: connection from %s\n", c.RemoteAddr())
		},
		Data: func(c netengine.Conn, p []byte) {
			_, _ = out.Write(p)
			if echo {
				_ = c.Write(p)
			}
		},
		Close: func(c netengine.Conn, reason netengine.CloseReason, err error) {
			mu.Lock()
			delete(clients, c)
			mu.Unlock()
			fmt.Fprintf(note, "netlab tcp: %s closed (%s)%s\n", c.RemoteAddr(), reason, errSuffix(err))
		},
	}
	ln, err := eng.Listen("tcp", addr, h, netengine.Options{})
	if err != nil {
		return env.Fail("tcp", "%v", err)
	}
	defer ln.Close()
	fmt.Fprintf(note, "netlab tcp: listening on %s (engine %s)\n", ln.Addr(), eng.Name())
	if !echo {
		var eof func()
		if halfClose {
			eof = func() {
				mu.Lock()
				defer mu.Unlock()
				stdinDone = true
				for c := range clients {
					_ = c.CloseWrite()
				}
			}
		}
		go pumpStdin(env.Stdin, crlf, func(p []byte) {
			mu.Lock()
			defer mu.Unlock()
			for c := range clients {
				_ = c.Write(p)
			}
		}, eof)
	}
	<-env.Ctx.Done()
	fmt.Fprintln(note, "netlab tcp: stopped")
	return 0
}

func tcpConnect(env *Env, eng netengine.Engine, addr string, crlf, halfClose bool) int {
	out := &lockedWriter{w: env.Stdout}
	type ending struct {
		reason netengine.CloseReason
		err    error
	}
	ended := make(chan ending, 1)
	h := netengine.HandlerFuncs{
		Data: func(c netengine.Conn, p []byte) { _, _ = out.Write(p) },
		// The server finished sending: like nc, we are done too.
		EOF: func(c netengine.Conn) { _ = c.Close() },
		Close: func(c netengine.Conn, reason netengine.CloseReason, err error) {
			ended <- ending{reason, err}
		},
	}
	c, err := eng.Dial("tcp", addr, h, 10*time.Second, netengine.Options{})
	if err != nil {
		return env.Fail("tcp", "%v", err)
	}
	fmt.Fprintf(env.Stderr, "netlab tcp: connected to %s from %s (engine %s)\n", c.RemoteAddr(), c.LocalAddr(), eng.Name())
	// Like nc, the end of stdin sends nothing by default: the connection
	// stays open both ways until the server closes it or Ctrl-C. With
	// --half-close (nc -N) it is our FIN, and the server still gets to answer.
	var eof func()
	if halfClose {
		eof = func() { _ = c.CloseWrite() }
	}
	go pumpStdin(env.Stdin, crlf, func(p []byte) { _ = c.Write(p) }, eof)
	var end ending
	select {
	case end = <-ended:
	case <-env.Ctx.Done():
		_ = c.Close()
		select {
		case end = <-ended:
		case <-time.After(5 * time.Second):
			_ = c.Abort()
			end = <-ended
		}
	}
	switch end.reason {
	case netengine.ReasonEOF, netengine.ReasonLocalClose, netengine.ReasonShutdown:
		return 0
	}
	return env.Fail("tcp", "connection ended: %s%s", end.reason, errSuffix(end.err))
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return ": " + err.Error()
}

// pumpStdin sends whatever each Read of r returns at once, as nc does (a
// line is never held back waiting for its newline), converted to CR LF if
// asked; at the end of r it calls eof (if not nil).
func pumpStdin(r io.Reader, crlf bool, send func([]byte), eof func()) {
	buf := make([]byte, 64<<10)
	var prev byte // last byte of the previous read, for a CR split from its LF
	var conv []byte
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if crlf {
				conv = toCRLF(conv[:0], buf[:n], prev)
				prev = buf[n-1]
				send(conv)
			} else {
				send(buf[:n])
			}
		}
		if err != nil {
			break
		}
	}
	if eof != nil {
		eof()
	}
}

// toCRLF appends p to dst with every bare LF turned into CR LF; an LF
// already preceded by CR (prev is the byte before p) is left alone. nc -C
// leaves a CR LF alone only when both arrive in one read (a CR at the end
// of one read and its LF at the start of the next become CR CR LF); we
// look across reads, so the bytes on the wire do not depend on how the
// writer of stdin happened to split its writes.
func toCRLF(dst, p []byte, prev byte) []byte {
	for _, b := range p {
		if b == '\n' && prev != '\r' {
			dst = append(dst, '\r')
		}
		dst = append(dst, b)
		prev = b
	}
	return dst
}
