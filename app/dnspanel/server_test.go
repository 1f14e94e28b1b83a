package dnspanel

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
)

// Tests of the classroom server tab: the record editor and the labels that
// say whether the server runs.

// fill types a record into the editor for classroom.lab.
func fill(e *recordEditor, name, ttl, typ, data string) {
	e.zones.zone.SetSelected("classroom.lab.")
	e.name.SetText(name)
	e.ttl.SetText(ttl)
	e.typ.SetSelected(typ)
	e.data.SetText(data)
}

// Add reports one outcome: a refused duplicate says so, in the editor and
// the status bar, and never "Added …" (it did before).
func TestAddDuplicateReportsOneOutcome(t *testing.T) {
	p, _ := newTestPanel(t)
	e := p.server.editor
	fill(e, "www", "300", "A", "192.0.2.80") // already in the built-in zone
	n := len(e.zones.records)
	test.Tap(e.addBtn)
	status := p.ctx.Status.MessageText()
	if strings.Contains(status, "Added") || status != "This record is already in the zone." || e.msg.Text != status || !e.msg.Visible() {
		t.Errorf("duplicate add: status %q, editor %q", status, e.msg.Text)
	}
	if len(e.zones.records) != n || p.st.dirty {
		t.Errorf("the duplicate changed the zone: %d records (was %d), dirty %v", len(e.zones.records), n, p.st.dirty)
	}
	// Editing the record takes the stale error away, from the status bar too.
	e.data.SetText("192.0.2.81")
	if e.msg.Visible() || p.ctx.Status.MessageText() != "" {
		t.Errorf("after an edit: editor %v %q, status %q", e.msg.Visible(), e.msg.Text, p.ctx.Status.MessageText())
	}
	test.Tap(e.addBtn)
	if got := p.ctx.Status.MessageText(); !strings.HasPrefix(got, "Added www.classroom.lab. 300 IN A 192.0.2.81") || len(e.zones.records) != n+1 || e.msg.Visible() {
		t.Errorf("add: status %q, %d records", got, len(e.zones.records))
	}
}

// A wildcard record is accepted, shown relative to the zone, and answers
// names below it with their own name as owner.
func TestWildcardRecordInEditor(t *testing.T) {
	p, done := newTestPanel(t)
	e := p.server.editor
	fill(e, "*.lab9", "60", "A", "192.0.2.9")
	test.Tap(e.valBtn)
	if !strings.HasPrefix(e.msg.Text, "The record is valid: *.lab9.classroom.lab. 60 IN A 192.0.2.9") {
		t.Fatalf("validate: %q", e.msg.Text)
	}
	test.Tap(e.addBtn)
	row := e.zones.sel
	if row < 0 || e.zones.relName(e.zones.records[row].Header().Name) != "*.lab9" {
		t.Fatalf("the added wildcard is not the selected row: %d %q", row, p.ctx.Status.MessageText())
	}
	cell := widget.NewLabel("")
	e.zones.table.UpdateCell(widget.TableCellID{Row: row, Col: 0}, cell)
	if cell.Text != "*.lab9" || e.name.Text != "*.lab9" {
		t.Errorf("table shows %q, editor %q", cell.Text, e.name.Text)
	}
	v := p.lookup
	v.mode.SetSelectedIndex(modeClassroom)
	lookup(t, p, done, "pc12.lab9.classroom.lab", "A")
	if v.rcode.Text != "NOERROR" || len(v.rows) != 1 || v.rows[0].rec.Name != "pc12.lab9.classroom.lab." || v.rows[0].rec.Data != "192.0.2.9" {
		t.Errorf("wildcard lookup: %q %+v", v.rcode.Text, v.rows)
	}
	lookup(t, p, done, "pc12.lab9.classroom.lab", "AAAA")
	if v.rcode.Text != "NOERROR" || len(v.rows) != 1 || v.rows[0].section != "authority" || v.rows[0].rec.Type != "SOA" {
		t.Errorf("wildcard NODATA: %q %+v", v.rcode.Text, v.rows)
	}
}

// An invalid record gets a plain message naming the field, in the user's
// language, and the buttons stay where they were, inside a 1024×700 window.
func TestInvalidRecordMessageKeepsButtons(t *testing.T) {
	app.ApplyLanguage(app.LangChinese)
	defer app.ApplyLanguage(app.LangEnglish)
	p, _ := newTestPanel(t)
	p.tabs.SelectIndex(tabServer)
	e := p.server.editor
	d := fyne.CurrentApp().Driver()
	before := d.AbsolutePositionForObject(e.saveBtn)
	e.typ.SetSelected("MX")
	e.data.SetText("mail")
	test.Tap(e.addBtn)
	if e.msg.Text != "数据：MX 记录不是这样写的；正确的样子是 10 mail。" || p.ctx.Status.MessageText() != e.msg.Text {
		t.Errorf("message: %q / status %q", e.msg.Text, p.ctx.Status.MessageText())
	}
	e.typ.SetSelected("A")
	e.data.SetText("300.1.1.1")
	test.Tap(e.addBtn)
	if e.msg.Text != "数据：“300.1.1.1”不是 IPv4 地址；A 记录存放一个 IPv4 地址，例如 192.0.2.10。" {
		t.Errorf("message: %q", e.msg.Text)
	}
	// a long message: every zone problem at once
	p.st.mu.Lock()
	for _, z := range p.st.zones {
		z.Records = z.Records[1:] // drop each SOA
	}
	p.st.mu.Unlock()
	e.data.SetText("")
	test.Tap(e.valBtn)
	if !e.msg.Visible() || strings.Count(e.msg.Text, "\n") < 3 {
		t.Fatalf("validate all: %q", e.msg.Text)
	}
	p.ctx.Window.Resize(fyne.NewSize(1024, 701)) // lay the window out again, as a frame would
	p.ctx.Window.Resize(fyne.NewSize(1024, 700))
	win := p.ctx.Window.Canvas().Size()
	if e.msg.Size().Height < e.saveBtn.Size().Height {
		t.Fatalf("the message is not laid out: %v", e.msg.Size())
	}
	for _, b := range []*widget.Button{e.addBtn, e.valBtn, e.saveBtn, e.reloadBtn} {
		pos := d.AbsolutePositionForObject(b)
		if !b.Visible() || pos.Y+b.Size().Height > win.Height || pos.Y < 0 {
			t.Errorf("%q is off screen: y %v + %v in %v", b.Text, pos.Y, b.Size().Height, win.Height)
		}
	}
	if after := d.AbsolutePositionForObject(e.saveBtn); after != before {
		t.Errorf("Save moved from %v to %v", before, after)
	}
}

// The server's running state and address show in the tab title, the
// lookup's server choice and the server tab.
func TestServerRunningLabel(t *testing.T) {
	p, _ := newTestPanel(t)
	tab := p.tabs.Items[tabServer]
	choice := func() string { return p.lookup.srvState.Text }
	if tab.Text != "Classroom server (stopped)" || choice() != "stopped: Look up starts it" || !p.lookup.srvState.Visible() {
		t.Errorf("stopped: tab %q, choice %q", tab.Text, choice())
	}
	test.Tap(p.server.button)
	addr := p.st.srv.Addr()
	if tab.Text != "Classroom server ("+addr+")" || choice() != "running on "+addr ||
		p.server.state.Importance != widget.SuccessImportance {
		t.Errorf("running: tab %q, choice %q", tab.Text, choice())
	}
	test.Tap(p.server.button)
	if tab.Text != "Classroom server (stopped)" || p.ctx.Status.MessageText() != "The classroom DNS server stopped." {
		t.Errorf("stopped again: tab %q, status %q", tab.Text, p.ctx.Status.MessageText())
	}
	// A lookup against the stopped server starts it, and the labels follow.
	done := make(chan struct{}, 1)
	uiDone = func() { done <- struct{}{} }
	p.lookup.mode.SetSelectedIndex(modeClassroom)
	lookup(t, p, done, "www.classroom.lab", "A")
	addr = p.st.srv.Addr()
	if addr == "" || tab.Text != "Classroom server ("+addr+")" || choice() != "running on "+addr {
		t.Errorf("started by a lookup: tab %q, state %q", tab.Text, choice())
	}
	p.lookup.mode.SetSelectedIndex(modeSystem)
	if p.lookup.srvState.Visible() {
		t.Error("the classroom server's state shows only while it is the chosen server")
	}
}
