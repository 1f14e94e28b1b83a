package workbench

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/tcpstate"
)

// Client states, English keys the UI translates.
const (
	StateOpen       = "connected"
	StateHalfClosed = "we sent FIN (half-closed)"
	StatePeerClosed = "peer sent FIN"
	// StateCloseWait: the peer sent FIN and we stay open ("stay half-open"):
	// the kernel's CLOSE_WAIT. We may still send; Close gives LAST_ACK.
	StateCloseWait   = "peer closed its sending side (FIN received) — CLOSE_WAIT"
	StateClosing     = "closing"
	StateClosed      = "closed"
	StateConnecting  = "connecting"
	StateDisconnectd = "not connected"
)

// ReasonText is an English sentence for a close reason (a translation key).
func ReasonText(r netengine.CloseReason) string {
	switch r {
	case netengine.ReasonEOF:
		return "the peer closed the connection (FIN)"
	case netengine.ReasonLocalClose:
		return "closed by us"
	case netengine.ReasonAbort:
		return "aborted by us (RST sent)"
	case netengine.ReasonReset:
		return "reset by the peer (RST received)"
	case netengine.ReasonTimeout:
		return "timed out"
	case netengine.ReasonShutdown:
		return "server stopped"
	}
	return "socket error"
}

// ClientInfo is a snapshot of one server-side connection for the list.
type ClientInfo struct {
	ID     uint64
	Remote string
	Since  time.Time
	In     int64
	Out    int64
	// State is one of the State* keys; Reason is set once closed.
	State  string
	Reason string
	// Why is the close reason once closed (Reason is its sentence).
	Why  netengine.CloseReason
	Open bool
}

type session struct {
	c       netengine.Conn
	remote  string
	since   time.Time
	in, out atomic.Int64
	match   Stream // auto-reply context, used only by the data callback
	mu      sync.Mutex
	state   string
	reason  string
	why     netengine.CloseReason
	open    bool
}

func (s *session) info() ClientInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ClientInfo{ID: s.c.ID(), Remote: s.remote, Since: s.since, In: s.in.Load(), Out: s.out.Load(),
		State: s.state, Reason: s.reason, Why: s.why, Open: s.open}
}

func (s *session) setState(st string) {
	s.mu.Lock()
	if s.open {
		s.state = st
	}
	s.mu.Unlock()
}

// MaxClosedKept is how many closed clients stay in the list.
const MaxClosedKept = 50

// Server is a TCP server session: a listener, its clients, the receive log
// and auto-reply.
type Server struct {
	Log  *Log
	Auto *AutoReply
	// StayHalfOpen keeps a client's connection open when it sends FIN
	// (CLOSE_WAIT, see StateCloseWait) instead of closing our side too.
	StayHalfOpen atomic.Bool

	eng     netengine.Engine
	name    label
	mu      sync.Mutex
	ln      netengine.Listener
	clients map[uint64]*session
	changed atomic.Uint64 // bumps when the client list changes
}

// NewServer makes a server session on eng that logs into log.
func NewServer(eng netengine.Engine, log *Log) *Server {
	return &Server{eng: eng, Log: log, Auto: &AutoReply{}, clients: map[uint64]*session{}}
}

// SetName names the session ("server :8080") in tcpstate's registry of
// NetLab's own connections, for its listener and every connection.
func (s *Server) SetName(name string) {
	if s.name.get() == name {
		return
	}
	s.name.set(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		tcpstate.Own().Rename(addrPort(s.ln.Addr()), netip.AddrPort{}, name)
	}
	for _, ss := range s.clients {
		if ss.info().Open {
			l, r := ends(ss.c)
			tcpstate.Own().Rename(l, r, name)
		}
	}
}

// ErrNotRunning is returned when the server is not listening.
var ErrNotRunning = errors.New("the server is not running")

// ErrNoClient is returned for an unknown or closed client.
var ErrNoClient = errors.New("no such connected client")

// ErrNotRegular: SendFile was given a directory, device or pipe.
var ErrNotRegular = errors.New("not a regular file")

// Start listens on addr (host:port).
func (s *Server) Start(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return fmt.Errorf("already listening on %s", s.ln.Addr())
	}
	ln, err := s.eng.Listen("tcp", addr, netengine.HandlerFuncs{
		Open: s.onOpen, Data: s.onData, EOF: s.onEOF, Close: s.onClose,
	}, netengine.Options{})
	if err != nil {
		return err
	}
	s.ln = ln
	tcpstate.Own().Listening(addrPort(ln.Addr()), s.name.get())
	s.Log.AddEvent(0, "", "Listening on {{.Addr}}", map[string]any{"Addr": ln.Addr().String()})
	return nil
}

// Addr is the listening address, or "" when stopped.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Running reports whether the server listens.
func (s *Server) Running() bool { return s.Addr() != "" }

// Stop closes the listener and every client.
func (s *Server) Stop() error {
	s.mu.Lock()
	ln := s.ln
	s.ln = nil
	s.mu.Unlock()
	if ln == nil {
		return nil
	}
	err := ln.Close()
	tcpstate.Own().Closed(addrPort(ln.Addr()), netip.AddrPort{}, tcpstate.ReasonLocal)
	s.Log.AddEvent(0, "", "Server stopped", nil)
	return err
}

func (s *Server) onOpen(c netengine.Conn) {
	ss := &session{c: c, remote: c.RemoteAddr().String(), since: time.Now(), state: StateOpen, open: true}
	c.SetContext(ss)
	s.mu.Lock()
	s.clients[c.ID()] = ss
	s.pruneLocked()
	s.mu.Unlock()
	s.changed.Add(1)
	l, r := ends(c)
	tcpstate.Own().Opened(l, r, s.name.get())
	s.Log.AddEvent(c.ID(), ss.remote, "Client {{.Peer}} connected", map[string]any{"Peer": ss.remote})
}

func sess(c netengine.Conn) *session {
	ss, _ := c.Context().(*session)
	return ss
}

func (s *Server) onData(c netengine.Conn, data []byte) {
	ss := sess(c)
	if ss == nil {
		return
	}
	ss.in.Add(int64(len(data)))
	s.Log.Add(RX, c.ID(), ss.remote, data)
	if s.Auto.Active() {
		for _, r := range s.Auto.StreamReplies(&ss.match, data) {
			if c.Write(r) == nil {
				ss.out.Add(int64(len(r)))
				s.Log.Add(TX, c.ID(), ss.remote, r)
			}
		}
	}
}

func (s *Server) onEOF(c netengine.Conn) {
	ss := sess(c)
	if ss == nil {
		_ = c.Close()
		return
	}
	ss.mu.Lock()
	half := ss.state == StateHalfClosed
	ss.mu.Unlock()
	s.Log.AddEvent(c.ID(), ss.remote, "{{.Peer}} sent FIN: it will send nothing more", map[string]any{"Peer": ss.remote})
	reportEvent(c, tcpstate.EventPeerFIN)
	peerFIN(c, ss, half, s.StayHalfOpen.Load(), s.Log)
	s.changed.Add(1)
}

// finAfterOurs logs the peer's FIN on a connection we had half-closed:
// an engine may then end the connection at once, without OnEOF.
func finAfterOurs(c netengine.Conn, ss *session, reason netengine.CloseReason, log *Log) {
	ss.mu.Lock()
	half := ss.state == StateHalfClosed
	ss.mu.Unlock()
	if half && reason == netengine.ReasonLocalClose {
		log.AddEvent(c.ID(), ss.remote, "{{.Peer}} sent FIN too: both sides have closed", map[string]any{"Peer": ss.remote})
		reportEvent(c, tcpstate.EventPeerFIN)
	}
}

// peerFIN answers a peer's FIN: close our side too (what a typical server
// does, after anything queued is sent) or, with stay half-open, keep it
// open in CLOSE_WAIT until the student closes it.
func peerFIN(c netengine.Conn, ss *session, weSentFIN, stay bool, log *Log) {
	if weSentFIN {
		_ = c.Close() // both sides sent FIN
		return
	}
	if stay {
		ss.setState(StateCloseWait)
		log.AddEvent(c.ID(), ss.remote, "we stay open (CLOSE_WAIT): send more, then Close", nil)
		return
	}
	ss.setState(StatePeerClosed)
	_ = c.Close()
}

func (s *Server) onClose(c netengine.Conn, reason netengine.CloseReason, err error) {
	ss := sess(c)
	if ss == nil {
		return
	}
	finAfterOurs(c, ss, reason, s.Log)
	ss.mu.Lock()
	ss.open = false
	ss.state = StateClosed
	ss.reason = ReasonText(reason)
	ss.why = reason
	ss.mu.Unlock()
	reportClosed(c, reason)
	s.changed.Add(1)
	args := map[string]any{"Peer": ss.remote, "Reason": ss.reason}
	s.Log.AddEvent(c.ID(), ss.remote, "{{.Peer}} disconnected: {{.Reason}}", args)
}

func (s *Server) pruneLocked() {
	var closed []*session
	for _, ss := range s.clients {
		ss.mu.Lock()
		open := ss.open
		ss.mu.Unlock()
		if !open {
			closed = append(closed, ss)
		}
	}
	if len(closed) <= MaxClosedKept {
		return
	}
	sort.Slice(closed, func(i, j int) bool { return closed[i].since.Before(closed[j].since) })
	for _, ss := range closed[:len(closed)-MaxClosedKept] {
		delete(s.clients, ss.c.ID())
	}
}

// Version changes whenever a client connects or closes; the view polls it.
func (s *Server) Version() uint64 { return s.changed.Load() }

// Clients returns the client list, oldest first.
func (s *Server) Clients() []ClientInfo {
	s.mu.Lock()
	out := make([]ClientInfo, 0, len(s.clients))
	for _, ss := range s.clients {
		out = append(out, ss.info())
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// RemoveClosed drops closed clients from the list.
func (s *Server) RemoveClosed() {
	s.mu.Lock()
	for id, ss := range s.clients {
		if !ss.info().Open {
			delete(s.clients, id)
		}
	}
	s.mu.Unlock()
	s.changed.Add(1)
}

func (s *Server) get(id uint64) (*session, error) {
	s.mu.Lock()
	ss := s.clients[id]
	s.mu.Unlock()
	if ss == nil || !ss.info().Open {
		return nil, ErrNoClient
	}
	return ss, nil
}

// Send writes data to each client in ids; it returns how many got it and
// the first error. With closeAfter, each connection is closed once the data
// is flushed (a short-connection HTTP response).
func (s *Server) Send(ids []uint64, data []byte, closeAfter bool) (int, error) {
	var first error
	n := 0
	for _, id := range ids {
		ss, err := s.get(id)
		if err == nil {
			err = ss.c.Write(data)
		}
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		n++
		ss.out.Add(int64(len(data)))
		s.Log.Add(TX, id, ss.remote, data)
		if closeAfter {
			ss.setState(StateClosing)
			_ = ss.c.Close()
		}
	}
	return n, first
}

// SendFile sends the file at path to each client in ids with the engine's
// SendFile: the file is never read into memory, so any size goes, and the
// log shows one event per client instead of its bytes. It returns how many
// clients got it, the file's size and the first error.
func (s *Server) SendFile(ids []uint64, path string, closeAfter bool) (int, int64, error) {
	f, name, size, err := openForSend(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	var first error
	n := 0
	for _, id := range ids {
		ss, err := s.get(id)
		if err == nil {
			err = ss.c.SendFile(nil, f, 0, size)
		}
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		n++
		ss.out.Add(size)
		s.Log.AddFileSent(id, ss.remote, name, size)
		if closeAfter {
			ss.setState(StateClosing)
			_ = ss.c.Close()
		}
	}
	return n, size, first
}

// openForSend opens a regular file for SendFile.
func openForSend(path string) (f *os.File, name string, size int64, err error) {
	f, err = os.Open(path)
	if err != nil {
		return nil, "", 0, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s: %w", path, ErrNotRegular)
	}
	if err != nil {
		f.Close()
		return nil, "", 0, err
	}
	return f, filepath.Base(path), fi.Size(), nil
}

// OpenIDs lists the connected clients.
func (s *Server) OpenIDs() []uint64 {
	var ids []uint64
	for _, c := range s.Clients() {
		if c.Open {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// SendAll writes data to every connected client.
func (s *Server) SendAll(data []byte, closeAfter bool) (int, error) {
	ids := s.OpenIDs()
	if len(ids) == 0 {
		return 0, ErrNoClient
	}
	return s.Send(ids, data, closeAfter)
}

// Close closes a client gracefully: queued data is sent, then FIN.
func (s *Server) Close(id uint64) error {
	ss, err := s.get(id)
	if err != nil {
		return err
	}
	ss.setState(StateClosing)
	s.Log.AddEvent(id, ss.remote, "Closing {{.Peer}} (FIN after queued data)", map[string]any{"Peer": ss.remote})
	return ss.c.Close()
}

// HalfClose sends FIN to a client but keeps reading what it sends. On a
// connection whose peer already sent FIN (CLOSE_WAIT) both directions are
// then done, so it closes.
func (s *Server) HalfClose(id uint64) error {
	ss, err := s.get(id)
	if err != nil {
		return err
	}
	if ss.info().State == StateCloseWait {
		return s.Close(id)
	}
	if err := ss.c.CloseWrite(); err != nil {
		return err
	}
	ss.setState(StateHalfClosed)
	reportEvent(ss.c, tcpstate.EventLocalFIN)
	s.changed.Add(1)
	s.Log.AddEvent(id, ss.remote, "Half-closed {{.Peer}}: FIN sent, still reading", map[string]any{"Peer": ss.remote})
	return nil
}

// Abort resets a client (RST): queued data is discarded.
func (s *Server) Abort(id uint64) error {
	ss, err := s.get(id)
	if err != nil {
		return err
	}
	s.Log.AddEvent(id, ss.remote, "Aborting {{.Peer}} (RST)", map[string]any{"Peer": ss.remote})
	return ss.c.Abort()
}

// CloseAll closes every client gracefully.
func (s *Server) CloseAll() {
	for _, id := range s.OpenIDs() {
		_ = s.Close(id)
	}
}

// peerString formats an address for records.
func peerString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}
