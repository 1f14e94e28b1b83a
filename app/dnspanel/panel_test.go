package dnspanel

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/dnsx"
)

// newTestPanel builds the page in the test driver with a private zone
// directory and hosts file, and the server on a free loopback port.
func newTestPanel(t *testing.T) (*panel, chan struct{}) {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	w.Resize(fyne.NewSize(1024, 700))
	ctx := app.NewContext(a, w, runtime.GOOS)
	dir := t.TempDir()
	zoneDir = func(*app.Context) string { return filepath.Join(dir, "zones") }
	hosts := filepath.Join(dir, "hosts")
	os.WriteFile(hosts, []byte("127.0.0.1 localhost\n192.0.2.80 www.classroom.lab\n"), 0o644)
	hostsPath = func() string { return hosts }
	logRefresh = time.Hour // the test refreshes the log view itself
	done := make(chan struct{}, 16)
	uiDone = func() { done <- struct{}{} }
	a.Preferences().SetString(prefSrvAddr, "127.0.0.1:0")
	p := newPanel(ctx)
	w.SetContent(p.view)
	t.Cleanup(func() { p.st.shutdown(); uiDone = func() {} })
	return p, done
}

func wait(t *testing.T, done chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the lookup did not finish")
	}
}

func lookup(t *testing.T, p *panel, done chan struct{}, name, typ string) {
	t.Helper()
	v := p.lookup
	v.name.SetText(name)
	v.typ.SetSelected(typ)
	test.Tap(v.button)
	wait(t, done)
}

func TestClassroomFlow(t *testing.T) {
	p, done := newTestPanel(t)
	s := p.server

	// Start the classroom server.
	test.Tap(s.button)
	addr := p.st.srv.Addr()
	if addr == "" || !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("server not started: %q (%s)", addr, s.errLbl.Text)
	}
	if !strings.Contains(s.state.Text, "Listening on "+addr) || s.button.Text != "Stop" || s.lanBox.Visible() {
		t.Errorf("state: %q, button %q, LAN warning %v", s.state.Text, s.button.Text, s.lanBox.Visible())
	}

	// Look up www.classroom.lab against it.
	v := p.lookup
	v.mode.SetSelectedIndex(modeClassroom)
	lookup(t, p, done, "www.classroom.lab", "A")
	if len(v.rows) != 1 || v.rows[0].rec.Data != "192.0.2.80" || v.rows[0].section != "answer" || v.rcode.Text != "NOERROR" {
		t.Fatalf("rows %+v rcode %q err %q", v.rows, v.rcode.Text, v.errLbl.Text)
	}
	if !strings.Contains(v.summary.Text, "answered by "+addr+" over UDP") || !strings.Contains(v.hosts.Text, "line 2: 192.0.2.80 www.classroom.lab") {
		t.Errorf("summary %q hosts %q", v.summary.Text, v.hosts.Text)
	}
	chips := map[string]*flagChip{}
	for _, o := range v.flags.Objects {
		c := o.(*flagChip)
		chips[c.name] = c
	}
	if len(chips) != 7 || !chips["aa"].set || chips["ra"].set || !chips["qr"].set {
		t.Errorf("flags: %+v", chips)
	}
	test.Tap(chips["aa"])
	if !strings.HasPrefix(v.explain.Text, "AA (authoritative answer)") || !strings.HasSuffix(v.explain.Text, "(set)") {
		t.Errorf("explain: %q", v.explain.Text)
	}
	if !strings.Contains(v.rawText, ";; ANSWER\nwww.classroom.lab.\t300\tIN\tA\t192.0.2.80") || !strings.Contains(v.rawText, "ANCOUNT: 1") {
		t.Errorf("raw: %s", v.rawText)
	}

	// An IP becomes a PTR lookup.
	lookup(t, p, done, "192.0.2.25", "A")
	if len(v.rows) != 1 || v.rows[0].rec.Type != "PTR" || v.rows[0].rec.Data != "mail.classroom.lab." {
		t.Errorf("PTR: %+v", v.rows)
	}
	// Big answer over UDP: truncated, retried over TCP.
	lookup(t, p, done, "big.classroom.lab", "TXT")
	if len(v.rows) != 6 || strings.Contains(v.summary.Text, "truncated") || !strings.Contains(v.summary.Text, "over UDP") {
		t.Errorf("big TXT fits in the 1232-byte EDNS buffer: %d rows, %q", len(v.rows), v.summary.Text)
	}
	// A name it does not serve.
	lookup(t, p, done, "example.com", "A")
	if v.rcode.Text != "REFUSED" || len(v.rows) != 0 || !strings.Contains(v.summary.Text, "REFUSED: the server does not serve") {
		t.Errorf("REFUSED: %q %q", v.rcode.Text, v.summary.Text)
	}

	// Add a record in the zone editor and see it resolve.
	s.zones.zone.SetSelected("classroom.lab.")
	s.editor.name.SetText("lab7")
	s.editor.ttl.SetText("60")
	s.editor.typ.SetSelected("A")
	s.editor.data.SetText("192.0.2.77")
	addBtn, delBtn, saveBtn, reloadBtn, valBtn := s.editor.addBtn, s.editor.delBtn, s.editor.saveBtn, s.editor.reloadBtn, s.editor.valBtn
	test.Tap(valBtn)
	if !strings.HasPrefix(s.editor.msg.Text, "The record is valid: lab7.classroom.lab. 60 IN A 192.0.2.77") {
		t.Errorf("validate: %q", s.editor.msg.Text)
	}
	test.Tap(addBtn)
	if s.editor.msg.Visible() || !strings.Contains(s.editor.dirty.Text, "Unsaved") {
		t.Fatalf("add: %q / %q", s.editor.msg.Text, s.editor.dirty.Text)
	}
	lookup(t, p, done, "lab7.classroom.lab", "A")
	if len(v.rows) != 1 || v.rows[0].rec.Data != "192.0.2.77" || v.rows[0].rec.TTL != 60 {
		t.Fatalf("the added record does not resolve: %+v %q", v.rows, v.errLbl.Text)
	}
	test.Tap(addBtn)
	if !s.editor.msg.Visible() || !strings.Contains(s.editor.msg.Text, "already") {
		t.Errorf("duplicate: %q", s.editor.msg.Text)
	}

	// A bad record is refused next to the editor, in words.
	s.editor.data.SetText("300.1.1.1")
	test.Tap(addBtn)
	if !s.editor.msg.Visible() || !strings.HasPrefix(s.editor.msg.Text, "Data: “300.1.1.1” is not an IPv4 address") || p.ctx.Status.MessageText() != s.editor.msg.Text {
		t.Errorf("bad record: %q / status %q", s.editor.msg.Text, p.ctx.Status.MessageText())
	}

	// Save, delete, reload: the saved record comes back.
	test.Tap(saveBtn)
	if _, err := os.Stat(filepath.Join(zoneDir(p.ctx), "classroom.lab.zone")); err != nil || s.editor.dirty.Text != "" {
		t.Fatalf("save: %v %q", err, s.editor.dirty.Text)
	}
	row := -1
	for i, rr := range s.zones.records {
		if rr.Header().Name == "lab7.classroom.lab." {
			row = i
		}
	}
	s.zones.table.Select(widget.TableCellID{Row: row})
	if s.editor.name.Text != "lab7" || s.editor.data.Text != "192.0.2.77" {
		t.Errorf("selecting fills the editor: %q %q", s.editor.name.Text, s.editor.data.Text)
	}
	test.Tap(delBtn)
	lookup(t, p, done, "lab7.classroom.lab", "A")
	if v.rcode.Text != "NXDOMAIN" {
		t.Errorf("after delete: %q", v.rcode.Text)
	}
	test.Tap(reloadBtn)
	lookup(t, p, done, "lab7.classroom.lab", "A")
	if len(v.rows) != 1 || v.rows[0].rec.Data != "192.0.2.77" {
		t.Errorf("after reload: %+v", v.rows)
	}

	// The query log saw the lookups.
	s.log.refresh()
	if n := len(s.log.items); n < 6 || !strings.Contains(logLine(s.log.items[0]), "www.classroom.lab. A → NOERROR [qr aa rd]") {
		t.Errorf("log (%d): %v", n, s.log.items)
	}
	found := false
	for _, e := range s.log.items {
		if strings.Contains(logLine(e), "not served here: REFUSED") {
			found = true
		}
	}
	if !found || !strings.HasPrefix(s.log.counters.Text, "") {
		t.Error("the REFUSED query is not in the log")
	}

	// Trace from the root through the classroom hierarchy.
	tv := p.trace
	tv.from.SetSelectedIndex(fromClassroom)
	tv.name.SetText("www.classroom.lab")
	test.Tap(tv.button)
	wait(t, done)
	if len(tv.steps) != 4 || tv.steps[3].Kind != dnsx.StepAnswer || !strings.Contains(tv.status.Text, "Done in 4 steps") {
		t.Fatalf("trace: %+v %q %q", tv.steps, tv.status.Text, tv.errLbl.Text)
	}
	if l := stepLine(tv.steps[1]); !strings.Contains(l, "Asked a.root-servers.lab. (zone .) at "+addr) || !strings.Contains(l, "referral: lab. is served by ns1.lab.") {
		t.Errorf("step 2: %q", l)
	}
	tv.list.Select(2)
	if !strings.Contains(tv.detail.Text, ";; Authority\nclassroom.lab.\t3600\tIN\tNS\tns1.classroom.lab.") {
		t.Errorf("detail: %q", tv.detail.Text)
	}

	// Stop.
	test.Tap(s.button)
	if p.st.srv.Running() || s.button.Text != "Start" {
		t.Error("stop")
	}
}

func TestInputsRememberedAndStateSurvivesRebuild(t *testing.T) {
	p, done := newTestPanel(t)
	v := p.lookup
	v.mode.SetSelectedIndex(modeClassroom)
	v.proto.SetSelected("TCP")
	v.timeout.SetSelected("5s")
	lookup(t, p, done, "mail.classroom.lab", "MX")
	if !p.st.srv.Running() {
		t.Fatal("looking up against the classroom server starts it")
	}
	if !strings.Contains(p.ctx.Status.MessageText(), "Started the classroom DNS server") {
		t.Errorf("status: %q", p.ctx.Status.MessageText())
	}
	if v.result == nil || v.result.Transport != "tcp" || v.rcode.Text != "NOERROR" {
		t.Errorf("TCP lookup: %+v", v.result)
	}
	addr := p.st.srv.Addr()
	// A rebuild (language switch) makes a new view over the same state.
	p2 := newPanel(p.ctx)
	if p2.st != p.st || p2.st.srv.Addr() != addr {
		t.Error("the server must survive a rebuild")
	}
	v2 := p2.lookup
	if v2.name.Text != "mail.classroom.lab" || v2.typ.Selected != "MX" || v2.proto.Selected != "TCP" ||
		v2.timeout.Selected != "5s" || v2.mode.SelectedIndex() != modeClassroom {
		t.Errorf("inputs not remembered: %q %q %q %q %d", v2.name.Text, v2.typ.Selected, v2.proto.Selected, v2.timeout.Selected, v2.mode.SelectedIndex())
	}
	if p2.server.button.Text != "Stop" || !strings.Contains(p2.server.state.Text, addr) {
		t.Errorf("the rebuilt server tab shows it running: %q", p2.server.state.Text)
	}
}

func TestBadInputsExplained(t *testing.T) {
	p, _ := newTestPanel(t)
	v := p.lookup
	v.name.SetText("bad..name")
	test.Tap(v.button)
	if !v.errLbl.Visible() || !strings.HasPrefix(v.errLbl.Text, "This is not a name NetLab can look up") || p.ctx.Status.MessageText() != v.errLbl.Text {
		t.Errorf("bad name: %q", v.errLbl.Text)
	}
	v.name.SetText("www.classroom.lab")
	v.mode.SetSelectedIndex(modeCustom)
	if !v.customBox.Visible() {
		t.Error("the custom server entry shows for a custom server")
	}
	v.custom.SetText("")
	test.Tap(v.button)
	if !strings.HasPrefix(v.errLbl.Text, "Enter the server as host:port") {
		t.Errorf("empty custom server: %q", v.errLbl.Text)
	}
	s := p.server
	s.addr.SetText("no-port")
	test.Tap(s.button)
	if !s.errLbl.Visible() || p.st.srv.Running() {
		t.Errorf("bad listen address: %q", s.errLbl.Text)
	}
	s.editor.ttl.SetText("soon")
	s.editor.data.SetText("192.0.2.1")
	test.Tap(s.editor.addBtn)
	if !strings.HasPrefix(s.editor.msg.Text, "TTL: “soon” is not a whole number") {
		t.Errorf("bad TTL: %q", s.editor.msg.Text)
	}
	test.Tap(s.editor.delBtn)
	if !strings.Contains(s.editor.msg.Text, "Select a record") {
		t.Errorf("delete without selection: %q", s.editor.msg.Text)
	}
	// Deleting the only SOA would break the zone: refused, zone unchanged.
	s.zones.zone.SetSelected("lab.")
	n := len(s.zones.records)
	s.zones.table.Select(widget.TableCellID{Row: 0})
	test.Tap(s.editor.delBtn)
	if len(s.zones.records) != n || !s.editor.msg.Visible() || !strings.Contains(s.editor.msg.Text, "SOA") {
		t.Errorf("deleting the SOA: %d records, %q", len(s.zones.records), s.editor.msg.Text)
	}
}

func TestChinese(t *testing.T) {
	app.ApplyLanguage(app.LangChinese)
	defer app.ApplyLanguage(app.LangEnglish)
	p, done := newTestPanel(t)
	if got := p.tabs.Items[0].Text; got != "查询" {
		t.Fatalf("tab: %q", got)
	}
	test.Tap(p.server.button)
	if p.server.button.Text != "停止" || !strings.HasPrefix(p.server.state.Text, "正在监听") {
		t.Errorf("server tab: %q %q", p.server.button.Text, p.server.state.Text)
	}
	lookup(t, p, done, "nobody.classroom.lab", "A")
	if !strings.Contains(p.lookup.summary.Text, "NXDOMAIN：这个域名不存在。") {
		t.Errorf("summary: %q", p.lookup.summary.Text)
	}
}

// buttonIn finds a button by its text among o and its descendants.
func buttonIn(o fyne.CanvasObject, text string) *widget.Button {
	if b, ok := o.(*widget.Button); ok && b.Text == text {
		return b
	}
	var kids []fyne.CanvasObject
	switch c := o.(type) {
	case *fyne.Container:
		kids = c.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(c).Objects()
	}
	for _, k := range kids {
		if b := buttonIn(k, text); b != nil {
			return b
		}
	}
	return nil
}

func TestLANIsOptInWithConfirmation(t *testing.T) {
	p, _ := newTestPanel(t)
	s := p.server
	s.addr.SetText("127.0.0.1:5353")
	s.lan.SetChecked(true)
	top := p.ctx.Window.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("opening to the LAN must ask first")
	}
	if s.addr.Text != "127.0.0.1:5353" {
		t.Errorf("the address changed before the answer: %q", s.addr.Text)
	}
	no := buttonIn(top, "No")
	if no == nil {
		t.Fatal("no No button")
	}
	test.Tap(no)
	if s.lan.Checked || s.addr.Text != "127.0.0.1:5353" {
		t.Errorf("No keeps loopback: %v %q", s.lan.Checked, s.addr.Text)
	}
	s.lan.SetChecked(true)
	top = p.ctx.Window.Canvas().Overlays().Top()
	test.Tap(buttonIn(top, "Yes"))
	if !s.lan.Checked || s.addr.Text != "0.0.0.0:5353" {
		t.Errorf("Yes opens it: %v %q", s.lan.Checked, s.addr.Text)
	}
	s.lan.SetChecked(false)
	if s.addr.Text != "127.0.0.1:5353" {
		t.Errorf("unchecking goes back to loopback: %q", s.addr.Text)
	}
	if s.lanBox.Visible() {
		t.Error("the LAN warning shows only while listening beyond loopback")
	}
	// A LAN address in preferences is not restored: opt in again each time.
	p.ctx.Prefs().SetString(prefSrvAddr, "0.0.0.0:5354")
	p2 := newPanel(p.ctx)
	if p2.server.addr.Text != "127.0.0.1:5354" || p2.server.lan.Checked {
		t.Errorf("restored: %q %v", p2.server.addr.Text, p2.server.lan.Checked)
	}
	if loopbackOf("[::1]:53") != "[::1]:53" || loopbackOf("junk") != dnsx.DefaultAddr {
		t.Error("loopbackOf")
	}
}

// The query log follows new queries, stops following when the reader
// scrolls up, and the follow button brings it back.
func TestQueryLogFollows(t *testing.T) {
	p, _ := newTestPanel(t)
	p.tabs.SelectIndex(2) // classroom server
	s := p.server
	add := func(n int) {
		for i := range n {
			p.st.onQuery(dnsx.LogEntry{Time: time.Now(), Proto: "udp", Client: "127.0.0.1:5353", Name: fmt.Sprintf("n%d.classroom.lab.", i), Type: "A", Rcode: "NOERROR"})
		}
		s.log.refresh()
	}
	add(200)
	bottom := s.log.list.GetScrollOffset()
	if bottom <= 0 || s.log.follow.Button.Importance == widget.HighImportance {
		t.Fatalf("after 200 queries: offset %v, follow button %v; want at the end, following", bottom, s.log.follow.Button.Importance)
	}
	add(5)
	if off := s.log.list.GetScrollOffset(); off <= bottom {
		t.Fatalf("did not follow new queries: offset %v, was %v", off, bottom)
	}
	s.log.list.ScrollToTop()
	add(5)
	if off := s.log.list.GetScrollOffset(); off != 0 || s.log.follow.Button.Importance != widget.HighImportance {
		t.Fatalf("scrolled up: offset %v, follow button %v; want it left alone and the button highlighted", off, s.log.follow.Button.Importance)
	}
	test.Tap(s.log.follow.Button)
	if off := s.log.list.GetScrollOffset(); off <= bottom || s.log.follow.Button.Importance == widget.HighImportance {
		t.Fatalf("after the follow button: offset %v, button %v", off, s.log.follow.Button.Importance)
	}
}
