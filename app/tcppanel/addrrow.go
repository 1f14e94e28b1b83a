package tcppanel

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/widgets/sized"
)

// addrRow is the session's first row: mode, host, port, all interfaces
// and the Start/Connect/Bind button, with the address error under it.
type addrRow struct {
	u           *sessionUI
	root        fyne.CanvasObject
	mode        *widget.Select
	host        *widget.Entry
	port        *widget.Entry
	allIfaces   *widget.Check
	exposedWarn *widget.Label
	startBtn    *widget.Button
	newBtn      *widget.Button // opens another session (both ends of a connection)
	errLabel    *widget.Label
	// fixBtn offers the way out of errLabel's problem (switch to the
	// session or page that already uses the port), when there is one.
	fixBtn *widget.Button
	fix    func()
	shown  string // mode/running/all-interfaces the row shows
	// the second line: where the session runs (this computer or a host
	// of the virtual network) and the way to its frames
	netSel     *widget.Select
	netHosts   []string // host name of each option ("" for this computer)
	netHint    *widget.Label
	packetsBtn *widget.Button
	netSyncing bool // netSel is being set by the program
}

var modeIDs = []string{modeServer, modeClient, modeUDP}

func modeNames() []string { return []string{lang.L("TCP server"), lang.L("TCP client"), lang.L("UDP")} }

func newAddrRow(u *sessionUI) *addrRow {
	s := u.s
	r := &addrRow{u: u}
	names := modeNames()
	r.mode = widget.NewSelect(names, func(v string) {
		for i, n := range names {
			if n == v && s.mode != modeIDs[i] {
				s.mode = modeIDs[i]
				if s.num == 1 {
					s.page.ctx.Prefs().SetString(prefMode, s.mode)
				}
				u.syncMode()
			}
		}
	})
	for i, id := range modeIDs {
		if id == s.mode {
			r.mode.SetSelectedIndex(i)
		}
	}
	host, port := u.defaultAddr()
	r.host = widget.NewEntry()
	r.host.SetText(host)
	r.host.SetPlaceHolder("127.0.0.1")
	r.port = widget.NewEntry()
	r.port.SetText(port)
	r.port.SetPlaceHolder("8080")
	r.allIfaces = widget.NewCheck(lang.L("All interfaces"), nil)
	r.exposedWarn = widget.NewLabel(lang.L("Listening on all interfaces: other computers on your network can connect."))
	r.exposedWarn.Importance = widget.WarningImportance
	r.exposedWarn.Wrapping = fyne.TextWrapWord
	r.exposedWarn.Hide()
	r.allIfaces.OnChanged = func(on bool) {
		if !on {
			r.exposedWarn.Hide()
			r.host.Enable()
			return
		}
		dialog.ShowConfirm(lang.L("Listen on all interfaces?"),
			lang.L("Other computers on your network will be able to connect to this server. Do this only on a classroom network you trust."),
			func(ok bool) {
				if !ok {
					r.allIfaces.SetChecked(false)
					return
				}
				r.exposedWarn.Show()
				r.host.Disable()
			}, u.win)
	}
	r.startBtn = widget.NewButtonWithIcon(lang.L("Start"), theme.MediaPlayIcon(), u.startStop)
	r.startBtn.Importance = widget.HighImportance
	r.newBtn = widget.NewButtonWithIcon(lang.L("New session"), theme.ContentAddIcon(), func() {
		if p := s.page.ui; p != nil {
			p.add()
		}
	})
	r.errLabel = widget.NewLabel("")
	r.errLabel.Importance = widget.DangerImportance
	r.errLabel.Wrapping = fyne.TextWrapWord
	r.fixBtn = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() {
		if r.fix != nil {
			r.fix()
		}
	})
	r.hideError()

	// The button keeps the width of its longest label, so it does not
	// jump under the mouse when Start becomes Stop (or Connect Disconnect).
	btnW := float32(0)
	for _, l := range []string{"Start", "Stop", "Connect", "Disconnect", "Bind", "Close socket"} {
		btnW = max(btnW, widget.NewButtonWithIcon(lang.L(l), theme.MediaPlayIcon(), nil).MinSize().Width)
	}
	top := container.NewBorder(nil, nil, r.mode,
		container.NewHBox(widget.NewLabel(":"), sized.Width(r.port, 90), r.allIfaces, sized.Width(r.startBtn, btnW), r.newBtn), r.host)
	r.root = container.NewVBox(top, r.newNetworkLine(), container.NewBorder(nil, nil, nil, r.fixBtn, r.errLabel), r.exposedWarn)
	return r
}

// syncMode adapts the row to the session's mode.
func (r *addrRow) syncMode() {
	s := r.u.s
	virtual := s.virtualHost() != "" && s.mode != modeUDP
	if s.mode == modeClient || virtual {
		// a virtual host listens on its own address (and all interfaces
		// would not expose anything real)
		if r.allIfaces.Checked {
			r.allIfaces.SetChecked(false)
		}
		r.allIfaces.Hide()
	} else {
		r.allIfaces.Show()
	}
	switch {
	case s.mode == modeClient:
		r.host.SetPlaceHolder(lang.L("host name or IP"))
	case virtual:
		r.host.SetPlaceHolder("")
	default:
		r.host.SetPlaceHolder("127.0.0.1")
	}
	r.syncNetwork()
	r.update()
}

// update shows Start or Stop (Connect/Disconnect, Bind/Close socket) and
// locks the address while the socket is open.
func (r *addrRow) update() {
	s := r.u.s
	on := s.running()
	key := fmt.Sprintf("%s/%v/%v/%s", s.mode, on, r.allIfaces.Checked, s.virtualHost())
	if key == r.shown {
		return // nothing changed: spare 30 refreshes a second
	}
	r.shown = key
	labels := map[string][2]string{
		modeServer: {"Start", "Stop"},
		modeClient: {"Connect", "Disconnect"},
		modeUDP:    {"Bind", "Close socket"},
	}[s.mode]
	if on {
		r.startBtn.SetText(lang.L(labels[1]))
		r.startBtn.SetIcon(theme.MediaStopIcon())
		r.startBtn.Importance = widget.DangerImportance
	} else {
		r.startBtn.SetText(lang.L(labels[0]))
		r.startBtn.SetIcon(theme.MediaPlayIcon())
		r.startBtn.Importance = widget.HighImportance
	}
	r.startBtn.Refresh()
	// the address cannot change under a running socket
	if on {
		r.mode.Disable()
		r.port.Disable()
		r.host.Disable()
		r.allIfaces.Disable()
		r.netSel.Disable()
	} else {
		r.mode.Enable()
		r.port.Enable()
		r.allIfaces.Enable()
		if s.mode != modeUDP {
			r.netSel.Enable()
		}
		if !r.allIfaces.Checked {
			r.host.Enable()
		}
	}
}

// address validates the host and port fields.
func (r *addrRow) address() (string, bool) {
	s := r.u.s
	host := strings.TrimSpace(r.host.Text)
	if r.allIfaces.Checked && s.mode != modeClient {
		host = "0.0.0.0"
	}
	if s.mode != modeUDP {
		n, h, err := s.useNetwork()
		if err != nil {
			r.showError(r.u.errText(err, ""), "", nil)
			return "", false
		}
		if h != nil {
			addr, msg := s.virtualAddress(n, h, strings.TrimSpace(r.host.Text))
			if msg != "" {
				r.showError(msg, "", nil)
				return "", false
			}
			host = addr
		}
	}
	if host == "" {
		host = "127.0.0.1"
	}
	portText := strings.TrimSpace(r.port.Text)
	port, err := strconv.Atoi(portText)
	minPort := 1
	if s.mode == modeUDP {
		minPort = 0
	}
	if err != nil || port < minPort || port > 65535 {
		r.showError(lang.L("The port must be a number from 1 to 65535, e.g. 8080."), "", nil)
		return "", false
	}
	if s.mode != modeClient && net.ParseIP(host) == nil && host != "localhost" {
		r.showError(lang.L("Listen on an IP address of this computer, e.g. 127.0.0.1."), "", nil)
		return "", false
	}
	r.hideError()
	if s.num == 1 && s.virtualHost() == "" {
		p := s.page.ctx.Prefs()
		if !r.allIfaces.Checked {
			p.SetString(prefHost, host)
		}
		p.SetString(prefPort, portText)
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), true
}

// showError shows msg under the row and in the status bar; with fix, a
// button labelled fixLabel beside it offers the way out.
func (r *addrRow) showError(msg, fixLabel string, fix func()) {
	r.errLabel.SetText(msg)
	r.errLabel.Show()
	r.fix = fix
	if fix != nil {
		r.fixBtn.SetText(fixLabel)
		r.fixBtn.Show()
	} else {
		r.fixBtn.Hide()
	}
	r.u.s.status(true, msg, nil)
}

func (r *addrRow) hideError() {
	r.errLabel.Hide()
	r.fixBtn.Hide()
	r.fix = nil
}
