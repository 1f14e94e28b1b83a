package tcppanel

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/widgets/sized"
)

// The address row's second line: "Network: [This computer ▾]", what that
// host is, and a button to the Packets page, where the frames of a session
// on a virtual host are seen. It has a line of its own so that the first
// line's buttons never move, whatever the language and the host.

// classroomHosts are the hosts of vnet.Classroom, offered before any
// virtual network exists (choosing one builds it).
var classroomHosts = []string{"pc1", "pc2", "web", "server", "dns"}

func (r *addrRow) newNetworkLine() fyne.CanvasObject {
	r.netSel = widget.NewSelect(nil, func(string) {
		if !r.netSyncing {
			r.networkChosen()
		}
	})
	r.netHint = widget.NewLabel("")
	r.netHint.Truncation = fyne.TextTruncateEllipsis
	r.netHint.Importance = widget.LowImportance
	r.packetsBtn = widget.NewButtonWithIcon(lang.L("Packets page"), theme.NavigateNextIcon(), func() {
		r.u.s.page.ctx.Navigate("packets")
	})
	r.packetsBtn.IconPlacement = widget.ButtonIconTrailingText
	// the select is as wide as its longest option can be ("server ·
	// virtual"), so nothing is cut off and nothing moves when the host
	// list changes
	w := float32(0)
	for _, o := range []string{lang.L("This computer"), hostOption("server")} {
		sel := widget.NewSelect(nil, nil)
		sel.PlaceHolder = o // a select is as wide as its placeholder
		w = max(w, sel.MinSize().Width+2*theme.Padding())
	}
	label := widget.NewLabel(lang.L("Network:"))
	r.syncNetwork()
	return container.NewBorder(nil, nil, container.NewHBox(label, sized.Width(r.netSel, w)), r.packetsBtn, r.netHint)
}

func hostOption(name string) string {
	return lang.L("{{.Host}} · virtual", map[string]any{"Host": name})
}

// syncNetwork lists this computer and the hosts of the shared virtual
// network, shows the session's choice and says what it is.
func (r *addrRow) syncNetwork() {
	s := r.u.s
	hosts := classroomHosts
	n := vnet.Shared()
	if n != nil {
		hosts = nil
		for _, h := range n.Hosts() {
			hosts = append(hosts, h.Name())
		}
	}
	cur := s.virtualHost()
	if cur != "" && !slices.Contains(hosts, cur) {
		// a network without the session's host: keep it shown, Start
		// says it is not there
		hosts = append(slices.Clip(hosts), cur)
	}
	r.netHosts = append([]string{""}, hosts...)
	opts := []string{lang.L("This computer")}
	for _, h := range hosts {
		opts = append(opts, hostOption(h))
	}
	sel := 0
	for i, h := range r.netHosts {
		if h == cur && cur != "" && s.mode != modeUDP {
			sel = i
		}
	}
	r.netSyncing = true
	r.netSel.Options = opts
	r.netSel.SetSelectedIndex(sel)
	r.netSyncing = false
	r.netSel.Refresh()

	r.packetsBtn.Disable()
	r.netHint.Importance = widget.LowImportance
	switch {
	case s.mode == modeUDP: // it keeps its host for when it is TCP again
		r.netSel.Disable()
		r.netHint.SetText(lang.L("UDP sessions run on this computer only."))
		return
	case cur == "":
		r.netHint.SetText(lang.L("Real sockets. Pick a virtual host to see the packets."))
	case n == nil || n.Host(cur) == nil:
		r.netHint.SetText(lang.L("Virtual host {{.Host}}", map[string]any{"Host": cur}))
	default:
		h := n.Host(cur)
		r.packetsBtn.Enable()
		r.netHint.Importance = widget.MediumImportance
		r.netHint.SetText(lang.L("{{.Addr}}, gateway {{.Gateway}}: see its frames", map[string]any{"Addr": h.Addr().String(), "Gateway": h.Gateway().String()}))
	}
	if !s.running() {
		r.netSel.Enable()
	}
}

// networkChosen moves the session to the chosen network (the socket is
// closed: the select is disabled while it is open) and points the address
// at something that works there.
func (r *addrRow) networkChosen() {
	s := r.u.s
	i := r.netSel.SelectedIndex()
	if i < 0 || i >= len(r.netHosts) {
		return
	}
	name := r.netHosts[i]
	was := s.virtualHost()
	if name == was {
		return
	}
	s.setVirtualHost(name)
	r.hideError()
	if name == "" {
		s.closeVirtual()
		if was != "" {
			r.host.SetText("127.0.0.1")
		}
	} else {
		n, err := s.page.sharedNetwork() // the classroom, if none is shared yet
		if err != nil {
			r.showError(r.u.errText(err, ""), "", nil)
			return
		}
		if h := n.Host(name); h != nil {
			if s.mode == modeClient {
				host, port := s.virtualTarget()
				r.host.SetText(host)
				if port != "" {
					r.port.SetText(port)
				}
			} else {
				r.host.SetText(h.Addr().Addr().String())
			}
		}
	}
	r.u.syncMode()
}
