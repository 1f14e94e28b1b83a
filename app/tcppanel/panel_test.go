package tcppanel

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/workbench"
)

func init() {
	// the test goroutine is the UI goroutine: no timer, no goroutines
	// touching widgets
	autoRefresh = false
	onUI = func(f func()) { f() }
	background = func(f func()) { f() }
}

func newPanel(t *testing.T) (*sessionUI, *app.Context) {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	ctx := app.NewContext(a, w, runtime.GOOS)
	w.SetContent(build(ctx))
	w.Resize(fyne.NewSize(1024, 700))
	st := ctx.Keep("tcp.state", nil).(*state)
	t.Cleanup(func() { ctx.Close(); w.Close() })
	return st.list()[0].ui, ctx
}

// tick runs one refresh as the timer would.
func tick(u *sessionUI) {
	if f := u.s.prepare(); f != nil {
		f()
	}
}

func waitUI(t *testing.T, u *sessionUI, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		tick(u)
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func viewText(u *sessionUI) string {
	var b strings.Builder
	for i := 0; i < u.s.view.Len(); i++ {
		_, h, text, _, _ := u.s.view.Row(i)
		b.WriteString(h + "|" + text + "\n")
	}
	return b.String()
}

// dialServer connects a test client to the panel's server; it is closed
// when the test ends.
func dialServer(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func startServer(t *testing.T, u *sessionUI) string {
	t.Helper()
	u.addr.port.SetText("0") // any free port: tests must not collide
	// port 0 is refused for TCP server mode (students must pick one), so
	// find a free port first
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	u.addr.port.SetText(port)
	test.Tap(u.addr.startBtn)
	if !u.s.srv.Running() {
		t.Fatalf("server not running: %q", u.addr.errLabel.Text)
	}
	return u.s.srv.Addr()
}

func TestServerFlow(t *testing.T) {
	u, ctx := newPanel(t)
	if u.addr.host.Text != "127.0.0.1" || u.addr.port.Text != "8080" {
		t.Fatalf("defaults %s:%s", u.addr.host.Text, u.addr.port.Text)
	}
	if u.addr.startBtn.Text != "Start" {
		t.Fatalf("button %q", u.addr.startBtn.Text)
	}
	addr := startServer(t, u)
	if u.addr.startBtn.Text != "Stop" || !u.addr.port.Disabled() {
		t.Fatalf("running UI: %q", u.addr.startBtn.Text)
	}
	// a client connects and sends
	c := dialServer(t, addr)
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	waitUI(t, u, "two clients in the list", func() bool { return len(u.server.rows) == 2 })
	c.Write([]byte("hello\r\n"))
	waitUI(t, u, "received text", func() bool { return strings.Contains(viewText(u), `|hello\r\n`) })
	if !strings.Contains(u.recv.counters.Text, "RX 7 B") {
		t.Fatalf("counters %q", u.recv.counters.Text)
	}
	// select the first client in the list and send to selected only
	var first workbench.ClientInfo
	for _, ci := range u.server.rows {
		if ci.Remote == c.LocalAddr().String() {
			first = ci
		}
	}
	u.s.selected[first.ID] = true
	u.send.updateTarget()
	u.send.target.SetSelectedIndex(0)
	u.send.hex.SetChecked(false)
	u.send.lineEnd.SetSelectedIndex(1) // CR LF
	test.Type(u.send.entry, "hi")
	test.Tap(u.send.sendBtn)
	if u.send.errLabel.Visible() {
		t.Fatalf("send error: %s", u.send.errLabel.Text)
	}
	buf := make([]byte, 16)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _ := io.ReadAtLeast(c, buf, 2)
	if string(buf[:n]) != "hi" {
		t.Fatalf("selected client got %q", buf[:n])
	}
	c2.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, err := c2.Read(buf); err == nil {
		t.Fatalf("unselected client got %q", buf[:n])
	}
	// hex send error names the position
	u.send.hex.SetChecked(true)
	u.send.entry.SetText("48 4G")
	test.Tap(u.send.sendBtn)
	if !u.send.errLabel.Visible() || !strings.Contains(u.send.errLabel.Text, "line 1, column 5") ||
		!strings.Contains(ctx.Status.MessageText(), "not a hex digit") {
		t.Fatalf("hex error: %q / %q", u.send.errLabel.Text, ctx.Status.MessageText())
	}
	u.send.entry.SetText("48 49 0d 0a")
	test.Tap(u.send.sendBtn)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _ = io.ReadAtLeast(c, buf, 4)
	if string(buf[:n]) != "HI\r\n" {
		t.Fatalf("hex send got %q", buf[:n])
	}
	// disconnect all
	for _, b := range findButtons(u.root, "Close all") {
		test.Tap(b)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("client not closed: %v", err)
	}
	waitUI(t, u, "all closed", func() bool {
		return len(u.s.srv.OpenIDs()) == 0 && strings.Contains(u.server.summary.Text, "0 connected")
	})
	test.Tap(u.addr.startBtn)
	if u.s.srv.Running() || u.addr.startBtn.Text != "Start" {
		t.Fatal("server still running")
	}
}

func TestPortInUseExplained(t *testing.T) {
	u, ctx := newPanel(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	u.addr.port.SetText(port)
	test.Tap(u.addr.startBtn)
	if u.s.srv.Running() || !u.addr.errLabel.Visible() || !strings.Contains(u.addr.errLabel.Text, "already in use") {
		t.Fatalf("error %q", u.addr.errLabel.Text)
	}
	if !strings.Contains(ctx.Status.MessageText(), "already in use") {
		t.Fatalf("status %q", ctx.Status.MessageText())
	}
	u.addr.port.SetText("99999")
	test.Tap(u.addr.startBtn)
	if !strings.Contains(u.addr.errLabel.Text, "1 to 65535") {
		t.Fatalf("bad port: %q", u.addr.errLabel.Text)
	}
}

func TestClientModeAndUDP(t *testing.T) {
	u, _ := newPanel(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b := make([]byte, 64)
		n, _ := c.Read(b)
		got <- string(b[:n])
		c.Write([]byte("welcome"))
	}()
	u.addr.mode.SetSelectedIndex(1)
	if u.addr.startBtn.Text != "Connect" || !u.client.root.Visible() || u.server.root.Visible() {
		t.Fatalf("client mode UI: %q", u.addr.startBtn.Text)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	u.addr.host.SetText("localhost")
	u.addr.port.SetText(port)
	test.Tap(u.addr.startBtn)
	waitUI(t, u, "connected", func() bool { return u.s.cli.Connected() && u.addr.startBtn.Text == "Disconnect" })
	if !strings.Contains(u.client.info.Text, "handshake") {
		t.Fatalf("conn info %q", u.client.info.Text)
	}
	u.send.hex.SetChecked(false)
	u.send.lineEnd.SetSelectedIndex(2) // none
	u.send.entry.SetText(`GET\x20/`)
	u.send.doSend()
	select {
	case s := <-got:
		if s != "GET /" {
			t.Fatalf("server got %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing arrived")
	}
	waitUI(t, u, "reply", func() bool { return strings.Contains(viewText(u), "|welcome") })

	// UDP: bind and send to ourselves
	// the test server closes after its reply: the panel follows
	waitUI(t, u, "disconnected", func() bool { return !u.s.cli.Connected() && u.addr.startBtn.Text == "Connect" })
	if !strings.Contains(u.client.info.Text, "closed") {
		t.Fatalf("conn info after close: %q", u.client.info.Text)
	}
	u.addr.mode.SetSelectedIndex(2)
	u.addr.host.SetText("127.0.0.1")
	u.addr.port.SetText("0")
	test.Tap(u.addr.startBtn)
	if u.s.udp.Addr() == "" {
		t.Fatalf("UDP not bound: %q", u.addr.errLabel.Text)
	}
	u.udp.dest.SetText(u.s.udp.Addr())
	u.send.entry.SetText("dgram")
	u.send.doSend()
	waitUI(t, u, "datagram", func() bool {
		v := viewText(u)
		return strings.Contains(v, "|dgram") && strings.Contains(v, "RX ← "+u.s.udp.Addr())
	})
	u.udp.dest.SetText("255.255.255.255:9")
	u.send.doSend()
	if !strings.Contains(u.send.errLabel.Text, "Broadcast is off") {
		t.Fatalf("broadcast: %q", u.send.errLabel.Text)
	}
}

func TestHTTPHelperAnswersRequest(t *testing.T) {
	u, _ := newPanel(t)
	addr := startServer(t, u)
	c := dialServer(t, addr)
	c.Write([]byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\n"))
	c.Write([]byte("Accept: text/html\r\n\r\n"))
	waitUI(t, u, "HTTP request analysed", func() bool {
		return strings.Contains(u.http.title.Text, "HTTP request from") && strings.Contains(u.http.title.Text, "bytes")
	})
	waitUI(t, u, "complete request", func() bool { return len(u.http.parts.Objects) > 6 })
	u.http.body.SetText("<h1>你好</h1>")
	u.recv.charset.SetSelected("GBK")
	if !strings.Contains(u.http.length.Text, "Content-Length: 13") || !strings.Contains(u.http.length.Text, "15 in UTF-8") {
		t.Fatalf("length %q", u.http.length.Text)
	}
	test.Tap(u.http.sendBtn)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := io.ReadAll(c) // Connection: close → the server closes
	if err != nil {
		t.Fatal(err)
	}
	want := "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gbk\r\nContent-Length: 13\r\nConnection: close\r\n\r\n<h1>\xc4\xe3\xba\xc3</h1>"
	if string(resp) != want {
		t.Fatalf("response %q", resp)
	}
	// put in send box: HTTP mode with CR LF
	test.Tap(findButtons(u.root, "Put in send box")[0])
	if !u.send.httpMode.Checked || u.send.lineEnding().String() != "CR LF" || !strings.HasPrefix(u.send.entry.Text, "HTTP/1.1 200 OK\n") {
		t.Fatalf("send box: %v %v %q", u.send.httpMode.Checked, u.send.lineEnding(), u.send.entry.Text)
	}
}

func TestLanguageRebuildKeepsServer(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	ctx := app.NewContext(a, w, runtime.GOOS)
	w.SetContent(build(ctx))
	st := ctx.Keep("tcp.state", nil).(*state)
	defer ctx.Close()
	s := st.list()[0]
	addr := startServer(t, s.ui)
	w.SetContent(build(ctx)) // what a language switch does
	if s.ui.addr.startBtn.Text != "Stop" || s.srv.Addr() != addr {
		t.Fatalf("rebuild lost the server: %q", s.ui.addr.startBtn.Text)
	}
}

// A file bigger than the view shows goes out with the engine's SendFile:
// the client gets every byte and the view has one line for it.
func TestSendLargeFile(t *testing.T) {
	u, _ := newPanel(t)
	addr := startServer(t, u)
	c := dialServer(t, addr)
	waitUI(t, u, "the client in the list", func() bool { return len(u.s.srv.OpenIDs()) == 1 })
	data := make([]byte, 3<<20)
	for i := range data {
		data[i] = byte(i % 251)
	}
	path := filepath.Join(t.TempDir(), "lecture.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	u.send.target.SetSelectedIndex(1) // all clients
	if !u.send.sendLargeFile(storage.NewFileURI(path)) {
		t.Fatal("a 3 MiB local file was not sent with SendFile")
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, len(data))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("client got %v; want the whole file", err)
	}
	waitUI(t, u, "the file line in the view", func() bool {
		return strings.Contains(viewText(u), "Sent the file lecture.bin (3145728 bytes)")
	})
	if strings.Count(viewText(u), "\n") > 10 {
		t.Errorf("the view shows the file's bytes:\n%.500s", viewText(u))
	}
	// A small file is left to the ordinary path, whose bytes the view shows.
	small := filepath.Join(t.TempDir(), "note.txt")
	os.WriteFile(small, []byte("hello"), 0o600)
	if u.send.sendLargeFile(storage.NewFileURI(small)) {
		t.Error("a 5-byte file went the SendFile way")
	}
}
