package webpanel

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/httpserve"
	"github.com/netlab-classroom/netlab/widgets/follow"
)

// makeLog builds the access log: one row per response or idle close, that
// follows new rows only while scrolled to the end.
func (u *panelUI) makeLog() fyne.CanvasObject {
	u.list = widget.NewList(
		func() int { return len(u.st.log) },
		func() fyne.CanvasObject {
			// Proportional, not monospace: the whole row fits the pane.
			l := widget.NewLabel("00:00:00 #12 127.0.0.1:54321 200 GET /some/path · 1023.9 KiB · 1000.00 ms")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if i < 0 || i >= len(u.st.log) {
				return
			}
			e := u.st.log[i]
			l.Importance = rowImportance(e)
			l.SetText(logLine(e))
		})
	u.follow = follow.New(u.list)
	u.list.OnSelected = func(i widget.ListItemID) {
		if i >= 0 && i < len(u.st.log) {
			u.selected = u.st.log[i]
			if i < len(u.st.log)-1 {
				u.follow.Stop() // reading an older row: keep it in view
			}
			u.showDetail()
		}
	}
	clear := widget.NewButtonWithIcon(lang.L("Clear log"), theme.DeleteIcon(), func() {
		u.st.clearLog()
		u.selected = nil
		u.list.UnselectAll()
		u.showDetail()
		u.refresh()
		u.follow.Follow()
	})
	u.trimInfo = widget.NewLabel("")
	logTitle := widget.NewLabelWithStyle(lang.L("Access log"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	bar := container.NewBorder(nil, nil, logTitle, container.NewHBox(u.follow.Button, clear), u.trimInfo)
	return container.NewBorder(bar, nil, nil, nil, u.list)
}

// makeDetail builds the raw request and response view of the selected row.
func (u *panelUI) makeDetail() fyne.CanvasObject {
	u.detailTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.detailTitle.Wrapping = fyne.TextWrapWord
	u.reqView = mono()
	u.respView = mono()
	// "Copy", not "Copy response headers": the pane stays narrow enough
	// for the log beside it to show whole rows at 1024 points.
	copyReq := widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		if u.selected != nil {
			u.ctx.App.Clipboard().SetContent(string(u.selected.Request))
		}
	})
	copyResp := widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		if u.selected != nil {
			u.ctx.App.Clipboard().SetContent(string(u.selected.Response))
		}
	})
	reqBox := container.NewBorder(container.NewBorder(nil, nil, widget.NewLabel(lang.L("Raw request")), copyReq), nil, nil, nil, container.NewScroll(u.reqView))
	respBox := container.NewBorder(container.NewBorder(nil, nil, widget.NewLabel(lang.L("Raw response headers")), copyResp), nil, nil, nil, container.NewScroll(u.respView))
	u.detail = container.NewVSplit(reqBox, respBox)
	u.showDetail()
	return container.NewBorder(u.detailTitle, nil, nil, nil, u.detail)
}

func rowImportance(e *httpserve.Entry) widget.Importance {
	if e.Kind == httpserve.KindIdleClose {
		return widget.HighImportance // stands out from the requests, readable in both themes
	}
	switch {
	case e.Status >= 500:
		return widget.DangerImportance
	case e.Status >= 400:
		return widget.WarningImportance
	case e.Status >= 300:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// logLine is one row: time, connection number, client address with port,
// then status, method, decoded path, bytes and duration; or the idle close.
// Rows of one keep-alive connection share the number and the port.
func logLine(e *httpserve.Entry) string {
	head := fmt.Sprintf("%s #%d %s", e.Time.Format("15:04:05"), e.ConnID, e.Client)
	if e.Kind == httpserve.KindIdleClose {
		return head + " " + idleText(e)
	}
	m := e.Method
	if m == "" {
		m = "-"
	}
	return fmt.Sprintf("%s %d %-4s %s · %s · %s", head, e.Status, m, displayPath(e.Target), sizeText(e.Bytes), durText(e.Duration))
}

func idleText(e *httpserve.Entry) string {
	return lang.L("closed by the server: idle {{.Secs}} s, {{.N}} requests", map[string]any{"Secs": secondsText(e.Duration), "N": e.Requests})
}

// displayPath shows a request-target decoded (课件.txt, not %E8%AF%BE…),
// unless decoding gives something unreadable: then it stays as sent.
func displayPath(target string) string {
	if target == "" {
		return "-"
	}
	if !strings.Contains(target, "%") {
		return target
	}
	d, err := url.PathUnescape(target)
	if err != nil || !utf8.ValidString(d) || strings.IndexFunc(d, unicode.IsControl) >= 0 {
		return target
	}
	return d
}

func sizeText(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KiB"
	case n < 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	}
	return strconv.FormatFloat(float64(n)/(1<<30), 'f', 2, 64) + " GiB"
}

func durText(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

// secondsText is a whole or fractional number of seconds ("30", "0.3").
func secondsText(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// showCRLF makes line ends visible: a literal \r\n before each newline
// (the monospace font has no glyph for ␍␊).
func showCRLF(b []byte) string {
	s := strings.ReplaceAll(string(b), "\r\n", `\r\n`+"\n")
	return strings.ReplaceAll(s, "\r", `\r`)
}

func (u *panelUI) showDetail() {
	e := u.selected
	switch {
	case e == nil:
		u.detailTitle.SetText(lang.L("Click a request in the log to see its raw request and response headers."))
		u.reqView.SetText("")
		u.respView.SetText("")
		return
	case e.Kind == httpserve.KindIdleClose:
		u.detailTitle.SetText(lang.L("Connection #{{.Conn}} from {{.Client}}", map[string]any{"Conn": e.ConnID, "Client": e.Client}) + "\n" + idleText(e))
		u.reqView.SetText("")
		u.respView.SetText("")
		return
	}
	u.detailTitle.SetText(lang.L("{{.Method}} {{.Path}} → {{.Status}}, {{.Bytes}} in {{.Dur}}", map[string]any{
		"Method": e.Method, "Path": displayPath(e.Target), "Status": e.Status, "Bytes": sizeText(e.Bytes), "Dur": durText(e.Duration)}) +
		" · " + lang.L("Connection #{{.Conn}} from {{.Client}}", map[string]any{"Conn": e.ConnID, "Client": e.Client}))
	if len(e.Request) == 0 {
		u.reqView.SetText(lang.L("(the request could not be read)"))
	} else {
		u.reqView.SetText(showCRLF(e.Request))
	}
	u.respView.SetText(showCRLF(e.Response))
}
