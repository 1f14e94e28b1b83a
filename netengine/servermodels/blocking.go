package servermodels

import (
	"net"
	"sync"
	"time"
)

// blockingServer serves one client at a time, like the course notes' first
// web servers: accept, read one request, answer, close, accept the next.
// Everyone else waits in the kernel's accept queue meanwhile.
type blockingServer struct {
	counter
	ln   net.Listener
	resp *responses
	done chan struct{}
	mu   sync.Mutex
	cur  net.Conn
}

func startBlocking(addr string) (Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &blockingServer{ln: ln, resp: newResponses(Blocking), done: make(chan struct{})}
	go s.loop()
	return s, nil
}

func (s *blockingServer) Name() string { return Blocking }
func (s *blockingServer) Addr() string { return s.ln.Addr().String() }

func (s *blockingServer) loop() {
	defer close(s.done)
	buf := make([]byte, maxRequest+1)
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.cur = c
		s.mu.Unlock()
		s.serveOne(c, buf)
		c.Close()
		s.mu.Lock()
		s.cur = nil
		s.mu.Unlock()
	}
}

// serveOne reads one request (blocking, for at most 2 s) and answers it.
func (s *blockingServer) serveOne(c net.Conn, buf []byte) {
	c.SetDeadline(time.Now().Add(2 * time.Second))
	n := 0
	for n < len(buf) {
		m, err := c.Read(buf[n:])
		n += m
		if used, answer, _ := s.resp.handle(buf[:n], true); used > 0 {
			s.served.Add(1) // counted when answered, before the client can see it
			c.Write(answer)
			return
		}
		if err != nil {
			return
		}
	}
}

func (s *blockingServer) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	if s.cur != nil {
		s.cur.Close()
	}
	s.mu.Unlock()
	<-s.done
	return err
}
