package tcppanel

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/workbench"
)

// serverPane is the server's side column: its clients (live ones first
// in look, closed ones greyed with why they closed), the buttons that end
// connections and the peer-close choice.
type serverPane struct {
	u       *sessionUI
	root    fyne.CanvasObject
	list    *widget.List
	rows    []workbench.ClientInfo
	summary *widget.Label
	onFIN   *peerCloseChoice
}

func newServerPane(u *sessionUI) *serverPane {
	s := u.s
	p := &serverPane{u: u}
	p.list = widget.NewList(func() int { return len(p.rows) }, p.createRow, p.updateRow)
	p.summary = widget.NewLabel("")
	p.summary.Wrapping = fyne.TextWrapWord
	act := func(label string, icon fyne.Resource, f func(id uint64) error) *widget.Button {
		return widget.NewButtonWithIcon(label, icon, func() {
			ids := s.selectedIDs()
			if len(ids) == 0 {
				s.status(true, lang.L("Select a client first (tick it in the list)."), func() bool { return len(s.selectedIDs()) == 0 })
				return
			}
			for _, id := range ids {
				if err := f(id); err != nil && !errors.Is(err, workbench.ErrNoClient) {
					s.status(true, lang.L("Could not do that: {{.Err}}", map[string]any{"Err": err.Error()}), nil)
				}
			}
		})
	}
	closeBtn := act(lang.L("Close"), theme.CancelIcon(), s.srv.Close)
	halfBtn := act(lang.L("Half-close"), theme.MailForwardIcon(), s.srv.HalfClose)
	abortBtn := act(lang.L("Abort (RST)"), theme.ErrorIcon(), s.srv.Abort)
	allBtn := widget.NewButtonWithIcon(lang.L("Close all"), theme.ContentClearIcon(), func() { s.srv.CloseAll() })
	cleanBtn := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { s.srv.RemoveClosed(); u.refresh() })
	selAll := widget.NewButtonWithIcon("", theme.CheckButtonCheckedIcon(), func() {
		s.mu.Lock()
		for _, id := range s.srv.OpenIDs() {
			s.selected[id] = true
		}
		s.mu.Unlock()
		p.list.Refresh()
		u.send.updateTarget()
	})
	helpBtn := widget.NewButtonWithIcon("", theme.QuestionIcon(), func() {
		dialog.ShowInformation(lang.L("Ending a connection"),
			lang.L("Close: FIN after queued data. Half-close: FIN but keep reading. Abort: RST, queued data lost."), u.win)
	})
	p.onFIN = newPeerCloseChoice(s)
	actions := container.NewVBox(p.onFIN.root, container.NewGridWithColumns(2, closeBtn, halfBtn, abortBtn, allBtn))
	head := container.NewBorder(nil, nil, nil, container.NewHBox(helpBtn, selAll, cleanBtn),
		widget.NewLabelWithStyle(lang.L("Clients"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	p.root = container.NewBorder(container.NewVBox(head, p.summary), actions, nil, nil, p.list)
	return p
}

// A client row: tick, address, state (its own line, so "closed (why)" is
// never cut off) and counters.
func (p *serverPane) createRow() fyne.CanvasObject {
	chk := widget.NewCheck("", nil)
	addr := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	addr.Truncation = fyne.TextTruncateEllipsis
	state := widget.NewLabel("")
	state.SizeName = theme.SizeNameCaptionText
	state.Truncation = fyne.TextTruncateEllipsis
	det := widget.NewLabel("")
	det.SizeName = theme.SizeNameCaptionText
	det.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, chk, nil, container.NewVBox(addr, state, det))
}

func (p *serverPane) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(p.rows) {
		return
	}
	s := p.u.s
	c := p.rows[id]
	b := o.(*fyne.Container)
	v := b.Objects[0].(*fyne.Container)
	chk := b.Objects[1].(*widget.Check)
	addr, state, det := v.Objects[0].(*widget.Label), v.Objects[1].(*widget.Label), v.Objects[2].(*widget.Label)
	addr.SetText(c.Remote)
	state.SetText(stateText(c))
	det.SetText(lang.L("since {{.Since}} · in {{.In}} · out {{.Out}}", map[string]any{
		"Since": c.Since.Format("15:04:05"), "In": app.FormatBytes(c.In), "Out": app.FormatBytes(c.Out)}))
	if c.Open {
		addr.Importance = widget.MediumImportance
		det.Importance = widget.MediumImportance
		state.Importance = widget.SuccessImportance
		if c.State == workbench.StateCloseWait || c.State == workbench.StateHalfClosed {
			state.Importance = widget.WarningImportance
		}
	} else { // greyed: gone, only kept for the record
		addr.Importance = widget.LowImportance
		state.Importance = widget.LowImportance
		det.Importance = widget.LowImportance
	}
	addr.Refresh()
	state.Refresh()
	det.Refresh()
	chk.OnChanged = nil
	s.mu.Lock()
	chk.SetChecked(s.selected[c.ID])
	s.mu.Unlock()
	if c.Open {
		chk.Enable()
	} else {
		chk.Disable()
	}
	cid := c.ID
	chk.OnChanged = func(on bool) {
		s.mu.Lock()
		s.selected[cid] = on
		s.mu.Unlock()
		p.u.send.updateTarget()
	}
}

// shortStates name the live states in a few words, with the kernel's
// state where it is certain, so a list row never cuts them off.
var shortStates = map[string]string{
	workbench.StateOpen:       "connected (ESTABLISHED)",
	workbench.StateHalfClosed: "we sent FIN (half-closed)",
	workbench.StateCloseWait:  "CLOSE_WAIT: peer sent FIN",
}

// stateText is a connection's state for a list row: live states as they
// are, closed ones as "closed (why)" in a few words.
func stateText(c workbench.ClientInfo) string {
	if c.Open {
		if short, ok := shortStates[c.State]; ok {
			return lang.L(short)
		}
		return lang.L(c.State)
	}
	why := map[netengine.CloseReason]string{
		netengine.ReasonEOF:        "FIN from the peer",
		netengine.ReasonLocalClose: "closed by us",
		netengine.ReasonAbort:      "RST sent",
		netengine.ReasonReset:      "RST received",
		netengine.ReasonTimeout:    "timed out",
		netengine.ReasonShutdown:   "server stopped",
	}[c.Why]
	if why == "" {
		why = "socket error"
	}
	return lang.L("closed ({{.Reason}})", map[string]any{"Reason": lang.L(why)})
}

func (p *serverPane) refresh() {
	s := p.u.s
	p.rows = s.srv.Clients()
	s.forgetClosed(p.rows)
	for _, c := range p.rows {
		announceCloseWait(s, c)
	}
	open := len(s.srv.OpenIDs())
	if a := s.srv.Addr(); a != "" {
		p.summary.SetText(lang.L("Listening on {{.Addr}} · {{.N}} connected", map[string]any{"Addr": a, "N": open}))
	} else {
		p.summary.SetText(lang.L("Not listening. Press Start."))
	}
	p.list.Refresh()
	p.onFIN.refresh()
}

// peerCloseChoice is the per-session option "When the peer closes: close
// too (default) / stay half-open" (CLOSE_WAIT until the student closes).
type peerCloseChoice struct {
	s     *session
	root  fyne.CanvasObject
	radio *widget.RadioGroup
}

func newPeerCloseChoice(s *session) *peerCloseChoice {
	c := &peerCloseChoice{s: s}
	opts := []string{lang.L("close too"), lang.L("stay half-open")}
	c.radio = widget.NewRadioGroup(opts, func(v string) {
		stay := v == opts[1]
		s.srv.StayHalfOpen.Store(stay)
		s.cli.StayHalfOpen.Store(stay)
	})
	c.radio.Required = true
	c.refresh()
	title := widget.NewLabel(lang.L("When the peer closes:"))
	title.SizeName = theme.SizeNameCaptionText
	c.root = container.NewVBox(title, c.radio)
	return c
}

func (c *peerCloseChoice) refresh() {
	i := 0
	if c.s.srv.StayHalfOpen.Load() {
		i = 1
	}
	if c.radio.Selected != c.radio.Options[i] {
		c.radio.SetSelected(c.radio.Options[i])
	}
}

// announceCloseWait says once, in the status bar, that a connection of
// the session went to CLOSE_WAIT (the peer's FIN, stay half-open) and
// what the student may do; the message goes when the connection leaves
// CLOSE_WAIT.
func announceCloseWait(s *session, c workbench.ClientInfo) {
	if c.State != workbench.StateCloseWait {
		return
	}
	s.mu.Lock()
	seen := s.closeWaitSeen[c.ID]
	s.closeWaitSeen[c.ID] = true
	s.mu.Unlock()
	if seen {
		return
	}
	still := func() bool {
		if s.mode == modeClient {
			i, _ := s.cli.Info()
			return i.ID == c.ID && i.State == workbench.StateCloseWait
		}
		for _, o := range s.srv.Clients() {
			if o.ID == c.ID {
				return o.State == workbench.StateCloseWait
			}
		}
		return false
	}
	s.status(false, lang.L("{{.Peer}}: peer closed its sending side (FIN received) — CLOSE_WAIT. You may still send; Close sends our FIN (LAST_ACK).",
		map[string]any{"Peer": c.Remote}), still)
}
