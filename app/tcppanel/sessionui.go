package tcppanel

import (
	"net"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/netlab-classroom/netlab/netengine/tcpstate"
	"github.com/netlab-classroom/netlab/netengine/workbench"
)

// sessionUI is one build of a session's view: the address row, the side
// column of the session's mode (server, client or UDP pane), the log and
// the send/auto-reply/HTTP tabs. s.ui points at the current one.
type sessionUI struct {
	s    *session
	win  fyne.Window
	root fyne.CanvasObject

	addr   *addrRow
	server *serverPane
	client *clientPane
	udp    *udpPane
	recv   *recvPane
	send   *sendBox
	auto   *autoReplyUI
	http   *httpHelper
	tabs   *container.AppTabs
	hsplit *container.Split // side column | log and tabs
	vsplit *container.Split // log / send tabs
}

func newSessionUI(s *session, win fyne.Window) *sessionUI {
	u := &sessionUI{s: s, win: win}
	u.addr = newAddrRow(u)
	u.server = newServerPane(u)
	u.client = newClientPane(u)
	u.udp = newUDPPane(u)
	u.recv = newRecvPane(u)
	u.send = newSendBox(u)
	u.auto = newAutoReplyUI(u)
	u.http = newHTTPHelper(u)
	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Send"), theme.MailSendIcon(), u.send.root),
		container.NewTabItemWithIcon(lang.L("Auto-reply"), theme.MailReplyIcon(), u.auto.root),
		container.NewTabItemWithIcon(lang.L("HTTP helper"), theme.DocumentIcon(), u.http.root),
	)
	u.vsplit = container.NewVSplit(u.recv.root, u.tabs)
	u.vsplit.Offset = 0.62
	side := container.NewStack(u.server.root, u.client.root, u.udp.root)
	u.hsplit = container.NewHSplit(side, u.vsplit)
	u.hsplit.Offset = 0.26
	u.root = container.NewBorder(u.addr.root, nil, nil, nil, u.hsplit)
	u.syncMode()
	return u
}

// keepInputs carries what the student typed, ticked and dragged in the
// previous build of this view into this one (a language switch rebuilds
// every widget).
func (u *sessionUI) keepInputs(old *sessionUI) {
	u.addr.host.SetText(old.addr.host.Text)
	u.addr.port.SetText(old.addr.port.Text)
	u.send.entry.SetText(old.send.entry.Text)
	u.send.hex.SetChecked(old.send.hex.Checked)
	u.send.lineEnd.SetSelectedIndex(old.send.lineEnd.SelectedIndex())
	u.send.escapes.SetChecked(old.send.escapes.Checked)
	u.send.httpMode.SetChecked(old.send.httpMode.Checked)
	u.send.closeAfter.SetChecked(old.send.closeAfter.Checked)
	u.send.target.SetSelectedIndex(max(old.send.target.SelectedIndex(), 0))
	u.client.shortConn.SetChecked(old.client.shortConn.Checked)
	u.udp.dest.SetText(old.udp.dest.Text)
	u.udp.broadcast.SetChecked(old.udp.broadcast.Checked)
	u.recv.findEntry.SetText(old.recv.findEntry.Text)
	u.recv.times.SetChecked(old.recv.times.Checked)
	u.http.body.SetText(old.http.body.Text)
	u.http.status.SetSelectedIndex(max(old.http.status.SelectedIndex(), 0))
	u.http.ctype.SetSelectedIndex(max(old.http.ctype.SelectedIndex(), 0))
	u.http.close.SetChecked(old.http.close.Checked)
	u.hsplit.SetOffset(old.hsplit.Offset)
	u.vsplit.SetOffset(old.vsplit.Offset)
	u.tabs.SelectIndex(old.tabs.SelectedIndex())
	if !old.tabs.Visible() {
		u.recv.toggleTall()
	}
	if old.recv.stream.Paused() {
		u.recv.togglePause()
	}
}

// defaultAddr is where a new session points: the first session remembers
// the last address; a new client points at a running server of this
// workbench; a new server takes the next port after the others.
func (u *sessionUI) defaultAddr() (host, port string) {
	s := u.s
	p := s.page.ctx.Prefs()
	if s.num == 1 {
		return p.StringWithFallback(prefHost, "127.0.0.1"), p.StringWithFallback(prefPort, "8080")
	}
	highest := 0
	for _, o := range s.page.list() {
		if o == s || o.mode != modeServer {
			continue
		}
		a := o.srv.Addr()
		if a == "" && o.ui != nil {
			a = net.JoinHostPort(o.ui.addr.host.Text, o.ui.addr.port.Text)
		}
		h, pt, err := net.SplitHostPort(a)
		if err != nil {
			continue
		}
		if s.mode == modeClient {
			if h == "0.0.0.0" || h == "::" {
				h = "127.0.0.1"
			}
			return h, pt
		}
		n, _ := strconv.Atoi(pt)
		highest = max(highest, n)
	}
	if s.mode != modeClient && highest > 0 {
		return "127.0.0.1", strconv.Itoa(highest + 1)
	}
	return "127.0.0.1", "8080"
}

// shown reports whether this session's view is on screen (its tab is the
// selected one, or it is the only session).
func (u *sessionUI) shown() bool {
	p := u.s.page
	p.mu.Lock()
	pg := p.ui
	p.mu.Unlock()
	return pg == nil || pg.tabs == nil || p.current() == u.s
}

// syncMode shows the side pane of the session's mode.
func (u *sessionUI) syncMode() {
	s := u.s
	u.server.root.Hide()
	u.client.root.Hide()
	u.udp.root.Hide()
	switch s.mode {
	case modeClient:
		u.client.root.Show()
	case modeUDP:
		u.udp.root.Show()
	default:
		u.server.root.Show()
	}
	u.addr.syncMode()
	u.send.updateTarget()
	u.refresh()
}

// refresh copies the models' state into the widgets (UI goroutine only).
func (u *sessionUI) refresh() {
	s := u.s
	s.srv.SetName(s.name())
	s.cli.SetName(s.name())
	u.recv.refresh()
	switch s.mode {
	case modeClient:
		u.client.refresh()
	case modeUDP:
		u.udp.refresh()
	default:
		u.server.refresh()
	}
	u.addr.update()
	u.send.updateTarget()
	u.send.updateInfo()
	u.http.update()
	s.page.sessionChanged(s)
}

func (u *sessionUI) startStop() {
	s := u.s
	if s.page.engErr != nil && s.mode != modeUDP && s.virtualHost() == "" {
		u.addr.showError(lang.L("Error: {{.Err}}", map[string]any{"Err": s.page.engErr.Error()}), "", nil)
		return
	}
	if s.running() {
		switch s.mode {
		case modeClient:
			s.cli.Disconnect()
			s.status(false, lang.L("Disconnected"), func() bool { return !s.cli.Connected() })
		case modeUDP:
			s.udp.Close()
			s.status(false, lang.L("UDP socket closed"), func() bool { return s.udp.Addr() == "" })
		default:
			_ = s.srv.Stop()
			s.status(false, lang.L("Server stopped"), func() bool { return !s.srv.Running() })
		}
		s.per.Stop()
		u.refresh()
		return
	}
	switch s.mode {
	case modeClient:
		u.connect()
		return
	case modeUDP:
		addr, ok := u.addr.address()
		if !ok {
			return
		}
		if err := s.udp.Bind(addr, u.udp.broadcast.Checked); err != nil {
			u.addr.showError(u.errText(err, addr), "", nil)
			return
		}
		s.status(false, lang.L("UDP bound to {{.Addr}}", map[string]any{"Addr": s.udp.Addr()}), func() bool { return s.udp.Addr() != "" })
	default:
		addr, ok := u.addr.address()
		if !ok {
			return
		}
		if err := s.srv.Start(addr); err != nil {
			if workbench.AddrInUse(err) {
				u.portTaken(addr, err)
			} else {
				u.addr.showError(u.errText(err, addr), "", nil)
			}
			return
		}
		s.status(false, s.onPackets(lang.L("Listening on {{.Addr}}", map[string]any{"Addr": s.srv.Addr()})), s.srv.Running)
	}
	u.refresh()
}

// portTaken explains a port in use, naming NetLab itself when the other
// user is one of its own sessions or pages, and offers to go there.
func (u *sessionUI) portTaken(addr string, err error) {
	s := u.s
	_, port, _ := net.SplitHostPort(addr)
	for _, o := range s.page.list() {
		if o == s || !o.srv.Running() {
			continue
		}
		if _, p, _ := net.SplitHostPort(o.srv.Addr()); p == port {
			u.addr.showError(lang.L("Port {{.Port}} is already in use by NetLab itself: the session “{{.Name}}” of this workbench listens on {{.Addr}}.",
				map[string]any{"Port": port, "Name": o.name(), "Addr": o.srv.Addr()}), lang.L("Switch to it"), func() {
				u.addr.hideError()
				s.page.show(o)
			})
			return
		}
	}
	if n, _ := strconv.Atoi(port); ownListener(uint16(n)) {
		u.addr.showError(lang.L("Port {{.Port}} is already in use by NetLab itself, on another page (such as the web server). Stop it there, or choose another port.",
			map[string]any{"Port": port}), lang.L("Web server page"), func() {
			u.addr.hideError()
			s.page.ctx.Navigate("web")
		})
		return
	}
	u.addr.showError(u.errText(err, addr), "", nil)
}

// ownListener reports whether this process listens on TCP port (where the
// system lets us read its TCP table and our own sockets).
func ownListener(port uint16) bool {
	socks, err := tcpstate.Snapshot()
	if err != nil {
		return false
	}
	own, err := tcpstate.OwnInodes()
	if err != nil {
		return false
	}
	for _, so := range socks {
		if so.State == tcpstate.Listen && so.Local.Port() == port && own[so.Inode] {
			return true
		}
	}
	return false
}

func (u *sessionUI) connect() {
	s := u.s
	addr, ok := u.addr.address()
	if !ok {
		return
	}
	u.client.info.SetText(lang.L("Connecting to {{.Addr}}…", map[string]any{"Addr": addr}))
	u.addr.startBtn.Disable()
	background(func() { // the dial blocks: never on the UI goroutine
		info, err := s.cli.Connect(addr)
		onUI(func() {
			u := s.ui // the view may have been rebuilt meanwhile
			u.addr.startBtn.Enable()
			if err != nil {
				msg := u.errText(err, addr)
				u.addr.showError(msg, "", nil)
				u.client.info.SetText(msg)
				return
			}
			u.addr.hideError()
			s.status(false, s.onPackets(lang.L("Connected to {{.Peer}} from {{.Local}} in {{.Time}}", map[string]any{
				"Peer": info.Resolved, "Local": info.Local, "Time": fmtMS(info.Connect)})), s.cli.Connected)
			u.refresh()
		})
	})
}
