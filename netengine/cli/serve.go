package cli

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/httpserve"
)

func init() {
	var serve Command
	serve = Command{
		Name:    "serve",
		Summary: "serve a folder over HTTP/1.1 (static web server, access log in common log format)",
		Usage:   "serve DIR [--addr 127.0.0.1:8080] [--engine auto|epoll|portable] [--loops N] [--no-keepalive] [--no-listing]",
		Run: func(env *Env, args []string) int {
			fs := env.Flags(serve)
			addr := fs.String("addr", "127.0.0.1:8080", "listen address; 0.0.0.0:PORT shares the folder with the LAN")
			engine := fs.String("engine", "auto", "network engine: auto, epoll or portable")
			loops := fs.Int("loops", 0, "event loops for epoll (0 = one per CPU)")
			noKeep := fs.Bool("no-keepalive", false, "close the connection after every response (short connections)")
			noList := fs.Bool("no-listing", false, "do not list folders without index.html")
			quiet := fs.Bool("quiet", false, "do not write the access log (for benchmarks)")
			pos, done, code := env.Parse(fs, args)
			if done {
				return code
			}
			if len(pos) != 1 {
				return env.UsageError(serve, "need exactly one folder to serve")
			}
			if *loops < 0 {
				return env.UsageError(serve, "--loops must be 0 or more")
			}
			if _, _, err := net.SplitHostPort(*addr); err != nil {
				if _, perr := strconv.Atoi(*addr); perr == nil {
					*addr = "127.0.0.1:" + *addr
				} else {
					return env.UsageError(serve, "bad --addr %q: want HOST:PORT", *addr)
				}
			}
			return runServe(env, pos[0], *addr, *engine, *loops, *noKeep, *noList, *quiet)
		},
	}
	Register(serve)
}

// clfTime is the common log format's time.
const clfTime = "02/Jan/2006:15:04:05 -0700"

func runServe(env *Env, dir, addr, engName string, loops int, noKeep, noList, quiet bool) int {
	eng, err := netengine.New(engName)
	if err != nil {
		return env.Fail("serve", "%v", err)
	}
	defer eng.Close()
	logs := make(chan *httpserve.Entry, 4096)
	var dropped atomic.Int64
	cfg := httpserve.Config{Dir: dir, NoKeepAlive: noKeep, NoListing: noList, Loops: loops}
	if !quiet {
		cfg.Log = func(e *httpserve.Entry) {
			select {
			case logs <- e:
			default:
				dropped.Add(1)
			}
		}
	}
	srv, err := httpserve.New(cfg)
	if err != nil {
		return env.Fail("serve", "%v", err)
	}
	ln, err := srv.Listen(eng, addr)
	if err != nil {
		srv.Close()
		return env.Fail("serve", "%v", err)
	}
	fmt.Fprintf(env.Stderr, "Serving %s with the %s engine", dir, eng.Name())
	if noKeep {
		fmt.Fprint(env.Stderr, ", keep-alive off")
	}
	fmt.Fprintln(env.Stderr, " at:")
	for _, u := range httpserve.URLs(ln.Addr()) {
		fmt.Fprintln(env.Stderr, "  "+u)
	}
	if !httpserve.IsLoopback(ln.Addr().String()) {
		fmt.Fprintln(env.Stderr, "Warning: other machines on the network can read this folder.")
	}
	fmt.Fprintln(env.Stderr, "Press Ctrl-C to stop.")

	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		w := bufio.NewWriter(env.Stdout)
		defer w.Flush()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case e := <-logs:
				w.WriteString(commonLog(e))
			case <-stop:
				for {
					select {
					case e := <-logs:
						w.WriteString(commonLog(e))
					default:
						return
					}
				}
			case <-tick.C:
				w.Flush()
			}
		}
	}()
	<-env.Ctx.Done()
	srv.Close()
	eng.Close()
	time.Sleep(50 * time.Millisecond) // let callbacks in flight finish
	close(stop)
	wg.Wait()
	st := srv.Stats()
	fmt.Fprintf(env.Stderr, "Stopped: %d requests, %d connections, %d bytes sent", st.Requests, st.Accepted, st.BytesOut)
	if n := dropped.Load(); n > 0 {
		fmt.Fprintf(env.Stderr, ", %d log lines dropped", n)
	}
	fmt.Fprintln(env.Stderr)
	return 0
}

// commonLog formats e in the common log format:
// host ident authuser [date] "request-line" status bytes
func commonLog(e *httpserve.Entry) string {
	host := e.Client
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	bytes := "-"
	if e.Bytes > 0 {
		bytes = strconv.FormatInt(e.Bytes, 10)
	}
	line := "-"
	if e.Method != "" {
		line = e.Method + " " + e.Target + " " + e.Proto
	}
	line = strings.NewReplacer(`"`, `\"`, "\\", "\\\\").Replace(line)
	return fmt.Sprintf("%s - - [%s] \"%s\" %d %s\n", host, e.Time.Format(clfTime), line, e.Status, bytes)
}
