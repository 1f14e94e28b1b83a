package subnetpanel

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/sysnet"
)

// Where the machine view reads the system (tests replace them).
var (
	listInterfaces  = sysnet.Interfaces
	defaultGateways = sysnet.DefaultGateways
)

// ifaceRow is one address of one interface (or an interface without address).
type ifaceRow struct {
	iface sysnet.Interface
	addr  netip.Prefix // invalid: no address
}

type machineView struct {
	p        *panel
	rows     []ifaceRow
	gws      []sysnet.Gateway
	gwLabel  *widget.Label
	errLabel *widget.Label
	list     *widget.List
	view     fyne.CanvasObject
}

func newMachineView(p *panel) *machineView {
	m := &machineView{p: p}
	m.gwLabel = widget.NewLabel("")
	m.gwLabel.Wrapping = fyne.TextWrapWord
	m.gwLabel.TextStyle.Bold = true
	m.errLabel = errorLabel()
	refresh := widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), m.refresh)
	refresh.Importance = widget.HighImportance
	m.list = widget.NewList(func() int { return len(m.rows) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			addr := monoLabel("")
			mac := monoLabel("")
			mac.Importance = widget.LowImportance
			mac.Truncation = fyne.TextTruncateEllipsis
			load := widget.NewButtonWithIcon(lang.L("To calculator"), theme.NavigateNextIcon(), nil)
			return container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(theme.ComputerIcon()), name), load,
				container.NewBorder(nil, nil, addr, nil, mac))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			r := m.rows[id]
			c := o.(*fyne.Container)
			var left *fyne.Container
			var load *widget.Button
			var mid *fyne.Container
			for _, x := range c.Objects {
				switch v := x.(type) {
				case *widget.Button:
					load = v
				case *fyne.Container:
					if _, ok := v.Objects[0].(*widget.Icon); ok {
						left = v
					} else {
						mid = v // Border: center (MAC) first, then the address on the left
					}
				}
			}
			icon := theme.ComputerIcon()
			if !r.iface.Up {
				icon = theme.MediaStopIcon()
			}
			left.Objects[0].(*widget.Icon).SetResource(icon)
			left.Objects[1].(*widget.Label).SetText(r.iface.Name)
			addr := lang.L("no address")
			if r.addr.IsValid() {
				addr = r.addr.String()
			}
			mid.Objects[1].(*widget.Label).SetText(addr)
			mac := r.iface.MAC
			if mac == "" {
				mac = lang.L("no MAC address")
			}
			state := lang.L("link up")
			if !r.iface.Up {
				state = lang.L("link down")
			}
			mid.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%s · %s · MTU %d", mac, state, r.iface.MTU))
			load.OnTapped = func() { m.load(id) }
			if r.addr.IsValid() {
				load.Enable()
			} else {
				load.Disable()
			}
		})
	m.list.OnSelected = func(id widget.ListItemID) {
		m.list.Unselect(id)
		m.load(id)
	}
	hint := widget.NewLabel(lang.L("Click an address to load it into the calculator and the gateway check."))
	hint.Importance = widget.LowImportance
	hint.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(container.NewBorder(nil, nil, nil, refresh, m.gwLabel), m.errLabel)
	m.view = container.NewBorder(top, hint, nil, nil, m.list)
	m.refresh()
	return m
}

func (m *machineView) refresh() {
	ifs, err := listInterfaces()
	if err != nil {
		showError(m.errLabel, lang.L("Cannot list the interfaces: {{.Err}}", map[string]any{"Err": err.Error()}))
	} else {
		showError(m.errLabel, "")
	}
	m.rows = m.rows[:0]
	for _, i := range ifs {
		if len(i.Addrs) == 0 {
			m.rows = append(m.rows, ifaceRow{iface: i})
		}
		for _, a := range i.Addrs {
			m.rows = append(m.rows, ifaceRow{iface: i, addr: a})
		}
	}
	gws, gerr := defaultGateways()
	m.gws = gws
	switch {
	case errors.Is(gerr, sysnet.ErrNotAvailable):
		m.gwLabel.SetText(lang.L("Default gateway: not available on this system (NetLab cannot read the routing table here yet)."))
	case gerr != nil && len(gws) == 0:
		m.gwLabel.SetText(lang.L("Default gateway: cannot be read: {{.Err}}", map[string]any{"Err": gerr.Error()}))
	case len(gws) == 0:
		m.gwLabel.SetText(lang.L("Default gateway: none (this machine reaches only its own subnets)."))
	default:
		var parts []string
		for _, g := range gws {
			parts = append(parts, lang.L("{{.Gateway}} via {{.Iface}}", map[string]any{"Gateway": g.Addr.String(), "Iface": g.Interface}))
		}
		m.gwLabel.SetText(lang.L("Default gateway: {{.List}}", map[string]any{"List": strings.Join(parts, ", ")}))
	}
	m.list.Refresh()
}

// load puts row id's address into the calculator (and the gateway check
// with the interface's default gateway) and shows the calculator.
func (m *machineView) load(id int) {
	if id < 0 || id >= len(m.rows) || !m.rows[id].addr.IsValid() {
		return
	}
	r := m.rows[id]
	text := r.addr.String()
	m.p.calc.entry.SetText(text)
	gw := ""
	if a, ok := sysnet.GatewayFor(m.gws, r.iface.Name, r.addr.Addr()); ok {
		gw = a.String()
	}
	m.p.gw.set(text, gw)
	m.p.tabs.SelectIndex(0)
	m.p.ctx.Status.Info(lang.L("Loaded {{.Addr}} of {{.Iface}} into the calculator", map[string]any{"Addr": text, "Iface": r.iface.Name}))
}
