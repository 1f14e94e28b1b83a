// Package tcppanel is the TCP/UDP workbench page: a TCP server with a
// client list, a TCP client and a UDP socket, a receive view that never
// freezes, a send box, auto-reply and the HTTP-by-hand helper (exercise E1).
// It is a thin view over netengine/workbench.
package tcppanel

import (
	"embed"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/codec"
	"github.com/netlab-classroom/netlab/netengine/workbench"
	"github.com/netlab-classroom/netlab/widgets/streamview"
)

//go:embed i18n
var tr embed.FS

func init() {
	app.Register(app.Page{
		Translations: tr,
		ID:           "tcp",
		Title:        "TCP/UDP",
		Intro:        "TCP server, TCP client and UDP: see every byte, send text or hex, answer a browser by hand.",
		IconName:     theme.IconNameComputer,
		Order:        10,
		Build:        build,
	})
}

// panelUI is one build of the view; state.ui points at the current one.
type panelUI struct {
	st  *state
	win fyne.Window

	root        fyne.CanvasObject
	mode        *widget.Select
	host        *widget.Entry
	port        *widget.Entry
	allIfaces   *widget.Check
	exposedWarn *widget.Label
	startBtn    *widget.Button
	addrErr     *widget.Label

	// left side
	leftServer, leftClient, leftUDP fyne.CanvasObject
	left                            *fyne.Container
	clients                         *widget.List
	clientRows                      []workbench.ClientInfo
	clientSummary                   *widget.Label
	connInfo                        *widget.Label
	shortConn                       *widget.Check
	udpDest                         *widget.Entry
	udpBroadcast                    *widget.Check
	udpInfo                         *widget.Label

	// receive view
	stream     *streamview.StreamView
	charset    *widget.Select
	hexView    *widget.Check
	symbols    *widget.Check
	times      *widget.Check
	findEntry  *widget.Entry
	pauseBtn   *widget.Button
	counters   *widget.Label
	trimInfo   *widget.Label
	captureBtn *widget.Button

	startShown string // mode/running/all-interfaces the start row shows

	send *sendBox
	auto *autoReplyUI
	http *httpHelper
	tabs *container.AppTabs
}

func build(ctx *app.Context) fyne.CanvasObject {
	st := ctx.Keep("tcp.state", func() any { return newState(ctx) }).(*state)
	st.mu.Lock()
	first := !st.quitSet
	st.quitSet = true
	st.mu.Unlock()
	if first { // not inside Keep: it holds the context's lock
		ctx.OnQuit(st.shutdown)
	}
	u := &panelUI{st: st, win: ctx.Window}
	u.root = u.make()
	st.mu.Lock()
	st.ui = u
	st.mu.Unlock()
	u.installShortcuts()
	u.syncMode()
	u.refresh()
	return u.root
}

func (u *panelUI) tr(key string) string { return lang.L(key) }

func (u *panelUI) make() fyne.CanvasObject {
	st := u.st
	p := st.ctx.Prefs()
	modeNames := []string{lang.L("TCP server"), lang.L("TCP client"), lang.L("UDP")}
	modeIDs := []string{modeServer, modeClient, modeUDP}
	u.mode = widget.NewSelect(modeNames, func(s string) {
		for i, n := range modeNames {
			if n == s && st.mode != modeIDs[i] {
				st.mode = modeIDs[i]
				p.SetString(prefMode, st.mode)
				u.syncMode()
			}
		}
	})
	for i, id := range modeIDs {
		if id == st.mode {
			u.mode.SetSelectedIndex(i)
		}
	}
	u.host = widget.NewEntry()
	u.host.SetText(p.StringWithFallback(prefHost, "127.0.0.1"))
	u.host.SetPlaceHolder("127.0.0.1")
	u.port = widget.NewEntry()
	u.port.SetText(p.StringWithFallback(prefPort, "8080"))
	u.port.SetPlaceHolder("8080")
	u.allIfaces = widget.NewCheck(lang.L("All interfaces"), nil)
	u.exposedWarn = widget.NewLabelWithStyle(lang.L("Listening on all interfaces: other computers on your network can connect."), fyne.TextAlignLeading, fyne.TextStyle{})
	u.exposedWarn.Importance = widget.WarningImportance
	u.exposedWarn.Wrapping = fyne.TextWrapWord
	u.exposedWarn.Hide()
	u.allIfaces.OnChanged = func(on bool) {
		if !on {
			u.exposedWarn.Hide()
			u.host.Enable()
			return
		}
		dialog.ShowConfirm(lang.L("Listen on all interfaces?"),
			lang.L("Other computers on your network will be able to connect to this server. Do this only on a classroom network you trust."),
			func(ok bool) {
				if !ok {
					u.allIfaces.SetChecked(false)
					return
				}
				u.exposedWarn.Show()
				u.host.Disable()
			}, u.win)
	}
	u.startBtn = widget.NewButtonWithIcon(lang.L("Start"), theme.MediaPlayIcon(), u.startStop)
	u.startBtn.Importance = widget.HighImportance
	u.addrErr = widget.NewLabel("")
	u.addrErr.Importance = widget.DangerImportance
	u.addrErr.Wrapping = fyne.TextWrapWord
	u.addrErr.Hide()

	portBox := container.NewGridWrap(fyne.NewSize(90, u.port.MinSize().Height), u.port)
	top := container.NewBorder(nil, nil, u.mode,
		container.NewHBox(widget.NewLabel(":"), portBox, u.allIfaces, u.startBtn), u.host)
	header := container.NewVBox(top, u.addrErr, u.exposedWarn)

	u.makeLeft()
	right := u.makeRight()
	split := container.NewHSplit(u.left, right)
	split.Offset = 0.25
	return container.NewBorder(header, nil, nil, nil, split)
}

func (u *panelUI) makeLeft() {
	st := u.st
	// server: client list
	u.clients = widget.NewList(
		func() int { return len(u.clientRows) },
		func() fyne.CanvasObject {
			chk := widget.NewCheck("", nil)
			addr := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			addr.Truncation = fyne.TextTruncateEllipsis
			det := widget.NewLabel("")
			det.SizeName = theme.SizeNameCaptionText
			det.Importance = widget.LowImportance
			det.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, chk, nil, container.NewVBox(addr, det))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(u.clientRows) {
				return
			}
			c := u.clientRows[id]
			b := o.(*fyne.Container)
			v := b.Objects[0].(*fyne.Container)
			chk := b.Objects[1].(*widget.Check)
			v.Objects[0].(*widget.Label).SetText(c.Remote)
			state := lang.L(c.State)
			if !c.Open && c.Reason != "" {
				state += ": " + lang.L(c.Reason)
			}
			v.Objects[1].(*widget.Label).SetText(lang.L("since {{.Since}} · in {{.In}} · out {{.Out}} · {{.State}}", map[string]any{
				"Since": c.Since.Format("15:04:05"), "In": app.FormatBytes(c.In), "Out": app.FormatBytes(c.Out), "State": state}))
			chk.OnChanged = nil
			st.mu.Lock()
			chk.SetChecked(st.selected[c.ID])
			st.mu.Unlock()
			if c.Open {
				chk.Enable()
			} else {
				chk.Disable()
			}
			cid := c.ID
			chk.OnChanged = func(on bool) {
				st.mu.Lock()
				st.selected[cid] = on
				st.mu.Unlock()
				u.send.updateTarget()
			}
		})
	u.clientSummary = widget.NewLabel("")
	u.clientSummary.Wrapping = fyne.TextWrapWord
	act := func(label string, icon fyne.Resource, f func(id uint64) error) *widget.Button {
		return widget.NewButtonWithIcon(label, icon, func() {
			ids := st.selectedIDs()
			if len(ids) == 0 {
				u.showError(lang.L("Select a client first (tick it in the list)."))
				return
			}
			for _, id := range ids {
				if err := f(id); err != nil && !errors.Is(err, workbench.ErrNoClient) {
					u.showError(lang.L("Could not do that: {{.Err}}", map[string]any{"Err": err.Error()}))
				}
			}
		})
	}
	closeBtn := act(lang.L("Close"), theme.CancelIcon(), st.srv.Close)
	halfBtn := act(lang.L("Half-close"), theme.MailForwardIcon(), st.srv.HalfClose)
	abortBtn := act(lang.L("Abort (RST)"), theme.ErrorIcon(), st.srv.Abort)
	allBtn := widget.NewButtonWithIcon(lang.L("Close all"), theme.ContentClearIcon(), func() { st.srv.CloseAll() })
	cleanBtn := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { st.srv.RemoveClosed(); u.refresh() })
	selAll := widget.NewButtonWithIcon("", theme.CheckButtonCheckedIcon(), func() {
		st.mu.Lock()
		for _, id := range st.srv.OpenIDs() {
			st.selected[id] = true
		}
		st.mu.Unlock()
		u.clients.Refresh()
		u.send.updateTarget()
	})
	helpBtn := widget.NewButtonWithIcon("", theme.QuestionIcon(), func() {
		dialog.ShowInformation(lang.L("Ending a connection"),
			lang.L("Close: FIN after queued data. Half-close: FIN but keep reading. Abort: RST, queued data lost."), u.win)
	})
	actions := container.NewGridWithColumns(2, closeBtn, halfBtn, abortBtn, allBtn)
	u.leftServer = container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(helpBtn, selAll, cleanBtn),
			widget.NewLabelWithStyle(lang.L("Clients"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})), u.clientSummary),
		actions, nil, nil, u.clients)

	// client: connection info and close options
	u.connInfo = widget.NewLabel("")
	u.connInfo.Wrapping = fyne.TextWrapWord
	u.shortConn = widget.NewCheck(lang.L("Short connection"), nil)
	shortHelp := widget.NewLabel(lang.L("Short connection: connect, send, receive, close for each send"))
	shortHelp.Wrapping = fyne.TextWrapWord
	shortHelp.Importance = widget.LowImportance
	shortHelp.SizeName = theme.SizeNameCaptionText
	reconnect := widget.NewButtonWithIcon(lang.L("Reconnect"), theme.ViewRefreshIcon(), func() { u.connect(true) })
	cHalf := widget.NewButtonWithIcon(lang.L("Half-close"), theme.MailForwardIcon(), func() {
		if err := st.cli.HalfClose(); err != nil {
			u.showError(u.errText(err, ""))
		}
	})
	cAbort := widget.NewButtonWithIcon(lang.L("Abort (RST)"), theme.ErrorIcon(), func() {
		if err := st.cli.Abort(); err != nil {
			u.showError(u.errText(err, ""))
		}
	})
	u.leftClient = container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Connection"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		u.connInfo, u.shortConn, shortHelp, container.NewGridWithColumns(2, reconnect, cHalf, cAbort))

	// UDP: destination and broadcast
	u.udpDest = widget.NewEntry()
	u.udpDest.SetText(st.ctx.Prefs().StringWithFallback(prefUDPDest, "127.0.0.1:9000"))
	u.udpDest.OnChanged = func(s string) { st.ctx.Prefs().SetString(prefUDPDest, s) }
	u.udpBroadcast = widget.NewCheck(lang.L("Allow broadcast"), nil)
	u.udpInfo = widget.NewLabel("")
	u.udpInfo.Wrapping = fyne.TextWrapWord
	udpHelp := widget.NewLabel(lang.L("Each datagram is shown with its sender. Auto-reply answers the sender. Broadcast applies when binding."))
	udpHelp.Wrapping = fyne.TextWrapWord
	udpHelp.Importance = widget.LowImportance
	u.leftUDP = container.NewVBox(
		widget.NewLabelWithStyle(lang.L("UDP"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		u.udpInfo, widget.NewLabel(lang.L("Send to (host:port)")), u.udpDest, u.udpBroadcast, udpHelp)
	u.left = container.NewStack(u.leftServer, u.leftClient, u.leftUDP)
}

func (u *panelUI) makeRight() fyne.CanvasObject {
	st := u.st
	p := st.ctx.Prefs()
	u.stream = streamview.New(st.view)
	var names []string
	for _, c := range codec.Charsets {
		names = append(names, string(c))
	}
	mode, cs, sym := st.view.Settings()
	u.charset = widget.NewSelect(names, func(s string) {
		c, _ := codec.ParseCharset(s)
		p.SetString(prefCharset, string(c))
		m, old, _ := st.view.Settings()
		if old != c {
			st.view.Configure(st.log, m, c)
			u.stream.Update()
		}
		if u.send != nil {
			u.send.updateInfo()
		}
		if u.http != nil {
			u.http.updateLength()
		}
	})
	if cs == codec.UTF8 {
		if saved, err := codec.ParseCharset(p.String(prefCharset)); err == nil {
			cs = saved
			st.view.Configure(st.log, mode, cs)
		}
	}
	u.charset.SetSelected(string(cs))
	u.hexView = widget.NewCheck(lang.L("Hex view"), nil)
	u.hexView.SetChecked(mode == workbench.HexMode)
	u.hexView.OnChanged = func(on bool) {
		m := workbench.TextMode
		if on {
			m = workbench.HexMode
		}
		old, c, _ := st.view.Settings()
		if old != m {
			st.view.Configure(st.log, m, c)
			u.stream.Update()
		}
	}
	u.symbols = widget.NewCheck(lang.L("CR/LF"), func(on bool) { st.view.SetSymbols(on); u.stream.Update() })
	u.symbols.SetChecked(sym || !p.Bool("tcp.symbols.set"))
	u.symbols.OnChanged = func(on bool) {
		p.SetBool("tcp.symbols.set", true)
		st.view.SetSymbols(on)
		u.stream.Refresh()
	}
	st.view.SetSymbols(u.symbols.Checked)
	u.times = widget.NewCheck(lang.L("Time"), func(on bool) { u.stream.ShowTime = on; u.stream.Refresh() })
	u.times.SetChecked(true)
	u.findEntry = widget.NewEntry()
	u.findEntry.SetPlaceHolder(lang.L("Find (Ctrl+F)"))
	u.findEntry.OnSubmitted = func(s string) { u.find(false) }
	findNext := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { u.find(false) })
	findPrev := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { u.find(true) })
	u.pauseBtn = widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), u.togglePause)
	clearBtn := widget.NewButtonWithIcon(lang.L("Clear"), theme.ContentClearIcon(), u.clearView)
	var saveBtn *widget.Button
	saveBtn = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() {
		rec := lang.L("Record every byte to a file…")
		if on, _, _ := st.log.Capturing(); on {
			rec = lang.L("Stop recording")
		}
		m := fyne.NewMenu("",
			fyne.NewMenuItem(lang.L("Save raw…"), u.saveRaw),
			fyne.NewMenuItem(lang.L("Save log…"), u.saveLog),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem(rec, u.toggleCapture))
		c := fyne.CurrentApp().Driver().CanvasForObject(saveBtn)
		if c == nil {
			return
		}
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(saveBtn)
		widget.ShowPopUpMenuAtPosition(m, c, pos.Add(fyne.NewPos(0, saveBtn.Size().Height)))
	})
	u.captureBtn = saveBtn
	u.counters = widget.NewLabel("")
	u.counters.TextStyle = fyne.TextStyle{Monospace: true}
	resetBtn := widget.NewButtonWithIcon("", theme.HistoryIcon(), func() { st.log.ResetCounters(); u.refresh() })
	u.trimInfo = widget.NewLabel("")
	u.trimInfo.Importance = widget.WarningImportance
	u.trimInfo.Wrapping = fyne.TextWrapWord
	u.trimInfo.Hide()
	u.pauseBtn.SetText("")
	clearBtn.SetText("")

	followBtn := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { u.stream.Follow() })
	u.stream.OnFollowChanged = func(on bool) {
		if on {
			followBtn.SetText("")
			followBtn.Importance = widget.MediumImportance
		} else {
			followBtn.SetText(lang.L("Follow"))
			followBtn.Importance = widget.HighImportance
		}
		followBtn.Refresh()
	}
	bar := container.NewBorder(nil, nil, container.NewHBox(u.charset, u.hexView, u.symbols, u.times), container.NewHBox(followBtn, u.pauseBtn, clearBtn))
	bottom := container.NewVBox(u.trimInfo,
		container.NewBorder(nil, nil, container.NewHBox(u.counters, resetBtn), saveBtn,
			container.NewBorder(nil, nil, nil, container.NewHBox(findPrev, findNext), u.findEntry)))
	recv := container.NewBorder(bar, bottom, nil, nil, u.stream)

	u.send = newSendBox(u)
	u.auto = newAutoReplyUI(u)
	u.http = newHTTPHelper(u)
	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Send"), theme.MailSendIcon(), u.send.root),
		container.NewTabItemWithIcon(lang.L("Auto-reply"), theme.MailReplyIcon(), u.auto.root),
		container.NewTabItemWithIcon(lang.L("HTTP helper"), theme.DocumentIcon(), u.http.root),
	)
	split := container.NewVSplit(recv, u.tabs)
	split.Offset = 0.55
	return split
}

func layoutSpacer() fyne.CanvasObject { return widget.NewLabel("") }

func (u *panelUI) installShortcuts() {
	st := u.st
	st.ctx.Keep("tcp.shortcuts", func() any {
		c := st.ctx.Window.Canvas()
		onPage := func() *panelUI {
			if pg := st.ctx.Prefs().String(app.PrefPage); pg != "" && pg != "tcp" {
				return nil
			}
			st.mu.Lock()
			defer st.mu.Unlock()
			return st.ui
		}
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			if ui := onPage(); ui != nil {
				c.Focus(ui.findEntry)
			}
		})
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			if ui := onPage(); ui != nil {
				ui.clearView()
			}
		})
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			if ui := onPage(); ui != nil {
				ui.send.doSend()
			}
		})
		return true
	})
}

// syncMode shows the widgets of the current mode.
func (u *panelUI) syncMode() {
	st := u.st
	u.leftServer.Hide()
	u.leftClient.Hide()
	u.leftUDP.Hide()
	u.allIfaces.Show()
	switch st.mode {
	case modeClient:
		u.leftClient.Show()
		u.allIfaces.Hide()
		u.host.SetPlaceHolder(lang.L("host name or IP"))
	case modeUDP:
		u.leftUDP.Show()
		u.host.SetPlaceHolder("127.0.0.1")
	default:
		u.leftServer.Show()
		u.host.SetPlaceHolder("127.0.0.1")
	}
	if st.mode == modeClient && u.allIfaces.Checked {
		u.allIfaces.SetChecked(false)
	}
	u.updateStartButton()
	if u.send != nil {
		u.send.updateTarget()
		u.refresh()
	}
}

func (u *panelUI) running() bool {
	switch u.st.mode {
	case modeClient:
		return u.st.cli.Connected()
	case modeUDP:
		return u.st.udp.Addr() != ""
	}
	return u.st.srv.Running()
}

func (u *panelUI) updateStartButton() {
	on := u.running()
	key := fmt.Sprintf("%s/%v/%v", u.st.mode, on, u.allIfaces.Checked)
	if key == u.startShown {
		return // nothing changed: spare 30 refreshes a second
	}
	u.startShown = key
	var label string
	switch u.st.mode {
	case modeClient:
		label = lang.L("Connect")
		if on {
			label = lang.L("Disconnect")
		}
	case modeUDP:
		label = lang.L("Bind")
		if on {
			label = lang.L("Close socket")
		}
	default:
		label = lang.L("Start")
		if on {
			label = lang.L("Stop")
		}
	}
	u.startBtn.SetText(label)
	if on {
		u.startBtn.SetIcon(theme.MediaStopIcon())
		u.startBtn.Importance = widget.DangerImportance
	} else {
		u.startBtn.SetIcon(theme.MediaPlayIcon())
		u.startBtn.Importance = widget.HighImportance
	}
	u.startBtn.Refresh()
	// the address cannot change under a running socket
	if on {
		u.mode.Disable()
		u.port.Disable()
		u.host.Disable()
		u.allIfaces.Disable()
	} else {
		u.mode.Enable()
		u.port.Enable()
		u.allIfaces.Enable()
		if !u.allIfaces.Checked {
			u.host.Enable()
		}
	}
}

// address validates the host and port fields.
func (u *panelUI) address() (string, bool) {
	host := strings.TrimSpace(u.host.Text)
	if u.allIfaces.Checked && u.st.mode != modeClient {
		host = "0.0.0.0"
	}
	if host == "" {
		host = "127.0.0.1"
	}
	portText := strings.TrimSpace(u.port.Text)
	port, err := strconv.Atoi(portText)
	minPort := 1
	if u.st.mode == modeUDP {
		minPort = 0
	}
	if err != nil || port < minPort || port > 65535 {
		u.fieldError(lang.L("The port must be a number from 1 to 65535, e.g. 8080."))
		return "", false
	}
	if u.st.mode != modeClient && net.ParseIP(host) == nil && host != "localhost" {
		u.fieldError(lang.L("Listen on an IP address of this computer, e.g. 127.0.0.1."))
		return "", false
	}
	u.addrErr.Hide()
	p := u.st.ctx.Prefs()
	if !u.allIfaces.Checked {
		p.SetString(prefHost, host)
	}
	p.SetString(prefPort, portText)
	return net.JoinHostPort(host, strconv.Itoa(port)), true
}

func (u *panelUI) fieldError(msg string) {
	u.addrErr.SetText(msg)
	u.addrErr.Show()
	u.st.ctx.Status.Error(msg)
}

// errText explains a socket error in the user's language.
func (u *panelUI) errText(err error, addr string) string {
	if key, args := workbench.Explain(err, addr); key != "" {
		return lang.L(key, args)
	}
	switch {
	case errors.Is(err, workbench.ErrNoClient):
		return lang.L("Not connected.")
	case errors.Is(err, workbench.ErrNotRunning):
		return lang.L("Start first: the socket is not open.")
	case errors.Is(err, workbench.ErrBroadcastOff):
		return lang.L("Broadcast is off: tick \"Allow broadcast\" and bind again to send to a broadcast address.")
	}
	return lang.L("Error: {{.Err}}", map[string]any{"Err": err.Error()})
}

func (u *panelUI) showError(msg string) { u.st.ctx.Status.Error(msg) }

func (u *panelUI) startStop() {
	st := u.st
	if st.engErr != nil && st.mode != modeUDP {
		u.fieldError(lang.L("Error: {{.Err}}", map[string]any{"Err": st.engErr.Error()}))
		return
	}
	if u.running() {
		switch st.mode {
		case modeClient:
			st.cli.Disconnect()
		case modeUDP:
			st.udp.Close()
		default:
			_ = st.srv.Stop()
			st.ctx.Status.Info(lang.L("Server stopped"))
		}
		st.per.Stop()
		u.updateStartButton()
		return
	}
	switch st.mode {
	case modeClient:
		u.connect(false)
	case modeUDP:
		addr, ok := u.address()
		if !ok {
			return
		}
		if err := st.udp.Bind(addr, u.udpBroadcast.Checked); err != nil {
			u.fieldError(u.errText(err, addr))
			return
		}
		st.ctx.Status.Info(lang.L("UDP bound to {{.Addr}}", map[string]any{"Addr": st.udp.Addr()}))
	default:
		addr, ok := u.address()
		if !ok {
			return
		}
		if err := st.srv.Start(addr); err != nil {
			u.fieldError(u.errText(err, addr))
			return
		}
		st.ctx.Status.Info(lang.L("Listening on {{.Addr}}", map[string]any{"Addr": st.srv.Addr()}))
	}
	u.updateStartButton()
	u.refresh()
}

func (u *panelUI) connect(again bool) {
	st := u.st
	addr, ok := u.address()
	if !ok {
		return
	}
	u.connInfo.SetText(lang.L("Connecting to {{.Addr}}…", map[string]any{"Addr": addr}))
	u.startBtn.Disable()
	background(func() { // the dial blocks: never on the UI goroutine
		info, err := st.cli.Connect(addr)
		onUI(func() {
			u.startBtn.Enable()
			if err != nil {
				msg := u.errText(err, addr)
				u.fieldError(msg)
				u.connInfo.SetText(msg)
				return
			}
			u.addrErr.Hide()
			st.ctx.Status.Info(lang.L("Connected to {{.Peer}} from {{.Local}} in {{.Time}}", map[string]any{
				"Peer": info.Resolved, "Local": info.Local, "Time": fmtMS(info.Connect)}))
			u.refresh()
		})
	})
}

func fmtMS(d interface{ Microseconds() int64 }) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}

func (u *panelUI) find(back bool) {
	if u.stream.Find(u.findEntry.Text, back) < 0 && u.findEntry.Text != "" {
		u.st.ctx.Status.Info(lang.L("Not found: {{.Text}}", map[string]any{"Text": u.findEntry.Text}))
	}
}

func (u *panelUI) togglePause() {
	p := !u.stream.Paused()
	u.stream.SetPaused(p)
	if p {
		u.pauseBtn.SetText(lang.L("Resume"))
		u.pauseBtn.Importance = widget.WarningImportance
		u.pauseBtn.SetIcon(theme.MediaPlayIcon())
	} else {
		u.pauseBtn.SetText("")
		u.pauseBtn.Importance = widget.MediumImportance
		u.pauseBtn.SetIcon(theme.MediaPauseIcon())
	}
}

func (u *panelUI) clearView() {
	st := u.st
	st.view.Clear()
	st.view.SkipTo(st.log.LastSeq())
	st.log.Clear()
	u.stream.Clear()
	u.refresh()
}

// refresh copies the models' state into the widgets (UI goroutine only).
func (u *panelUI) refresh() {
	st := u.st
	rx, tx := st.log.Counters()
	u.counters.SetText(lang.L("RX {{.RX}} · TX {{.TX}}", map[string]any{"RX": app.FormatBytes(rx), "TX": app.FormatBytes(tx)}))
	lines, lost, skipped := st.view.Trimmed()
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
		on, _, _ := st.log.Capturing()
		tail := lang.L("Use Record to file to keep every byte.")
		if on {
			tail = lang.L("The recording keeps every byte.")
		}
		u.trimInfo.SetText(strings.Join(parts, " · ") + ". " + tail)
		u.trimInfo.Show()
	} else {
		u.trimInfo.Hide()
	}
	u.stream.Update()

	// clients
	all := st.srv.Clients()
	u.clientRows = all
	open := 0
	for _, c := range all {
		if c.Open {
			open++
		}
	}
	st.mu.Lock()
	for id := range st.selected { // forget closed clients' ticks
		found := false
		for _, c := range all {
			if c.ID == id && c.Open {
				found = true
			}
		}
		if !found {
			delete(st.selected, id)
		}
	}
	st.mu.Unlock()
	if a := st.srv.Addr(); a != "" {
		u.clientSummary.SetText(lang.L("Listening on {{.Addr}} · {{.N}} connected", map[string]any{"Addr": a, "N": open}))
	} else {
		u.clientSummary.SetText(lang.L("Not listening. Press Start."))
	}
	u.clients.Refresh()
	// client mode
	if info, ok := st.cli.Info(); ok {
		state := lang.L(info.State)
		if !info.Open && info.Reason != "" {
			state += ": " + lang.L(info.Reason)
		}
		u.connInfo.SetText(lang.L("{{.Peer}} · {{.State}}\nhandshake {{.Time}} · in {{.In}} · out {{.Out}}", map[string]any{
			"Peer": info.Remote, "State": state, "Time": fmtMS(st.cli.ConnectTime()),
			"In": app.FormatBytes(info.In), "Out": app.FormatBytes(info.Out)}))
	} else if st.mode == modeClient && u.connInfo.Text == "" {
		u.connInfo.SetText(lang.L("Not connected. Press Connect, or tick Short connection and just send."))
	}
	if a := st.udp.Addr(); a != "" {
		u.udpInfo.SetText(lang.L("Bound to {{.Addr}}", map[string]any{"Addr": a}))
	} else {
		u.udpInfo.SetText(lang.L("Not bound. Press Bind."))
	}
	if on, n, err := st.log.Capturing(); on {
		u.captureBtn.SetText(lang.L("Recording ({{.Bytes}})", map[string]any{"Bytes": app.FormatBytes(n)}))
		u.captureBtn.Importance = widget.WarningImportance
		if err != nil {
			u.showError(u.errText(err, ""))
		}
	} else {
		u.captureBtn.SetText(lang.L("Save"))
		u.captureBtn.Importance = widget.MediumImportance
	}
	u.updateStartButton()
	u.send.updateTarget()
	u.http.update()
}
