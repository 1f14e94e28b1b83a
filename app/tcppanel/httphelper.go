package tcppanel

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/codec"
	"github.com/netlab-classroom/netlab/netengine/httpteach"
)

// httpHelper shows the latest HTTP message in parts and composes a response
// (exercises E1 and E2).
type httpHelper struct {
	u       *sessionUI
	root    fyne.CanvasObject
	title   *widget.Label
	parts   *fyne.Container
	shown   uint64
	msg     httpMsg
	has     bool
	status  *widget.Select
	ctype   *widget.Select
	body    *widget.Entry
	close   *widget.Check
	length  *widget.Label
	sendBtn *widget.Button
}

var statuses = []int{200, 404, 301, 400, 500}

func newHTTPHelper(u *sessionUI) *httpHelper {
	h := &httpHelper{u: u}
	h.title = widget.NewLabelWithStyle(lang.L("No HTTP message yet."), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.title.Truncation = fyne.TextTruncateEllipsis
	hint := widget.NewLabel(lang.L("Start the server on 127.0.0.1:8080 and open http://127.0.0.1:8080/ in a browser: its request appears here, split into request line, headers, blank line and body."))
	hint.Wrapping = fyne.TextWrapWord
	h.parts = container.NewVBox(hint)
	copyBtn := widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		if h.has {
			u.win.Clipboard().SetContent(string(h.msg.data))
			u.s.status(false, lang.L("Copied the raw message."), nil)
		}
	})
	left := container.NewBorder(container.NewBorder(nil, nil, nil, copyBtn, h.title), nil, nil, nil, container.NewVScroll(h.parts))

	var stNames []string
	for _, c := range statuses {
		r, _ := httpteach.ComposeText(httpteach.Response{Status: c})
		m := httpteach.Analyze([]byte(r))
		stNames = append(stNames, fmt.Sprintf("%d %s", c, m.Reason))
	}
	h.status = widget.NewSelect(stNames, nil)
	h.status.SetSelectedIndex(0)
	h.ctype = widget.NewSelect([]string{"text/html", "text/plain", "application/json"}, nil)
	h.ctype.SetSelectedIndex(0)
	h.body = widget.NewMultiLineEntry()
	h.body.TextStyle = fyne.TextStyle{Monospace: true}
	h.body.SetText("<h1>你好, NetLab!</h1>")
	h.body.SetMinRowsVisible(2)
	h.body.OnChanged = func(string) { h.updateLength() }
	h.close = widget.NewCheck(lang.L("Connection: close (close after sending)"), nil)
	h.close.SetChecked(true)
	h.length = widget.NewLabel("")
	h.length.Wrapping = fyne.TextWrapWord
	h.length.SizeName = theme.SizeNameCaptionText
	toBox := widget.NewButtonWithIcon(lang.L("Put in send box"), theme.ContentPasteIcon(), h.toSendBox)
	h.sendBtn = widget.NewButtonWithIcon(lang.L("Send response"), theme.MailSendIcon(), h.sendNow)
	h.sendBtn.Importance = widget.HighImportance
	form := container.NewVBox(
		container.NewGridWithColumns(2, h.status, h.ctype),
		h.close, h.length)
	right := container.NewBorder(
		widget.NewLabelWithStyle(lang.L("Compose a response"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewVBox(form, container.NewHBox(toBox, h.sendBtn)), nil, nil, h.body)
	split := container.NewHSplit(left, container.NewVScroll(right))
	split.Offset = 0.55
	h.root = split
	h.updateLength()
	return h
}

func (h *httpHelper) response() httpteach.Response {
	code := statuses[max(h.status.SelectedIndex(), 0)]
	return httpteach.Response{Status: code, ContentType: h.ctype.Selected, Charset: h.u.send.charset(),
		Body: h.body.Text, Close: h.close.Checked}
}

func (h *httpHelper) updateLength() {
	if h.length == nil || h.u.send == nil {
		return
	}
	body := codec.ConvertLineEndings(h.body.Text, codec.CRLF)
	cs := h.u.send.charset()
	n, err := httpteach.BodyLength(body, cs)
	if err != nil {
		h.length.Importance = widget.DangerImportance
		h.length.SetText(h.u.send.explain(err))
		return
	}
	h.length.Importance = widget.LowImportance
	text := lang.L("Content-Length: {{.N}} (bytes of the body in {{.CS}}, not characters)", map[string]any{"N": n, "CS": cs})
	for _, other := range codec.Charsets {
		if other == cs || other == codec.GB18030 && cs == codec.GBK || other == codec.GBK && cs == codec.GB18030 {
			continue
		}
		if m, err := httpteach.BodyLength(body, other); err == nil && m != n {
			text += " · " + lang.L("{{.N}} in {{.CS}}", map[string]any{"N": m, "CS": other})
		}
	}
	h.length.SetText(text)
}

// toSendBox puts the composed response in the send box, in HTTP mode.
func (h *httpHelper) toSendBox() {
	s, err := httpteach.ComposeText(h.response())
	if err != nil {
		h.u.send.showErr(h.u.send.explain(err))
		return
	}
	sb := h.u.send
	sb.hex.SetChecked(false)
	sb.escapes.SetChecked(false)
	sb.httpMode.SetChecked(true)
	sb.lineEnd.SetSelectedIndex(1)
	sb.closeAfter.SetChecked(h.close.Checked)
	sb.entry.SetText(codec.ConvertLineEndings(s, codec.LF))
	h.u.tabs.SelectIndex(0)
}

// sendNow sends the response to the connection the request came from.
func (h *httpHelper) sendNow() {
	st := h.u.s
	if !h.has || st.mode != modeServer {
		msg := lang.L("Wait for a request: this sends the response to the client whose HTTP request is shown (server mode).")
		st.status(true, msg, nil)
		return
	}
	b, err := httpteach.Compose(h.response())
	if err != nil {
		st.status(true, h.u.send.explain(err), nil)
		return
	}
	if _, err := st.srv.Send([]uint64{h.msg.conn}, b, h.close.Checked); err != nil {
		st.status(true, lang.L("The client {{.Peer}} is gone: {{.Err}}", map[string]any{"Peer": h.msg.peer, "Err": h.u.errText(err, "")}), nil)
		return
	}
	st.status(false, lang.L("Sent {{.N}} bytes to {{.Peer}}.", map[string]any{"N": len(b), "Peer": h.msg.peer}), nil)
}

func small(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.SizeName = theme.SizeNameCaptionText
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

func mono(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// update rebuilds the structured view when a new HTTP message arrived.
func (h *httpHelper) update() {
	m, ver, ok := h.u.s.lastHTTPMessage(h.shown)
	if !ok {
		return
	}
	h.shown, h.msg, h.has = ver, m, true
	a := httpteach.Analyze(m.data)
	kind := lang.L("request")
	if a.Kind == httpteach.ResponseKind {
		kind = lang.L("response")
	}
	h.title.SetText(lang.L("HTTP {{.Kind}} from {{.Peer}} ({{.N}} bytes)", map[string]any{"Kind": kind, "Peer": m.peer, "N": len(m.data)}))
	h.title.Truncation = fyne.TextTruncateOff
	h.title.Wrapping = fyne.TextWrapWord
	var objs []fyne.CanvasObject
	sect := func(s string) {
		objs = append(objs, widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	for _, p := range a.Problems {
		l := widget.NewLabel("⚠ " + lang.L(p.Text, p.Args))
		l.Importance = widget.WarningImportance
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	if a.Kind == httpteach.ResponseKind {
		sect(lang.L("1. Status line"))
		objs = append(objs, mono(a.StartLine+a.StartEnd))
	} else {
		sect(lang.L("1. Request line"))
		objs = append(objs, mono(a.StartLine+a.StartEnd))
		if a.Kind == httpteach.RequestKind {
			objs = append(objs, small(lang.L("method {{.Method}} · path {{.Target}} · version {{.Version}}", map[string]any{
				"Method": a.Method, "Target": a.Target, "Version": a.Version})))
		}
	}
	sect(lang.L("2. Headers ({{.N}})", map[string]any{"N": len(a.Headers)}))
	for _, hd := range a.Headers {
		objs = append(objs, mono(hd.Name+": "+hd.Value+hd.End))
		if hd.Explain != "" {
			objs = append(objs, small(lang.L(hd.Explain)))
		}
	}
	sect(lang.L("3. Blank line"))
	if a.BlankLine {
		if a.BlankEnd == `\n` {
			objs = append(objs, small(lang.L("LF (\\n) arrived: the headers are complete, but HTTP wants CR LF.")))
		} else {
			objs = append(objs, small(lang.L("CR LF (\\r\\n) arrived: the headers are complete.")))
		}
	} else {
		objs = append(objs, small(lang.L("Not arrived yet: the headers are not complete.")))
	}
	sect(lang.L("4. Body ({{.N}} bytes)", map[string]any{"N": len(a.Body)}))
	if len(a.Body) > 0 {
		objs = append(objs, mono(short(codec.DecodeAll(a.Body[:min(len(a.Body), 200)], h.u.send.charset()))))
	} else if a.Kind == httpteach.RequestKind {
		objs = append(objs, small(lang.L("A GET request has no body.")))
	}
	h.parts.Objects = objs
	h.parts.Refresh()
}
