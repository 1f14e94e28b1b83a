// Package tcppanel is the TCP/UDP workbench page: sessions side by side in
// tabs (a TCP server with its client list, TCP clients, UDP sockets), each
// with its own log that never freezes, send box, counters, auto-reply and
// the HTTP-by-hand helper (exercise E1); a server and a client session
// hold both ends of a connection for E4. A session runs on this computer
// or on a host of the virtual classroom network (netengine/vnet), where
// the Packets page shows its frames. It is a thin view over
// netengine/workbench.
//
// Files: panel.go (the page and its session tabs), state.go (what outlives
// a rebuild), session.go (one session's models), sessionui.go (one
// session's view), addrrow.go (its address row), netrow.go (the row's
// Network line), vnetwork.go (sessions on virtual hosts), serverpane.go,
// clientpane.go, udppane.go (the side column of each mode), recvpane.go
// (the log), sendbox.go and sendmore.go (sending), autoreply.go,
// httphelper.go, save.go, errors.go.
package tcppanel

import (
	"embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/netlab-classroom/netlab/app"
)

//go:embed i18n
var tr embed.FS

func init() {
	app.Register(app.Page{
		Translations: tr,
		ID:           "tcp",
		Title:        "TCP/UDP",
		Intro:        "TCP server, TCP client and UDP: see every byte, send text or hex, answer a browser by hand.",
		IconName:     theme.IconNameComputer,
		Order:        10,
		Build:        build,
	})
}

// pageUI is one build of the page: the only session's view or, once
// there are several, a tab per session; state.ui points at the current
// one. With one session there is no tab bar: the log keeps its height.
type pageUI struct {
	st   *state
	root *fyne.Container    // holds the only session's view, or the tabs
	tabs *container.DocTabs // nil while there is one session
	// items holds the tab of each session while there are tabs
	items map[*session]*container.TabItem
}

func build(ctx *app.Context) fyne.CanvasObject {
	st := app.KeepRunning(ctx, "tcp.state", func() *state { return newState(ctx) }, (*state).shutdown)
	p := &pageUI{st: st, root: container.NewStack(), items: map[*session]*container.TabItem{}}
	for _, s := range st.list() {
		p.buildSession(s)
	}
	st.mu.Lock()
	st.ui = p
	st.mu.Unlock()
	p.arrange()
	installShortcuts(st)
	for _, s := range st.list() {
		s.ui.refresh()
	}
	return p.root
}

// buildSession builds session s's view, keeping what the student had
// typed in the previous build.
func (p *pageUI) buildSession(s *session) {
	old := s.ui
	u := newSessionUI(s, p.st.ctx.Window)
	if old != nil {
		u.keepInputs(old)
	}
	s.mu.Lock()
	s.ui = u
	s.mu.Unlock()
}

// arrange shows the only session's view, or the tabs of several.
func (p *pageUI) arrange() {
	ss := p.st.list()
	if len(ss) == 1 {
		p.tabs, p.items = nil, map[*session]*container.TabItem{}
		p.root.Objects = []fyne.CanvasObject{ss[0].ui.root}
		p.root.Refresh()
		return
	}
	if p.tabs == nil {
		p.tabs = container.NewDocTabs()
		p.tabs.CreateTab = func() *container.TabItem {
			p.add()
			return nil // add made and selected the tab
		}
		p.tabs.CloseIntercept = func(it *container.TabItem) {
			for s, x := range p.items {
				if x == it {
					p.closeSession(s)
					return
				}
			}
		}
		p.tabs.OnSelected = func(it *container.TabItem) {
			for s, x := range p.items {
				if x == it {
					p.st.setCurrent(s)
					s.ui.recv.stream.Update() // what arrived while it was hidden
				}
			}
		}
	}
	for _, s := range ss {
		if p.items[s] == nil {
			it := container.NewTabItemWithIcon(s.name(), modeIcon(s), s.ui.root)
			p.items[s] = it
			p.tabs.Append(it)
		}
	}
	if it := p.items[p.st.current()]; it != nil {
		p.tabs.Select(it)
	}
	p.root.Objects = []fyne.CanvasObject{p.tabs}
	p.root.Refresh()
}

// add opens a new session and shows it.
func (p *pageUI) add() *session {
	s := p.st.add()
	p.buildSession(s)
	p.arrange()
	for _, o := range p.st.list() { // names get a tab, and a status prefix
		p.st.sessionChanged(o)
	}
	return s
}

func modeIcon(s *session) fyne.Resource {
	on := s.running()
	switch {
	case s.mode == modeClient && on:
		return theme.MailForwardIcon()
	case s.mode == modeClient:
		return theme.ComputerIcon()
	case on:
		return theme.MediaRecordIcon()
	}
	return theme.StorageIcon()
}

// closeSession stops session s and removes its tab; the last session
// stays (the page is never empty).
func (p *pageUI) closeSession(s *session) {
	st := p.st
	if len(st.list()) <= 1 {
		return
	}
	st.remove(s)
	s.shutdown()
	if p.tabs != nil && p.items[s] != nil {
		p.tabs.Remove(p.items[s])
		delete(p.items, s)
		for o, it := range p.items {
			if it == p.tabs.Selected() {
				st.setCurrent(o)
			}
		}
	}
	p.arrange()
	for _, o := range st.list() { // client numbers may have changed
		st.sessionChanged(o)
	}
}

// current is the session whose tab is shown.
func (st *state) current() *session {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.cur != nil {
		return st.cur
	}
	return st.sessions[0]
}

func (st *state) setCurrent(s *session) {
	st.mu.Lock()
	st.cur = s
	st.mu.Unlock()
}

// add opens a new session: a client when the workbench has a server (so
// that both ends of a connection are in NetLab), else a server. The
// client of a server on a virtual host is on another host of that network.
func (st *state) add() *session {
	mode := modeServer
	for _, o := range st.list() {
		if o.mode == modeServer {
			mode = modeClient
		}
	}
	vhost := ""
	if mode == modeClient {
		vhost = st.clientHost()
	}
	st.mu.Lock()
	st.nextNum++
	s := newSession(st, st.nextNum, mode)
	s.vhost = vhost
	st.sessions = append(st.sessions, s)
	st.cur = s
	st.mu.Unlock()
	return s
}

func (st *state) remove(s *session) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for i, o := range st.sessions {
		if o == s {
			st.sessions = append(st.sessions[:i], st.sessions[i+1:]...)
			break
		}
	}
	if st.cur == s {
		st.cur = nil
	}
}

// show brings session s to the front.
func (st *state) show(s *session) {
	st.mu.Lock()
	p := st.ui
	st.mu.Unlock()
	if p != nil && p.items[s] != nil {
		p.tabs.Select(p.items[s])
	}
	st.setCurrent(s)
}

// sessionChanged updates the session's tab (name and icon) and clears a
// status message whose state is gone.
func (st *state) sessionChanged(s *session) {
	st.mu.Lock()
	p := st.ui
	st.mu.Unlock()
	if p != nil {
		if it := p.items[s]; it != nil {
			name, icon := s.name(), modeIcon(s)
			if it.Text != name || it.Icon == nil || it.Icon.Name() != icon.Name() {
				it.Text, it.Icon = name, icon
				p.tabs.Refresh()
			}
		}
	}
	st.clearStale()
}

// name is the session's name in its tab, the status bar and the states
// view: "server :8080", "client 2", "UDP :9000"; on a virtual host "server
// :8080 on web", "client 1 on pc1".
func (s *session) name() string {
	name := s.localName()
	if h := s.virtualHost(); h != "" && s.mode != modeUDP {
		return lang.L("{{.Name}} on {{.Host}}", map[string]any{"Name": name, "Host": h})
	}
	return name
}

func (s *session) localName() string {
	switch s.mode {
	case modeClient:
		n := 0
		for _, o := range s.page.list() {
			if o.mode == modeClient {
				n++
			}
			if o == s {
				break
			}
		}
		return lang.L("client {{.N}}", map[string]any{"N": n})
	case modeUDP:
		if a := s.udp.Addr(); a != "" {
			return lang.L("UDP {{.Port}}", map[string]any{"Port": portOf(a)})
		}
		return lang.L("UDP")
	}
	if a := s.srv.Addr(); a != "" {
		return lang.L("server {{.Port}}", map[string]any{"Port": portOf(a)})
	}
	return lang.L("server")
}

func portOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[i:]
		}
	}
	return addr
}

// status shows msg in the status bar (as an error or as information),
// prefixed with the session's name when the page has several. valid, if
// set, says whether the state that made the message still holds: once it
// does not, the message is cleared (no "Connected to …" after a
// disconnect).
func (s *session) status(isErr bool, msg string, valid func() bool) {
	st := s.page
	if len(st.list()) > 1 {
		msg = s.name() + ": " + msg
	}
	if isErr {
		st.ctx.Status.Error(msg)
	} else {
		st.ctx.Status.Info(msg)
	}
	st.mu.Lock()
	st.msg, st.msgValid = msg, valid
	st.mu.Unlock()
}

// clearStale clears the page's status message once its state is gone.
func (st *state) clearStale() {
	st.mu.Lock()
	msg, valid := st.msg, st.msgValid
	st.mu.Unlock()
	if valid == nil || valid() {
		return
	}
	if st.ctx.Status.MessageText() == msg {
		st.ctx.Status.Clear()
	}
	st.mu.Lock()
	if st.msg == msg {
		st.msg, st.msgValid = "", nil
	}
	st.mu.Unlock()
}

// installShortcuts adds Ctrl+F (find), Ctrl+L (clear the log) and
// Ctrl+Enter (send) for the shown session, once per window.
func installShortcuts(st *state) {
	st.ctx.Keep("tcp.shortcuts", func() any {
		c := st.ctx.Window.Canvas()
		onPage := func() *sessionUI {
			if pg := st.ctx.Prefs().String(app.PrefPage); pg != "" && pg != "tcp" {
				return nil
			}
			s := st.current()
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.ui
		}
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			if u := onPage(); u != nil {
				c.Focus(u.recv.findEntry)
			}
		})
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			if u := onPage(); u != nil {
				u.recv.clear()
			}
		})
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			if u := onPage(); u != nil {
				u.send.doSend()
			}
		})
		return true
	})
}
