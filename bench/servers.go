package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/panjf2000/gnet/v2"
)

// Every server runs in its own process (this binary with -serve NAME), so
// the servers do not share a heap or a scheduler with the load generator or
// with each other, and their RSS can be read from /proc.

// serverNames is the order of the tables.
var serverNames = []string{"netlab-epoll", "netlab-portable", "gnet", "goroutine"}

// serve runs server name on 127.0.0.1, prints "ADDR host:port" and serves
// until stdin is closed (the driver's way of stopping it).
func serve(name string) error {
	var addr string
	switch name {
	case "netlab-epoll", "netlab-portable":
		eng, err := netengine.New(strings.TrimPrefix(name, "netlab-"))
		if err != nil {
			return err
		}
		h := netengine.HandlerFuncs{Data: func(c netengine.Conn, p []byte) { _ = c.Write(p) }}
		ln, err := eng.Listen("tcp", "127.0.0.1:0", h, netengine.Options{})
		if err != nil {
			return err
		}
		addr = ln.Addr().String()
	case "gnet":
		port, err := freePort()
		if err != nil {
			return err
		}
		addr = "127.0.0.1:" + strconv.Itoa(port)
		errc := make(chan error, 1)
		go func() {
			errc <- gnet.Run(&gnetEcho{}, "tcp://"+addr, gnet.WithMulticore(true), gnet.WithTCPNoDelay(gnet.TCPNoDelay))
		}()
		if err := waitListening(addr, errc); err != nil {
			return err
		}
	case "goroutine":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		go goroutineEcho(ln)
		addr = ln.Addr().String()
	default:
		return fmt.Errorf("unknown server %q", name)
	}
	if p := os.Getenv("BENCH_CPUPROFILE"); p != "" {
		f, err := os.Create(p + "." + name)
		if err == nil {
			_ = pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	fmt.Printf("ADDR %s\n", addr)
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// gnetEcho is gnet's own echo example.
type gnetEcho struct{ gnet.BuiltinEventEngine }

func (*gnetEcho) OnTraffic(c gnet.Conn) gnet.Action {
	buf, _ := c.Next(-1)
	_, _ = c.Write(buf)
	return gnet.None
}

// goroutineEcho is the textbook server: one goroutine per connection,
// blocking reads and writes.
func goroutineEcho(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			buf := make([]byte, 16<<10)
			for {
				n, err := c.Read(buf)
				if n > 0 {
					if _, werr := c.Write(buf[:n]); werr != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitListening(addr string, errc chan error) error {
	for range 500 {
		select {
		case err := <-errc:
			return err
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("gnet did not start on %s", addr)
}

// server is a running server process.
type server struct {
	name  string
	addr  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// serverCPUs, when set, pins every server process to these CPUs (taskset
// -c syntax); see -pin.
var serverCPUs string

func startServer(name string) (*server, error) {
	cmd := exec.Command(os.Args[0], "-serve", name)
	if serverCPUs != "" {
		// The Go runtime (and NetLab's loop count) size themselves from
		// the affinity mask at start, so pinning must happen before exec.
		cmd = exec.Command("taskset", "-c", serverCPUs, os.Args[0], "-serve", name)
	}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// Skip whatever a server logs before its address (gnet logs its start).
	br := bufio.NewReader(stdout)
	line, err := br.ReadString('\n')
	for i := 0; err == nil && !strings.HasPrefix(line, "ADDR ") && i < 20; i++ {
		line, err = br.ReadString('\n')
	}
	go io.Copy(io.Discard, br)
	if err != nil || !strings.HasPrefix(line, "ADDR ") {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("server %s did not start: %q %v", name, line, err)
	}
	return &server{name: name, addr: strings.TrimSpace(line[5:]), cmd: cmd, stdin: stdin}, nil
}

func (s *server) stop() {
	s.stdin.Close()
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// cpuTime is the CPU time the server process has used in user space and
// in the kernel, read from /proc/PID/stat in clock ticks (USER_HZ, 100 on
// Linux).
func (s *server) cpuTime() (user, sys time.Duration, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	// The command name (field 2) may contain spaces; fields after ")" are fixed.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("bad /proc stat")
	}
	const tick = 10 * time.Millisecond
	return time.Duration(utime) * tick, time.Duration(stime) * tick, nil
}

// rssKiB reads the server's resident set size from /proc.
func (s *server) rssKiB() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			return strconv.ParseInt(f[1], 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}
