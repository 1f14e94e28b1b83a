package tcppanel

import (
	"bufio"
	"fyne.io/fyne/v2/test"
	"github.com/netlab-classroom/netlab/app"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func TestAutoReplyAndRepeat(t *testing.T) {
	u, _ := newPanel(t)
	addr := startServer(t, u)
	c := dialServer(t, addr)
	waitUI(t, u, "client", func() bool { return len(u.s.srv.OpenIDs()) == 1 })

	// the default example rule (ping → pong\r\n) switched on, plus a regex rule
	a := u.auto
	a.edits[0].on.SetChecked(true)
	a.addRow(a.rules()[0])
	last := a.edits[len(a.edits)-1]
	last.kind.SetSelectedIndex(2)
	last.pattern.SetText(`n(\d)`)
	last.reply.SetText(`<$1>`)
	a.apply()
	if !strings.Contains(a.info.Text, "2 rules") {
		t.Fatalf("apply: %q", a.info.Text)
	}
	c.Write([]byte("ping\r\n"))
	r := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := r.ReadString('\n')
	if err != nil || line != "pong\r\n" {
		t.Fatalf("auto reply %q %v", line, err)
	}
	c.Write([]byte("n1 n2"))
	buf := make([]byte, 6)
	if _, err := r.Read(buf[:3]); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(buf[3:]); err != nil {
		t.Fatal(err)
	}
	if string(buf) != "<1><2>" {
		t.Fatalf("regex replies %q", buf)
	}
	// a bad regex is refused with its rule number
	last.pattern.SetText("(")
	a.apply()
	if !strings.Contains(a.info.Text, "Rule 2") {
		t.Fatalf("bad rule: %q", a.info.Text)
	}
	a.echo.SetChecked(false)
	for _, e := range a.edits {
		e.on.SetChecked(false)
	}
	a.apply()

	// repeat 3 times every 10 ms
	done := make(chan int, 1)
	u.send.periodDone = func(n int) { done <- n }
	u.send.hex.SetChecked(false)
	u.send.lineEnd.SetSelectedIndex(0)
	u.send.entry.SetText("tick\n")
	u.send.interval.SetText("10")
	u.send.count.SetText("3")
	u.send.togglePeriodic()
	select {
	case n := <-done:
		if n != 3 {
			t.Fatalf("repeated %d", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("repeat did not finish")
	}
	for i := 0; i < 3; i++ {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if l, err := r.ReadString('\n'); err != nil || l != "tick\n" {
			t.Fatalf("tick %d: %q %v", i, l, err)
		}
	}
}

func TestGBKView(t *testing.T) {
	u, _ := newPanel(t)
	addr := startServer(t, u)
	c := dialServer(t, addr)
	u.recv.charset.SetSelected("GBK")
	// 你好 in GBK, split inside 好
	c.Write([]byte{0xc4, 0xe3, 0xba})
	waitUI(t, u, "first part", func() bool { return strings.Contains(viewText(u), "|你\n") })
	time.Sleep(50 * time.Millisecond)
	c.Write([]byte{0xc3, '\r', '\n'})
	waitUI(t, u, "second part", func() bool { return strings.Contains(viewText(u), `|好\r\n`) })
	if strings.Contains(viewText(u), "\uFFFD") {
		t.Fatalf("broken character:\n%s", viewText(u))
	}
	// switching to hex rebuilds from the log
	u.recv.hexView.SetChecked(true)
	if !strings.Contains(viewText(u), "c4 e3 ba") {
		t.Fatalf("hex view:\n%s", viewText(u))
	}
}

// The page fits the right-hand side of a 1024x700 window in every mode and
// both languages (the shell's navigation takes about 185 px, its title,
// intro and status bar about 140 px).
func TestFits1024x700(t *testing.T) {
	for _, l := range []string{"en", "zh_Hans"} {
		app.ApplyLanguage(l)
		u, _ := newPanel(t)
		for i, mode := range []string{"server", "client", "udp"} {
			u.addr.mode.SetSelectedIndex(i)
			m := u.root.MinSize()
			if m.Width > 1024-185 || m.Height > 700-140 {
				t.Errorf("%s %s: min size %.0fx%.0f", l, mode, m.Width, m.Height)
			}
		}
	}
	app.ApplyLanguage("en")
}

func TestHalfCloseAndAbortButtons(t *testing.T) {
	u, _ := newPanel(t)
	addr := startServer(t, u)
	c1, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	waitUI(t, u, "client", func() bool { return len(u.server.rows) == 1 })
	u.s.selected[u.server.rows[0].ID] = true
	test.Tap(findButtons(u.root, "Half-close")[0])
	// the client sees FIN (EOF) but may still send
	c1.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := c1.Read(make([]byte, 8)); err != io.EOF {
		t.Fatalf("after half-close: %d %v", n, err)
	}
	waitUI(t, u, "half-closed state", func() bool {
		return len(u.server.rows) == 1 && u.server.rows[0].State == "we sent FIN (half-closed)"
	})
	c1.Write([]byte("still talking"))
	waitUI(t, u, "data after FIN", func() bool { return strings.Contains(viewText(u), "|still talking") })

	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	waitUI(t, u, "second client", func() bool { return len(u.s.srv.OpenIDs()) == 2 })
	for id := range u.s.selected {
		delete(u.s.selected, id)
	}
	for _, ci := range u.server.rows {
		if ci.Remote == c2.LocalAddr().String() {
			u.s.selected[ci.ID] = true
		}
	}
	test.Tap(findButtons(u.root, "Abort (RST)")[0])
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c2.Read(make([]byte, 8)); err == nil || err == io.EOF {
		t.Fatalf("abort: %v, want connection reset", err)
	}
	waitUI(t, u, "aborted", func() bool { return strings.Contains(viewText(u), "aborted by us (RST sent)") })
}
