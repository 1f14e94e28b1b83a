package workbench

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/tcpstate"
)

// Client is the TCP client mode: one long connection (connect, send,
// receive, disconnect, reconnect), or short connections (connect, send,
// receive until the peer closes or goes quiet, close) for each send.
type Client struct {
	Log  *Log
	Auto *AutoReply
	// StayHalfOpen keeps the connection open when the server sends FIN
	// (CLOSE_WAIT) instead of closing our side too.
	StayHalfOpen atomic.Bool

	eng  netengine.Engine
	name label
	mu   sync.Mutex
	c    netengine.Conn
	ss   *session
	// last connect figures
	addr        string
	resolved    string
	resolveTime time.Duration
	connectTime time.Duration
	changed     atomic.Uint64
}

// SetName names the session ("client 1") in tcpstate's registry of
// NetLab's own connections.
func (cl *Client) SetName(name string) {
	if cl.name.get() == name {
		return
	}
	cl.name.set(name)
	if c, _, err := cl.conn(); err == nil {
		l, r := ends(c)
		tcpstate.Own().Rename(l, r, name)
	}
}

// NewClient makes a client on eng logging into log.
func NewClient(eng netengine.Engine, log *Log) *Client {
	return &Client{eng: eng, Log: log, Auto: &AutoReply{}}
}

// ConnectInfo describes the last connection attempt.
type ConnectInfo struct {
	Addr     string        // what the user typed
	Resolved string        // the IP:port dialed
	Resolve  time.Duration // name lookup time (0 for an IP)
	Connect  time.Duration // TCP handshake round trip
	Local    string
}

// DialTimeout bounds name lookup and handshake.
var DialTimeout = 5 * time.Second

// resolve turns host:port into ip:port, timing the lookup.
func resolve(addr string) (string, time.Duration, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	if ip := net.ParseIP(host); ip != nil {
		return addr, 0, nil
	}
	t0 := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), DialTimeout)
	defer cancel()
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	d := time.Since(t0)
	if err != nil {
		return "", d, err
	}
	if len(ips) == 0 {
		return "", d, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	for _, ip := range ips { // prefer IPv4 for classroom clarity
		if ip.IP.To4() != nil {
			return net.JoinHostPort(ip.IP.String(), port), d, nil
		}
	}
	return net.JoinHostPort(ips[0].IP.String(), port), d, nil
}

// Connect opens the long connection to addr (host:port; names resolved).
func (cl *Client) Connect(addr string) (ConnectInfo, error) {
	cl.Disconnect()
	info := ConnectInfo{Addr: addr}
	ip, rt, err := resolve(addr)
	info.Resolve = rt
	if err != nil {
		return info, err
	}
	info.Resolved = ip
	ss := &session{remote: ip, since: time.Now(), state: StateConnecting, open: true}
	h := netengine.HandlerFuncs{
		Open: func(c netengine.Conn) { c.SetContext(ss) },
		Data: func(c netengine.Conn, data []byte) { cl.onData(c, ss, data) },
		EOF: func(c netengine.Conn) {
			cl.Log.AddEvent(c.ID(), ss.remote, "{{.Peer}} sent FIN: it will send nothing more", map[string]any{"Peer": ss.remote})
			reportEvent(c, tcpstate.EventPeerFIN)
			ss.mu.Lock()
			half := ss.state == StateHalfClosed
			ss.mu.Unlock()
			peerFIN(c, ss, half, cl.StayHalfOpen.Load(), cl.Log)
			cl.changed.Add(1)
		},
		Close: func(c netengine.Conn, reason netengine.CloseReason, err error) {
			finAfterOurs(c, ss, reason, cl.Log)
			ss.mu.Lock()
			ss.open, ss.state, ss.reason, ss.why = false, StateClosed, ReasonText(reason), reason
			ss.mu.Unlock()
			reportClosed(c, reason)
			cl.changed.Add(1)
			cl.Log.AddEvent(c.ID(), ss.remote, "{{.Peer}} disconnected: {{.Reason}}", map[string]any{"Peer": ss.remote, "Reason": ReasonText(reason)})
		},
	}
	t0 := time.Now()
	c, err := cl.eng.Dial("tcp", ip, h, DialTimeout, netengine.Options{})
	info.Connect = time.Since(t0)
	if err != nil {
		return info, err
	}
	ss.c = c
	ss.setState(StateOpen)
	info.Local = peerString(c.LocalAddr())
	l, r := ends(c)
	tcpstate.Own().Dialed(l, r, cl.name.get(), info.Connect)
	cl.mu.Lock()
	cl.c, cl.ss = c, ss
	cl.addr, cl.resolved, cl.resolveTime, cl.connectTime = addr, ip, rt, info.Connect
	cl.mu.Unlock()
	cl.changed.Add(1)
	cl.Log.AddEvent(c.ID(), ip, "Connected to {{.Peer}} from {{.Local}} in {{.Time}}", map[string]any{
		"Peer": ip, "Local": info.Local, "Time": fmtDur(info.Connect)})
	return info, nil
}

func fmtDur(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%d µs", d.Microseconds())
	}
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}

func (cl *Client) onData(c netengine.Conn, ss *session, data []byte) {
	ss.in.Add(int64(len(data)))
	cl.Log.Add(RX, c.ID(), ss.remote, data)
	if cl.Auto.Active() {
		for _, r := range cl.Auto.StreamReplies(&ss.match, data) {
			if c.Write(r) == nil {
				ss.out.Add(int64(len(r)))
				cl.Log.Add(TX, c.ID(), ss.remote, r)
			}
		}
	}
}

// Reconnect connects again to the last address.
func (cl *Client) Reconnect() (ConnectInfo, error) {
	cl.mu.Lock()
	addr := cl.addr
	cl.mu.Unlock()
	if addr == "" {
		return ConnectInfo{}, fmt.Errorf("no previous address")
	}
	return cl.Connect(addr)
}

// Info returns the connection's state, or ok=false when never connected.
func (cl *Client) Info() (ClientInfo, bool) {
	cl.mu.Lock()
	ss := cl.ss
	cl.mu.Unlock()
	if ss == nil {
		return ClientInfo{}, false
	}
	return ss.info(), true
}

// ConnectTime is the last handshake round trip.
func (cl *Client) ConnectTime() time.Duration {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.connectTime
}

// Version changes when the connection opens or closes.
func (cl *Client) Version() uint64 { return cl.changed.Load() }

// Connected reports whether the long connection is open.
func (cl *Client) Connected() bool {
	i, ok := cl.Info()
	return ok && i.Open
}

func (cl *Client) conn() (netengine.Conn, *session, error) {
	cl.mu.Lock()
	c, ss := cl.c, cl.ss
	cl.mu.Unlock()
	if c == nil || !ss.info().Open {
		return nil, nil, ErrNoClient
	}
	return c, ss, nil
}

// Send writes data on the long connection.
func (cl *Client) Send(data []byte) error {
	c, ss, err := cl.conn()
	if err != nil {
		return err
	}
	if err := c.Write(data); err != nil {
		return err
	}
	ss.out.Add(int64(len(data)))
	cl.Log.Add(TX, c.ID(), ss.remote, data)
	return nil
}

// SendFile sends the file at path on the long connection with the
// engine's SendFile (see Server.SendFile) and returns its size.
func (cl *Client) SendFile(path string) (int64, error) {
	c, ss, err := cl.conn()
	if err != nil {
		return 0, err
	}
	f, name, size, err := openForSend(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := c.SendFile(nil, f, 0, size); err != nil {
		return 0, err
	}
	ss.out.Add(size)
	cl.Log.AddFileSent(c.ID(), ss.remote, name, size)
	return size, nil
}

// Disconnect closes gracefully (FIN after queued data).
func (cl *Client) Disconnect() {
	if c, ss, err := cl.conn(); err == nil {
		ss.setState(StateClosing)
		cl.changed.Add(1)
		cl.Log.AddEvent(c.ID(), ss.remote, "Closing {{.Peer}} (FIN after queued data)", map[string]any{"Peer": ss.remote})
		_ = c.Close()
	}
}

// HalfClose sends FIN and keeps reading; in CLOSE_WAIT (the server
// already sent FIN) it closes, since both directions are then done.
func (cl *Client) HalfClose() error {
	c, ss, err := cl.conn()
	if err != nil {
		return err
	}
	if ss.info().State == StateCloseWait {
		cl.Disconnect()
		return nil
	}
	if err := c.CloseWrite(); err != nil {
		return err
	}
	ss.setState(StateHalfClosed)
	reportEvent(c, tcpstate.EventLocalFIN)
	cl.changed.Add(1)
	cl.Log.AddEvent(c.ID(), ss.remote, "Half-closed {{.Peer}}: FIN sent, still reading", map[string]any{"Peer": ss.remote})
	return nil
}

// Abort resets the connection (RST).
func (cl *Client) Abort() error {
	c, ss, err := cl.conn()
	if err != nil {
		return err
	}
	cl.Log.AddEvent(c.ID(), ss.remote, "Aborting {{.Peer}} (RST)", map[string]any{"Peer": ss.remote})
	return c.Abort()
}

// ShortQuiet is how long a short connection waits for more data before closing.
var ShortQuiet = 2 * time.Second

// SendShort makes one short connection: connect, send data, receive until
// the peer closes or nothing arrives for ShortQuiet, then close. It returns
// after sending; done (may be nil) runs when the connection ended.
func (cl *Client) SendShort(addr string, data []byte, done func()) (ConnectInfo, error) {
	info := ConnectInfo{Addr: addr}
	ip, rt, err := resolve(addr)
	info.Resolve = rt
	if err != nil {
		return info, err
	}
	info.Resolved = ip
	ss := &session{remote: ip, since: time.Now(), state: StateOpen, open: true}
	var timer *time.Timer
	var tmu sync.Mutex
	h := netengine.HandlerFuncs{
		Data: func(c netengine.Conn, p []byte) {
			cl.onData(c, ss, p)
			tmu.Lock()
			if timer != nil {
				timer.Reset(ShortQuiet)
			}
			tmu.Unlock()
		},
		Close: func(c netengine.Conn, reason netengine.CloseReason, err error) {
			tmu.Lock()
			if timer != nil {
				timer.Stop()
			}
			tmu.Unlock()
			reportClosed(c, reason)
			cl.Log.AddEvent(c.ID(), ip, "Short connection to {{.Peer}} ended: {{.Reason}}", map[string]any{"Peer": ip, "Reason": ReasonText(reason)})
			if done != nil {
				done()
			}
		},
	}
	t0 := time.Now()
	c, err := cl.eng.Dial("tcp", ip, h, DialTimeout, netengine.Options{})
	info.Connect = time.Since(t0)
	if err != nil {
		return info, err
	}
	info.Local = peerString(c.LocalAddr())
	l, r := ends(c)
	tcpstate.Own().Dialed(l, r, cl.name.get(), info.Connect)
	cl.Log.AddEvent(c.ID(), ip, "Short connection to {{.Peer}} from {{.Local}} in {{.Time}}", map[string]any{
		"Peer": ip, "Local": info.Local, "Time": fmtDur(info.Connect)})
	if err := c.Write(data); err != nil {
		_ = c.Abort()
		return info, err
	}
	cl.Log.Add(TX, c.ID(), ip, data)
	tmu.Lock()
	timer = time.AfterFunc(ShortQuiet, func() { _ = c.Close() })
	tmu.Unlock()
	return info, nil
}
