package webpanel

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
)

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func setup(t *testing.T) (*app.Context, fyne.Window, *state) {
	tickEvery = time.Hour // the test drives tick itself
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	w.Resize(fyne.NewSize(1024, 700))
	ctx := app.NewContext(a, w, runtime.GOOS)
	w.SetContent(build(ctx))
	st := ctx.Keep("web.state", nil).(*state)
	t.Cleanup(st.stopServer)
	return ctx, w, st
}

func TestServeFlow(t *testing.T) {
	ctx, w, st := setup(t)
	u := st.view
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("hello class"), 0o644)

	// Bad inputs: errors next to the fields and in the status bar.
	u.dir.SetText(filepath.Join(dir, "missing"))
	u.port.SetText("70000")
	test.Tap(u.startBtn)
	if st.isRunning() || !u.dirErr.Visible() || !u.portErr.Visible() || ctx.Status.MessageText() == "" {
		t.Fatal("bad inputs must not start and must show errors")
	}

	port := freePort(t)
	u.dir.SetText(dir)
	u.port.SetText(strconv.Itoa(port))
	u.engine.SetSelected("portable")
	test.Tap(u.startBtn)
	if !st.isRunning() {
		t.Fatalf("not running: %s / %s", u.portErr.Text, ctx.Status.MessageText())
	}
	if u.startBtn.Text != "Stop server" || !u.dir.Disabled() {
		t.Fatal("running view not shown")
	}
	if len(u.urls.Objects) != 1 {
		t.Fatalf("want one URL card, got %d", len(u.urls.Objects))
	}
	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/"
	resp, err := http.Get(url + "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "hello class" {
		t.Fatalf("body %q", b)
	}
	// The log row appears and shows the raw messages when clicked.
	deadline := time.Now().Add(5 * time.Second)
	for len(st.log) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		st.tick()
	}
	if len(st.log) != 1 {
		t.Fatalf("log has %d rows", len(st.log))
	}
	if !strings.Contains(logLine(st.log[0]), " 200 GET  /a.txt · 11 B · ") {
		t.Fatalf("row %q", logLine(st.log[0]))
	}
	u.list.Select(0)
	if !strings.HasPrefix(u.reqView.Text, "GET /a.txt HTTP/1.1\\r\\n\n") || !strings.HasPrefix(u.respView.Text, "HTTP/1.1 200 OK\\r\\n\n") || !strings.Contains(u.respView.Text, "Content-Length: 11\\r\\n") {
		t.Fatalf("detail:\n%s\n%s", u.reqView.Text, u.respView.Text)
	}
	if !strings.Contains(u.counters.Text, "1 requests on 1 connections") {
		t.Fatalf("counters %q", u.counters.Text)
	}

	// A rebuild (language switch) keeps the server, the log and the dividers.
	u.body.SetOffset(0.7)
	u.detail.SetOffset(0.3)
	w.SetContent(build(ctx))
	u2 := st.view
	if u2 == u || !st.isRunning() || u2.list.Length() != 1 || u2.startBtn.Text != "Stop server" {
		t.Fatal("rebuild lost the running server")
	}
	if u2.body.Offset != 0.7 || u2.detail.Offset != 0.3 {
		t.Fatalf("rebuild moved the dividers: %v %v", u2.body.Offset, u2.detail.Offset)
	}
	test.Tap(u2.startBtn)
	if st.isRunning() {
		t.Fatal("stop did not stop")
	}
	if _, err := http.Get(url); err == nil {
		t.Fatal("server still answers after stop")
	}
	if !u2.startBtn.Visible() || u2.startBtn.Text != "Start server" {
		t.Fatal("stopped view not shown")
	}
}

func TestLANNeedsConfirmation(t *testing.T) {
	_, w, st := setup(t)
	u := st.view
	u.dir.SetText(t.TempDir())
	u.port.SetText(strconv.Itoa(freePort(t)))
	u.lan.SetChecked(true)
	test.Tap(u.startBtn)
	if st.isRunning() {
		t.Fatal("LAN sharing started without confirmation")
	}
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("no confirmation dialog")
	}
}

func TestLANConfirmedAndQR(t *testing.T) {
	lanHost = "127.0.0.1" // never listen on the real network in tests
	defer func() { lanHost = "0.0.0.0" }()
	_, w, st := setup(t)
	u := st.view
	u.dir.SetText(t.TempDir())
	u.port.SetText(strconv.Itoa(freePort(t)))
	u.engine.SetSelected("portable")
	u.lan.SetChecked(true)
	test.Tap(u.startBtn)
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no confirmation dialog")
	}
	var share *widget.Button
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Share on the LAN" {
			share = b
		}
	}
	if share == nil {
		t.Fatal("no Share button in the dialog")
	}
	test.Tap(share)
	if !st.isRunning() || !st.running.LAN {
		t.Fatal("confirmed LAN sharing did not start")
	}
	if u.exposure.Importance != widget.WarningImportance || !strings.Contains(u.exposure.Text, "LAN") {
		t.Fatalf("no visible LAN indicator: %q", u.exposure.Text)
	}
	// LAN URLs get a QR code each; the loopback URL does not.
	u.setURLs([]string{"http://127.0.0.1:8080/", "http://192.168.1.5:8080/", "http://10.0.0.7:8080/"}, true)
	if len(u.urls.Objects) != 3 {
		t.Fatalf("%d URL cards", len(u.urls.Objects))
	}
	for i, o := range u.urls.Objects {
		qrs := 0
		for _, x := range test.LaidOutObjects(o) {
			if img, ok := x.(*canvas.Image); ok && img.MinSize().Width >= 100 { // not the copy icon
				qrs++
			}
		}
		if want := map[bool]int{true: 0, false: 1}[i == 0]; qrs != want {
			t.Errorf("card %d: %d QR images, want %d", i, qrs, want)
		}
	}
}

func TestPortInUse(t *testing.T) {
	ctx, _, st := setup(t)
	u := st.view
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	u.dir.SetText(t.TempDir())
	u.port.SetText(strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	u.engine.SetSelected("portable")
	test.Tap(u.startBtn)
	if st.isRunning() || !strings.Contains(ctx.Status.MessageText(), "already in use") {
		t.Fatalf("port in use: running=%v, %q", st.isRunning(), ctx.Status.MessageText())
	}
}

func TestTranslationsComplete(t *testing.T) {
	keys := map[string]bool{}
	re := regexp.MustCompile(`lang\.L\(("(?:[^"\\]|\\.)*")`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			s, _ := strconv.Unquote(m[1])
			keys[s] = true
		}
	}
	keys["Web server"] = true
	keys["Serve a folder to browsers on this computer or to the whole class, and see every request and response."] = true
	ph := regexp.MustCompile(`{{\.\w+}}`)
	for _, l := range app.Languages {
		b, err := os.ReadFile(filepath.Join("i18n", l+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for k := range keys {
			v, ok := m[k]
			if !ok {
				t.Errorf("%s: missing %q", l, k)
				continue
			}
			a, b := ph.FindAllString(k, -1), ph.FindAllString(v, -1)
			sort.Strings(a)
			sort.Strings(b)
			if strings.Join(a, ",") != strings.Join(b, ",") {
				t.Errorf("%s: placeholders of %q differ", l, k)
			}
		}
		for k := range m {
			if !keys[k] {
				t.Errorf("%s: unused key %q", l, k)
			}
		}
	}
}
