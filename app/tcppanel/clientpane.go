package tcppanel

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
)

// clientPane is the client's side column: the connection's state and
// figures, short connections, and the buttons that end it.
type clientPane struct {
	u         *sessionUI
	root      fyne.CanvasObject
	info      *widget.Label
	shortConn *widget.Check
	onFIN     *peerCloseChoice
}

func newClientPane(u *sessionUI) *clientPane {
	s := u.s
	p := &clientPane{u: u}
	p.info = widget.NewLabel("")
	p.info.Wrapping = fyne.TextWrapWord
	p.shortConn = widget.NewCheck(lang.L("Short connection"), nil)
	shortHelp := widget.NewLabel(lang.L("Short connection: connect, send, receive, close for each send"))
	shortHelp.Wrapping = fyne.TextWrapWord
	shortHelp.Importance = widget.LowImportance
	shortHelp.SizeName = theme.SizeNameCaptionText
	reconnect := widget.NewButtonWithIcon(lang.L("Reconnect"), theme.ViewRefreshIcon(), func() { u.connect() })
	half := widget.NewButtonWithIcon(lang.L("Half-close"), theme.MailForwardIcon(), func() {
		if err := s.cli.HalfClose(); err != nil {
			s.status(true, u.errText(err, ""), nil)
		}
	})
	abort := widget.NewButtonWithIcon(lang.L("Abort (RST)"), theme.ErrorIcon(), func() {
		if err := s.cli.Abort(); err != nil {
			s.status(true, u.errText(err, ""), nil)
		}
	})
	p.onFIN = newPeerCloseChoice(s)
	// the buttons come first: the state text above them would move them
	// whenever it wraps differently
	p.root = container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Connection"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(2, reconnect, half, abort), p.onFIN.root, p.shortConn, shortHelp, p.info)
	return p
}

func (p *clientPane) refresh() {
	s := p.u.s
	p.onFIN.refresh()
	info, ok := s.cli.Info()
	if !ok {
		if p.info.Text == "" {
			p.info.SetText(lang.L("Not connected. Press Connect, or tick Short connection and just send."))
		}
		return
	}
	announceCloseWait(s, info)
	state := stateText(info)
	if !info.Open {
		state = stateText(info)
		p.info.Importance = widget.LowImportance
	} else {
		p.info.Importance = widget.MediumImportance
	}
	p.info.SetText(lang.L("{{.Peer}} · {{.State}}\nhandshake {{.Time}}\nin {{.In}} · out {{.Out}}", map[string]any{
		"Peer": info.Remote, "State": state, "Time": fmtMS(s.cli.ConnectTime()),
		"In": app.FormatBytes(info.In), "Out": app.FormatBytes(info.Out)}))
}

func fmtMS(d interface{ Microseconds() int64 }) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}
