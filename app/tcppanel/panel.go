// Package tcppanel is the TCP/UDP workbench page: sessions side by side in
// tabs (a TCP server with its client list, TCP clients, UDP sockets), each
// with its own log that never freezes, send box, counters, auto-reply and
// the HTTP-by-hand helper (exercise E1); a server and a client session
// hold both ends of a connection for E4. It is a thin view over
// netengine/workbench.
//
// Files: panel.go (the page and its session tabs), state.go (what outlives
// a rebuild), session.go (one session's models), sessionui.go (one
// session's view), addrrow.go (its address row), serverpane.go,
// clientpane.go, udppane.go (the side column of each mode), recvpane.go
// (the log), sendbox.go and sendmore.go (sending), autoreply.go,
// httphelper.go, save.go, errors.go.
package tcppanel

import (
	"embed"

	"fyne.io/fyne/v2"
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

// pageUI is one build of the page; state.ui points at the current one.
type pageUI struct {
	st   *state
	root fyne.CanvasObject
}

func build(ctx *app.Context) fyne.CanvasObject {
	st := app.KeepRunning(ctx, "tcp.state", func() *state { return newState(ctx) }, (*state).shutdown)
	p := &pageUI{st: st}
	for _, s := range st.list() {
		old := s.ui
		u := newSessionUI(s, ctx.Window)
		if old != nil {
			u.keepInputs(old)
		}
		s.mu.Lock()
		s.ui = u
		s.mu.Unlock()
	}
	p.root = st.list()[0].ui.root
	st.mu.Lock()
	st.ui = p
	st.mu.Unlock()
	installShortcuts(st)
	for _, s := range st.list() {
		s.ui.refresh()
	}
	return p.root
}

// current is the session whose tab is shown.
func (st *state) current() *session { return st.list()[0] }

// show brings session s to the front.
func (st *state) show(s *session) {}

// sessionChanged updates what names the session (its tab) and clears a
// status message whose state is gone.
func (st *state) sessionChanged(s *session) { st.clearStale() }

// name is the session's name in its tab, the status bar and the states
// view: "server :8080", "client 2", "UDP :9000".
func (s *session) name() string {
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
