package cli

import (
	"fmt"
	"net"
	"strconv"
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

func runServe(env *Env, dir, addr, engName string, loops int, noKeep, noList, quiet bool) int {
	eng, err := netengine.New(engName)
	if err != nil {
		return env.Fail("serve", "%v", err)
	}
	defer eng.Close()
	cfg := httpserve.Config{Dir: dir, NoKeepAlive: noKeep, NoListing: noList, Loops: loops}
	var alog *httpserve.AccessLog
	if !quiet {
		// Complete: a slow stdout slows the server down instead of
		// dropping lines; only a failed write loses lines, and says so.
		alog = httpserve.NewAccessLog(env.Stdout)
		var warned atomic.Bool
		alog.OnLost = func(err error, n int) {
			if !warned.Swap(true) {
				fmt.Fprintf(env.Stderr, "netlab serve: access log: %d lines lost: %v\n", n, err)
			}
		}
		cfg.AccessLog = alog
	}
	srv, err := httpserve.New(cfg)
	if err != nil {
		alog.Close()
		return env.Fail("serve", "%v", err)
	}
	ln, err := srv.Listen(eng, addr)
	if err != nil {
		srv.Close()
		alog.Close()
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

	<-env.Ctx.Done()
	alog.Release() // a blocked stdout must not hold up the stop
	srv.Close()
	eng.Close()
	time.Sleep(50 * time.Millisecond) // let callbacks in flight finish
	st := srv.Stats()
	fmt.Fprintf(env.Stderr, "Stopped: %d requests, %d connections, %d bytes sent", st.Requests, st.Accepted, st.BytesOut)
	if alog != nil {
		alog.Close()
		if _, lost, err := alog.Counts(); lost > 0 && err != nil {
			fmt.Fprintf(env.Stderr, "; %d access log lines lost (%v)", lost, err)
		} else if lost > 0 {
			fmt.Fprintf(env.Stderr, "; %d access log lines lost (answered while stopping)", lost)
		}
	}
	fmt.Fprintln(env.Stderr)
	return 0
}
