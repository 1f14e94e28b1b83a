package labpanel

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/tcpstate"
)

// statesView is the Connection states tab.
type statesView struct {
	s     *state
	root  fyne.CanvasObject
	all   *widget.Check
	pause *widget.Button
	info  *widget.Label
	list  *widget.List
	conns []tcpstate.Conn

	selected tcpstate.Key
	hasSel   bool
	selIdx   int // the selected key's row at the last redraw (-1: not listed)
	detail   *fyne.Container
	title    *widget.Label
	explain  *widget.Label
}

// stateColor is the theme colour of a state's badge.
func stateColor(st tcpstate.State) fyne.ThemeColorName {
	switch st {
	case tcpstate.Established:
		return theme.ColorNameSuccess
	case tcpstate.Listen:
		return theme.ColorNamePrimary
	case tcpstate.TimeWait:
		return theme.ColorNameError
	case tcpstate.Closed:
		return theme.ColorNameDisabled
	}
	return theme.ColorNameWarning // handshake and closing steps
}

// stateExplanation says, with the notes' words, what a state means.
func stateExplanation(st tcpstate.State) string {
	switch st {
	case tcpstate.Listen:
		return lang.L("LISTEN: a server socket waiting for clients to connect.")
	case tcpstate.SynSent:
		return lang.L("SYN_SENT: handshake 1 sent — the client asked to connect and waits for the server.")
	case tcpstate.SynRecv, tcpstate.NewSynRecv:
		return lang.L("SYN_RECV: handshake 2 — the server answered SYN+ACK and waits for the client's ACK.")
	case tcpstate.Established:
		return lang.L("ESTABLISHED: the 3-way handshake is done; both sides can send and receive.")
	case tcpstate.FinWait1:
		return lang.L("FIN_WAIT1: wave 1 — this side closed its sending (FIN) and waits for the ACK.")
	case tcpstate.FinWait2:
		return lang.L("FIN_WAIT2: wave 2 received — the peer acknowledged; now waiting for the peer's FIN.")
	case tcpstate.CloseWait:
		return lang.L("CLOSE_WAIT: the peer closed its side; this program has not closed yet.")
	case tcpstate.LastAck:
		return lang.L("LAST_ACK: wave 3 — this side sent its FIN and waits for the last ACK.")
	case tcpstate.Closing:
		return lang.L("CLOSING: both sides sent FIN at the same time and wait for the ACK.")
	case tcpstate.TimeWait:
		return lang.L("TIME_WAIT: wave 4 sent — the side that closed first waits 2MSL (60 s on Linux) in case the last ACK was lost.")
	case tcpstate.Closed:
		return lang.L("CLOSED: the connection has left the kernel's table (or NetLab closed it while nobody sampled).")
	}
	return st.String()
}

func newStatesView(s *state) *statesView {
	v := &statesView{s: s}
	if !tcpstate.Available() {
		msg := widget.NewLabel(lang.L("Connection states are not available on this system: NetLab reads them on Linux, Windows and macOS."))
		msg.Wrapping = fyne.TextWrapWord
		msg.Importance = widget.WarningImportance
		v.root = container.NewVBox(msg)
		return v
	}
	v.all = widget.NewCheck(lang.L("All sockets on this machine"), func(on bool) {
		s.sampler.SetAll(on)
		s.ctx.Prefs().SetBool("lab.allsockets", on)
	})
	v.all.SetChecked(s.sampler.All())
	clear := widget.NewButtonWithIcon(lang.L("Clear"), theme.ContentClearIcon(), func() {
		s.sampler.Clear()
		v.show(s.sampler.Conns(), s.sampler.Err())
	})
	v.pause = widget.NewButton("", v.togglePause)
	v.pause.Importance = widget.HighImportance
	v.updatePause()
	// The counts get a line of their own, wrapped: in Chinese or a narrow
	// window they no longer push the buttons or end in "…".
	v.info = widget.NewLabel(lang.L("Sampling every 30 ms while this tab is visible."))
	v.info.Wrapping = fyne.TextWrapWord
	tryTCP := widget.NewButtonWithIcon(lang.L("Open the TCP workbench"), theme.NavigateNextIcon(), func() { s.ctx.Navigate("tcp") })
	top := container.NewVBox(container.NewBorder(nil, nil, container.NewHBox(v.all, clear), container.NewHBox(tryTCP, v.pause)), v.info)

	v.list = widget.NewList(
		func() int { return len(v.conns) },
		func() fyne.CanvasObject {
			sw := canvas.NewRectangle(theme.Color(theme.ColorNameSuccess))
			sw.SetMinSize(fyne.NewSize(10, 10))
			sw.CornerRadius = 3
			st := widget.NewLabelWithStyle("ESTABLISHED", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			key := widget.NewLabel("client 2 · 127.0.0.1:65535 <-> 127.0.0.1:65535")
			key.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, container.NewHBox(container.NewCenter(sw), st), nil, key)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.conns) {
				return
			}
			c := v.conns[i]
			row := o.(*fyne.Container)
			left := row.Objects[1].(*fyne.Container)
			sw := left.Objects[0].(*fyne.Container).Objects[0].(*canvas.Rectangle)
			sw.FillColor = theme.Color(stateColor(c.State()))
			sw.Refresh()
			st := left.Objects[1].(*widget.Label)
			key := row.Objects[0].(*widget.Label)
			key.SetText(connTitle(c))
			if c.Gone() {
				// gone: never shown as a current state
				st.SetText(fmt.Sprintf("%-11s", lang.L("gone")))
				st.Importance, key.Importance = widget.LowImportance, widget.LowImportance
			} else {
				st.SetText(fmt.Sprintf("%-11s", c.State()))
				st.Importance, key.Importance = widget.MediumImportance, widget.MediumImportance
			}
			st.Refresh()
			key.Refresh()
		})
	v.list.OnSelected = func(i widget.ListItemID) {
		if i < len(v.conns) {
			v.selected, v.hasSel, v.selIdx = v.conns[i].Key, true, i
			v.showDetail()
		}
	}

	v.title = widget.NewLabelWithStyle(lang.L("Select a connection to see its timeline."), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Wrapping = fyne.TextWrapWord
	v.explain = widget.NewLabel("")
	v.explain.Wrapping = fyne.TextWrapWord
	v.detail = container.NewVBox()
	hint := widget.NewLabel(lang.L("Try it: open a TCP server and a client in the TCP workbench, close the client, and watch ESTABLISHED, then FIN_WAIT2, then TIME_WAIT here."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	// Timeline rows wrap their text (see timelineRows), so a long row
	// neither widens the pane nor squeezes the list.
	right := container.NewBorder(container.NewVBox(v.title, v.explain, widget.NewSeparator()), hint, nil, nil, container.NewVScroll(v.detail))
	split := container.NewHSplit(v.list, right)
	split.Offset = 0.45
	v.root = container.NewBorder(top, nil, nil, nil, split)
	v.show(s.sampler.Conns(), s.sampler.Err())
	return v
}

// connTitle is "client 2 · 127.0.0.1:5000 <-> 127.0.0.1:8080", or the
// address pair alone for a connection NetLab did not name. ASCII arrows:
// the fonts NetLab bundles (what Windows builds draw with) have no ⇄ or →.
func connTitle(c tcpstate.Conn) string {
	pair := pairText(c.Key)
	if c.Label != "" {
		return c.Label + " · " + pair
	}
	return pair
}

func pairText(k tcpstate.Key) string { return k.Local.String() + " <-> " + k.Remote.String() }

func (v *statesView) updatePause() {
	v.s.mu.Lock()
	p := v.s.paused
	v.s.mu.Unlock()
	if p {
		v.pause.SetText(lang.L("Resume"))
		v.pause.SetIcon(theme.MediaPlayIcon())
	} else {
		v.pause.SetText(lang.L("Pause"))
		v.pause.SetIcon(theme.MediaPauseIcon())
	}
}

func (v *statesView) togglePause() {
	v.s.mu.Lock()
	v.s.paused = !v.s.paused
	v.s.mu.Unlock()
	v.updatePause()
}

// show puts a new sample on screen (UI goroutine).
func (v *statesView) show(conns []tcpstate.Conn, err error) {
	if v.list == nil {
		return
	}
	v.conns = conns
	if err != nil {
		v.info.SetText(lang.L("Cannot read the TCP table: {{.Err}}", map[string]any{"Err": err.Error()}))
		v.info.Importance = widget.DangerImportance
	} else {
		open := 0
		for _, c := range conns {
			if !c.Gone() {
				open++
			}
		}
		v.info.SetText(lang.L("{{.Open}} open, {{.Gone}} gone · the kernel's table is sampled every 30 ms while this tab is visible; NetLab's own connections are recorded all the time.", map[string]any{"Open": open, "Gone": len(conns) - open}))
		v.info.Importance = widget.MediumImportance
	}
	v.info.Refresh()
	v.list.Refresh()
	if v.hasSel {
		// Select (which scrolls to the row) only when the row moved, so a
		// student scrolling the list is not pulled back every redraw.
		idx := -1
		for i, c := range conns {
			if c.Key == v.selected {
				idx = i
				break
			}
		}
		switch {
		case idx < 0 && v.selIdx >= 0:
			v.list.UnselectAll()
		case idx >= 0 && idx != v.selIdx:
			v.list.Select(idx)
		}
		v.selIdx = idx
	}
	v.showDetail()
}

// showDetail draws the selected connection's timeline: one bar per state,
// as long as the state lasted, with what NetLab reported in between. A
// connection that left the list is said to be gone, never shown as current.
func (v *statesView) showDetail() {
	if !v.hasSel {
		return
	}
	c, ok := v.s.sampler.Lookup(v.selected)
	if !ok {
		v.title.SetText(pairText(v.selected))
		v.explain.SetText(lang.L("This connection is gone: it is no longer listed (cleared, or closed more than 2 minutes ago)."))
		v.detail.Objects = nil
		v.detail.Refresh()
		return
	}
	title := connTitle(c)
	if c.Gone() {
		title += " — " + lang.L("gone")
	}
	v.title.SetText(title)
	explain := stateExplanation(c.State())
	if c.Gone() && len(c.Timeline) > 1 {
		explain = lang.L("Gone: the last state seen was {{.State}}.", map[string]any{"State": c.Timeline[len(c.Timeline)-2].State.String()}) + " " + explain
	}
	if c.HandshakeUnsampled() {
		explain += "\n" + lang.L("The handshake took {{.T}} (too fast to sample every 30 ms).", map[string]any{"T": formatShort(c.Handshake)})
	}
	v.explain.SetText(explain)
	v.detail.Objects = timelineRows(c, time.Now())
	v.detail.Refresh()
}

// timelineRows makes one row per step: a coloured bar whose length shows
// how long the state lasted (log scale), the state, when it began and how
// long it lasted; NetLab's reports (peer FIN, reset, closing) are rows of
// their own at their time.
func timelineRows(c tcpstate.Conn, now time.Time) []fyne.CanvasObject {
	start := c.Timeline[0].At
	if c.Handshake > 0 && c.HandshakeUnsampled() {
		start = start.Add(-c.Handshake)
	}
	var rows []fyne.CanvasObject
	reports := c.Reports
	flush := func(until time.Time, all bool) {
		for len(reports) > 0 && (all || reports[0].At.Before(until)) {
			r := reports[0]
			reports = reports[1:]
			l := widget.NewLabel("    " + lang.L("at +{{.T}}", map[string]any{"T": formatSince(r.At.Sub(start))}) + "  " + reportText(r))
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.LowImportance
			rows = append(rows, l)
		}
	}
	if c.HandshakeUnsampled() {
		name := widget.NewLabelWithStyle(tcpstate.SynSent.String(), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		hs := widget.NewLabel(lang.L("handshake took {{.T}} (too fast to sample)", map[string]any{"T": formatShort(c.Handshake)}))
		hs.Wrapping = fyne.TextWrapWord
		rows = append(rows, container.NewBorder(nil, nil, name, nil, hs))
	}
	for i, ch := range c.Timeline {
		flush(ch.At, false)
		end := now
		if i+1 < len(c.Timeline) {
			end = c.Timeline[i+1].At
		}
		lasted := end.Sub(ch.At)
		bar := canvas.NewRectangle(theme.Color(stateColor(ch.State)))
		bar.CornerRadius = 3
		w := float32(8)
		if ch.State != tcpstate.Closed {
			w = barWidth(lasted)
		}
		bar.SetMinSize(fyne.NewSize(w, 14))
		name := widget.NewLabelWithStyle(ch.State.String(), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		at := lang.L("at +{{.T}}", map[string]any{"T": formatSince(ch.At.Sub(start))})
		var how string
		switch {
		case ch.State == tcpstate.Closed:
			how = ""
		case i+1 < len(c.Timeline):
			how = lang.L("lasted {{.T}}", map[string]any{"T": formatSince(lasted)})
		default:
			how = lang.L("for {{.T}} so far", map[string]any{"T": formatSince(lasted)})
		}
		if ch.Reported {
			how += "  " + lang.L("(reported by NetLab; not sampled)")
		}
		meta := widget.NewLabel(at + "  " + how)
		meta.Wrapping = fyne.TextWrapWord
		rows = append(rows, container.NewBorder(nil, nil, container.NewHBox(name, container.NewCenter(bar)), nil, meta))
	}
	flush(now, true)
	rows = append(rows, layout.NewSpacer())
	return rows
}

// reportText is a report of NetLab's in the user's language.
func reportText(r tcpstate.Report) string {
	switch r.Event {
	case tcpstate.EventPeerFIN:
		return lang.L("peer closed its sending side (FIN received) — CLOSE_WAIT")
	case tcpstate.EventLocalFIN:
		return lang.L("NetLab closed its sending side (FIN sent)")
	case tcpstate.EventReset:
		return lang.L("connection reset (RST)")
	}
	switch r.Text {
	case tcpstate.ReasonLocal:
		return lang.L("closed by NetLab")
	case tcpstate.ReasonPeer:
		return lang.L("closed by the peer")
	case tcpstate.ReasonReset:
		return lang.L("reset (RST)")
	case tcpstate.ReasonError:
		return lang.L("closed after an error")
	}
	return r.Text
}

// formatShort shows a short duration with a useful precision: "0.3 ms".
func formatShort(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return formatSince(d)
}

// barWidth maps a duration to 8..240 px on a log scale (1 ms .. 100 s).
func barWidth(d time.Duration) float32 {
	ms := float64(d) / 1e6
	if ms < 1 {
		return 8
	}
	w := 8 + 232*float32(log10(ms)/5)
	return min(w, 240)
}

func log10(x float64) float64 {
	n := 0.0
	for x >= 10 {
		x /= 10
		n++
	}
	// linear between decades is close enough for a bar
	return n + (x-1)/9
}

func formatSince(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}
