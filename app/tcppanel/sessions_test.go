package tcppanel

import (
	"net"
	"net/netip"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/tcpstate"
	"github.com/netlab-classroom/netlab/netengine/workbench"
)

// addSession does what the tabs' "+" button does.
func addSession(t *testing.T, u *sessionUI) *sessionUI {
	t.Helper()
	test.Tap(u.addr.newBtn)
	return u.s.page.current().ui
}

func tickAll(u *sessionUI) {
	for _, s := range u.s.page.list() {
		if f := s.prepare(); f != nil {
			f()
		}
	}
}

func waitAll(t *testing.T, u *sessionUI, what string, cond func() bool) {
	t.Helper()
	waitUI(t, u, what, func() bool { tickAll(u); return cond() })
}

func serverStateIn(t *testing.T, local, remote string) tcpstate.State {
	t.Helper()
	socks, err := tcpstate.Snapshot()
	if err != nil {
		t.Skip(err)
	}
	k := tcpstate.Key{Local: netip.MustParseAddrPort(local), Remote: netip.MustParseAddrPort(remote)}
	for _, so := range socks {
		if so.Key() == k {
			return so.State
		}
	}
	return 0
}

func tabTitles(u *sessionUI) []string {
	var out []string
	for _, it := range u.s.page.ui.tabs.Items {
		out = append(out, it.Text)
	}
	return out
}

func sendText(t *testing.T, u *sessionUI, text string) {
	t.Helper()
	u.send.hex.SetChecked(false)
	u.send.lineEnd.SetSelectedIndex(2) // none
	u.send.entry.SetText(text)
	test.Tap(u.send.sendBtn)
	if u.send.errLabel.Visible() {
		t.Fatalf("send %q: %s", text, u.send.errLabel.Text)
	}
}

// E4 with both ends in NetLab: a server session and a client session in
// one workbench, each with its own log and counters, named in the tabs,
// the status bar and the states registry; the client half-closes, the
// server (stay half-open) shows CLOSE_WAIT, still sends, then closes.
func TestTwoSessionsHalfClose(t *testing.T) {
	srv, ctx := newPanel(t)
	addr := startServer(t, srv)
	_, port, _ := net.SplitHostPort(addr)
	srv.server.onFIN.radio.SetSelected("stay half-open")
	if !srv.s.srv.StayHalfOpen.Load() {
		t.Fatal("stay half-open not set on the server model")
	}

	cli := addSession(t, srv)
	if cli == srv || cli.s.mode != modeClient {
		t.Fatalf("the new session should be a client, is %q", cli.s.mode)
	}
	if cli.addr.host.Text != "127.0.0.1" || cli.addr.port.Text != port {
		t.Fatalf("the client should point at the server: %s:%s", cli.addr.host.Text, cli.addr.port.Text)
	}
	test.Tap(cli.addr.startBtn)
	waitAll(t, srv, "connected", func() bool { return cli.s.cli.Connected() && len(srv.s.srv.OpenIDs()) == 1 })
	if got := tabTitles(srv); strings.Join(got, "|") != "server :"+port+"|client 1" || srv.s.page.ui.root.Objects[0] != srv.s.page.ui.tabs {
		t.Fatalf("tabs %q", got)
	}
	if !strings.HasPrefix(ctx.Status.MessageText(), "client 1: Connected to") {
		t.Fatalf("status %q", ctx.Status.MessageText())
	}
	info, _ := cli.s.cli.Info()
	cliAddr := ""
	for _, c := range srv.s.srv.Clients() {
		cliAddr = c.Remote
	}
	if label := tcpstate.Own().Label(tcpstate.Key{Local: netip.MustParseAddrPort(cliAddr), Remote: netip.MustParseAddrPort(info.Remote)}); label != "client 1" {
		t.Fatalf("states registry names the client %q", label)
	}
	if label := tcpstate.Own().Label(tcpstate.Key{Local: netip.MustParseAddrPort(addr), Remote: netip.MustParseAddrPort(cliAddr)}); label != "server :"+port {
		t.Fatalf("states registry names the server side %q", label)
	}

	// both ways, each session with its own log and counters
	sendText(t, cli, "hello server")
	waitAll(t, srv, "the server's log", func() bool { return strings.Contains(viewText(srv), "|hello server") })
	srv.send.target.SetSelectedIndex(1) // all clients
	sendText(t, srv, "hello client")
	waitAll(t, srv, "the client's log", func() bool { return strings.Contains(viewText(cli), "|hello client") })
	if strings.Count(viewText(cli), "|hello server") != 1 || strings.Contains(viewText(srv), "Connected to") || !strings.Contains(cli.recv.counters.Text, "RX 12 B · TX 12 B") {
		t.Fatalf("the client's log or counters mix sessions: %q\n%s", cli.recv.counters.Text, viewText(cli))
	}

	// the client half-closes; the server stays open in CLOSE_WAIT
	test.Tap(findButtons(cli.client.root, "Half-close")[0])
	waitAll(t, srv, "CLOSE_WAIT on the server", func() bool {
		return len(srv.server.rows) == 1 && srv.server.rows[0].State == workbench.StateCloseWait
	})
	if !strings.Contains(viewText(srv), "we stay open (CLOSE_WAIT)") {
		t.Fatalf("the server's log does not say CLOSE_WAIT:\n%s", viewText(srv))
	}
	if msg := ctx.Status.MessageText(); !strings.HasPrefix(msg, "server :"+port+": ") ||
		!strings.Contains(msg, "peer closed its sending side (FIN received) — CLOSE_WAIT") {
		t.Fatalf("status %q", msg)
	}
	if got := stateText(srv.server.rows[0]); got != "CLOSE_WAIT: peer sent FIN" {
		t.Fatalf("row state %q", got)
	}
	if tcpstate.Available() {
		if st := serverStateIn(t, addr, cliAddr); st != tcpstate.CloseWait {
			t.Fatalf("kernel state of the server side: %v", st)
		}
	}
	sendText(t, srv, "one more thing")
	waitAll(t, srv, "data after the client's FIN", func() bool { return strings.Contains(viewText(cli), "|one more thing") })

	// the server closes: LAST_ACK, then the client is in TIME_WAIT
	srv.s.selected[srv.server.rows[0].ID] = true
	test.Tap(findButtons(srv.server.root, "Close")[0])
	waitAll(t, srv, "both closed", func() bool {
		return len(srv.s.srv.OpenIDs()) == 0 && !cli.s.cli.Connected()
	})
	if strings.Contains(ctx.Status.MessageText(), "CLOSE_WAIT") {
		t.Fatalf("stale CLOSE_WAIT message: %q", ctx.Status.MessageText())
	}
	if tcpstate.Available() {
		if st := serverStateIn(t, cliAddr, addr); st != tcpstate.TimeWait {
			t.Fatalf("kernel state of the client side: %v", st)
		}
	}
	// the closed client is greyed with why it closed, on its own line (the
	// peer's FIN came first: it made the active close)
	row := srv.server.createRow()
	srv.server.updateRow(0, row)
	labels := row.(*fyne.Container).Objects[0].(*fyne.Container).Objects
	addrL, stateL := labels[0].(*widget.Label), labels[1].(*widget.Label)
	if addrL.Importance != widget.LowImportance || stateL.Text != "closed (FIN from the peer)" {
		t.Fatalf("closed row: %v %q", addrL.Importance, stateL.Text)
	}
}

// Messages belong to the state that made them: "Connected to …" goes
// when the connection does, "No client is connected yet" when one is.
func TestStatusFollowsState(t *testing.T) {
	u, ctx := newPanel(t)
	addr := startServer(t, u)
	u.send.target.SetSelectedIndex(1)
	u.send.entry.SetText("x")
	test.Tap(u.send.sendBtn)
	if ctx.Status.MessageText() != "No client is connected yet." {
		t.Fatalf("status %q", ctx.Status.MessageText())
	}
	c := dialServer(t, addr)
	waitUI(t, u, "the stale message to go", func() bool { return ctx.Status.MessageText() == "" })

	cli := addSession(t, u)
	test.Tap(cli.addr.startBtn)
	waitAll(t, u, "connected", func() bool { return strings.Contains(ctx.Status.MessageText(), "Connected to") })
	// the server closes the connection: the message goes with it
	for _, ci := range u.s.srv.Clients() {
		if ci.Remote != c.LocalAddr().String() {
			_ = u.s.srv.Close(ci.ID)
		}
	}
	waitAll(t, u, "the client to notice", func() bool { return !cli.s.cli.Connected() })
	if strings.Contains(ctx.Status.MessageText(), "Connected to") {
		t.Fatalf("stale status %q", ctx.Status.MessageText())
	}
}

// A port taken by another session of the workbench is named as NetLab's
// own, with a button that switches to that session.
func TestPortTakenByOwnSession(t *testing.T) {
	u, _ := newPanel(t)
	addr := startServer(t, u)
	_, port, _ := net.SplitHostPort(addr)
	other := addSession(t, u)
	other.addr.mode.SetSelectedIndex(0) // a second server, same port
	other.addr.port.SetText(port)
	test.Tap(other.addr.startBtn)
	if other.s.srv.Running() || !strings.Contains(other.addr.errLabel.Text, "NetLab itself") ||
		!strings.Contains(other.addr.errLabel.Text, "server :"+port) || !other.addr.fixBtn.Visible() {
		t.Fatalf("error %q (fix shown %v)", other.addr.errLabel.Text, other.addr.fixBtn.Visible())
	}
	test.Tap(other.addr.fixBtn)
	if u.s.page.current() != u.s || u.s.page.ui.tabs.Selected() != u.s.page.ui.items[u.s] {
		t.Fatal("Switch to it did not show the server's session")
	}
}

// A language switch rebuilds the page: sessions, what was typed and the
// split positions stay.
func TestRebuildKeepsSessionsAndInputs(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	w.Resize(fyne.NewSize(1024, 700))
	ctx := app.NewContext(a, w, "linux")
	defer ctx.Close()
	w.SetContent(build(ctx))
	st := ctx.Keep("tcp.state", nil).(*state)
	first := st.list()[0].ui
	second := addSession(t, first)
	second.send.entry.SetText("GET / HTTP/1.1")
	second.vsplit.SetOffset(0.8)
	second.hsplit.SetOffset(0.3)
	second.tabs.SelectIndex(2)
	w.SetContent(build(ctx)) // what a language switch does
	ss := st.list()
	if len(ss) != 2 || len(st.ui.tabs.Items) != 2 {
		t.Fatalf("sessions after rebuild: %d, tabs %d", len(ss), len(st.ui.tabs.Items))
	}
	nu := ss[1].ui
	if nu == second || nu.send.entry.Text != "GET / HTTP/1.1" || nu.vsplit.Offset != 0.8 || nu.hsplit.Offset != 0.3 || nu.tabs.SelectedIndex() != 2 {
		t.Fatalf("inputs lost: %q %v %v %d", nu.send.entry.Text, nu.vsplit.Offset, nu.hsplit.Offset, nu.tabs.SelectedIndex())
	}
	if st.ui.tabs.Selected() != st.ui.items[ss[1]] {
		t.Fatal("the shown session changed")
	}
	var _ *container.DocTabs = st.ui.tabs
}

// The HTTP helper's check runs while the student types: a wrong
// Content-Length is shown beside the send box before anything is sent.
func TestContentLengthWarnedBeforeSending(t *testing.T) {
	u, _ := newPanel(t)
	u.send.httpMode.SetChecked(true)
	u.send.escapes.SetChecked(false)
	u.send.entry.SetText("HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\nContent-Length: 28\n\n<h1>我是响应正文</h1>")
	if !u.send.httpWarn.Visible() || !strings.Contains(u.send.httpWarn.Text, "Content-Length says 28 bytes but the body has 27") {
		t.Fatalf("warning %q (visible %v)", u.send.httpWarn.Text, u.send.httpWarn.Visible())
	}
	u.send.entry.SetText(strings.Replace(u.send.entry.Text, "28", "27", 1))
	if u.send.httpWarn.Visible() {
		t.Fatalf("a right message still warns: %q", u.send.httpWarn.Text)
	}
}

// The log can take the whole height: the toggle hides the send tabs and
// brings them back; a rebuild keeps the choice.
// The send box keeps its size whatever its message line shows (nothing,
// the byte count, an HTTP warning, an error), so Send and the options do
// not move under the mouse while the student types.
// Start keeps its width when it becomes Stop (and Connect when it becomes
// Disconnect), so the next click lands on it, in both languages.
// A port this process already listens on (another NetLab page, such as
// the web server) is named as NetLab's own, with a way to that page.
func TestPortTakenByAnotherPage(t *testing.T) {
	if !tcpstate.Available() {
		t.Skip("no TCP table on this system")
	}
	u, ctx := newPanel(t)
	l, err := net.Listen("tcp", "127.0.0.1:0") // stands in for the web server page
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	u.addr.port.SetText(port)
	test.Tap(u.addr.startBtn)
	if !strings.Contains(u.addr.errLabel.Text, "already in use by NetLab itself, on another page") || !u.addr.fixBtn.Visible() ||
		u.addr.fixBtn.Text != "Web server page" || !strings.Contains(ctx.Status.MessageText(), "NetLab itself") {
		t.Fatalf("error %q, fix %q", u.addr.errLabel.Text, u.addr.fixBtn.Text)
	}
}

// Two sessions still fit the right-hand side of a 1024x700 window.
// With one session there is no tab bar (the log keeps that height); a
// second session brings the tabs, closing it takes them away again.
// A session whose tab is hidden keeps following its log: lines that
// arrive meanwhile are at the bottom when its tab is shown again.
func TestHiddenSessionKeepsFollowing(t *testing.T) {
	u, _ := newPanel(t)
	addr := startServer(t, u)
	c := dialServer(t, addr)
	other := addSession(t, u)
	for i := 0; i < 40; i++ {
		c.Write([]byte("line\n"))
		tickAll(u)
	}
	waitAll(t, u, "40 lines", func() bool { return strings.Count(viewText(u), "|line") >= 40 })
	if !u.recv.stream.Following() {
		t.Fatal("the hidden session stopped following")
	}
	u.s.page.show(u.s)
	if !u.recv.stream.Following() || other.recv.stream.Following() != true {
		t.Fatal("following lost on switching tabs")
	}
}
