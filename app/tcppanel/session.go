package tcppanel

import (
	"sync"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/httpteach"
	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/workbench"
)

// Modes of a session.
const (
	modeServer = "server"
	modeClient = "client"
	modeUDP    = "udp"
)

// session is one workbench session (a server, a client or a UDP socket)
// with its own log, view, counters, auto-reply and HTTP tracking. It
// outlives its view (a language switch rebuilds the view).
type session struct {
	page *state
	num  int // 1, 2, … in the order they were opened
	log  *workbench.Log
	view *workbench.View
	srv  *workbench.Server
	cli  *workbench.Client
	udp  *workbench.UDP
	per  workbench.Periodic
	eng  *sessionEngine // this computer's engine or a virtual host's (vnetwork.go)

	mu       sync.Mutex
	ui       *sessionUI
	mode     string
	selected map[uint64]bool
	seq      uint64 // last record fed to the HTTP tracker
	http     map[uint64]*httpMsg
	lastHTTP *httpMsg
	httpVer  uint64
	auto     autoSettings
	// connections already announced in CLOSE_WAIT
	closeWaitSeen map[uint64]bool
	// what the last tick showed, to skip needless refreshes
	shownRX, shownTX int64
	shownVer         uint64
	// vhost is the virtual host the session is set to run on ("": this
	// computer); vnet, veng and vengHost are the network, engine and host
	// its sockets live on now (nil while none).
	vhost    string
	vnet     *vnet.Network
	veng     netengine.Engine
	vengHost string
}

// httpMsg is the HTTP message being received on one connection.
type httpMsg struct {
	conn uint64
	peer string
	data []byte
}

// auto-reply settings as typed (the models hold the compiled ones)
type autoSettings struct {
	echo  bool
	rules []workbench.Rule
}

func newSession(page *state, num int, mode string) *session {
	s := &session{page: page, num: num, mode: mode, log: workbench.NewLog(200_000, 32<<20),
		view: workbench.NewView(), selected: map[uint64]bool{}, http: map[uint64]*httpMsg{},
		closeWaitSeen: map[uint64]bool{}}
	s.view.Translate = translate
	s.eng = &sessionEngine{cur: page.eng}
	s.srv = workbench.NewServer(s.eng, s.log)
	s.cli = workbench.NewClient(s.eng, s.log)
	s.udp = workbench.NewUDP(s.log)
	return s
}

func (s *session) shutdown() {
	s.per.Stop()
	_ = s.srv.Stop()
	s.cli.Disconnect()
	s.udp.Close()
	s.closeVirtual()
	_, _ = s.log.StopCapture()
}

// prepare does the tick's work off the UI goroutine (turning records into
// lines, following HTTP messages) and returns the UI update to run, or nil.
func (s *session) prepare() func() {
	recs, lost := s.log.Since(s.seq, 0)
	if len(recs) > 0 {
		s.seq = recs[len(recs)-1].Seq
		s.trackHTTP(recs)
	}
	added := s.view.Append(recs, lost)
	rx, tx := s.log.Counters()
	ver := s.srv.Version() + s.cli.Version()
	s.mu.Lock()
	changed := added > 0 || rx != s.shownRX || tx != s.shownTX || ver != s.shownVer || len(recs) > 0
	s.shownRX, s.shownTX, s.shownVer = rx, tx, ver
	ui := s.ui
	s.mu.Unlock()
	if !changed || ui == nil {
		return nil
	}
	return ui.refresh
}

// trackHTTP keeps the latest HTTP message per connection for the helper.
func (s *session) trackHTTP(recs []workbench.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range recs {
		if r.Dir != workbench.RX {
			continue
		}
		m := s.http[r.Conn]
		if httpteach.LooksLikeHTTP(r.Data) || m == nil {
			if !httpteach.LooksLikeHTTP(r.Data) {
				continue
			}
			m = &httpMsg{conn: r.Conn, peer: r.Peer}
			s.http[r.Conn] = m
			if len(s.http) > 100 {
				for k := range s.http {
					if k != r.Conn {
						delete(s.http, k)
						break
					}
				}
			}
		}
		if len(m.data)+len(r.Data) <= httpKeep {
			m.data = append(m.data, r.Data...)
		}
		s.lastHTTP = m
		s.httpVer++
	}
}

// lastHTTPMessage returns a copy of the latest HTTP message and its
// version, or ok=false when there is none newer than version since.
func (s *session) lastHTTPMessage(since uint64) (httpMsg, uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastHTTP == nil || s.httpVer == since {
		return httpMsg{}, s.httpVer, false
	}
	m := *s.lastHTTP
	m.data = append([]byte(nil), m.data...)
	return m, s.httpVer, true
}

func (s *session) selectedIDs() []uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []uint64
	for id, on := range s.selected {
		if on {
			ids = append(ids, id)
		}
	}
	return ids
}

// forgetClosed drops the ticks of clients that are no longer open.
func (s *session) forgetClosed(all []workbench.ClientInfo) {
	open := map[uint64]bool{}
	for _, c := range all {
		if c.Open {
			open[c.ID] = true
		}
	}
	s.mu.Lock()
	for id := range s.selected {
		if !open[id] {
			delete(s.selected, id)
		}
	}
	s.mu.Unlock()
}

func (s *session) autoSettings() (bool, []workbench.Rule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auto.echo, append([]workbench.Rule(nil), s.auto.rules...)
}

func (s *session) setAutoSettings(echo bool, rules []workbench.Rule) {
	s.mu.Lock()
	s.auto = autoSettings{echo, rules}
	s.mu.Unlock()
}

// running reports whether the session's socket is open.
func (s *session) running() bool {
	switch s.mode {
	case modeClient:
		return s.cli.Connected()
	case modeUDP:
		return s.udp.Addr() != ""
	}
	return s.srv.Running()
}
