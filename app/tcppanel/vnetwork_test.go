package tcppanel

import (
	"net/netip"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
	"github.com/netlab-classroom/netlab/netengine/workbench"
)

// chooseHost picks a host of the virtual network in the session's
// Network choice, as the student does.
func chooseHost(t *testing.T, u *sessionUI, name string) {
	t.Helper()
	for i, h := range u.addr.netHosts {
		if h == name {
			u.addr.netSel.SetSelectedIndex(i)
			if u.s.virtualHost() != name {
				t.Fatalf("choosing %s: the session is on %q", name, u.s.virtualHost())
			}
			return
		}
	}
	t.Fatalf("no host %s in %q", name, u.addr.netSel.Options)
}

// synFrom finds, in the network's capture, the SYN from src to dst.
func synFrom(n *vnet.Network, src, dst netip.AddrPort) bool {
	for _, f := range n.Frames(0, 0) {
		b := packet.Parse(f.Data)
		if b.Transport == packet.TransportTCP && b.Flags == packet.FlagSYN && !f.Dropped &&
			b.Src == src.Addr() && b.Dst == dst.Addr() && b.DstPort == dst.Port() {
			return true
		}
	}
	return false
}

// E4 as packets: a server session on the virtual host web and a client
// session on pc1 in one workbench exchange data over the virtual network,
// the client half-closes while the server stays half-open, and the
// handshake is in the shared network's capture (what the Packets page
// shows). Then the Packets page replaces the network: both sessions end
// with a message, and start again on the new one.
func TestSessionsOnVirtualHosts(t *testing.T) {
	vnet.SetShared(nil)
	defer vnet.SetShared(nil)
	srv, ctx := newPanel(t)
	if srv.addr.netSel.SelectedIndex() != 0 || srv.addr.packetsBtn.Disabled() == false {
		t.Fatalf("a new session should run on this computer: %q", srv.addr.netSel.Selected)
	}
	chooseHost(t, srv, "web")
	n := vnet.Shared()
	if n == nil || n.Host("web") == nil {
		t.Fatal("choosing a virtual host did not share the classroom network")
	}
	if srv.addr.host.Text != "192.168.1.20" || srv.addr.allIfaces.Visible() || srv.addr.packetsBtn.Disabled() ||
		srv.addr.netHint.Text != "192.168.1.20/24, gateway 192.168.1.1: see its frames" {
		t.Fatalf("server on web: host %q, all interfaces shown %v, hint %q", srv.addr.host.Text, srv.addr.allIfaces.Visible(), srv.addr.netHint.Text)
	}
	// an address web does not have is refused with a plain reason
	srv.addr.host.SetText("192.168.1.10")
	srv.addr.port.SetText("8080")
	test.Tap(srv.addr.startBtn)
	if srv.s.srv.Running() || !strings.Contains(srv.addr.errLabel.Text, "has the address 192.168.1.20") {
		t.Fatalf("listening on pc1's address from web: %q", srv.addr.errLabel.Text)
	}
	srv.addr.host.SetText("192.168.1.20")
	test.Tap(srv.addr.startBtn)
	if srv.s.srv.Addr() != "192.168.1.20:8080" {
		t.Fatalf("server on web listens on %q (%s)", srv.s.srv.Addr(), srv.addr.errLabel.Text)
	}
	if msg := ctx.Status.MessageText(); !strings.Contains(msg, "Listening on 192.168.1.20:8080") || !strings.Contains(msg, "Packets page") {
		t.Fatalf("status %q", msg)
	}
	srv.server.onFIN.radio.SetSelected("stay half-open")

	cli := addSession(t, srv) // the client of a server on web starts on pc1
	if cli.s.virtualHost() != "pc1" || cli.addr.netSel.Selected != "pc1 · virtual" {
		t.Fatalf("the new client is on %q (%q)", cli.s.virtualHost(), cli.addr.netSel.Selected)
	}
	chooseHost(t, cli, "pc2")
	chooseHost(t, cli, "pc1")
	if cli.addr.host.Text != "192.168.1.20" || cli.addr.port.Text != "8080" {
		t.Fatalf("the client on pc1 should point at the server on web: %s:%s", cli.addr.host.Text, cli.addr.port.Text)
	}
	// a name the virtual network does not know is never looked up for real
	cli.addr.host.SetText("example.com")
	test.Tap(cli.addr.startBtn)
	if cli.s.cli.Connected() || !strings.Contains(cli.addr.errLabel.Text, "not a host of the virtual network") {
		t.Fatalf("dialing a real name from pc1: %q", cli.addr.errLabel.Text)
	}
	cli.addr.host.SetText("web") // the virtual host's name is its address
	test.Tap(cli.addr.startBtn)
	waitAll(t, srv, "connected", func() bool { return cli.s.cli.Connected() && len(srv.s.srv.OpenIDs()) == 1 })
	if got := strings.Join(tabTitles(srv), "|"); got != "server :8080 on web|client 1 on pc1" {
		t.Fatalf("tabs %q", got)
	}
	info, _ := cli.s.cli.Info()
	if info.Remote != "192.168.1.20:8080" || srv.server.rows[0].Remote[:13] != "192.168.1.10:" {
		t.Fatalf("client → %s, server sees %s", info.Remote, srv.server.rows[0].Remote)
	}

	sendText(t, cli, "hello web")
	waitAll(t, srv, "the server's log", func() bool { return strings.Contains(viewText(srv), "|hello web") })
	srv.send.target.SetSelectedIndex(1) // all clients
	sendText(t, srv, "hello pc1")
	waitAll(t, srv, "the client's log", func() bool { return strings.Contains(viewText(cli), "|hello pc1") })

	// a language switch rebuilds the page: both stay on their hosts
	ctx.Window.SetContent(build(ctx))
	srv, cli = srv.s.ui, cli.s.ui
	if srv.addr.netSel.Selected != "web · virtual" || cli.addr.netSel.Selected != "pc1 · virtual" || !cli.addr.netSel.Disabled() ||
		!cli.s.cli.Connected() || srv.addr.packetsBtn.Disabled() {
		t.Fatalf("after a rebuild: %q %q", srv.addr.netSel.Selected, cli.addr.netSel.Selected)
	}

	// half-close from pc1: web stays open (CLOSE_WAIT), still sends, closes
	test.Tap(findButtons(cli.client.root, "Half-close")[0])
	waitAll(t, srv, "CLOSE_WAIT on web", func() bool {
		return len(srv.server.rows) == 1 && srv.server.rows[0].State == workbench.StateCloseWait
	})
	if !strings.Contains(viewText(srv), "sent FIN") || !strings.Contains(viewText(srv), "we stay open (CLOSE_WAIT)") {
		t.Fatalf("the server's log does not show the client's FIN:\n%s", viewText(srv))
	}
	sendText(t, srv, "after your FIN")
	waitAll(t, srv, "data after the FIN", func() bool { return strings.Contains(viewText(cli), "|after your FIN") })
	srv.s.selected[srv.server.rows[0].ID] = true
	test.Tap(findButtons(srv.server.root, "Close")[0])
	waitAll(t, srv, "both closed", func() bool { return len(srv.s.srv.OpenIDs()) == 0 && !cli.s.cli.Connected() })

	// the connection as packets: pc1's SYN to web:8080 is in the capture
	if !synFrom(n, netip.MustParseAddrPort("192.168.1.10:0"), netip.MustParseAddrPort("192.168.1.20:8080")) {
		t.Fatalf("no SYN 192.168.1.10 → 192.168.1.20:8080 in %d frames", len(n.Frames(0, 0)))
	}
	var fins int
	for _, f := range n.Frames(0, 0) {
		if b := packet.Parse(f.Data); b.Transport == packet.TransportTCP && b.Flags&packet.FlagFIN != 0 && f.Link == "pc1-sw1" {
			fins++
		}
	}
	if fins != 2 { // each side's FIN crosses pc1's link once
		t.Fatalf("%d FINs on pc1-sw1", fins)
	}

	// again, then the Packets page builds a new network (a scenario run)
	test.Tap(cli.addr.startBtn)
	waitAll(t, srv, "connected again", func() bool { return cli.s.cli.Connected() && len(srv.s.srv.OpenIDs()) == 1 })
	n2, err := vnet.Classroom()
	if err != nil {
		t.Fatal(err)
	}
	defer n2.Close()
	vnet.SetShared(n2)
	n.Close() // as the Packets page does with the network it replaced
	tickAll(srv)
	const rebuilt = "The virtual network was rebuilt by the Packets page: start the session again."
	for _, u := range []*sessionUI{srv, cli} {
		if u.s.running() || u.addr.errLabel.Text != rebuilt || !strings.Contains(viewText(u), rebuilt) {
			t.Fatalf("%s after the rebuild: running %v, error %q\n%s", u.s.name(), u.s.running(), u.addr.errLabel.Text, viewText(u))
		}
	}
	if strings.Contains(cli.client.info.Text, "connected") || !strings.Contains(ctx.Status.MessageText(), rebuilt) {
		t.Fatalf("client info %q, status %q", cli.client.info.Text, ctx.Status.MessageText())
	}
	if srv.addr.mode.Disabled() || srv.addr.startBtn.Text != "Start" || cli.addr.startBtn.Text != "Connect" {
		t.Fatalf("buttons after the rebuild: %q %q", srv.addr.startBtn.Text, cli.addr.startBtn.Text)
	}
	// starting again runs on the new network
	test.Tap(srv.addr.startBtn)
	test.Tap(cli.addr.startBtn)
	waitAll(t, srv, "connected on the new network", func() bool { return cli.s.cli.Connected() && len(srv.s.srv.OpenIDs()) == 1 })
	if strings.Contains(ctx.Status.MessageText(), "rebuilt") {
		t.Fatalf("stale status %q", ctx.Status.MessageText())
	}
	if !synFrom(n2, netip.MustParseAddrPort("192.168.1.10:0"), netip.MustParseAddrPort("192.168.1.20:8080")) {
		t.Fatal("the new connection is not in the new network's capture")
	}
	// closing the network (no new one) ends them too
	vnet.SetShared(nil)
	tickAll(srv)
	if srv.s.running() || cli.s.running() || cli.addr.errLabel.Text != "The virtual network was closed: start the session again." {
		t.Fatalf("after the network closed: %v %v %q", srv.s.running(), cli.s.running(), cli.addr.errLabel.Text)
	}
	// back to this computer
	srv.addr.netSel.SetSelectedIndex(0)
	if srv.s.virtualHost() != "" || srv.addr.host.Text != "127.0.0.1" || !srv.addr.allIfaces.Visible() || srv.s.name() != "server" {
		t.Fatalf("back on this computer: %q %q %q", srv.s.virtualHost(), srv.addr.host.Text, srv.s.name())
	}
}

// A network without the session's host (another scenario's) keeps the
// host shown and Start says it is not there; UDP runs on this computer
// only.
func TestVirtualHostMissingAndUDP(t *testing.T) {
	vnet.SetShared(nil)
	defer vnet.SetShared(nil)
	u, _ := newPanel(t)
	chooseHost(t, u, "web")
	empty := vnet.New(vnet.Options{})
	defer empty.Close()
	vnet.SetShared(empty)
	if u.addr.netSel.Selected != "web · virtual" || u.s.name() != "server on web" {
		t.Fatalf("choice %q, name %q", u.addr.netSel.Selected, u.s.name())
	}
	test.Tap(u.addr.startBtn)
	if u.s.running() || u.addr.errLabel.Text != "The virtual network the Packets page shows now has no host web: choose another one under Network." {
		t.Fatalf("start on a missing host: %v %q", u.s.running(), u.addr.errLabel.Text)
	}
	u.addr.mode.SetSelectedIndex(2) // UDP
	if !u.addr.netSel.Disabled() || u.addr.netSel.SelectedIndex() != 0 || u.s.name() != "UDP" ||
		u.addr.netHint.Text != "UDP sessions run on this computer only." {
		t.Fatalf("UDP: select disabled %v, %q, name %q", u.addr.netSel.Disabled(), u.addr.netSel.Selected, u.s.name())
	}
}
