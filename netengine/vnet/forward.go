package vnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Forward is a port forward from the real machine into the virtual network,
// the rule a home router calls "port forwarding": each connection accepted
// on a real 127.0.0.1 port is proxied to a virtual host:port, dialled from a
// virtual node (by default the router, so the connection appears on the LAN
// coming from the router's address). The real loopback leg is not captured;
// the virtual leg is, like every frame.
type Forward struct {
	listen net.Listener
	addr   netip.AddrPort
	via    string
	st     *stack.Stack
	to     netip.AddrPort

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	total  atomic.Int64
	wg     sync.WaitGroup
}

// ForwardConfig describes a forward.
type ForwardConfig struct {
	Listen string         // a real address, e.g. "127.0.0.1:8080" (port 0 picks one)
	Via    string         // the host or router that opens the virtual leg ("": the first router)
	To     netip.AddrPort // the virtual host:port
}

// AddForward opens the real listener and starts forwarding. Only loopback
// addresses are accepted: the virtual network is not for the LAN.
func (n *Network) AddForward(cfg ForwardConfig) (*Forward, error) {
	if n.closed.Load() {
		return nil, errClosed
	}
	ap, err := netip.ParseAddrPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("vnet: forward: %q is not ADDR:PORT: %v", cfg.Listen, err)
	}
	if !ap.Addr().IsLoopback() {
		return nil, fmt.Errorf("vnet: forward: %s is not a loopback address (use 127.0.0.1)", ap.Addr())
	}
	if !cfg.To.IsValid() {
		return nil, errors.New("vnet: forward: no virtual HOST:PORT to forward to")
	}
	var st *stack.Stack
	via := cfg.Via
	if via == "" {
		if rs := n.Routers(); len(rs) > 0 {
			via = rs[0].name
		}
	}
	if r := n.Router(via); r != nil {
		st = r.stack
	} else if h := n.Host(via); h != nil {
		st = h.stack
	} else {
		return nil, fmt.Errorf("vnet: forward: no host or router named %q to dial from", via)
	}
	l, err := net.Listen("tcp", ap.String())
	if err != nil {
		return nil, fmt.Errorf("vnet: forward: %v", err)
	}
	f := &Forward{listen: l, addr: l.Addr().(*net.TCPAddr).AddrPort(), via: via, st: st, to: cfg.To,
		conns: map[net.Conn]struct{}{}}
	n.mu.Lock()
	n.forwards = append(n.forwards, f)
	n.mu.Unlock()
	f.wg.Add(1)
	go f.accept()
	return f, nil
}

// Listen is the real address the forward listens on.
func (f *Forward) Listen() netip.AddrPort { return f.addr }

// Via names the virtual node that opens the virtual leg.
func (f *Forward) Via() string { return f.via }

// To is the virtual destination.
func (f *Forward) To() netip.AddrPort { return f.to }

// Active counts connections being forwarded now; Total all so far.
func (f *Forward) Active() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.conns) / 2 }

// Total counts connections accepted so far.
func (f *Forward) Total() int64 { return f.total.Load() }

// String is the rule as a line: "127.0.0.1:8080 → 192.168.1.20:80 (via r1)".
func (f *Forward) String() string {
	return fmt.Sprintf("%s → %s (via %s)", f.addr, f.to, f.via)
}

func (f *Forward) track(c net.Conn, add bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if add {
		if f.closed {
			return false
		}
		f.conns[c] = struct{}{}
	} else {
		delete(f.conns, c)
	}
	return true
}

func (f *Forward) accept() {
	defer f.wg.Done()
	for {
		c, err := f.listen.Accept()
		if err != nil {
			return
		}
		f.total.Add(1)
		f.wg.Add(1)
		go f.serve(c)
	}
}

func (f *Forward) serve(c net.Conn) {
	defer f.wg.Done()
	if !f.track(c, true) {
		c.Close()
		return
	}
	defer f.track(c, false)
	defer c.Close()
	v, err := gonet.DialContextTCP(context.Background(), f.st, fullAddr(f.to), protoOf(f.to.Addr()))
	if err != nil {
		return
	}
	if !f.track(v, true) {
		v.Close()
		return
	}
	defer f.track(v, false)
	defer v.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		if cw, ok := dst.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite() // pass the FIN on: a half-close stays a half-close
		}
		done <- struct{}{}
	}
	go pipe(v, c)
	go pipe(c, v)
	<-done
	<-done
}

// Close stops listening and closes the forwarded connections.
func (f *Forward) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	for c := range f.conns {
		c.Close()
	}
	f.mu.Unlock()
	err := f.listen.Close()
	f.wg.Wait()
	return err
}
