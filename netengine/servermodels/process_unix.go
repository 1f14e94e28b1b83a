//go:build linux || darwin

package servermodels

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

const processAvailable = true

// processServer is the process-per-connection model of the notes (fork
// after accept): the parent accepts, and hands each accepted socket to a
// new process, the NetLab program itself started in its hidden worker mode
// (`netlab __worker`), which serves that one connection and exits. Go
// cannot fork without exec, so the child is a fresh program; the socket
// reaches it as an inherited descriptor (fd 3), as with inetd.
//
// At most MaxProcesses children run at once (Apache's MaxRequestWorkers):
// further clients wait in the accept queue until one exits.
type processServer struct {
	counter
	ln      *net.TCPListener
	exe     string
	args    []string
	slots   chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	procs   map[*os.Process]struct{}
	peak    atomic.Int64
	running atomic.Int64
	// countR receives one byte per request the children answer.
	countR, countW *os.File
	closed         atomic.Bool
}

// MaxProcesses bounds the children of the process model: each costs about
// 7 MB (proportional set size, measured on Linux), so 64 take ~450 MB.
const MaxProcesses = 64

func startProcess(addr string) (Server, error) {
	exe, args, err := WorkerCommand()
	if err != nil {
		return nil, fmt.Errorf("%w: cannot find the NetLab program to start workers: %v", ErrUnavailable, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		ln.Close()
		return nil, err
	}
	s := &processServer{ln: ln.(*net.TCPListener), exe: exe, args: args, slots: make(chan struct{}, MaxProcesses),
		procs: map[*os.Process]struct{}{}, countR: r, countW: w}
	s.wg.Add(2)
	go s.count()
	go s.accept()
	return s, nil
}

func (s *processServer) Name() string { return Process }
func (s *processServer) Addr() string { return s.ln.Addr().String() }

// Processes is the number of worker processes running now, and the most
// at once.
func (s *processServer) Processes() (now, peak int64) { return s.running.Load(), s.peak.Load() }

// PIDs lists the running workers (to measure their memory).
func (s *processServer) PIDs() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int, 0, len(s.procs))
	for p := range s.procs {
		out = append(out, p.Pid)
	}
	return out
}

func (s *processServer) count() {
	defer s.wg.Done()
	buf := make([]byte, 4096)
	for {
		n, err := s.countR.Read(buf)
		s.served.Add(int64(n))
		if err != nil {
			return
		}
	}
}

func (s *processServer) accept() {
	defer s.wg.Done()
	for {
		s.slots <- struct{}{} // wait for a free process slot, then accept
		c, err := s.ln.AcceptTCP()
		if err != nil {
			<-s.slots
			return
		}
		if err := s.spawn(c); err != nil {
			c.Close()
			<-s.slots
			if s.closed.Load() {
				return
			}
		}
	}
}

// spawn starts a worker for c; the parent keeps no copy of the socket.
func (s *processServer) spawn(c *net.TCPConn) error {
	f, err := c.File() // a duplicate descriptor, in blocking mode
	c.Close()
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.Command(s.exe, s.args...)
	cmd.Env = append(os.Environ(), WorkerEnv+"=1")
	cmd.ExtraFiles = []*os.File{f, s.countW} // fd 3 and fd 4
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		return errors.New("closed")
	}
	err = cmd.Start()
	if err == nil {
		s.procs[cmd.Process] = struct{}{}
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	n := s.running.Add(1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		cmd.Wait()
		s.mu.Lock()
		delete(s.procs, cmd.Process)
		s.mu.Unlock()
		s.running.Add(-1)
		<-s.slots
	}()
	return nil
}

func (s *processServer) Close() error {
	s.closed.Store(true)
	err := s.ln.Close()
	s.mu.Lock()
	for p := range s.procs {
		p.Kill()
	}
	s.mu.Unlock()
	s.countW.Close() // the children's copies close as they exit
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		return errors.New("servermodels: worker processes did not exit")
	}
	s.countR.Close()
	return err
}

// RunWorker is the worker mode (`netlab __worker`, or a test binary with
// WorkerEnv set): serve the connection on fd 3, count each answer with a
// byte on fd 4, and return the exit code when the client is done.
func RunWorker() int {
	cf, cnt := os.NewFile(3, "conn"), os.NewFile(4, "count")
	if cf == nil || cnt == nil {
		fmt.Fprintln(os.Stderr, "netlab __worker: no connection on fd 3: this mode is started by the process model of the engine race")
		return 2
	}
	c, err := net.FileConn(cf)
	cf.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "netlab __worker:", err)
		return 1
	}
	serveConn(c, newResponses(Process), func() { cnt.Write([]byte{1}) })
	c.Close()
	return 0
}
