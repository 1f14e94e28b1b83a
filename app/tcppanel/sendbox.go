package tcppanel

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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

type sendBox struct {
	u          *sessionUI
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
	httpWarn   *widget.Label // HTTP mode: what is wrong with the message, before sending
	errValid   func() bool   // while errLabel's state holds (nil: until the next edit)
	history    *widget.Select
	quick      *widget.Select
	interval   *widget.Entry
	count      *widget.Entry
	periodBtn  *widget.Button
	sendBtn    *widget.Button
	periodDone func(n int) // tests wait on it
}

var lineEndings = []codec.LineEnding{codec.LF, codec.CRLF, codec.None}

func newSendBox(u *sessionUI) *sendBox {
	st := u.s.page
	p := st.ctx.Prefs()
	s := &sendBox{u: u}
	// One line under the entry says, in this order, why the last send
	// failed, what is wrong with the HTTP message being typed, or how many
	// bytes will go. It keeps its height whatever it shows, so the buttons
	// never move under the mouse (the status bar has the full text).
	s.errLabel = widget.NewLabel("")
	s.errLabel.Importance = widget.DangerImportance
	s.errLabel.Truncation = fyne.TextTruncateEllipsis
	s.info = widget.NewLabel("")
	s.info.Importance = widget.LowImportance
	s.info.Truncation = fyne.TextTruncateEllipsis
	s.entry = newSendEntry(s.doSend)
	s.entry.SetPlaceHolder(lang.L("Type what to send (escapes: \\r \\n \\t \\xHH). Ctrl+Enter sends."))
	s.entry.SetMinRowsVisible(2)
	s.entry.OnChanged = func(string) { s.hideErr(); s.updateInfo() }
	s.httpWarn = widget.NewLabel("")
	s.httpWarn.Importance = widget.WarningImportance
	s.httpWarn.Truncation = fyne.TextTruncateEllipsis
	s.hideErr()
	s.hex = widget.NewCheck(lang.L("Hex"), func(bool) {
		p.SetBool(prefHex, s.isHex())
		s.hideErr()
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
		u.s.status(false, lang.L("Saved as a quick message."), nil)
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

	opts := container.NewHBox(s.hex, s.lineEnd, s.escapes, s.httpMode, s.closeAfter)
	lists := container.NewHBox(s.history, s.quick, saveQuick, delQuick, s.periodBtn, fileBtn)
	side := container.NewVBox(s.sendBtn, s.target)
	s.root = container.NewBorder(nil,
		container.NewVBox(container.NewStack(s.info, s.httpWarn, s.errLabel), opts, lists),
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
	st := s.u.s.page
	s.history.Options = st.prefList(prefHistory)
	s.history.Refresh()
	s.quick.Options = st.prefList(prefQuick)
	s.quick.Refresh()
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
	c, _ := codec.ParseCharset(s.u.recv.charset.Selected)
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
	s.syncLine()
	s.errValid = nil
	s.u.s.status(true, msg, nil)
}

// sendErr shows why a send failed. An error that describes the session's
// state (not connected, no client yet…) goes, here and in the status bar,
// once that state changes.
func (s *sendBox) sendErr(err error) {
	msg := s.u.errText(err, "")
	valid := s.u.stillTrue(err)
	s.errLabel.SetText(msg)
	s.errLabel.Show()
	s.syncLine()
	s.errValid = valid
	s.u.s.status(true, msg, valid)
}

// updateInfo shows how many bytes will be sent and, in HTTP mode, what
// is wrong with the message (a wrong Content-Length, a missing blank
// line…) while the student types, before anything is sent.
func (s *sendBox) updateInfo() {
	if s.info == nil || s.entry == nil || s.hex == nil || s.lineEnd == nil || s.escapes == nil || s.httpMode == nil || s.u.recv == nil {
		return
	}
	b, err := s.bytes()
	s.updateHTTPWarn(b, err)
	defer s.syncLine()
	if err != nil || s.entry.Text == "" {
		s.info.SetText("")
		return
	}
	txt := lang.L("{{.N}} bytes will be sent", map[string]any{"N": len(b)})
	if !s.isHex() {
		txt += " · " + lang.L("line ending {{.LE}}, {{.CS}}", map[string]any{"LE": s.lineEnd.Selected, "CS": s.charset()})
	}
	s.info.SetText(txt)
}

// httpProblems is what the HTTP check finds in b ("" when fine or not
// applicable).
func (s *sendBox) httpProblems(b []byte) string {
	if !s.httpMode.Checked || s.isHex() || len(b) == 0 {
		return ""
	}
	ps := httpteach.CheckOutgoing(b)
	var out []string
	for _, p := range ps {
		out = append(out, "⚠ "+lang.L(p.Text, p.Args))
	}
	return strings.Join(out, " ")
}

func (s *sendBox) updateHTTPWarn(b []byte, err error) {
	w := ""
	if err == nil {
		w = s.httpProblems(b)
	}
	if s.httpWarn.Text != w {
		s.httpWarn.SetText(w)
	}
}

func (s *sendBox) hideErr() {
	s.errLabel.SetText("")
	s.errValid = nil
	s.syncLine()
}

// syncLine shows the one message the line under the entry has room for.
func (s *sendBox) syncLine() {
	if s.info == nil || s.httpWarn == nil || s.errLabel == nil {
		return
	}
	err, warn := s.errLabel.Text != "", s.httpWarn.Text != ""
	s.errLabel.Hidden = !err
	s.httpWarn.Hidden = err || !warn
	s.info.Hidden = err || warn // when empty it still holds the line's height
	s.errLabel.Refresh()
	s.httpWarn.Refresh()
	s.info.Refresh()
}

// updateTarget shows the target choice only where it applies.
func (s *sendBox) updateTarget() {
	st := s.u.s
	if s.errValid != nil && !s.errValid() {
		s.hideErr()
	}
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
	s.hideErr()
	if s.httpMode.Checked && !s.isHex() {
		if ps := httpteach.CheckOutgoing(b); len(ps) > 0 {
			s.u.s.status(false, lang.L("HTTP check: {{.Problem}}", map[string]any{"Problem": lang.L(ps[0].Text, ps[0].Args)}), nil)
		}
	}
	if err := s.sendBytes(b); err != nil {
		s.sendErr(err)
		return
	}
	st := s.u.s.page
	st.setPrefList(prefHistory, addUnique(st.prefList(prefHistory), s.entry.Text, maxHistory))
	s.loadLists()
}
