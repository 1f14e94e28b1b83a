package tcppanel

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/vengine"
)

// A session runs on this computer (the page's engine, real sockets) or on
// a host of the virtual classroom network the Packets page shows
// (vnet.Shared): then its engine is a vengine on that host's stack, and
// every segment it sends crosses the virtual links, where the Packets page
// captures it. When the Packets page replaces or closes that network, the
// sessions on it end with a message (sharedChanged).

// sessionEngine is the engine a session's server and client are made
// with: it passes everything to the engine the session uses now (the
// page's, or a virtual host's), so switching hosts needs no new models.
// It is switched only while the session's socket is closed.
type sessionEngine struct {
	mu  sync.Mutex
	cur netengine.Engine
}

var errNoEngine = errors.New("no network engine")

func (e *sessionEngine) get() netengine.Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cur
}

func (e *sessionEngine) set(eng netengine.Engine) {
	e.mu.Lock()
	e.cur = eng
	e.mu.Unlock()
}

func (e *sessionEngine) Name() string {
	if eng := e.get(); eng != nil {
		return eng.Name()
	}
	return ""
}

func (e *sessionEngine) Listen(network, addr string, h netengine.Handler, opt netengine.Options) (netengine.Listener, error) {
	eng := e.get()
	if eng == nil {
		return nil, errNoEngine
	}
	return eng.Listen(network, addr, h, opt)
}

func (e *sessionEngine) Dial(network, addr string, h netengine.Handler, timeout time.Duration, opt netengine.Options) (netengine.Conn, error) {
	eng := e.get()
	if eng == nil {
		return nil, errNoEngine
	}
	return eng.Dial(network, addr, h, timeout, opt)
}

func (e *sessionEngine) Stats() netengine.Stats {
	if eng := e.get(); eng != nil {
		return eng.Stats()
	}
	return netengine.Stats{}
}

// Close does nothing: the engines behind belong to the page (this
// computer's) or to the session (closeVirtual).
func (e *sessionEngine) Close() error { return nil }

// virtualHost is the name of the virtual host the session is set to run
// on; "" for this computer.
func (s *session) virtualHost() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vhost
}

func (s *session) setVirtualHost(name string) {
	s.mu.Lock()
	s.vhost = name
	s.mu.Unlock()
}

// sharedNetwork is the virtual network the Packets page shows; if there is
// none yet, the classroom network is built and shared (the Packets page
// adopts it when opened).
func (st *state) sharedNetwork() (*vnet.Network, error) {
	if n := vnet.Shared(); n != nil {
		return n, nil
	}
	n, err := vnet.Classroom()
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	st.madeNet = n
	st.mu.Unlock()
	vnet.SetShared(n)
	return n, nil
}

// useNetwork points the session's engine at where it is set to run and
// returns the virtual host (nil for this computer). UI goroutine, with the
// socket closed.
func (s *session) useNetwork() (*vnet.Network, *vnet.Host, error) {
	name := s.virtualHost()
	if name == "" || s.mode == modeUDP {
		s.closeVirtual()
		s.eng.set(s.page.eng)
		return nil, nil, nil
	}
	n, err := s.page.sharedNetwork()
	if err != nil {
		return nil, nil, err
	}
	h := n.Host(name)
	if h == nil {
		return nil, nil, fmt.Errorf("%w: %s", errNoSuchHost, name)
	}
	s.mu.Lock()
	same := s.vnet == n && s.vengHost == name && s.veng != nil
	s.mu.Unlock()
	if !same {
		s.closeVirtual()
		eng := vengine.New(h.Stack(), h.NIC(), "virtual "+name)
		s.mu.Lock()
		s.vnet, s.veng, s.vengHost = n, eng, name
		s.mu.Unlock()
	}
	s.mu.Lock()
	eng := s.veng
	s.mu.Unlock()
	s.eng.set(eng)
	return n, h, nil
}

var errNoSuchHost = errors.New("no such host in the virtual network")

// closeVirtual closes the session's virtual engine, if any.
func (s *session) closeVirtual() {
	s.mu.Lock()
	eng := s.veng
	s.vnet, s.veng, s.vengHost = nil, nil, ""
	s.mu.Unlock()
	if eng != nil {
		s.eng.set(nil)
		_ = eng.Close()
	}
}

// sharedChanged runs (on the goroutine that replaced it) when the Packets
// page replaces or closes the shared network: sessions on the old network
// end, and say why; every network choice lists the new network's hosts.
func (st *state) sharedChanged(n *vnet.Network) {
	// which were running, before any stops (a server stopping ends the
	// connection of a client session on the same network)
	var ending []*session
	wasOn := map[*session]bool{}
	for _, s := range st.list() {
		s.mu.Lock()
		old := s.vnet
		s.mu.Unlock()
		if old != nil && old != n {
			ending = append(ending, s)
			wasOn[s] = s.running()
		}
	}
	key := "The virtual network was rebuilt by the Packets page: start the session again."
	if n == nil {
		key = "The virtual network was closed: start the session again."
	}
	// clients first, so that they close themselves rather than see
	// their server's FIN
	for _, s := range ending {
		s.per.Stop()
		s.cli.Disconnect()
	}
	for _, s := range ending {
		_ = s.srv.Stop()
		s.closeVirtual()
		if !wasOn[s] {
			continue
		}
		s.log.AddEvent(0, "", key, nil)
		s := s
		onUI(func() {
			if u := s.ui; u != nil {
				u.addr.showError(lang.L(key), "", nil)
				st.mu.Lock()
				st.msgValid = func() bool { return !s.running() }
				st.mu.Unlock()
				u.refresh()
			}
		})
	}
	onUI(func() {
		for _, s := range st.list() {
			if u := s.ui; u != nil {
				u.addr.syncNetwork()
			}
		}
	})
}

// virtualAddress checks and completes the address typed for a session on
// virtual host h: a server listens on an address of h (empty: its IPv4
// address), a client dials an IP address or a host of the network by name
// (the virtual network has no resolver the workbench could use).
func (s *session) virtualAddress(n *vnet.Network, h *vnet.Host, host string) (string, string) {
	own := h.Addr().Addr()
	if s.mode == modeServer {
		if host == "" || host == "0.0.0.0" {
			return own.String(), ""
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || (ip != own && ip != h.Addr6().Addr()) {
			return "", lang.L("The virtual host {{.Host}} has the address {{.Addr}}: a server there listens on it.",
				map[string]any{"Host": h.Name(), "Addr": own.String()})
		}
		return ip.String(), ""
	}
	if host == "" {
		return "", lang.L("Type the address to connect to, e.g. {{.Addr}}.", map[string]any{"Addr": vnet.ClassroomWeb.String()})
	}
	if ip := net.ParseIP(host); ip != nil {
		return host, ""
	}
	if o := n.Host(host); o != nil {
		return o.Addr().Addr().String(), ""
	}
	var names []string
	for _, o := range n.Hosts() {
		names = append(names, o.Name())
	}
	return "", lang.L("“{{.Name}}” is not a host of the virtual network, which has no name lookup here: type an IP address such as {{.Addr}}, or one of {{.Hosts}}.",
		map[string]any{"Name": host, "Addr": vnet.ClassroomWeb.String(), "Hosts": strings.Join(names, ", ")})
}

// virtualTarget is where a new client on a virtual host points: a server
// session of this workbench on the virtual network, else the web host.
func (s *session) virtualTarget() (host, port string) {
	for _, o := range s.page.list() {
		if o == s || o.mode != modeServer || o.virtualHost() == "" {
			continue
		}
		if h, p, err := net.SplitHostPort(o.srv.Addr()); err == nil {
			return h, p
		}
	}
	return vnet.ClassroomWeb.String(), ""
}

// onPackets adds, for a session on a virtual host, where its frames are
// seen.
func (s *session) onPackets(msg string) string {
	if s.virtualHost() == "" || s.mode == modeUDP {
		return msg
	}
	return lang.L("{{.Msg}} — watch its frames on the Packets page", map[string]any{"Msg": msg})
}

// clientHost is the virtual host a new client session starts on: when a
// server session of the workbench is on a virtual host, the first other
// host of the network (pc1 for a server on web), so that the connection
// crosses a link; else this computer ("").
func (st *state) clientHost() string {
	n := vnet.Shared()
	if n == nil {
		return ""
	}
	for _, o := range st.list() {
		if o.mode != modeServer || o.virtualHost() == "" {
			continue
		}
		for _, h := range n.Hosts() {
			if h.Name() != o.virtualHost() {
				return h.Name()
			}
		}
	}
	return ""
}
