package tcppanel

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/netlab-classroom/netlab/app"
)

// Layout at 1024x700: nothing moves under the mouse, the log can grow, two
// sessions fit.
func TestTallLog(t *testing.T) {
	u, _ := newPanel(t)
	before := u.recv.root.Size().Height
	test.Tap(u.recv.tallBtn)
	if u.tabs.Visible() || u.recv.root.Size().Height <= before {
		t.Fatalf("tall log: tabs visible %v, height %v → %v", u.tabs.Visible(), before, u.recv.root.Size().Height)
	}
	nu := newSessionUI(u.s, u.win)
	nu.keepInputs(u)
	if nu.tabs.Visible() {
		t.Fatal("a rebuild brought the send tabs back")
	}
	test.Tap(u.recv.tallBtn)
	if !u.tabs.Visible() {
		t.Fatal("the send tabs did not come back")
	}
}

func TestSendBoxDoesNotJump(t *testing.T) {
	u, _ := newPanel(t)
	size := u.send.root.MinSize()
	pos := u.send.sendBtn.Position()
	check := func(what string) {
		t.Helper()
		if got := u.send.root.MinSize(); got != size || u.send.sendBtn.Position() != pos {
			t.Fatalf("%s: send box %v → %v, Send at %v → %v", what, size, got, pos, u.send.sendBtn.Position())
		}
	}
	u.send.entry.SetText("hello")
	check("typing")
	u.send.httpMode.SetChecked(true)
	u.send.entry.SetText("HTTP/1.1 200 OK\nContent-Length: 99\n\nhi")
	if !u.send.httpWarn.Visible() {
		t.Fatal("no HTTP warning")
	}
	check("an HTTP warning")
	test.Tap(u.send.sendBtn) // the server is not started
	if !u.send.errLabel.Visible() {
		t.Fatal("no error")
	}
	check("an error")
}

func TestStartButtonKeepsWidth(t *testing.T) {
	for _, l := range []string{"en", "zh_Hans"} {
		app.ApplyLanguage(l)
		u, _ := newPanel(t)
		w := u.addr.startBtn.Size().Width
		startServer(t, u)
		if u.addr.startBtn.Text == "Start" || u.addr.startBtn.Size().Width != w {
			t.Errorf("%s: %q is %v wide, Start was %v", l, u.addr.startBtn.Text, u.addr.startBtn.Size().Width, w)
		}
		u.addr.mode.SetSelectedIndex(1)
		if u.addr.startBtn.Size().Width != w {
			t.Errorf("%s: %q is %v wide, Start was %v", l, u.addr.startBtn.Text, u.addr.startBtn.Size().Width, w)
		}
	}
	app.ApplyLanguage("en")
}

func TestTwoSessionsFit(t *testing.T) {
	for _, l := range []string{"en", "zh_Hans"} {
		app.ApplyLanguage(l)
		u, _ := newPanel(t)
		addSession(t, u)
		m := u.s.page.ui.root.MinSize()
		if m.Width > 1024-185 || m.Height > 700-140 {
			t.Errorf("%s: min size %.0fx%.0f", l, m.Width, m.Height)
		}
	}
	app.ApplyLanguage("en")
}

func TestTabsOnlyForSeveralSessions(t *testing.T) {
	u, _ := newPanel(t)
	p := u.s.page.ui
	if p.tabs != nil || p.root.Objects[0] != u.root {
		t.Fatal("a single session shows a tab bar")
	}
	second := addSession(t, u)
	if p.tabs == nil || len(p.tabs.Items) != 2 || p.root.Objects[0] != p.tabs || p.tabs.Selected() != p.items[second.s] {
		t.Fatal("two sessions: no tabs, or the new one not shown")
	}
	p.closeSession(second.s)
	if p.tabs != nil || p.root.Objects[0] != u.root || len(u.s.page.list()) != 1 {
		t.Fatal("back to one session: the tab bar stayed")
	}
	p.closeSession(u.s) // the last one stays
	if len(u.s.page.list()) != 1 {
		t.Fatal("the last session was closed")
	}
}
