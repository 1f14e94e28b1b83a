package dnspanel

import (
	"net"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
)

// serverView is the "Classroom server" tab: one row to start and stop the
// server, the zone table (zonetable.go) over the record editor
// (editor.go) on the left, the live query log (querylog.go) on the right.
type serverView struct {
	p      *panel
	addr   *widget.Entry
	lan    *widget.Check
	button *widget.Button
	state  *widget.Label
	lanBox *fyne.Container
	errLbl *widget.Label

	zones  *zoneTable
	editor *recordEditor
	log    *queryLog
	view   fyne.CanvasObject
}

func newServerView(p *panel) *serverView {
	v := &serverView{p: p}
	v.addr = widget.NewEntry()
	v.addr.SetText(loopbackOf(p.ctx.Prefs().StringWithFallback(prefSrvAddr, dnsx.DefaultAddr)))
	if a := p.st.srv.Addr(); a != "" {
		v.addr.SetText(a) // running (this is a rebuild): show where
	}
	v.addr.OnChanged = func(string) { p.hideErrorAt(v.errLbl) }
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

	v.zones = newZoneTable(p.st)
	v.editor = newRecordEditor(p, v.zones)
	v.log = newQueryLog(p)
	edit := container.NewVSplit(v.zones.table, v.editor.view)
	edit.Offset = 0.6 // the editor keeps its minimum height; the table gets the rest
	zonesPane := container.NewBorder(v.zones.header, nil, nil, nil, edit)

	inputs := container.NewBorder(nil, nil, widget.NewLabel(lang.L("Listen on")), container.NewHBox(v.lan, v.button), v.addr)
	head := container.NewVBox(inputs, v.errLbl, container.NewBorder(nil, nil, nil, v.lanBox, v.state))
	split := container.NewHSplit(zonesPane, v.log.view)
	split.Offset = 0.5
	v.view = container.NewBorder(head, nil, nil, nil, split)
	v.refreshState()
	v.editor.refresh()
	v.log.refresh()
	return v
}

func (v *serverView) showError(msg string) { v.p.showErrorAt(v.errLbl, msg) }

// refreshState shows whether the server runs and where.
func (v *serverView) refreshState() {
	addr := v.p.st.srv.Addr()
	if addr == "" {
		v.button.SetText(lang.L("Start"))
		v.button.SetIcon(theme.MediaPlayIcon())
		v.state.SetText(lang.L("Stopped. Start the server, then look names up with the Classroom server choice or with dig @127.0.0.1 -p 5353 www.classroom.lab."))
		v.state.Importance = widget.MediumImportance
		v.state.Refresh()
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
	v.state.Importance = widget.SuccessImportance
	v.state.Refresh()
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
	v.p.hideErrorAt(v.errLbl)
	st := v.p.st
	if st.srv.Running() {
		if err := st.srv.Stop(); err != nil {
			v.showError(errText(err))
		} else {
			v.p.ctx.Status.Info(lang.L("The classroom DNS server stopped."))
		}
		v.p.showServerState()
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
	v.p.showServerState()
}
