package workbench

import (
	"context"
	"errors"
	"net"
	"sync"
	"syscall"
)

// UDP is the UDP mode: one bound socket; each datagram is one record whose
// Peer is its sender.
type UDP struct {
	Log  *Log
	Auto *AutoReply

	mu        sync.Mutex
	conn      *net.UDPConn
	broadcast bool
	done      chan struct{}
}

// NewUDP makes a UDP model logging into log.
func NewUDP(log *Log) *UDP { return &UDP{Log: log, Auto: &AutoReply{}} }

// ErrBroadcastOff: sending to a broadcast address needs the broadcast option.
var ErrBroadcastOff = errors.New("broadcast is off: turn it on to send to a broadcast address")

// MaxDatagram is the largest UDP payload (IPv4).
const MaxDatagram = 65507

// Bind opens the socket on addr (host:port; port 0 picks one) with
// SO_BROADCAST set to broadcast.
func (u *UDP) Bind(addr string, broadcast bool) error {
	u.Close()
	lc := net.ListenConfig{Control: func(network, address string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) { serr = setBroadcast(fd, broadcast) }); err != nil {
			return err
		}
		return serr
	}}
	pc, err := lc.ListenPacket(context.Background(), "udp", addr)
	if err != nil {
		return err
	}
	conn := pc.(*net.UDPConn)
	done := make(chan struct{})
	u.mu.Lock()
	u.conn, u.broadcast, u.done = conn, broadcast, done
	u.mu.Unlock()
	u.Log.AddEvent(0, "", "UDP bound to {{.Addr}}", map[string]any{"Addr": conn.LocalAddr().String()})
	go u.readLoop(conn, done)
	return nil
}

func (u *UDP) readLoop(conn *net.UDPConn, done chan struct{}) {
	defer close(done)
	buf := make([]byte, 65536)
	for {
		n, from, err := conn.ReadFromUDP(buf)
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				u.Log.AddEvent(0, "", "UDP receive error: {{.Err}}", map[string]any{"Err": err.Error()})
				if isTransient(err) {
					continue
				}
			}
			return
		}
		peer := from.String()
		u.Log.Add(RX, 0, peer, buf[:n])
		if u.Auto.Active() {
			for _, r := range u.Auto.Replies(buf[:n]) {
				if _, err := conn.WriteToUDP(r, from); err == nil {
					u.Log.Add(TX, 0, peer, r)
				}
			}
		}
	}
}

func isTransient(err error) bool {
	// ICMP port unreachable from an earlier send shows up as ECONNREFUSED.
	return errors.Is(err, syscall.ECONNREFUSED)
}

// Addr is the bound address, or "".
func (u *UDP) Addr() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.conn == nil {
		return ""
	}
	return u.conn.LocalAddr().String()
}

// Broadcast reports the SO_BROADCAST setting of the bound socket.
func (u *UDP) Broadcast() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.broadcast
}

// IsBroadcast reports whether ip is the limited broadcast address or ends
// in .255 (the usual directed broadcast of a /24).
func IsBroadcast(ip net.IP) bool {
	ip4 := ip.To4()
	return ip4 != nil && (ip4.Equal(net.IPv4bcast) || ip4[3] == 255)
}

// SendTo sends one datagram to addr (host:port).
func (u *UDP) SendTo(addr string, data []byte) error {
	u.mu.Lock()
	conn, bc := u.conn, u.broadcast
	u.mu.Unlock()
	if conn == nil {
		return ErrNotRunning
	}
	ra, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return err
	}
	if IsBroadcast(ra.IP) && !bc {
		return ErrBroadcastOff
	}
	if len(data) > MaxDatagram {
		return errors.New("a UDP datagram carries at most 65507 bytes")
	}
	if _, err := conn.WriteToUDP(data, ra); err != nil {
		return err
	}
	u.Log.Add(TX, 0, ra.String(), data)
	return nil
}

// Close closes the socket and waits for the reader to stop.
func (u *UDP) Close() {
	u.mu.Lock()
	conn, done := u.conn, u.done
	u.conn = nil
	u.mu.Unlock()
	if conn != nil {
		_ = conn.Close()
		<-done
		u.Log.AddEvent(0, "", "UDP socket closed", nil)
	}
}
