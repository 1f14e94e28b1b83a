// Package follow makes a widget.List follow its newest row the way a log
// viewer does (tail -f): while the reader is at the end, new rows scroll
// into view; as soon as they scroll up to read, the view stays put; the
// ↓ button (highlighted meanwhile) or Follow jumps back to the end and
// follows again. The TCP log, the DNS query log, the web access log and
// the packet list all use it, so they behave alike.
package follow

import (
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Follower tracks one list. Use it from the UI goroutine only.
type Follower struct {
	list *widget.List
	on   bool
	// bottom is the scroll offset after the last follow to the end; -1
	// while unknown (no row yet, or just asked to follow).
	bottom float32
	// Button is the ↓ button: highlighted while not following; tapping it
	// calls Follow. Put it in the list's toolbar.
	Button *widget.Button
	// OnChanged, if set, is told when following turns off (the reader
	// scrolled up, or Stop) or on again (Follow).
	OnChanged func(on bool)
}

// New follows list from the start.
func New(list *widget.List) *Follower {
	f := &Follower{list: list, on: true, bottom: -1}
	f.Button = widget.NewButtonWithIcon("", theme.MoveDownIcon(), f.Follow)
	return f
}

// Following reports whether new rows scroll into view.
func (f *Follower) Following() bool { return f.on }

// Updated shows the list's new length: call it after the data grew or
// changed (at a bounded rate, e.g. from a ≤30/s drain). It notices a
// scroll up since the last call and stops following then.
func (f *Follower) Updated() {
	if f.on && f.bottom >= 0 && f.list.GetScrollOffset() < f.bottom-1 {
		f.set(false)
	}
	f.list.Refresh()
	if f.on && f.list.Length != nil && f.list.Length() > 0 {
		f.list.ScrollToBottom()
		f.bottom = f.list.GetScrollOffset()
	}
}

// Follow scrolls to the newest row and follows again.
func (f *Follower) Follow() {
	f.bottom = -1
	f.set(true)
	f.Updated()
}

// Stop stops following, e.g. when Find selects an older row.
func (f *Follower) Stop() {
	f.bottom = -1
	f.set(false)
}

func (f *Follower) set(on bool) {
	if f.on == on {
		return
	}
	f.on = on
	imp := widget.MediumImportance
	if !on {
		imp = widget.HighImportance
	}
	f.Button.Importance = imp
	f.Button.Refresh()
	if f.OnChanged != nil {
		f.OnChanged(on)
	}
}
