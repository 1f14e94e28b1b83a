// Package streamview is a virtualised view of received data: a widget.List
// over a Source (a ring buffer of display lines kept elsewhere), so a
// million lines cost the same as a hundred. It shows read markers, optional
// timestamps, events, and supports find, following the newest line
// (widgets/follow) and pause.
package streamview

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/workbench"
	"github.com/netlab-classroom/netlab/widgets/follow"
)

// Kind is the kind of a line a Source returns. It is the workbench's
// record direction itself (one named type for the model and the view; the
// workbench package is Fyne-free, so the widget may depend on it).
type Kind = workbench.Dir

// Kinds of lines a Source returns.
const (
	KindRX    = workbench.RX
	KindTX    = workbench.TX
	KindEvent = workbench.Event
)

// Source is the data behind the view. Its methods are called on the UI
// goroutine and must be quick; it may grow between refreshes.
type Source interface {
	Len() int
	// Row returns line i. A marker row with empty text starts a read (its
	// head says which); a marker row with text is an event.
	Row(i int) (t time.Time, head, text string, kind Kind, marker bool)
	// Find returns the next line containing q from `from` on (or backwards),
	// wrapping, or -1.
	Find(q string, from int, back bool) int
}

// StreamView shows a Source.
type StreamView struct {
	widget.BaseWidget

	// ShowTime prefixes markers and events with their time.
	ShowTime bool
	// Follow keeps the newest line in view while the reader is at the end
	// (widgets/follow); its Button is the ↓ button for the toolbar, its
	// OnChanged tells when following stops (scroll up, Find) or resumes.
	Follower *follow.Follower

	src    Source
	list   *widget.List
	paused bool
	frozen int
	found  int
}

// New makes a view over src that follows new lines, with timestamps on.
func New(src Source) *StreamView {
	v := &StreamView{src: src, ShowTime: true, found: -1}
	v.list = widget.NewList(v.length, v.create, v.update)
	v.list.OnSelected = func(id widget.ListItemID) { v.found = id }
	v.Follower = follow.New(v.list)
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
	head *canvas.Text
	text *canvas.Text
}

// rowLayout puts the marker bar, the head and the text on one compact line.
type rowLayout struct{}

func (rowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := objs[2].MinSize().Height
	if m := objs[1].MinSize().Height; m > h {
		h = m
	}
	return fyne.NewSize(40, h+2)
}

func (rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	bar, head, text := objs[0], objs[1], objs[2]
	pad := theme.Padding()
	bar.Move(fyne.NewPos(0, 1))
	bar.Resize(fyne.NewSize(3, size.Height-2))
	x := 3 + pad
	if head.Visible() {
		hs := head.MinSize()
		head.Move(fyne.NewPos(x, (size.Height-hs.Height)/2))
		head.Resize(hs)
		x += hs.Width + pad*2
	}
	ts := text.MinSize()
	text.Move(fyne.NewPos(x, (size.Height-ts.Height)/2))
	text.Resize(fyne.NewSize(max(size.Width-x, 0), ts.Height))
}

func (v *StreamView) create() fyne.CanvasObject {
	bar := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	head := canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	head.TextSize = theme.CaptionTextSize()
	text := canvas.NewText("", theme.Color(theme.ColorNameForeground))
	text.TextStyle = fyne.TextStyle{Monospace: true}
	return container.New(rowLayout{}, bar, head, text)
}

func rowOf(o fyne.CanvasObject) row {
	box := o.(*fyne.Container)
	return row{bar: box.Objects[0].(*canvas.Rectangle), head: box.Objects[1].(*canvas.Text), text: box.Objects[2].(*canvas.Text)}
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
	r.head.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.head.TextSize = theme.CaptionTextSize()
	switch {
	case marker && text == "": // start of a read
		r.bar.FillColor = theme.Color(theme.ColorNamePrimary)
		if kind == KindTX {
			r.bar.FillColor = theme.Color(theme.ColorNameSuccess)
		}
		r.bar.Show()
		r.head.Text = v.header(t, head)
		r.head.Show()
		r.text.Text = ""
	case marker: // event
		r.bar.Hide()
		h := v.header(t, head)
		r.head.Text = h
		r.head.Hidden = h == ""
		r.text.Color = theme.Color(theme.ColorNameWarning)
		r.text.TextStyle = fyne.TextStyle{}
		r.text.Text = text
	default:
		r.bar.Hide()
		r.head.Hide()
		r.text.TextStyle = fyne.TextStyle{Monospace: true}
		if kind == KindTX {
			r.text.Color = theme.Color(theme.ColorNameSuccess)
		} else {
			r.text.Color = theme.Color(theme.ColorNameForeground)
		}
		r.text.Text = text
	}
	o.(*fyne.Container).Refresh()
}

// SetSource replaces the data.
func (v *StreamView) SetSource(src Source) {
	v.src = src
	v.Update()
}

// Update shows new lines (call it from the UI goroutine, at most ~30/s).
// While paused it does nothing; while following it shows the end.
func (v *StreamView) Update() {
	if v.paused {
		return
	}
	v.Follower.Updated()
}

// Follow turns following back on and shows the newest line.
func (v *StreamView) Follow() {
	if v.paused {
		v.SetPaused(false)
	}
	v.Follower.Follow()
}

// Following reports whether new lines scroll into view.
func (v *StreamView) Following() bool { return v.Follower.Following() }

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
	v.Follower.Stop()
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
	v.Follower.Follow()
}

// Shown returns the number of lines the view currently shows.
func (v *StreamView) Shown() int { return v.length() }

// List exposes the inner list (tests inspect it).
func (v *StreamView) List() *widget.List { return v.list }
