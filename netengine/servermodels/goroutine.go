package servermodels

import (
	"net"
	"runtime"
	"sync"
	"sync/atomic"
)

// goroutineServer starts one goroutine per connection: the coroutine
// model, cheap in Go because a goroutine starts with a few KiB of stack;
// the Go runtime itself waits for the sockets with epoll/kqueue/IOCP.
//
// With lockThread it is the thread-per-connection model of the notes: each
// connection's goroutine is locked to its own OS thread
// (runtime.LockOSThread, never unlocked, so the thread ends with the
// connection), and a blocked read holds that thread, as a C server's
// pthread per client does.
type goroutineServer struct {
	counter
	name       string
	lockThread bool
	ln         net.Listener
	resp       *responses
	wg         sync.WaitGroup
	mu         sync.Mutex
	conns      map[net.Conn]struct{}
	threads    atomic.Int64 // connections holding their own thread now
	maxThreads atomic.Int64
}

func startGoroutine(name, addr string, lockThread bool) (*goroutineServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &goroutineServer{name: name, lockThread: lockThread, ln: ln, resp: newResponses(name), conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Threads is the number of connection threads alive now, and the most
// alive at once (thread model; 0 for goroutines).
func (s *goroutineServer) Threads() (now, peak int64) { return s.threads.Load(), s.maxThreads.Load() }

func (s *goroutineServer) Name() string { return s.name }
func (s *goroutineServer) Addr() string { return s.ln.Addr().String() }

func (s *goroutineServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(c)
	}
}

func (s *goroutineServer) serve(c net.Conn) {
	defer s.wg.Done()
	if s.lockThread {
		// No UnlockOSThread: the thread exits with this goroutine.
		runtime.LockOSThread()
		n := s.threads.Add(1)
		for p := s.maxThreads.Load(); n > p && !s.maxThreads.CompareAndSwap(p, n); p = s.maxThreads.Load() {
		}
		defer s.threads.Add(-1)
	}
	serveConn(c, s.resp, func() { s.served.Add(1) })
	c.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// serveConn answers keep-alive requests on c until the client closes or a
// request asks to close; served is called for each answer, before the
// client can see it.
func serveConn(c net.Conn, resp *responses, served func()) {
	buf := make([]byte, 0, 4096)
	tmp := make([]byte, 4096)
	for {
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		for {
			used, answer, closeAfter := resp.handle(buf, false)
			if used == 0 {
				break
			}
			buf = buf[:copy(buf, buf[used:])]
			served()
			if _, err := c.Write(answer); err != nil {
				return
			}
			if closeAfter {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (s *goroutineServer) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}
