package tcppanel

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/codec"
	"github.com/netlab-classroom/netlab/netengine/workbench"
	"github.com/netlab-classroom/netlab/widgets/streamview"
)

// recvPane is the session's log: every read, send and event, with the
// display options, find, pause, the counters and saving.
type recvPane struct {
	u          *sessionUI
	root       fyne.CanvasObject
	stream     *streamview.StreamView
	charset    *widget.Select
	hexView    *widget.Check
	symbols    *widget.Check
	times      *widget.Check
	findEntry  *widget.Entry
	pauseBtn   *widget.Button
	tallBtn    *widget.Button // the log takes the whole height (send tabs hidden) or not
	counters   *widget.Label
	trimInfo   *widget.Label
	captureBtn *widget.Button
}

func newRecvPane(u *sessionUI) *recvPane {
	s := u.s
	p := &recvPane{u: u}
	prefs := s.page.ctx.Prefs()
	p.stream = streamview.New(s.view)
	var names []string
	for _, c := range codec.Charsets {
		names = append(names, string(c))
	}
	mode, cs, sym := s.view.Settings()
	p.charset = widget.NewSelect(names, func(v string) {
		c, _ := codec.ParseCharset(v)
		prefs.SetString(prefCharset, string(c))
		m, old, _ := s.view.Settings()
		if old != c {
			s.view.Configure(s.log, m, c)
			p.stream.Update()
		}
		if u.send != nil {
			u.send.updateInfo()
		}
		if u.http != nil {
			u.http.updateLength()
		}
	})
	if cs == codec.UTF8 {
		if saved, err := codec.ParseCharset(prefs.String(prefCharset)); err == nil {
			cs = saved
			s.view.Configure(s.log, mode, cs)
		}
	}
	p.charset.SetSelected(string(cs))
	p.hexView = widget.NewCheck(lang.L("Hex view"), nil)
	p.hexView.SetChecked(mode == workbench.HexMode)
	p.hexView.OnChanged = func(on bool) {
		m := workbench.TextMode
		if on {
			m = workbench.HexMode
		}
		old, c, _ := s.view.Settings()
		if old != m {
			s.view.Configure(s.log, m, c)
			p.stream.Update()
		}
	}
	p.symbols = widget.NewCheck(lang.L("CR/LF"), nil)
	p.symbols.SetChecked(sym || !prefs.Bool(prefSymbolsSet))
	s.view.SetSymbols(p.symbols.Checked)
	p.symbols.OnChanged = func(on bool) {
		prefs.SetBool(prefSymbolsSet, true)
		s.view.SetSymbols(on)
		p.stream.Refresh()
	}
	p.times = widget.NewCheck(lang.L("Time"), func(on bool) { p.stream.ShowTime = on; p.stream.Refresh() })
	p.times.SetChecked(true)
	p.findEntry = widget.NewEntry()
	p.findEntry.SetPlaceHolder(lang.L("Find (Ctrl+F)"))
	p.findEntry.OnSubmitted = func(string) { p.find(false) }
	findNext := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { p.find(false) })
	findPrev := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { p.find(true) })
	p.pauseBtn = widget.NewButtonWithIcon("", theme.MediaPauseIcon(), p.togglePause)
	clearBtn := widget.NewButtonWithIcon("", theme.ContentClearIcon(), p.clear)
	p.tallBtn = widget.NewButtonWithIcon("", theme.ViewFullScreenIcon(), p.toggleTall)
	p.captureBtn = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), p.saveMenu)
	p.counters = widget.NewLabel("")
	p.counters.TextStyle = fyne.TextStyle{Monospace: true}
	resetBtn := widget.NewButtonWithIcon("", theme.HistoryIcon(), func() { s.log.ResetCounters(); u.refresh() })
	p.trimInfo = widget.NewLabel("")
	p.trimInfo.Importance = widget.WarningImportance
	p.trimInfo.Wrapping = fyne.TextWrapWord
	p.trimInfo.Hide()

	bar := container.NewBorder(nil, nil, container.NewHBox(p.charset, p.hexView, p.symbols, p.times),
		container.NewHBox(p.stream.Follower.Button, p.pauseBtn, clearBtn, p.tallBtn))
	// The counters keep their whole width (RX/TX is never cut off); find
	// takes what is left.
	bottom := container.NewVBox(p.trimInfo,
		container.NewBorder(nil, nil, container.NewHBox(p.counters, resetBtn), p.captureBtn,
			container.NewBorder(nil, nil, nil, container.NewHBox(findPrev, findNext), p.findEntry)))
	p.root = container.NewBorder(bar, bottom, nil, nil, p.stream)
	return p
}

func (p *recvPane) saveMenu() {
	s := p.u.s
	rec := lang.L("Record every byte to a file…")
	if on, _, _ := s.log.Capturing(); on {
		rec = lang.L("Stop recording")
	}
	m := fyne.NewMenu("",
		fyne.NewMenuItem(lang.L("Save raw…"), p.u.saveRaw),
		fyne.NewMenuItem(lang.L("Save log…"), p.u.saveLog),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(rec, p.u.toggleCapture))
	drv := fyne.CurrentApp().Driver()
	c := drv.CanvasForObject(p.captureBtn)
	if c == nil {
		return
	}
	pos := drv.AbsolutePositionForObject(p.captureBtn)
	widget.ShowPopUpMenuAtPosition(m, c, pos.Add(fyne.NewPos(0, p.captureBtn.Size().Height)))
}

func (p *recvPane) find(back bool) {
	if p.stream.Find(p.findEntry.Text, back) < 0 && p.findEntry.Text != "" {
		p.u.s.status(false, lang.L("Not found: {{.Text}}", map[string]any{"Text": p.findEntry.Text}), nil)
	}
}

func (p *recvPane) togglePause() {
	paused := !p.stream.Paused()
	p.stream.SetPaused(paused)
	if paused {
		p.pauseBtn.SetText(lang.L("Resume"))
		p.pauseBtn.Importance = widget.WarningImportance
		p.pauseBtn.SetIcon(theme.MediaPlayIcon())
	} else {
		p.pauseBtn.SetText("")
		p.pauseBtn.Importance = widget.MediumImportance
		p.pauseBtn.SetIcon(theme.MediaPauseIcon())
	}
}

// toggleTall gives the log the whole height (the send tabs go) or
// brings the send tabs back.
func (p *recvPane) toggleTall() {
	tabs := p.u.tabs
	if tabs.Visible() {
		tabs.Hide()
		p.tallBtn.SetIcon(theme.ViewRestoreIcon())
		p.tallBtn.Importance = widget.HighImportance
	} else {
		tabs.Show()
		p.tallBtn.SetIcon(theme.ViewFullScreenIcon())
		p.tallBtn.Importance = widget.MediumImportance
	}
	p.tallBtn.Refresh()
	p.u.vsplit.Refresh()
	p.stream.Update()
}

func (p *recvPane) clear() {
	s := p.u.s
	s.view.Clear()
	s.view.SkipTo(s.log.LastSeq())
	s.log.Clear()
	p.stream.Clear()
	p.u.refresh()
}

// refresh shows the counters, what was trimmed, new lines and the
// recording state.
func (p *recvPane) refresh() {
	s := p.u.s
	rx, tx := s.log.Counters()
	p.counters.SetText(lang.L("RX {{.RX}} · TX {{.TX}}", map[string]any{"RX": app.FormatBytes(rx), "TX": app.FormatBytes(tx)}))
	lines, lost, skipped := s.view.Trimmed()
	var parts []string
	if lines > 0 {
		parts = append(parts, lang.L("{{.N}} older lines trimmed from the view", map[string]any{"N": lines}))
	}
	if lost > 0 {
		parts = append(parts, lang.L("{{.N}} reads dropped before display", map[string]any{"N": lost}))
	}
	if skipped > 0 {
		parts = append(parts, lang.L("{{.N}} bytes skipped (too fast to show)", map[string]any{"N": skipped}))
	}
	if len(parts) > 0 {
		on, _, _ := s.log.Capturing()
		tail := lang.L("Use Record to file to keep every byte.")
		if on {
			tail = lang.L("The recording keeps every byte.")
		}
		p.trimInfo.SetText(strings.Join(parts, " · ") + ". " + tail)
		p.trimInfo.Show()
	} else {
		p.trimInfo.Hide()
	}
	if p.u.shown() { // a hidden list cannot scroll: it would stop following
		p.stream.Update()
	}
	if on, n, err := s.log.Capturing(); on {
		p.captureBtn.SetText(lang.L("Recording ({{.Bytes}})", map[string]any{"Bytes": app.FormatBytes(n)}))
		p.captureBtn.Importance = widget.WarningImportance
		if err != nil {
			s.status(true, p.u.errText(err, ""), nil)
		}
	} else {
		p.captureBtn.SetText(lang.L("Save"))
		p.captureBtn.Importance = widget.MediumImportance
	}
}
