// Package streamview is a virtualised view of received data: a widget.List
// over a Source (a ring buffer of display lines kept elsewhere), so a
// million lines cost the same as a hundred. It shows read markers, optional
// timestamps, events, and supports find, auto-scroll and pause. It knows
// nothing about networking.
package streamview

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Kinds of lines a Source returns.
const (
	KindRX    = 0
	KindTX    = 1
	KindEvent = 2
)

// Source is the data behind the view. Its methods are called on the UI
// goroutine and must be quick; it may grow between refreshes.
type Source interface {
	Len() int
	// Row returns line i. A marker row with empty text starts a read (its
	// head says which); a marker row with text is an event.
	Row(i int) (t time.Time, head, text string, kind int, marker bool)
	// Find returns the next line containing q from `from` on (or backwards),
	// wrapping, or -1.
	Find(q string, from int, back bool) int
}

// StreamView shows a Source.
type StreamView struct {
	widget.BaseWidget

	// ShowTime prefixes markers and events with their time.
	ShowTime bool
	// AutoScroll keeps the newest line in view.
	AutoScroll bool

	src    Source
	list   *widget.List
	paused bool
	frozen int
	found  int
}

// New makes a view over src with auto-scroll and timestamps on.
func New(src Source) *StreamView {
	v := &StreamView{src: src, ShowTime: true, AutoScroll: true, found: -1}
	v.list = widget.NewList(v.length, v.create, v.update)
	v.list.OnSelected = func(id widget.ListItemID) { v.found = id }
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer implements fyne.Widget.
func (v *StreamView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.list)
}

func (v *StreamView) length() int {
	if v.src == nil {
		return 0
	}
	if v.paused {
		return min(v.frozen, v.src.Len())
	}
	return v.src.Len()
}

type row struct {
	bar  *canvas.Rectangle
	head *widget.Label
	text *widget.Label
	box  *fyne.Container
}

func (v *StreamView) create() fyne.CanvasObject {
	bar := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	bar.SetMinSize(fyne.NewSize(3, 1))
	head := widget.NewLabel("")
	head.Importance = widget.LowImportance
	head.SizeName = theme.SizeNameCaptionText
	text := widget.NewLabel("")
	text.TextStyle = fyne.TextStyle{Monospace: true}
	text.Truncation = fyne.TextTruncateEllipsis
	box := container.NewBorder(nil, nil, container.NewHBox(bar, head), nil, text)
	return box
}

func rowOf(o fyne.CanvasObject) row {
	box := o.(*fyne.Container)
	var r row
	r.box = box
	r.text = box.Objects[0].(*widget.Label)
	left := box.Objects[1].(*fyne.Container)
	r.bar = left.Objects[0].(*canvas.Rectangle)
	r.head = left.Objects[1].(*widget.Label)
	return r
}

// Header text of a marker line.
func (v *StreamView) header(t time.Time, head string) string {
	if v.ShowTime && !t.IsZero() {
		if head == "" {
			return t.Format("15:04:05.000")
		}
		return t.Format("15:04:05.000") + "  " + head
	}
	return head
}

func (v *StreamView) update(id widget.ListItemID, o fyne.CanvasObject) {
	r := rowOf(o)
	t, head, text, kind, marker := v.src.Row(id)
	switch {
	case marker && text == "": // start of a read
		r.bar.FillColor = theme.Color(theme.ColorNamePrimary)
		if kind == KindTX {
			r.bar.FillColor = theme.Color(theme.ColorNameSuccess)
		}
		r.bar.Show()
		r.head.SetText(v.header(t, head))
		r.head.Show()
		r.text.SetText("")
	case marker: // event
		r.bar.Hide()
		h := v.header(t, head)
		r.head.SetText(h)
		r.head.Hidden = h == ""
		r.text.Importance = widget.WarningImportance
		r.text.SetText(text)
	default:
		r.bar.Hide()
		r.head.Hide()
		if kind == KindTX {
			r.text.Importance = widget.SuccessImportance
		} else {
			r.text.Importance = widget.MediumImportance
		}
		r.text.SetText(text)
	}
	r.bar.Refresh()
}

// SetSource replaces the data.
func (v *StreamView) SetSource(src Source) {
	v.src = src
	v.Update()
}

// Update shows new lines (call it from the UI goroutine, at most ~30/s).
// While paused it does nothing; with auto-scroll it follows the end.
func (v *StreamView) Update() {
	if v.paused {
		return
	}
	v.list.Refresh()
	if v.AutoScroll && v.src != nil && v.src.Len() > 0 {
		v.list.ScrollToBottom()
	}
}

// SetPaused freezes the display (data keeps arriving in the source).
func (v *StreamView) SetPaused(p bool) {
	v.paused = false
	if p && v.src != nil {
		v.frozen = v.src.Len()
	}
	v.paused = p
	v.list.Refresh()
	if !p {
		v.Update()
	}
}

// Paused reports whether the display is frozen.
func (v *StreamView) Paused() bool { return v.paused }

// Find selects and shows the next line containing q (back: previous);
// it returns the line index or -1. Auto-scroll is turned off so the found
// line stays in view.
func (v *StreamView) Find(q string, back bool) int {
	if v.src == nil || q == "" {
		return -1
	}
	from := v.found + 1
	if back {
		from = v.found - 1
		if v.found < 0 {
			from = v.length() - 1
		}
	}
	i := v.src.Find(q, from, back)
	if i < 0 || i >= v.length() {
		return -1
	}
	v.AutoScroll = false
	v.found = i
	v.list.Select(i)
	v.list.ScrollTo(i)
	return i
}

// Clear resets the selection and scroll (the source is cleared by its owner).
func (v *StreamView) Clear() {
	v.found = -1
	v.list.UnselectAll()
	v.list.Refresh()
	v.list.ScrollToTop()
}

// Shown returns the number of lines the view currently shows.
func (v *StreamView) Shown() int { return v.length() }

// List exposes the inner list (tests inspect it).
func (v *StreamView) List() *widget.List { return v.list }
