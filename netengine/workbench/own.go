package workbench

import (
	"net"
	"net/netip"
	"sync"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/tcpstate"
)

// Every workbench connection is reported to tcpstate's registry of
// NetLab's own connections under its session's name ("server :8080",
// "client 1"), so the states view names it even if nobody watched.

// label is a session's name, shared by its connections' reports.
type label struct {
	mu   sync.Mutex
	name string
}

func (l *label) get() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.name
}

func (l *label) set(s string) {
	l.mu.Lock()
	l.name = s
	l.mu.Unlock()
}

func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok && t != nil {
		return t.AddrPort()
	}
	if a == nil {
		return netip.AddrPort{}
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}

func ends(c netengine.Conn) (local, remote netip.AddrPort) {
	return addrPort(c.LocalAddr()), addrPort(c.RemoteAddr())
}

func reportEvent(c netengine.Conn, ev tcpstate.Event) {
	l, r := ends(c)
	tcpstate.Own().Event(l, r, ev)
}

// reportClosed books a connection's end with the registry's reason words.
func reportClosed(c netengine.Conn, reason netengine.CloseReason) {
	why := tcpstate.ReasonLocal
	switch reason {
	case netengine.ReasonEOF:
		why = tcpstate.ReasonPeer
	case netengine.ReasonAbort, netengine.ReasonReset:
		why = tcpstate.ReasonReset
	case netengine.ReasonError, netengine.ReasonTimeout:
		why = tcpstate.ReasonError
	}
	l, r := ends(c)
	tcpstate.Own().Closed(l, r, why)
}
