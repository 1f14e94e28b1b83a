package packetpanel

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/subnet"
	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/widgets/topology"
)

// topoOf turns a network into the drawing's nodes and cables.
func topoOf(n *vnet.Network) ([]topology.Node, []topology.Edge) {
	if n == nil {
		return nil, nil
	}
	var nodes []topology.Node
	for _, sw := range n.Switches() {
		nodes = append(nodes, topology.Node{ID: sw.Name(), Label: sw.Name(), Detail: lang.L("switch"), Kind: topology.Switch})
	}
	for _, r := range n.Routers() {
		var addrs []string
		for _, p := range r.Addrs() {
			addrs = append(addrs, p.Addr().String())
		}
		detail := strings.Join(addrs, " | ")
		if r.NAT() != nil {
			detail += " NAT"
		}
		nodes = append(nodes, topology.Node{ID: r.Name(), Label: r.Name(), Detail: detail, Kind: topology.Router})
	}
	for _, h := range n.Hosts() {
		nodes = append(nodes, topology.Node{ID: h.Name(), Label: h.Name(), Detail: h.Addr().String(), Kind: topology.Host})
	}
	var edges []topology.Edge
	for _, l := range n.Links() {
		a, b := l.Ends()
		edges = append(edges, topology.Edge{ID: l.Name(), A: node(a.PortName()), B: node(b.PortName())})
	}
	return nodes, edges
}

// errBadMask: the mask is neither /N nor a dotted mask with contiguous ones.
var errBadMask = errors.New("bad mask")

// parseMask reads "/24", "24" or "255.255.255.0".
func parseMask(s string) (int, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "/")
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > 32 {
			return 0, errBadMask
		}
		return n, nil
	}
	m, err := netip.ParseAddr(s)
	if err != nil || !m.Is4() {
		return 0, errBadMask
	}
	n, err := subnet.MaskBits(m)
	if err != nil {
		return 0, errBadMask
	}
	return n, nil
}

// hostTapped opens the host's settings: IP address, mask and default
// gateway, applied live (the wrong-mask and wrong-gateway lessons).
func (v *view) hostTapped(id string) {
	v.topo.Select(id)
	n := v.st.network()
	if n == nil {
		return
	}
	h := n.Host(id)
	if h == nil {
		v.netTab.showNode(id)
		return
	}
	addr := widget.NewEntry()
	addr.SetText(h.Addr().Addr().String())
	mask := widget.NewEntry()
	mask.SetText(subnet.MaskAddr(true, h.Addr().Bits()).String())
	gw := widget.NewEntry()
	if h.Gateway().IsValid() {
		gw.SetText(h.Gateway().String())
	}
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("IP address"), addr),
		widget.NewFormItem(lang.L("Subnet mask"), mask),
		widget.NewFormItem(lang.L("Default gateway"), gw),
		widget.NewFormItem("", problem),
	}
	mac := widget.NewLabel(h.MAC().String())
	mac.TextStyle.Monospace = true
	items = append([]*widget.FormItem{widget.NewFormItem(lang.L("MAC address"), mac)}, items...)
	var d *dialog.FormDialog
	d = dialog.NewForm(lang.L("Host {{.Name}}", map[string]any{"Name": id}), lang.L("Apply"), lang.L("Cancel"), items,
		func(ok bool) {
			if !ok {
				return
			}
			p, g, msg := parseHostInput(addr.Text, mask.Text, gw.Text)
			if msg == "" {
				if err := h.SetAddr(p, g); err != nil {
					msg = lang.L("{{.Addr}} is the network or broadcast address of its subnet: a host cannot use it.", map[string]any{"Addr": p.Addr()})
				}
			}
			if msg != "" {
				v.ctx.Status.Error(msg)
				return
			}
			v.ctx.Status.Info(lang.L("{{.Name}} is now {{.Addr}}, gateway {{.Gw}}. Its ARP cache was cleared; open connections break.",
				map[string]any{"Name": id, "Addr": p, "Gw": gwText(g)}))
			v.topo.Set(topoOf(n))
			v.netTab.refresh()
		}, v.ctx.Window)
	d.Resize(fyne.NewSize(420, 300))
	d.Show()
}

func gwText(g netip.Addr) string {
	if !g.IsValid() {
		return lang.L("none")
	}
	return g.String()
}

// parseHostInput checks the host form; msg says what is wrong, translated.
func parseHostInput(addrText, maskText, gwText string) (netip.Prefix, netip.Addr, string) {
	a, err := netip.ParseAddr(strings.TrimSpace(addrText))
	if err != nil || !a.Is4() {
		return netip.Prefix{}, netip.Addr{}, lang.L("“{{.Text}}” is not an IPv4 address such as 192.168.1.10.", map[string]any{"Text": addrText})
	}
	bits, err := parseMask(maskText)
	if err != nil {
		return netip.Prefix{}, netip.Addr{}, lang.L("“{{.Text}}” is not a subnet mask: write 255.255.255.0 or /24 (the ones must come first).", map[string]any{"Text": maskText})
	}
	var g netip.Addr
	if t := strings.TrimSpace(gwText); t != "" {
		g, err = netip.ParseAddr(t)
		if err != nil || !g.Is4() {
			return netip.Prefix{}, netip.Addr{}, lang.L("“{{.Text}}” is not an IPv4 address such as 192.168.1.1.", map[string]any{"Text": gwText})
		}
	}
	return netip.PrefixFrom(a, bits), g, ""
}
