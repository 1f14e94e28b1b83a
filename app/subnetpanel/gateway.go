package subnetpanel

import (
	"net/netip"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/subnet"
)

// gatewayView checks a host's default gateway, and whether a second host
// is reached directly or through the gateway.
type gatewayView struct {
	p                   *panel
	host, gateway, peer *widget.Entry
	hostErr, gwErr      *widget.Label
	peerErr             *widget.Label
	findings            *fyne.Container
	last                *subnet.GatewayCheck
	view                fyne.CanvasObject
}

func newGatewayView(p *panel) *gatewayView {
	g := &gatewayView{p: p}
	prefs := p.ctx.Prefs()
	g.host = widget.NewEntry()
	g.host.SetPlaceHolder("192.168.1.10/24")
	g.gateway = widget.NewEntry()
	g.gateway.SetPlaceHolder("192.168.1.1")
	g.peer = widget.NewEntry()
	g.peer.SetPlaceHolder(lang.L("optional, e.g. 192.168.2.20/24"))
	g.hostErr, g.gwErr, g.peerErr = errorLabel(), errorLabel(), errorLabel()
	check := widget.NewButtonWithIcon(lang.L("Check gateway"), theme.ConfirmIcon(), func() { g.update(true) })
	check.Importance = widget.HighImportance
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Host (address/prefix or address mask)")), container.NewVBox(g.host, g.hostErr),
		widget.NewLabel(lang.L("Default gateway")), container.NewVBox(g.gateway, g.gwErr),
		widget.NewLabel(lang.L("Second host (with its own mask)")), container.NewVBox(g.peer, g.peerErr),
	)
	g.findings = container.NewVBox()
	copyBtn := widget.NewButtonWithIcon(lang.L("Copy results"), theme.ContentCopyIcon(), func() {
		if t := g.text(); t != "" {
			p.ctx.App.Clipboard().SetContent(t)
			p.ctx.Status.Info(lang.L("Copied the results"))
		}
	})
	top := container.NewBorder(nil, nil, nil, container.NewVBox(check, copyBtn), form)
	g.view = container.NewBorder(top, nil, nil, nil, container.NewVScroll(g.findings))
	g.host.SetText(prefs.StringWithFallback(prefGwHost, "192.168.1.10/24"))
	g.gateway.SetText(prefs.StringWithFallback(prefGwGateway, "192.168.1.1"))
	g.peer.SetText(prefs.StringWithFallback(prefGwPeer, "192.168.2.20/24"))
	for _, e := range []*widget.Entry{g.host, g.gateway, g.peer} {
		e.OnChanged = func(string) { g.update(false) }
		e.OnSubmitted = func(string) { g.update(true) }
	}
	g.update(false)
	return g
}

// set fills the inputs (from "This machine") and checks.
func (g *gatewayView) set(host, gw string) {
	g.host.SetText(host)
	g.gateway.SetText(gw)
}

func (g *gatewayView) update(explicit bool) {
	prefs := g.p.ctx.Prefs()
	prefs.SetString(prefGwHost, g.host.Text)
	prefs.SetString(prefGwGateway, g.gateway.Text)
	prefs.SetString(prefGwPeer, g.peer.Text)
	g.last = nil
	g.findings.RemoveAll()
	showError(g.hostErr, "")
	showError(g.gwErr, "")
	showError(g.peerErr, "")
	fail := func(l *widget.Label, err error) {
		msg := errText(err)
		showError(l, msg)
		if explicit {
			g.p.ctx.Status.Error(msg)
		}
	}
	h, err := calcText(g.host.Text)
	if err != nil {
		fail(g.hostErr, err)
		return
	}
	var gw netip.Addr
	if t := strings.TrimSpace(g.gateway.Text); t != "" {
		if gw, err = subnet.ParseAddr(t); err != nil {
			fail(g.gwErr, err)
			return
		}
	}
	c, err := subnet.CheckGateway(h, gw)
	if err != nil {
		fail(g.gwErr, err)
		return
	}
	if strings.TrimSpace(g.peer.Text) != "" {
		b, err := calcText(g.peer.Text)
		if err == nil {
			err = subnet.CheckPeers(c, b)
		}
		if err != nil {
			fail(g.peerErr, err)
		}
	}
	g.last = c
	g.findings.Add(heading(lang.L("Host {{.Host}}: subnet {{.Network}}, hosts {{.First}} – {{.Last}}", map[string]any{
		"Host": h.Address.String(), "Network": h.Prefix().String(), "First": h.FirstHost.String(), "Last": h.LastHost.String()})))
	if c.Peer != nil {
		b := c.Peer
		g.findings.Add(heading(lang.L("Second host {{.Host}}: subnet {{.Network}}, hosts {{.First}} – {{.Last}}", map[string]any{
			"Host": b.Address.String(), "Network": b.Prefix().String(), "First": b.FirstHost.String(), "Last": b.LastHost.String()})))
	}
	for _, f := range c.Findings {
		g.findings.Add(findingLine(f))
	}
	g.findings.Add(widget.NewSeparator())
	g.findings.Add(para(lang.L("A host sends a packet directly when the destination is inside its own subnet (address AND mask equal on both sides); otherwise it sends it to the default gateway, which must therefore be inside the host's subnet.")))
	if explicit {
		g.p.ctx.Status.Info(findingText(c.Findings[0]))
	}
}

// calcText parses and calculates a host input; a range is refused.
func calcText(s string) (*subnet.Result, error) {
	in, err := subnet.Parse(s)
	if err != nil {
		return nil, err
	}
	return subnet.CalculateInput(in)
}

func findingLine(f subnet.Finding) fyne.CanvasObject {
	icon := theme.InfoIcon()
	switch f.Level {
	case subnet.OK:
		icon = theme.ConfirmIcon()
	case subnet.Warn:
		icon = theme.WarningIcon()
	case subnet.Bad:
		icon = theme.ErrorIcon()
	}
	l := widget.NewLabel(findingText(f))
	l.Wrapping = fyne.TextWrapWord
	switch f.Level {
	case subnet.Bad:
		l.Importance = widget.DangerImportance
	case subnet.Warn:
		l.Importance = widget.WarningImportance
	case subnet.OK:
		l.Importance = widget.SuccessImportance
	}
	return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(icon)), nil, l)
}

func (g *gatewayView) text() string {
	if g.last == nil {
		return ""
	}
	var lines []string
	for _, f := range g.last.Findings {
		lines = append(lines, findingText(f))
	}
	return strings.Join(lines, "\n")
}
