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

// Status is the bar at the bottom of the window: the active engine and its
// notice, live counters, and the last message. Its methods are safe to call
// from any goroutine.
type Status struct {
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
	s := &Status{goos: goos, engine: netengine.AutoName(goos)}
	s.build()
	return s
}

// build (re)makes the bar's widgets in the current language, keeping the
// last message: the shell calls it again after a language change.
func (s *Status) build() {
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
func (s *Status) EngineName() string { return s.engine }

// NoticeText is the fallback notice shown, or "".
func (s *Status) NoticeText() string { return s.notice.Text }

// MessageText is the last message shown (tests use it).
func (s *Status) MessageText() string { return s.message.Text }

// Error shows msg as the last error, in the user's language.
func (s *Status) Error(msg string) { s.show(msg, widget.DangerImportance, theme.ErrorIcon()) }

// Info shows msg as the last notice.
func (s *Status) Info(msg string) { s.show(msg, widget.MediumImportance, theme.InfoIcon()) }

// Clear removes the last message: a page calls it when the state that
// made its message has changed (a message must never outlive its cause).
func (s *Status) Clear() { s.show("", widget.MediumImportance, nil) }

func (s *Status) show(msg string, imp widget.Importance, icon fyne.Resource) {
	fyne.Do(func() {
		s.message.Importance = imp
		s.message.SetText(msg)
		if msg == "" {
			icon = nil
		}
		s.msgIcon.SetResource(icon)
	})
}

// Track adds an engine whose counters the bar sums up.
func (s *Status) Track(e netengine.Engine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.engines {
		if x == e {
			return
		}
	}
	s.engines = append(s.engines, e)
}

// Untrack removes an engine added with Track.
func (s *Status) Untrack(e netengine.Engine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.engines {
		if x == e {
			s.engines = append(s.engines[:i], s.engines[i+1:]...)
			return
		}
	}
}

func (s *Status) refreshCounters() {
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

func (s *Status) start() {
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

func (s *Status) halt() {
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
