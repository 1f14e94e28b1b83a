package tcppanel

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// udpPane is the UDP socket's side column: where it is bound, where to
// send, and broadcast.
type udpPane struct {
	u         *sessionUI
	root      fyne.CanvasObject
	info      *widget.Label
	dest      *widget.Entry
	broadcast *widget.Check
}

func newUDPPane(u *sessionUI) *udpPane {
	s := u.s
	p := &udpPane{u: u}
	prefs := s.page.ctx.Prefs()
	p.dest = widget.NewEntry()
	p.dest.SetText(prefs.StringWithFallback(prefUDPDest, "127.0.0.1:9000"))
	p.dest.OnChanged = func(v string) { prefs.SetString(prefUDPDest, v) }
	p.broadcast = widget.NewCheck(lang.L("Allow broadcast"), nil)
	p.info = widget.NewLabel("")
	p.info.Wrapping = fyne.TextWrapWord
	help := widget.NewLabel(lang.L("Each datagram is shown with its sender. Auto-reply answers the sender. Broadcast applies when binding."))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	p.root = container.NewVBox(
		widget.NewLabelWithStyle(lang.L("UDP"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		p.info, widget.NewLabel(lang.L("Send to (host:port)")), p.dest, p.broadcast, help)
	return p
}

func (p *udpPane) refresh() {
	if a := p.u.s.udp.Addr(); a != "" {
		p.info.SetText(lang.L("Bound to {{.Addr}}", map[string]any{"Addr": a}))
	} else {
		p.info.SetText(lang.L("Not bound. Press Bind."))
	}
}
