//go:build linux

package servermodels

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

const pollingAvailable = true

// pollingServer is cases 006/007 of the course notes in Go: the listening
// socket and every client socket are non-blocking, and one loop tries them
// all in turn (accept? read? write?) again and again. Nothing waits, so the
// loop keeps a CPU core busy even when no client sends anything, and every
// client waits for the loop to come round to it.
type pollingServer struct {
	counter
	lfd   int
	addr  string
	resp  *responses
	stop  atomic.Bool
	done  chan struct{}
	loops atomic.Int64
}

type pollClient struct {
	fd  int
	in  []byte
	out []byte
	// closing: close once out is written.
	closing bool
}

func startPolling(addr string) (Server, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		tcp, rerr := net.ResolveTCPAddr("tcp", addr)
		if rerr != nil {
			return nil, err
		}
		ap = tcp.AddrPort()
	}
	var sa unix.Sockaddr
	family := unix.AF_INET
	if ap.Addr().Is4() || ap.Addr().Is4In6() {
		sa = &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().Unmap().As4()}
	} else {
		family = unix.AF_INET6
		sa = &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("listen tcp %s: bind: %w", addr, err)
	}
	if err := unix.Listen(fd, 1024); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("listen tcp %s: %w", addr, err)
	}
	got, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	switch a := got.(type) {
	case *unix.SockaddrInet4:
		addr = netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port)).String()
	case *unix.SockaddrInet6:
		addr = netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(a.Port)).String()
	}
	s := &pollingServer{lfd: fd, addr: addr, resp: newResponses(Polling), done: make(chan struct{})}
	go s.loop()
	return s, nil
}

func (s *pollingServer) Name() string { return Polling }
func (s *pollingServer) Addr() string { return s.addr }

// Loops is how many times the loop went round all sockets.
func (s *pollingServer) Loops() int64 { return s.loops.Load() }

func isAgain(err error) bool {
	return errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EWOULDBLOCK) || errors.Is(err, unix.EINTR)
}

func (s *pollingServer) loop() {
	defer close(s.done)
	var clients []*pollClient
	buf := make([]byte, 16<<10)
	defer func() {
		for _, c := range clients {
			unix.Close(c.fd)
		}
		unix.Close(s.lfd)
	}()
	for !s.stop.Load() {
		s.loops.Add(1)
		// 1. Is anybody new? (accept on a non-blocking socket)
		for range 64 {
			nfd, _, err := unix.Accept4(s.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
			if err != nil {
				break
			}
			_ = unix.SetsockoptInt(nfd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
			clients = append(clients, &pollClient{fd: nfd})
		}
		// 2. Ask every client in turn whether it sent something.
		kept := clients[:0]
		for _, c := range clients {
			if s.pollOne(c, buf) {
				kept = append(kept, c)
			} else {
				unix.Close(c.fd)
			}
		}
		for i := len(kept); i < len(clients); i++ {
			clients[i] = nil
		}
		clients = kept
		// Let other goroutines run; the loop never sleeps (that is the point).
		runtime.Gosched()
	}
}

// pollOne gives client c one turn; false means close it.
func (s *pollingServer) pollOne(c *pollClient, buf []byte) bool {
	if len(c.out) == 0 && !c.closing {
		n, err := unix.Read(c.fd, buf)
		switch {
		case err != nil && isAgain(err):
		case err != nil || n == 0:
			return false
		default:
			c.in = append(c.in, buf[:n]...)
			for {
				used, answer, closeAfter := s.resp.handle(c.in, false)
				if used == 0 {
					break
				}
				c.in = c.in[:copy(c.in, c.in[used:])]
				c.out = append(c.out, answer...)
				s.served.Add(1)
				if closeAfter {
					c.closing = true
					break
				}
			}
		}
	}
	if len(c.out) > 0 {
		n, err := unix.Write(c.fd, c.out)
		if err != nil && !isAgain(err) {
			return false
		}
		if n > 0 {
			c.out = c.out[:copy(c.out, c.out[n:])]
		}
	}
	return !(c.closing && len(c.out) == 0)
}

func (s *pollingServer) Close() error {
	s.stop.Store(true)
	<-s.done
	return nil
}
