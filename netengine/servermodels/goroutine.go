package servermodels

import (
	"net"
	"sync"
)

// goroutineServer starts one goroutine per connection: the "thread per
// client" model, cheap in Go because a goroutine starts with a few KiB of
// stack; the Go runtime itself waits for the sockets with epoll/kqueue/IOCP.
type goroutineServer struct {
	counter
	ln    net.Listener
	resp  *responses
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func startGoroutine(addr string) (Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &goroutineServer{ln: ln, resp: newResponses(Goroutine), conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

func (s *goroutineServer) Name() string { return Goroutine }
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
	defer func() {
		c.Close()
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	buf := make([]byte, 0, 4096)
	tmp := make([]byte, 4096)
	for {
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		for {
			used, answer, closeAfter := s.resp.handle(buf, false)
			if used == 0 {
				break
			}
			buf = buf[:copy(buf, buf[used:])]
			s.served.Add(1) // counted when answered, before the client can see it
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
