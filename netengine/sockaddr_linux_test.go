package netengine

import (
	"net"
	"strconv"
	"testing"
	"time"
)

// The epoll engine reads accepted sockets' addresses itself; they must be
// what the client sees from its side, for IPv4 and IPv6. (A wildcard bind
// would open a port to the network, which tests never do; the getsockname
// path it takes is checked on its own below.)
func TestAcceptedAddresses(t *testing.T) {
	for _, tc := range []struct{ listen, dial string }{
		{"127.0.0.1:0", "127.0.0.1"},
		{"[::1]:0", "::1"},
	} {
		t.Run(tc.listen, func(t *testing.T) {
			eng, err := New("epoll")
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			opened := make(chan Conn, 1)
			ln, err := eng.Listen("tcp", tc.listen, HandlerFuncs{Open: func(c Conn) { opened <- c }}, Options{Loops: 1})
			if err != nil {
				t.Skipf("cannot listen on %s here: %v", tc.listen, err)
			}
			defer ln.Close()
			port := ln.Addr().(*net.TCPAddr).Port
			c, err := net.DialTimeout("tcp", net.JoinHostPort(tc.dial, strconv.Itoa(port)), waitTime)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var sc Conn
			select {
			case sc = <-opened:
			case <-time.After(waitTime):
				t.Fatal("no connection opened")
			}
			if got, want := sc.RemoteAddr().String(), c.LocalAddr().String(); got != want {
				t.Errorf("server RemoteAddr = %s, client LocalAddr = %s", got, want)
			}
			if got, want := sc.LocalAddr().String(), c.RemoteAddr().String(); got != want {
				t.Errorf("server LocalAddr = %s, client RemoteAddr = %s", got, want)
			}
		})
	}
}

func TestLocalAddrOfSocket(t *testing.T) {
	for _, network := range []string{"tcp4", "tcp6"} {
		host := map[string]string{"tcp4": "127.0.0.1", "tcp6": "::1"}[network]
		ln, err := net.Listen(network, net.JoinHostPort(host, "0"))
		if err != nil {
			t.Logf("%s: %v", network, err)
			continue
		}
		rc, err := ln.(*net.TCPListener).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var got *net.TCPAddr
		_ = rc.Control(func(fd uintptr) { got = localAddr(int(fd)) })
		if got.String() != ln.Addr().String() {
			t.Errorf("localAddr = %s, want %s", got, ln.Addr())
		}
		ln.Close()
	}
	if a := localAddr(-1); a.Port != 0 || a.IP != nil {
		t.Errorf("localAddr(-1) = %s, want empty", a)
	}
}
