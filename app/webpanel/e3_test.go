package webpanel

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/httpserve"
)

// startIn starts the panel's server on dir (portable engine, loopback).
func startIn(t *testing.T, st *state, dir string) string {
	t.Helper()
	u := st.view
	port := freePort(t)
	u.dir.SetText(dir)
	u.port.SetText(strconv.Itoa(port))
	u.engine.SetSelected("portable")
	test.Tap(u.startBtn)
	if !st.isRunning() {
		t.Fatalf("not running: %s", u.portErr.Text)
	}
	return "127.0.0.1:" + strconv.Itoa(port)
}

// waitRows ticks until the log has n rows.
func waitRows(t *testing.T, st *state, n int) {
	t.Helper()
	for i := 0; i < 1000 && len(st.log) < n; i++ {
		time.Sleep(10 * time.Millisecond)
		st.tick()
	}
	if len(st.log) != n {
		t.Fatalf("log has %d rows, want %d", len(st.log), n)
	}
}

// get sends GET path on c and reads the answer (keep-alive).
func getOn(t *testing.T, c net.Conn, br *bufio.Reader, path string) {
	t.Helper()
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", path)
	length := -1
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\r\n" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			length, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if _, err := br.Discard(length); err != nil {
		t.Fatal(err)
	}
}

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second))
	return c, bufio.NewReader(c)
}

// TestLogShowsConnectionsAndDecodedPaths: each row names the client with
// its port and the connection number, so reuse is visible, and shows the
// path decoded (issue 14.7, E3).
func TestLogShowsConnectionsAndDecodedPaths(t *testing.T) {
	_, _, st := setup(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "课件.txt"), []byte("第一课"), 0o644)
	addr := startIn(t, st, dir)
	c1, br1 := dial(t, addr)
	getOn(t, c1, br1, "/%E8%AF%BE%E4%BB%B6.txt")
	getOn(t, c1, br1, "/%E8%AF%BE%E4%BB%B6.txt")
	c2, br2 := dial(t, addr)
	getOn(t, c2, br2, "/%E8%AF%BE%E4%BB%B6.txt")
	waitRows(t, st, 3)
	for i, want := range []string{"#1 " + c1.LocalAddr().String(), "#1 " + c1.LocalAddr().String(), "#2 " + c2.LocalAddr().String()} {
		row := logLine(st.log[i])
		if !strings.Contains(row, want+" 200 GET  /课件.txt · 9 B · ") || strings.Contains(row, "%E8") {
			t.Errorf("row %d %q, want %q and the decoded path", i, row, want)
		}
	}
	u := st.view
	u.list.Select(2)
	if !strings.Contains(u.detailTitle.Text, "/课件.txt") || !strings.Contains(u.detailTitle.Text, "Connection #2 from "+c2.LocalAddr().String()) {
		t.Errorf("detail title %q", u.detailTitle.Text)
	}
	for _, c := range []struct{ in, want string }{
		{"/a%20b.txt", "/a b.txt"}, {"/%zz", "/%zz"}, {"/%ff%fe", "/%ff%fe"}, {"/a%0Ab", "/a%0Ab"}, {"", "-"},
	} {
		if got := displayPath(c.in); got != c.want {
			t.Errorf("displayPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestIdleCloseIsLoggedAndStated: the panel states the idle timeout, and
// the server closing an idle keep-alive connection is a row of the log.
func TestIdleCloseIsLoggedAndStated(t *testing.T) {
	_, _, st := setup(t)
	u := st.view
	if !strings.Contains(u.keepInfo.Text, "idle connections close after 30 s") {
		t.Fatalf("stopped: %q", u.keepInfo.Text)
	}
	idleTimeout = 300 * time.Millisecond
	defer func() { idleTimeout = 0 }()
	u.refresh()
	addr := startIn(t, st, t.TempDir())
	if !strings.Contains(u.keepInfo.Text, "idle connections close after 0.3 s") {
		t.Fatalf("running: %q", u.keepInfo.Text)
	}
	c, br := dial(t, addr)
	getOn(t, c, br, "/")
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection not closed: %v", err)
	}
	waitRows(t, st, 2)
	row := logLine(st.log[1])
	if st.log[1].Kind != httpserve.KindIdleClose || !strings.Contains(row, "#1 "+c.LocalAddr().String()+" closed by the server: idle 0.3 s, 1 requests") {
		t.Fatalf("row %q", row)
	}
	u.keep.SetChecked(false)
	test.Tap(u.startBtn) // stop
	if !strings.Contains(u.keepInfo.Text, "Keep-alive off") {
		t.Fatalf("keep-alive off: %q", u.keepInfo.Text)
	}
}

// TestAccessLogFollowsOnlyAtEnd: new rows scroll into view only while the
// reader is at the end (issue 14.7, widgets/follow).
func TestAccessLogFollowsOnlyAtEnd(t *testing.T) {
	_, _, st := setup(t)
	u := st.view
	add := func(n int) {
		for i := 0; i < n; i++ {
			st.record(&httpserve.Entry{Time: time.Now(), ConnID: 1, Client: "127.0.0.1:1", Method: "GET", Target: "/x", Status: 200})
		}
		st.tick()
	}
	add(200)
	end := u.list.GetScrollOffset()
	if end <= 0 || !u.follow.Following() {
		t.Fatalf("not at the end: %v", end)
	}
	u.list.ScrollToTop()
	add(20)
	if off := u.list.GetScrollOffset(); off != 0 || u.follow.Following() {
		t.Fatalf("scrolled up, new rows moved the view to %v (following %v)", off, u.follow.Following())
	}
	test.Tap(u.follow.Button)
	if off := u.list.GetScrollOffset(); off <= end || !u.follow.Following() {
		t.Fatalf("↓ did not follow again: %v", off)
	}
	add(20)
	if off := u.list.GetScrollOffset(); off <= end {
		t.Fatalf("following, but the view stayed at %v", off)
	}
}

// TestLANExplainedWhileStopped: ticking "Share on the LAN" before starting
// says what starting will do.
func TestLANExplainedWhileStopped(t *testing.T) {
	_, _, st := setup(t)
	u := st.view
	u.lan.SetChecked(true)
	if st.isRunning() || !strings.Contains(u.exposure.Text, "0.0.0.0") || !strings.Contains(u.exposure.Text, "confirm") || u.exposure.Importance != widget.WarningImportance {
		t.Fatalf("LAN ticked: %q", u.exposure.Text)
	}
	u.lan.SetChecked(false)
	if !strings.Contains(u.exposure.Text, "127.0.0.1") {
		t.Fatalf("LAN unticked: %q", u.exposure.Text)
	}
}

// TestLayoutFits: at 1024×700 (the page gets about 760 points beside the
// navigation) nothing is wider than the page in either language, with
// big counters; the Start/Stop button keeps its place and size.
func TestLayoutFits(t *testing.T) {
	defer app.ApplyLanguage(app.LangEnglish)
	for _, l := range []string{app.LangEnglish, app.LangChinese} {
		app.ApplyLanguage(l)
		ctx, w, st := setup(t)
		w.Resize(fyne.NewSize(760, 640))
		st.rates = rates{ReqPerSec: 123456.7, BytesPerSec: 999 << 20, Open: 1024, Total: 123456789, Conns: 1234567}
		w.SetContent(build(ctx))
		u := st.view
		if mw := w.Content().MinSize().Width; mw > 760 {
			t.Errorf("%s: page needs %v points", l, mw)
		}
		if c := u.counters; c.Size().Width < c.MinSize().Width || c.Size().Height < c.MinSize().Height {
			t.Errorf("%s: stats line clipped: %v < %v", l, c.Size(), c.MinSize())
		}
		pos, size := u.startBtn.Position(), u.startBtn.Size()
		startIn(t, st, t.TempDir())
		if u.startBtn.Position() != pos || u.startBtn.Size() != size {
			t.Errorf("%s: Start/Stop moved: %v %v → %v %v", l, pos, size, u.startBtn.Position(), u.startBtn.Size())
		}
		st.stopServer()
	}
}
