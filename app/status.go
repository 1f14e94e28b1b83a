package app

import (
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine"
)

// Status is one page's handle on the bar at the bottom of the window: the
// active engine and its notice, live counters, and the page's last message.
// A message belongs to the page that made it: the bar shows the message of
// the page on screen, so a DNS error never appears on the Subnet page, and
// it comes back when the student returns to the DNS page. Handles made
// outside the shell (NewContext, tests) show their messages at once. Its
// methods are safe to call from any goroutine.
type Status struct {
	bar  *statusBar
	page string // "" for the shell itself and for tests' handles
}

// statusBar is the bar's widgets and state, shared by every page's Status.
type statusBar struct {
	goos   string
	engine string

	engineLabel *widget.Label
	notice      *widget.Label
	counters    *widget.Label
	message     *widget.Label
	msgIcon     *widget.Icon
	box         fyne.CanvasObject

	mu      sync.Mutex
	engines []netengine.Engine
	stop    chan struct{}
	done    chan struct{}

	// msgs is each page's last message and current the page on screen;
	// both are touched on the UI goroutine only (inside fyne.Do).
	msgs    map[string]statusMsg
	current string
}

type statusMsg struct {
	text string
	imp  widget.Importance
	icon fyne.Resource
}

// EngineNotice is the sentence the status bar shows on systems without
// epoll, or "" on Linux.
func EngineNotice(goos string) string {
	if netengine.EpollAvailable(goos) {
		return ""
	}
	return lang.L("epoll is Linux-only: on this system NetLab uses the portable engine (one goroutine per connection).")
}

func newStatus(goos string) *Status {
	b := &statusBar{goos: goos, engine: netengine.AutoName(goos), msgs: map[string]statusMsg{}}
	b.build()
	return &Status{bar: b}
}

// forPage is the handle a page's view gets: its messages show while the
// page is on screen.
func (s *Status) forPage(id string) *Status { return &Status{bar: s.bar, page: id} }

// showPage switches the bar to page id's last message (UI goroutine).
func (b *statusBar) showPage(id string) {
	b.current = id
	b.render(b.msgs[id])
}

// build (re)makes the bar's widgets in the current language, keeping the
// last message: the shell calls it again after a language change.
func (s *statusBar) build() {
	var oldMsg string
	var oldImp widget.Importance
	var oldIcon fyne.Resource
	if s.message != nil {
		oldMsg, oldImp, oldIcon = s.message.Text, s.message.Importance, s.msgIcon.Resource
	}
	s.engineLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.notice = widget.NewLabel(EngineNotice(s.goos))
	s.notice.Importance = widget.WarningImportance
	// One line: a wrapped label measured before the first layout would
	// make the window taller than small screens.
	s.notice.Truncation = fyne.TextTruncateEllipsis
	s.counters = widget.NewLabel("")
	s.message = widget.NewLabel(oldMsg)
	s.message.Importance = oldImp
	s.message.Truncation = fyne.TextTruncateEllipsis
	s.msgIcon = widget.NewIcon(oldIcon)
	s.engineLabel.SetText(lang.L("Engine: {{.Name}}", map[string]any{"Name": s.engine}))
	left := container.NewHBox(widget.NewIcon(theme.ComputerIcon()), s.engineLabel)
	if s.notice.Text != "" {
		left.Add(widget.NewIcon(theme.WarningIcon()))
	}
	var row fyne.CanvasObject = container.NewBorder(nil, nil, left, s.counters,
		container.NewBorder(nil, nil, s.msgIcon, nil, s.message))
	if s.notice.Text != "" {
		row = container.NewVBox(s.notice, row)
	}
	s.box = container.NewVBox(widget.NewSeparator(), row)
}

// EngineName is the engine the app uses on this system.
func (s *Status) EngineName() string { return s.bar.engine }

// NoticeText is the fallback notice shown, or "".
func (s *Status) NoticeText() string { return s.bar.notice.Text }

// MessageText is this page's last message, shown while the page is on
// screen (tests use it).
func (s *Status) MessageText() string {
	s.bar.mu.Lock()
	defer s.bar.mu.Unlock()
	return s.bar.msgs[s.page].text
}

// Error shows msg as the last error, in the user's language.
func (s *Status) Error(msg string) { s.show(msg, widget.DangerImportance, theme.ErrorIcon()) }

// Info shows msg as the last notice.
func (s *Status) Info(msg string) { s.show(msg, widget.MediumImportance, theme.InfoIcon()) }

// Clear removes the last message: a page calls it when the state that
// made its message has changed (a message must never outlive its cause).
func (s *Status) Clear() { s.show("", widget.MediumImportance, nil) }

func (s *Status) show(msg string, imp widget.Importance, icon fyne.Resource) {
	if msg == "" {
		icon = nil
	}
	m := statusMsg{msg, imp, icon}
	b := s.bar
	fyne.Do(func() {
		b.mu.Lock()
		b.msgs[s.page] = m
		b.mu.Unlock()
		if s.page == "" || s.page == b.current {
			b.render(m)
		}
	})
}

func (b *statusBar) render(m statusMsg) {
	b.message.Importance = m.imp
	b.message.SetText(m.text)
	b.msgIcon.SetResource(m.icon)
}

// Track adds an engine whose counters the bar sums up.
func (s *Status) Track(e netengine.Engine) { s.bar.track(e) }

// Untrack removes an engine added with Track.
func (s *Status) Untrack(e netengine.Engine) { s.bar.untrack(e) }

func (s *statusBar) track(e netengine.Engine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.engines {
		if x == e {
			return
		}
	}
	s.engines = append(s.engines, e)
}

func (s *statusBar) untrack(e netengine.Engine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.engines {
		if x == e {
			s.engines = append(s.engines[:i], s.engines[i+1:]...)
			return
		}
	}
}

func (s *statusBar) refreshCounters() {
	s.mu.Lock()
	var open, in, out int64
	for _, e := range s.engines {
		st := e.Stats()
		open += st.Open
		in += st.BytesIn
		out += st.BytesOut
	}
	s.mu.Unlock()
	// lang.L runs on the UI goroutine: Fyne's localizer is replaced, without
	// a lock, when the language changes.
	fyne.Do(func() {
		s.counters.SetText(lang.L("Connections {{.Open}} · in {{.In}} · out {{.Out}}", map[string]any{
			"Open": open, "In": FormatBytes(in), "Out": FormatBytes(out)}))
	})
}

func (s *statusBar) start() {
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	stop, done := s.stop, s.done
	s.refreshCounters()
	go func() {
		defer close(done)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				s.refreshCounters()
			}
		}
	}()
}

func (s *statusBar) halt() {
	if s.stop != nil {
		close(s.stop)
		<-s.done
		s.stop, s.done = nil, nil
	}
}

// FormatBytes writes n as B, KiB, MiB or GiB with one decimal.
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 3; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGT"[exp])
}
