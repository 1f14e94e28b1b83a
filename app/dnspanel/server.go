package dnspanel

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/miekg/dns"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
)

// Record types the editor offers.
var editTypes = []string{"A", "AAAA", "CNAME", "MX", "NS", "TXT", "PTR", "SRV", "CAA", "SOA"}

var dataHints = map[string]string{
	"A": "192.0.2.10", "AAAA": "2001:db8::10", "CNAME": "www", "MX": "10 mail", "NS": "ns1",
	"TXT": `"some text"`, "PTR": "www.classroom.lab.", "SRV": "0 5 80 www", "CAA": `0 issue "classroom.lab"`,
	"SOA": "ns1 teacher 2026112501 3600 600 86400 60",
}

type serverView struct {
	p      *panel
	addr   *widget.Entry
	lan    *widget.Check
	button *widget.Button
	state  *widget.Label
	lanBox *fyne.Container
	errLbl *widget.Label

	zone    *widget.Select
	table   *widget.Table
	records []dns.RR // of the selected zone
	sel     int
	eName   *widget.Entry
	eTTL    *widget.Entry
	eType   *widget.Select
	eData   *widget.Entry
	eErr    *widget.Label
	dirty   *widget.Label
	dirLbl  *widget.Label

	addBtn, updBtn, delBtn, valBtn, saveBtn, reloadBtn *widget.Button

	logList  *widget.List
	logItems []dnsx.LogEntry
	// logBottom is the log's scroll offset after it last followed to the
	// end; an offset above it means the reader scrolled up.
	logBottom float32
	follow    *widget.Button
	counters  *widget.Label
	view      fyne.CanvasObject
}

func newServerView(p *panel) *serverView {
	v := &serverView{p: p, sel: -1}
	v.addr = widget.NewEntry()
	v.addr.SetText(loopbackOf(p.ctx.Prefs().StringWithFallback(prefSrvAddr, dnsx.DefaultAddr)))
	if a := p.st.srv.Addr(); a != "" {
		v.addr.SetText(a) // running (this is a rebuild): show where
	}
	v.lan = widget.NewCheck(lang.L("Open to the LAN"), nil)
	v.lan.SetChecked(!dnsx.IsLoopback(v.addr.Text))
	v.lan.OnChanged = v.lanChanged
	v.button = primaryButton("", nil, v.toggle)
	v.state = widget.NewLabel("")
	v.state.Wrapping = fyne.TextWrapWord
	lanWarn := widget.NewLabel(lang.L("Open to the LAN: other computers can query this server."))
	lanWarn.Importance = widget.WarningImportance
	v.lanBox = container.NewHBox(widget.NewIcon(theme.WarningIcon()), lanWarn)
	v.errLbl = newErrorLabel()

	// zones and records
	v.zone = widget.NewSelect(nil, func(string) { v.sel = -1; v.loadRecords() })
	v.table = widget.NewTable(
		func() (int, int) { return len(v.records), 4 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row >= len(v.records) {
				return
			}
			r := dnsx.RecordOf(v.records[id.Row])
			o.(*widget.Label).SetText([]string{v.relName(r.Name), strconv.Itoa(int(r.TTL)), r.Type, r.Data}[id.Col])
		})
	v.table.ShowHeaderRow = true
	v.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	v.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText([]string{lang.L("Name"), "TTL", lang.L("Type"), lang.L("Data")}[id.Col])
		}
	}
	for i, w := range []float32{110, 55, 65, 320} {
		v.table.SetColumnWidth(i, w)
	}
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row < 0 || id.Row >= len(v.records) {
			return
		}
		v.sel = id.Row
		r := dnsx.RecordOf(v.records[id.Row])
		v.eName.SetText(v.relName(r.Name))
		v.eTTL.SetText(strconv.Itoa(int(r.TTL)))
		v.eType.SetSelected(r.Type)
		v.eData.SetText(r.Data)
	}

	v.eName = widget.NewEntry()
	v.eName.SetPlaceHolder("www")
	v.eTTL = widget.NewEntry()
	v.eTTL.SetText("300")
	v.eData = widget.NewEntry()
	v.eType = widget.NewSelect(editTypes, func(t string) { v.eData.SetPlaceHolder(dataHints[t]) })
	v.eType.SetSelected("A")
	v.eErr = widget.NewLabel("")
	v.eErr.Wrapping = fyne.TextWrapWord
	v.eErr.Hide()
	v.dirty = widget.NewLabel("")
	v.dirty.Truncation = fyne.TextTruncateEllipsis
	v.dirty.Importance = widget.WarningImportance
	v.dirLbl = widget.NewLabel(lang.L("Zone files: {{.Dir}}", map[string]any{"Dir": zoneDir(p.ctx)}))
	v.dirLbl.Truncation = fyne.TextTruncateEllipsis

	v.addBtn = widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), v.add)
	v.updBtn = widget.NewButtonWithIcon(lang.L("Update"), theme.DocumentCreateIcon(), v.update)
	v.delBtn = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), v.remove)
	v.valBtn = widget.NewButtonWithIcon(lang.L("Validate"), theme.ConfirmIcon(), v.validate)
	v.saveBtn = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), v.save)
	v.reloadBtn = widget.NewButtonWithIcon(lang.L("Reload"), theme.ViewRefreshIcon(), v.reload)
	copyDir := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		p.ctx.Window.Clipboard().SetContent(zoneDir(p.ctx))
		p.ctx.Status.Info(lang.L("Copied: {{.Text}}", map[string]any{"Text": zoneDir(p.ctx)}))
	})
	editor := container.NewVBox(
		container.New(layout.NewFormLayout(),
			widget.NewLabel(lang.L("Name")), v.eName,
			widget.NewLabel(lang.L("Type")), container.NewHBox(v.eType, widget.NewLabel("TTL"), sized(v.eTTL, 80)),
			widget.NewLabel(lang.L("Data")), v.eData),
		v.eErr,
		container.NewGridWithColumns(3, v.addBtn, v.updBtn, v.delBtn, v.valBtn, v.saveBtn, v.reloadBtn),
		v.dirty,
		container.NewBorder(nil, nil, nil, copyDir, v.dirLbl),
	)
	edit := container.NewVSplit(v.table, container.NewVScroll(editor))
	edit.Offset = 0.45
	zonesPane := container.NewBorder(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("Zone"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, v.zone),
		nil, nil, nil, edit)

	// query log
	v.logList = widget.NewList(
		func() int { return len(v.logItems) },
		func() fyne.CanvasObject {
			what := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			what.Truncation = fyne.TextTruncateEllipsis
			meta := widget.NewLabel("")
			meta.SizeName = theme.SizeNameCaptionText
			meta.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(what, meta)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(v.logItems) {
				what, meta := logParts(v.logItems[id])
				objs := o.(*fyne.Container).Objects
				objs[0].(*widget.Label).SetText(what)
				objs[1].(*widget.Label).SetText(meta)
			}
		})
	v.counters = widget.NewLabel("")
	v.counters.Truncation = fyne.TextTruncateEllipsis
	clear := widget.NewButtonWithIcon(lang.L("Clear"), theme.ContentClearIcon(), func() {
		p.st.clearLog()
		v.logBottom = 0
		v.refreshLog()
	})
	// Highlighted while the view is not following new queries; pressing it
	// jumps to the newest and follows again.
	v.follow = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() {
		v.logBottom = 0
		v.refreshLog()
	})
	copyLog := widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		var b strings.Builder
		for _, e := range v.logItems {
			b.WriteString(logLine(e) + "\n")
		}
		p.ctx.Window.Clipboard().SetContent(b.String())
		p.ctx.Status.Info(lang.L("The query log was copied."))
	})
	logPane := container.NewBorder(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("Query log"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			container.NewHBox(v.follow, copyLog, clear)),
		v.counters, nil, nil, v.logList)

	inputs := container.NewBorder(nil, nil, widget.NewLabel(lang.L("Listen on")), container.NewHBox(v.lan, v.button), v.addr)
	head := container.NewVBox(inputs, v.errLbl, container.NewBorder(nil, nil, nil, v.lanBox, v.state))
	split := container.NewHSplit(zonesPane, logPane)
	split.Offset = 0.5
	v.view = container.NewBorder(head, nil, nil, nil, split)
	v.refreshState()
	v.refreshZones()
	v.refreshLog()
	return v
}

// sized gives an entry a fixed width inside an HBox.
func sized(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}

// logLine is one query log entry on one line (for copying).
func logLine(e dnsx.LogEntry) string {
	what, meta := logParts(e)
	return meta + "  " + what
}

// logParts splits an entry into the question and its answer, and when,
// how and from where it came.
func logParts(e dnsx.LogEntry) (what, meta string) {
	name := e.Name
	if name == "" {
		name = "?"
	}
	what = fmt.Sprintf("%s %s → %s", name, e.Type, e.Rcode)
	if len(e.Flags) > 0 {
		what += " [" + strings.Join(e.Flags, " ") + "]"
	}
	if e.Note != "" {
		what += " · " + noteText(e.Note)
	}
	meta = fmt.Sprintf("%s %s %s · %d/%dB", e.Time.Format("15:04:05.000"), strings.ToUpper(e.Proto), e.Client, e.Answers, e.Size)
	return what, meta
}

func noteText(n string) string {
	switch {
	case n == dnsx.NoteRefused:
		return lang.L("not served here: REFUSED")
	case n == dnsx.NoteRateLimited:
		return lang.L("rate limit: dropped")
	case n == dnsx.NoteTruncated:
		return lang.L("truncated (TC): retry over TCP")
	case n == dnsx.NoteNotImpl:
		return lang.L("opcode not implemented: NOTIMP")
	case strings.HasPrefix(n, dnsx.NoteMalformed):
		return lang.L("malformed packet: FORMERR") + strings.TrimPrefix(n, dnsx.NoteMalformed)
	}
	return n
}

func (v *serverView) relName(name string) string {
	origin := v.zone.Selected
	if name == origin {
		return "@"
	}
	if origin != "." && strings.HasSuffix(name, "."+origin) {
		return strings.TrimSuffix(name, "."+origin)
	}
	return name
}

func (v *serverView) showError(msg string) { v.p.showErrorAt(v.errLbl, msg) }

// refreshState shows whether the server runs and where.
func (v *serverView) refreshState() {
	addr := v.p.st.srv.Addr()
	if addr == "" {
		v.button.SetText(lang.L("Start"))
		v.button.SetIcon(theme.MediaPlayIcon())
		v.state.SetText(lang.L("Stopped. Start the server, then look names up with the Classroom server choice or with dig @127.0.0.1 -p 5353 www.classroom.lab."))
		v.addr.Enable()
		v.lan.Enable()
		v.lanBox.Hide()
		return
	}
	v.button.SetText(lang.L("Stop"))
	v.button.SetIcon(theme.MediaStopIcon())
	host, port, _ := net.SplitHostPort(addr)
	v.state.SetText(lang.L("Listening on {{.Addr}} (UDP and TCP). Try: dig @{{.Host}} -p {{.Port}} www.classroom.lab", map[string]any{
		"Addr": addr, "Host": connectHost(host), "Port": port}))
	v.addr.Disable()
	v.lan.Disable()
	if dnsx.IsLoopback(addr) {
		v.lanBox.Hide()
	} else {
		v.lanBox.Show()
	}
}

func connectHost(h string) string {
	if ip := net.ParseIP(h); ip != nil && ip.IsUnspecified() {
		return "127.0.0.1"
	}
	return h
}

// lanChanged switches the address between loopback and all interfaces;
// opening the server to the LAN is confirmed first.
func (v *serverView) lanChanged(on bool) {
	_, port, err := net.SplitHostPort(strings.TrimSpace(v.addr.Text))
	if err != nil {
		port = "5353"
	}
	if !on {
		v.addr.SetText(net.JoinHostPort("127.0.0.1", port))
		return
	}
	if !dnsx.IsLoopback(v.addr.Text) {
		return // already a LAN address
	}
	dialog.ShowConfirm(lang.L("Open to the LAN?"),
		lang.L("Other computers on this network will be able to query the classroom DNS server. It answers only for its own zones and refuses everything else."),
		func(ok bool) {
			if ok {
				v.addr.SetText(net.JoinHostPort("0.0.0.0", port))
			} else {
				v.lan.SetChecked(false)
			}
		}, v.p.ctx.Window)
}

func (v *serverView) toggle() {
	v.errLbl.Hide()
	st := v.p.st
	if st.srv.Running() {
		if err := st.srv.Stop(); err != nil {
			v.showError(errText(err))
		}
		v.p.ctx.Status.Info(lang.L("The classroom DNS server stopped."))
		v.refreshState()
		return
	}
	addr := strings.TrimSpace(v.addr.Text)
	if _, _, err := net.SplitHostPort(addr); err != nil {
		v.showError(lang.L("Enter the address as host:port, e.g. 127.0.0.1:5353."))
		return
	}
	v.p.ctx.Prefs().SetString(prefSrvAddr, addr)
	bound, err := st.srv.Start(addr)
	if err != nil {
		v.showError(lang.L("The classroom server could not start: {{.Err}}", map[string]any{"Err": errText(err)}))
		return
	}
	v.p.ctx.Status.Info(lang.L("Started the classroom DNS server on {{.Addr}}.", map[string]any{"Addr": bound}))
	v.refreshState()
}

// refreshZones lists the zones and shows the selected one's records.
func (v *serverView) refreshZones() {
	st := v.p.st
	st.mu.Lock()
	var names []string
	for _, z := range st.zones {
		names = append(names, z.Origin)
	}
	dirty := st.dirty
	st.mu.Unlock()
	sel := v.zone.Selected
	v.zone.SetOptions(names)
	if sel == "" || !contains(names, sel) {
		sel = "classroom.lab."
		if !contains(names, sel) && len(names) > 0 {
			sel = names[0]
		}
	}
	v.zone.SetSelected(sel)
	v.loadRecords()
	if dirty {
		v.dirty.SetText(lang.L("Unsaved changes (the server already uses them)"))
	} else {
		v.dirty.SetText("")
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func (v *serverView) currentZone() *dnsx.Zone {
	for _, z := range v.p.st.zones {
		if z.Origin == v.zone.Selected {
			return z
		}
	}
	return nil
}

func (v *serverView) loadRecords() {
	v.p.st.mu.Lock()
	v.records = nil
	if z := v.currentZone(); z != nil {
		v.records = append(v.records, z.Records...)
	}
	v.p.st.mu.Unlock()
	v.table.UnselectAll()
	v.sel = -1
	v.table.Refresh()
}

// editorRecord parses the editor's fields for the selected zone.
func (v *serverView) editorRecord() (dns.RR, error) {
	ttl, err := strconv.ParseUint(strings.TrimSpace(v.eTTL.Text), 10, 32)
	if err != nil {
		return nil, fmt.Errorf("%s", lang.L("TTL must be a whole number of seconds."))
	}
	name := strings.TrimSpace(v.eName.Text)
	if name == "" {
		name = "@"
	}
	return dnsx.ParseRecord(v.zone.Selected, dnsx.RecordLine(name, uint32(ttl), v.eType.Selected, v.eData.Text))
}

func (v *serverView) editorError(err error) {
	msg := errText(err)
	var ze *dnsx.ZoneError
	if e, ok := err.(*dnsx.ZoneError); ok {
		ze = e
		msg = lang.L("This record is not valid: {{.Msg}}", map[string]any{"Msg": ze.Msg})
	}
	v.eErr.Importance = widget.DangerImportance
	v.eErr.SetText(msg)
	v.eErr.Show()
	v.p.ctx.Status.Error(msg)
}

// apply serves zones changed by edit, or explains why it cannot.
func (v *serverView) apply(edit func(z *dnsx.Zone) error) {
	st := v.p.st
	st.mu.Lock()
	next := make([]*dnsx.Zone, len(st.zones))
	var cur *dnsx.Zone
	for i, z := range st.zones {
		next[i] = z.Clone()
		if z.Origin == v.zone.Selected {
			cur = next[i]
		}
	}
	st.mu.Unlock()
	if cur == nil {
		return
	}
	if err := edit(cur); err != nil {
		v.editorError(err)
		return
	}
	v.serve(next, true)
}

// serve makes zones the served set (or says why not) and shows them.
func (v *serverView) serve(zones []*dnsx.Zone, dirty bool) bool {
	st := v.p.st
	if err := st.srv.SetZones(zones); err != nil {
		v.editorError(err)
		return false
	}
	st.mu.Lock()
	st.zones, st.dirty = zones, dirty
	st.mu.Unlock()
	v.eErr.Hide()
	v.refreshZones()
	return true
}

func (v *serverView) add() {
	rr, err := v.editorRecord()
	if err != nil {
		v.editorError(err)
		return
	}
	v.apply(func(z *dnsx.Zone) error {
		for _, x := range z.Records {
			if dns.IsDuplicate(x, rr) {
				return fmt.Errorf("%s", lang.L("This record is already in the zone."))
			}
		}
		z.Records = append(z.Records, rr)
		return nil
	})
	v.p.ctx.Status.Info(lang.L("Added {{.RR}}", map[string]any{"RR": rr.String()}))
}

func (v *serverView) update() {
	if v.sel < 0 {
		v.editorError(fmt.Errorf("%s", lang.L("Select a record in the table first.")))
		return
	}
	rr, err := v.editorRecord()
	if err != nil {
		v.editorError(err)
		return
	}
	i := v.sel
	v.apply(func(z *dnsx.Zone) error {
		if i >= len(z.Records) {
			return fmt.Errorf("%s", lang.L("Select a record in the table first."))
		}
		z.Records[i] = rr
		return nil
	})
}

func (v *serverView) remove() {
	if v.sel < 0 {
		v.editorError(fmt.Errorf("%s", lang.L("Select a record in the table first.")))
		return
	}
	i := v.sel
	v.apply(func(z *dnsx.Zone) error {
		if i >= len(z.Records) {
			return fmt.Errorf("%s", lang.L("Select a record in the table first."))
		}
		z.Records = append(z.Records[:i], z.Records[i+1:]...)
		return nil
	})
}

// validate checks the record in the editor and all zones.
func (v *serverView) validate() {
	if strings.TrimSpace(v.eData.Text) != "" {
		rr, err := v.editorRecord()
		if err != nil {
			v.editorError(err)
			return
		}
		v.eErr.Importance = widget.SuccessImportance
		v.eErr.SetText(lang.L("The record is valid: {{.RR}}", map[string]any{"RR": rr.String()}))
		v.eErr.Show()
		return
	}
	v.p.st.mu.Lock()
	var errs []string
	for _, z := range v.p.st.zones {
		if err := z.Clone().Validate(); err != nil {
			errs = append(errs, err.Error())
		}
	}
	v.p.st.mu.Unlock()
	if len(errs) > 0 {
		v.editorError(fmt.Errorf("%s", strings.Join(errs, "\n")))
		return
	}
	v.eErr.Importance = widget.SuccessImportance
	v.eErr.SetText(lang.L("All zones are valid."))
	v.eErr.Show()
}

func (v *serverView) save() {
	st := v.p.st
	st.mu.Lock()
	zones := st.zones
	st.mu.Unlock()
	dir := zoneDir(v.p.ctx)
	if err := dnsx.SaveZones(dir, zones); err != nil {
		v.editorError(err)
		return
	}
	st.mu.Lock()
	st.dirty = false
	st.mu.Unlock()
	v.refreshZones()
	v.p.ctx.Status.Info(lang.L("Zones saved in {{.Dir}}.", map[string]any{"Dir": dir}))
}

// reload reads the saved zone files again (the built-in zones if none
// were saved), dropping unsaved changes.
func (v *serverView) reload() {
	dir := zoneDir(v.p.ctx)
	zones, err := dnsx.LoadZoneDir(dir)
	if err != nil {
		v.editorError(err)
		return
	}
	from := dir
	if len(zones) == 0 {
		zones, from = dnsx.BuiltinZones(), lang.L("the built-in zones")
	}
	if v.serve(zones, false) {
		v.p.ctx.Status.Info(lang.L("Zones reloaded from {{.Dir}}.", map[string]any{"Dir": from}))
	}
}

// refreshLog shows the buffered query log (runs on the UI goroutine).
func (v *serverView) refreshLog() {
	items := v.p.st.logSnapshot()
	v.logItems = items
	q, d := v.p.st.srv.Counters()
	v.counters.SetText(lang.L("{{.Q}} queries, {{.D}} dropped by the rate limit", map[string]any{"Q": q, "D": d}))
	// Follow new queries unless the reader has scrolled up to look at an
	// older one: then the view stays where it is until they scroll back
	// down to the end.
	follow := v.logList.GetScrollOffset() >= v.logBottom-1
	v.logList.Refresh()
	if len(items) > 0 && follow {
		v.logList.ScrollToBottom()
		v.logBottom = v.logList.GetScrollOffset()
	}
	imp := widget.MediumImportance
	if !follow {
		imp = widget.HighImportance
	}
	if v.follow.Importance != imp {
		v.follow.Importance = imp
		v.follow.Refresh()
	}
}
