package dnspanel

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
	"github.com/netlab-classroom/netlab/widgets/follow"
)

// queryLog is the classroom server's live query log: one row a query,
// following the newest while the reader is at the end (widgets/follow),
// with the query and drop counters below it.
type queryLog struct {
	p        *panel
	list     *widget.List
	items    []dnsx.LogEntry
	follow   *follow.Follower
	counters *widget.Label
	view     fyne.CanvasObject
}

func newQueryLog(p *panel) *queryLog {
	l := &queryLog{p: p}
	l.list = widget.NewList(
		func() int { return len(l.items) },
		func() fyne.CanvasObject {
			what := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			what.Truncation = fyne.TextTruncateEllipsis
			meta := widget.NewLabel("")
			meta.SizeName = theme.SizeNameCaptionText
			meta.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(what, meta)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(l.items) {
				what, meta := logParts(l.items[id])
				objs := o.(*fyne.Container).Objects
				objs[0].(*widget.Label).SetText(what)
				objs[1].(*widget.Label).SetText(meta)
			}
		})
	l.follow = follow.New(l.list)
	l.counters = widget.NewLabel("")
	l.counters.Truncation = fyne.TextTruncateEllipsis
	clear := widget.NewButtonWithIcon(lang.L("Clear"), theme.ContentClearIcon(), func() {
		p.st.clearLog()
		l.refresh()
		l.follow.Follow()
	})
	copyLog := widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		var b strings.Builder
		for _, e := range l.items {
			b.WriteString(logLine(e) + "\n")
		}
		p.ctx.Window.Clipboard().SetContent(b.String())
		p.ctx.Status.Info(lang.L("The query log was copied."))
	})
	l.view = container.NewBorder(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("Query log"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			container.NewHBox(l.follow.Button, copyLog, clear)),
		l.counters, nil, nil, l.list)
	return l
}

// refresh shows the buffered query log (on the UI goroutine).
func (l *queryLog) refresh() {
	l.items = l.p.st.logSnapshot()
	q, d := l.p.st.srv.Counters()
	l.counters.SetText(lang.L("{{.Q}} queries, {{.D}} dropped by the rate limit", map[string]any{"Q": q, "D": d}))
	l.follow.Updated()
}

// logLine is one query log entry on one line (for copying).
func logLine(e dnsx.LogEntry) string {
	what, meta := logParts(e)
	return meta + "  " + what
}

// logParts splits an entry into the question and its answer, and when,
// how and from where it came.
func logParts(e dnsx.LogEntry) (what, meta string) {
	name := e.Name
	if name == "" {
		name = "?"
	}
	what = fmt.Sprintf("%s %s → %s", name, e.Type, e.Rcode)
	if len(e.Flags) > 0 {
		what += " [" + strings.Join(e.Flags, " ") + "]"
	}
	if e.Note != "" {
		what += " · " + noteText(e.Note)
	}
	meta = fmt.Sprintf("%s %s %s · %d/%dB", e.Time.Format("15:04:05.000"), strings.ToUpper(e.Proto), e.Client, e.Answers, e.Size)
	return what, meta
}

func noteText(n string) string {
	switch {
	case n == dnsx.NoteRefused:
		return lang.L("not served here: REFUSED")
	case n == dnsx.NoteRateLimited:
		return lang.L("rate limit: dropped")
	case n == dnsx.NoteTruncated:
		return lang.L("truncated (TC): retry over TCP")
	case n == dnsx.NoteNotImpl:
		return lang.L("opcode not implemented: NOTIMP")
	case strings.HasPrefix(n, dnsx.NoteMalformed):
		return lang.L("malformed packet: FORMERR") + strings.TrimPrefix(n, dnsx.NoteMalformed)
	}
	return n
}
