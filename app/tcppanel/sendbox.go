package tcppanel

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/codec"
	"github.com/netlab-classroom/netlab/netengine/httpteach"
)

// sendEntry is a multi-line entry where Ctrl+Enter sends.
type sendEntry struct {
	widget.Entry
	onSend func()
}

func newSendEntry(onSend func()) *sendEntry {
	e := &sendEntry{onSend: onSend}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	e.TextStyle = fyne.TextStyle{Monospace: true}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut sends on Ctrl+Enter (Cmd+Enter on macOS).
func (e *sendEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && (cs.KeyName == fyne.KeyReturn || cs.KeyName == fyne.KeyEnter) &&
		(cs.Modifier == fyne.KeyModifierShortcutDefault || cs.Modifier == fyne.KeyModifierControl) {
		e.onSend()
		return
	}
	e.Entry.TypedShortcut(s)
}

// maxSendFile bounds "Send file" where the file goes through memory (UDP,
// short connections, files that are not local): the engine queues it all.
const maxSendFile = 64 << 20

// showFileMax: files up to this size are sent as bytes the receive view
// shows; larger ones on a TCP connection go out with the engine's SendFile,
// never read into memory, and the view shows one line for them.
const showFileMax = 1 << 20

type sendBox struct {
	u          *panelUI
	root       fyne.CanvasObject
	entry      *sendEntry
	hex        *widget.Check
	lineEnd    *widget.Select
	escapes    *widget.Check
	httpMode   *widget.Check
	closeAfter *widget.Check
	target     *widget.Select
	errLabel   *widget.Label
	info       *widget.Label
	history    *widget.Select
	quick      *widget.Select
	interval   *widget.Entry
	count      *widget.Entry
	periodBtn  *widget.Button
	sendBtn    *widget.Button
	periodDone func(n int) // tests wait on it
}

var lineEndings = []codec.LineEnding{codec.LF, codec.CRLF, codec.None}

func newSendBox(u *panelUI) *sendBox {
	st := u.st
	p := st.ctx.Prefs()
	s := &sendBox{u: u}
	s.errLabel = widget.NewLabel("")
	s.errLabel.Importance = widget.DangerImportance
	s.errLabel.Wrapping = fyne.TextWrapWord
	s.errLabel.Hide()
	s.info = widget.NewLabel("")
	s.info.SizeName = theme.SizeNameCaptionText
	s.info.Importance = widget.LowImportance
	s.info.Truncation = fyne.TextTruncateEllipsis
	s.info.Hide()
	s.entry = newSendEntry(s.doSend)
	s.entry.SetPlaceHolder(lang.L("Type what to send (escapes: \\r \\n \\t \\xHH). Ctrl+Enter sends."))
	s.entry.SetMinRowsVisible(2)
	s.entry.OnChanged = func(string) { s.errLabel.Hide(); s.updateInfo() }
	s.hex = widget.NewCheck(lang.L("Hex"), func(bool) {
		p.SetBool(prefHex, s.isHex())
		s.errLabel.Hide()
		s.updateInfo()
	})
	s.hex.SetChecked(p.Bool(prefHex))
	leNames := []string{lang.L("LF"), lang.L("CR LF"), lang.L("No line ending")}
	s.lineEnd = widget.NewSelect(leNames, func(string) {
		p.SetInt(prefLE, s.lineEnd.SelectedIndex())
		s.updateInfo()
	})
	s.lineEnd.SetSelectedIndex(p.IntWithFallback(prefLE, 0))
	s.escapes = widget.NewCheck(lang.L("Escapes"), func(bool) { s.updateInfo() })
	s.escapes.SetChecked(true)
	s.httpMode = widget.NewCheck(lang.L("HTTP mode"), func(on bool) {
		p.SetBool(prefHTTPMode, on)
		if on {
			s.lineEnd.SetSelectedIndex(1) // CR LF
		}
		s.updateInfo()
	})
	s.httpMode.SetChecked(p.Bool(prefHTTPMode))
	s.closeAfter = widget.NewCheck(lang.L("Close after sending"), nil)
	s.target = widget.NewSelect([]string{lang.L("Selected clients"), lang.L("All clients")}, nil)
	s.target.SetSelectedIndex(1)
	s.history = widget.NewSelect(nil, func(v string) {
		if v != "" {
			s.entry.SetText(v)
			s.history.ClearSelected()
		}
	})
	s.history.PlaceHolder = lang.L("History")
	s.quick = widget.NewSelect(nil, func(v string) {
		if v != "" {
			s.entry.SetText(v)
			s.quick.ClearSelected()
		}
	})
	s.quick.PlaceHolder = lang.L("Quick")
	s.loadLists()
	saveQuick := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() {
		t := s.entry.Text
		if t == "" {
			return
		}
		l := addUnique(st.prefList(prefQuick), t, 50)
		st.setPrefList(prefQuick, l)
		s.loadLists()
		st.ctx.Status.Info(lang.L("Saved as a quick message."))
	})
	delQuick := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() {
		var keep []string
		for _, q := range st.prefList(prefQuick) {
			if q != s.entry.Text {
				keep = append(keep, q)
			}
		}
		st.setPrefList(prefQuick, keep)
		s.loadLists()
	})
	s.interval = widget.NewEntry()
	s.interval.SetText("1000")
	s.count = widget.NewEntry()
	s.count.SetText("10")
	s.periodBtn = widget.NewButtonWithIcon(lang.L("Repeat…"), theme.MediaReplayIcon(), s.askPeriodic)
	fileBtn := widget.NewButtonWithIcon("", theme.FileIcon(), s.sendFile) // "Send file…"
	s.sendBtn = widget.NewButtonWithIcon(lang.L("Send"), theme.MailSendIcon(), s.doSend)
	s.sendBtn.Importance = widget.HighImportance

	opts := container.NewHBox(s.hex, s.lineEnd, s.escapes, s.httpMode)
	lists := container.NewHBox(s.history, s.quick, saveQuick, delQuick, s.periodBtn, fileBtn)
	side := container.NewVBox(s.sendBtn, s.target, s.closeAfter)
	s.root = container.NewBorder(nil,
		container.NewVBox(s.errLabel, s.info, opts, lists),
		nil, side, s.entry)
	return s
}

func addUnique(l []string, v string, max int) []string {
	out := []string{v}
	for _, x := range l {
		if x != v {
			out = append(out, x)
		}
	}
	if len(out) > max {
		out = out[:max]
	}
	return out
}

func short(s string) string {
	s = strings.ReplaceAll(s, "\n", "⏎")
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

func (s *sendBox) loadLists() {
	st := s.u.st
	s.history.Options = st.prefList(prefHistory)
	s.history.Refresh()
	s.quick.Options = st.prefList(prefQuick)
	s.quick.Refresh()
	_ = short
}

func (s *sendBox) isHex() bool { return s.hex.Checked }

func (s *sendBox) lineEnding() codec.LineEnding {
	i := s.lineEnd.SelectedIndex()
	if i < 0 || i >= len(lineEndings) {
		return codec.LF
	}
	return lineEndings[i]
}

func (s *sendBox) charset() codec.Charset {
	c, _ := codec.ParseCharset(s.u.charset.Selected)
	return c
}

// bytes turns the entry into the bytes to send, or an error in words.
func (s *sendBox) bytes() ([]byte, error) {
	if s.isHex() {
		return codec.ParseHex(s.entry.Text)
	}
	return codec.EncodeEscaped(s.entry.Text, s.lineEnding(), s.charset(), s.escapes.Checked)
}

// explain words a parse/encode error in the user's language.
func (s *sendBox) explain(err error) string {
	var se *codec.SyntaxError
	if errors.As(err, &se) {
		args := map[string]any{"Line": se.Line, "Col": se.Col, "Char": se.Char}
		switch se.Kind {
		case codec.ErrOddHexDigits:
			return lang.L("Hex error at line {{.Line}}, column {{.Col}}: a byte needs two hex digits (write 0A, not A).", args)
		case codec.ErrBadEscape:
			return lang.L("Escape error at line {{.Line}}, column {{.Col}}: unknown escape \\{{.Char}}; use \\r \\n \\t \\\\ or \\xHH (or untick Escapes).", args)
		case codec.ErrShortEscape:
			return lang.L("Escape error at line {{.Line}}, column {{.Col}}: \\x needs two hex digits, e.g. \\x0D.", args)
		}
		if se.Char == "" {
			return lang.L("Hex error at line {{.Line}}, column {{.Col}}: the input ends in the middle of a byte.", args)
		}
		return lang.L("Hex error at line {{.Line}}, column {{.Col}}: \"{{.Char}}\" is not a hex digit (0-9, A-F).", args)
	}
	if errors.Is(err, codec.ErrUnencodable) {
		return lang.L("This text has a character the chosen encoding cannot write: {{.Err}}", map[string]any{"Err": err.Error()})
	}
	return s.u.errText(err, "")
}

func (s *sendBox) showErr(msg string) {
	s.errLabel.SetText(msg)
	s.errLabel.Show()
	s.u.st.ctx.Status.Error(msg)
}

// updateInfo shows how many bytes will be sent.
func (s *sendBox) updateInfo() {
	if s.info == nil || s.entry == nil || s.hex == nil || s.lineEnd == nil || s.escapes == nil || s.u.charset == nil {
		return
	}
	b, err := s.bytes()
	if err != nil || s.entry.Text == "" {
		s.info.SetText("")
		s.info.Hide()
		return
	}
	s.info.Show()
	txt := lang.L("{{.N}} bytes will be sent", map[string]any{"N": len(b)})
	if !s.isHex() {
		txt += " · " + lang.L("line ending {{.LE}}, {{.CS}}", map[string]any{"LE": s.lineEnd.Selected, "CS": s.charset()})
	}
	s.info.SetText(txt)
}

// updateTarget shows the target choice only where it applies.
func (s *sendBox) updateTarget() {
	st := s.u.st
	if st.mode == modeServer {
		s.target.Show()
		s.closeAfter.Show()
		n := len(st.selectedIDs())
		opt := []string{lang.L("Selected clients ({{.N}})", map[string]any{"N": n}), lang.L("All clients")}
		i := s.target.SelectedIndex()
		if opt[0] != s.target.Options[0] {
			s.target.Options = opt
			s.target.SetSelectedIndex(max(i, 0))
		}
	} else {
		s.target.Hide()
		s.closeAfter.Hide()
	}
}

// doSend sends the entry's content to the current target.
func (s *sendBox) doSend() {
	b, err := s.bytes()
	if err != nil {
		s.showErr(s.explain(err))
		return
	}
	if len(b) == 0 {
		s.showErr(lang.L("Nothing to send."))
		return
	}
	s.errLabel.Hide()
	if s.httpMode.Checked && !s.isHex() {
		if ps := httpteach.CheckOutgoing(b); len(ps) > 0 {
			s.u.st.ctx.Status.Info(lang.L("HTTP check: {{.Problem}}", map[string]any{"Problem": lang.L(ps[0].Text, ps[0].Args)}))
		}
	}
	if err := s.sendBytes(b); err != nil {
		s.showErr(err.Error())
		return
	}
	st := s.u.st
	st.setPrefList(prefHistory, addUnique(st.prefList(prefHistory), s.entry.Text, maxHistory))
	s.loadLists()
}

// sendBytes delivers b to the mode's target; the error is already in words.
func (s *sendBox) sendBytes(b []byte) error {
	send, err := s.sender()
	if err != nil {
		return err
	}
	return send(b)
}

// sender reads the target from the widgets (UI goroutine only) and returns
// a function that sends to it from any goroutine (periodic sends use it).
func (s *sendBox) sender() (func([]byte) error, error) {
	st := s.u.st
	u := s.u
	switch st.mode {
	case modeClient:
		if u.shortConn.Checked {
			addr, ok := u.address()
			if !ok {
				return nil, errors.New(u.addrErr.Text)
			}
			return func(b []byte) error {
				background(func() {
					if _, err := st.cli.SendShort(addr, b, nil); err != nil {
						msg := u.errText(err, addr)
						onUI(func() { s.showErr(msg) })
					}
				})
				return nil
			}, nil
		}
		return func(b []byte) error {
			if err := st.cli.Send(b); err != nil {
				return errors.New(lang.L("Not connected: press Connect first (or tick Short connection)."))
			}
			return nil
		}, nil
	case modeUDP:
		dest := strings.TrimSpace(u.udpDest.Text)
		return func(b []byte) error {
			if err := st.udp.SendTo(dest, b); err != nil {
				return errors.New(u.errText(err, dest))
			}
			return nil
		}, nil
	}
	if !st.srv.Running() {
		return nil, errors.New(lang.L("Start the server first."))
	}
	selected := s.target.SelectedIndex() == 0
	closeAfter := s.closeAfter.Checked
	return func(b []byte) error {
		ids, err := s.targetIDs(selected)
		if err != nil {
			return err
		}
		if _, err := st.srv.Send(ids, b, closeAfter); err != nil {
			return errors.New(u.errText(err, ""))
		}
		return nil
	}, nil
}

// targetIDs is who a server-mode send goes to: the ticked clients, or all.
func (s *sendBox) targetIDs(selected bool) ([]uint64, error) {
	st := s.u.st
	if selected {
		ids := st.selectedIDs()
		if len(ids) == 0 {
			return nil, errors.New(lang.L("No client selected: tick clients in the list, or choose All clients."))
		}
		return ids, nil
	}
	ids := st.srv.OpenIDs()
	if len(ids) == 0 {
		return nil, errors.New(lang.L("No client is connected yet."))
	}
	return ids, nil
}

// askPeriodic asks for the interval and count, or stops a running repeat.
func (s *sendBox) askPeriodic() {
	if on, _ := s.u.st.per.Running(); on {
		s.u.st.per.Stop()
		return
	}
	dialog.ShowForm(lang.L("Repeat sending"), lang.L("Start"), lang.L("Cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.L("Every (ms)"), s.interval),
		widget.NewFormItem(lang.L("Times (0 = until stopped)"), s.count),
	}, func(ok bool) {
		if ok {
			s.togglePeriodic()
		}
	}, s.u.win)
}

func (s *sendBox) togglePeriodic() {
	st := s.u.st
	if on, _ := st.per.Running(); on {
		st.per.Stop()
		return
	}
	ms, err1 := strconv.Atoi(strings.TrimSpace(s.interval.Text))
	n, err2 := strconv.Atoi(strings.TrimSpace(s.count.Text))
	if err1 != nil || ms < 10 || err2 != nil || n < 0 {
		s.showErr(lang.L("Repeat needs an interval of at least 10 ms and a count (0 = until stopped)."))
		return
	}
	b, err := s.bytes()
	if err != nil {
		s.showErr(s.explain(err))
		return
	}
	send, err := s.sender()
	if err != nil {
		s.showErr(err.Error())
		return
	}
	s.periodBtn.SetText(lang.L("Stop repeating"))
	st.per.Start(time.Duration(ms)*time.Millisecond, n, func() error {
		return send(b)
	}, func(k int, err error) {
		onUI(func() {
			s.periodBtn.SetText(lang.L("Repeat…"))
			if err != nil {
				s.showErr(err.Error())
			} else {
				st.ctx.Status.Info(lang.L("Repeated {{.N}} times.", map[string]any{"N": k}))
			}
			if s.periodDone != nil {
				s.periodDone(k)
			}
		})
	})
}

func (s *sendBox) sendFile() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		if s.sendLargeFile(r.URI()) {
			return
		}
		b, err := io.ReadAll(io.LimitReader(r, maxSendFile+1))
		if err != nil {
			s.showErr(s.u.errText(err, ""))
			return
		}
		if len(b) > maxSendFile {
			s.showErr(lang.L("The file is larger than 64 MiB."))
			return
		}
		if err := s.sendBytes(b); err != nil {
			s.showErr(err.Error())
			return
		}
		s.u.st.ctx.Status.Info(lang.L("Sent {{.Name}} ({{.N}} bytes).", map[string]any{"Name": r.URI().Name(), "N": len(b)}))
	}, s.u.win)
}

// sendLargeFile sends a local file bigger than showFileMax on the TCP
// connection(s) with the engine's SendFile, whatever its size. It reports
// false when the file is not for it (small, not a local file, UDP or a
// short connection), so the caller sends it the ordinary way.
func (s *sendBox) sendLargeFile(uri fyne.URI) bool {
	st := s.u.st
	if uri.Scheme() != "file" || st.mode == modeUDP || st.mode == modeClient && s.u.shortConn.Checked {
		return false
	}
	fi, err := os.Stat(uri.Path())
	if err != nil || !fi.Mode().IsRegular() || fi.Size() <= showFileMax {
		return false
	}
	var size int64
	if st.mode == modeClient {
		if size, err = st.cli.SendFile(uri.Path()); err != nil {
			if !st.cli.Connected() {
				s.showErr(lang.L("Not connected: press Connect first (or tick Short connection)."))
			} else {
				s.showErr(s.u.errText(err, ""))
			}
			return true
		}
	} else {
		if !st.srv.Running() {
			s.showErr(lang.L("Start the server first."))
			return true
		}
		ids, err := s.targetIDs(s.target.SelectedIndex() == 0)
		if err != nil {
			s.showErr(err.Error())
			return true
		}
		if _, size, err = st.srv.SendFile(ids, uri.Path(), s.closeAfter.Checked); err != nil {
			s.showErr(s.u.errText(err, ""))
			return true
		}
	}
	s.u.st.ctx.Status.Info(lang.L("Sent {{.Name}} ({{.N}} bytes).", map[string]any{"Name": uri.Name(), "N": size}))
	return true
}
