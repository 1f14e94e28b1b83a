// Package ladder is a Fyne sequence-diagram ("ladder") widget: named
// vertical lifelines side by side, and one labelled arrow per message
// between them, time running down, like the three-way-handshake drawing of
// the course notes (SYN seq=x → SYN+ACK seq=y ack=x+1 → ACK). Each arrow
// slants down a little from sender to receiver, carries a label above and
// an optional detail line below, optional notes beside its two ends (e.g.
// TCP states), and a ✗ half-way when the message was lost. Rows are
// virtualised (a widget.List), so tens of thousands of arrows scroll as
// cheaply as ten; tapping an arrow selects and highlights it. Colours come
// from the theme, so light and dark both work. It knows nothing about
// packets: the page converts its data into Arrows.
package ladder

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Arrow is one message from lifeline From to lifeline To (indices into the
// lifelines; From == To draws a note on that lifeline).
type Arrow struct {
	From, To int
	Label    string // above the arrow, e.g. "SYN seq=x"
	Detail   string // below the arrow in small type, e.g. "Seq=0 Win=64240 Len=0"
	Time     string // in the left margin, e.g. "0.000123"
	// FromNote and ToNote are drawn beside the sending and receiving
	// lifelines, e.g. "SYN-SENT", "SYN-RCVD".
	FromNote, ToNote string
	// Color is a theme colour name for the arrow and its label (default
	// foreground), e.g. theme.ColorNameError for a reset.
	Color fyne.ThemeColorName
	// Lost: the message never arrived; the arrow stops half-way at a ✗.
	Lost bool
}

// Ladder is the widget. Change it through its methods from the UI
// goroutine.
type Ladder struct {
	widget.BaseWidget

	// OnSelected is called with the arrow's index when the user taps it
	// (or Select is called).
	OnSelected func(i int)

	lifelines []string
	arrows    []Arrow
	selected  int
	list      *widget.List
	header    *header
}

// New makes a ladder with the given lifeline names (left to right).
func New(lifelines ...string) *Ladder {
	l := &Ladder{lifelines: append([]string(nil), lifelines...), selected: -1}
	l.header = &header{l: l}
	l.header.ExtendBaseWidget(l.header)
	l.list = widget.NewList(func() int { return len(l.arrows) },
		func() fyne.CanvasObject { return newRow(l) },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*row).set(id) })
	l.list.OnSelected = func(id widget.ListItemID) {
		if l.selected == id {
			return
		}
		l.selected = id
		l.list.RefreshItem(id)
		if l.OnSelected != nil {
			l.OnSelected(id)
		}
	}
	l.list.OnUnselected = func(id widget.ListItemID) {
		if l.selected == id {
			l.selected = -1
		}
		l.list.RefreshItem(id)
	}
	l.ExtendBaseWidget(l)
	return l
}

// CreateRenderer implements fyne.Widget.
func (l *Ladder) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(l.header, nil, nil, nil, l.list))
}

// SetLifelines replaces the lifeline names.
func (l *Ladder) SetLifelines(names ...string) {
	l.lifelines = append(l.lifelines[:0], names...)
	l.header.Refresh()
	l.list.Refresh()
}

// Lifelines returns the lifeline names (do not modify).
func (l *Ladder) Lifelines() []string { return l.lifelines }

// SetArrows replaces all arrows and clears the selection.
func (l *Ladder) SetArrows(a []Arrow) {
	l.arrows = a
	l.selected = -1
	l.list.UnselectAll()
	l.list.Refresh()
}

// Append adds arrows at the end (new messages).
func (l *Ladder) Append(a ...Arrow) {
	l.arrows = append(l.arrows, a...)
	l.list.Refresh()
}

// Arrows returns the arrows (do not modify).
func (l *Ladder) Arrows() []Arrow { return l.arrows }

// Select highlights arrow i, scrolls it into view and calls OnSelected;
// -1 clears the selection.
func (l *Ladder) Select(i int) {
	if i < 0 || i >= len(l.arrows) {
		l.list.UnselectAll()
		l.selected = -1
		return
	}
	l.list.Select(i)
	l.list.ScrollTo(i)
}

// Selected is the selected arrow's index, or -1.
func (l *Ladder) Selected() int { return l.selected }

// ScrollToBottom shows the newest arrows.
func (l *Ladder) ScrollToBottom() { l.list.ScrollToBottom() }

// List is the underlying list (for a follow helper or tests).
func (l *Ladder) List() *widget.List { return l.list }

// geometry shared by the header and the rows.
type geom struct {
	th      fyne.Theme
	variant fyne.ThemeVariant
	pad     float32
	text    float32 // label text size
	caption float32
	timeW   float32 // width of the time margin (0 when no arrow has a time)
}

func (l *Ladder) geom() geom {
	th := l.Theme()
	g := geom{th: th, variant: fyne.CurrentApp().Settings().ThemeVariant(), pad: th.Size(theme.SizeNamePadding),
		text: th.Size(theme.SizeNameText), caption: th.Size(theme.SizeNameCaptionText)}
	for _, a := range l.arrows {
		if a.Time != "" {
			g.timeW = fyne.MeasureText("00.000000", g.caption, fyne.TextStyle{Monospace: true}).Width + 2*g.pad
			break
		}
	}
	return g
}

func (g geom) col(n fyne.ThemeColorName) color.Color { return g.th.Color(n, g.variant) }

// xs are the lifelines' x positions for a width.
func (l *Ladder) xs(g geom, width float32) []float32 {
	n := len(l.lifelines)
	out := make([]float32, n)
	if n == 0 {
		return out
	}
	w := (width - g.timeW) / float32(n)
	for i := range out {
		out[i] = g.timeW + w*(float32(i)+0.5)
	}
	return out
}

// rowHeight: label line, the slant of the arrow, detail line.
func (g geom) rowHeight() float32 {
	return g.text + g.text*0.6 + g.caption + 4*g.pad
}

// header shows the lifeline names over their lines.
type header struct {
	widget.BaseWidget
	l *Ladder
}

func (h *header) CreateRenderer() fyne.WidgetRenderer {
	r := &headerRenderer{h: h, bg: canvas.NewRectangle(nil)}
	r.Refresh()
	return r
}

type headerRenderer struct {
	h     *header
	bg    *canvas.Rectangle
	names []*canvas.Text
	boxes []*canvas.Rectangle
	objs  []fyne.CanvasObject
	size  fyne.Size
}

func (r *headerRenderer) Destroy()                     {}
func (r *headerRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *headerRenderer) MinSize() fyne.Size {
	g := r.h.l.geom()
	return fyne.NewSize(float32(len(r.h.l.lifelines))*g.text*4, g.text+4*g.pad)
}
func (r *headerRenderer) Layout(s fyne.Size) { r.size = s; r.Refresh() }

func (r *headerRenderer) Refresh() {
	l := r.h.l
	g := l.geom()
	xs := l.xs(g, r.size.Width)
	r.bg.FillColor = g.col(theme.ColorNameHeaderBackground)
	r.bg.Resize(r.size)
	r.objs = append(r.objs[:0], r.bg)
	for len(r.names) < len(xs) {
		r.names = append(r.names, canvas.NewText("", nil))
		b := canvas.NewRectangle(nil)
		b.StrokeWidth, b.CornerRadius = 1, g.pad
		r.boxes = append(r.boxes, b)
	}
	for i, x := range xs {
		t := r.names[i]
		t.Text, t.TextSize, t.TextStyle, t.Color = l.lifelines[i], g.text, fyne.TextStyle{Bold: true}, g.col(theme.ColorNameForeground)
		sz := fyne.MeasureText(t.Text, g.text, t.TextStyle)
		t.Move(fyne.NewPos(x-sz.Width/2, 2*g.pad))
		t.Resize(sz)
		b := r.boxes[i]
		b.FillColor, b.StrokeColor = g.col(theme.ColorNameInputBackground), g.col(theme.ColorNameSeparator)
		b.Move(fyne.NewPos(x-sz.Width/2-2*g.pad, g.pad))
		b.Resize(fyne.NewSize(sz.Width+4*g.pad, sz.Height+2*g.pad))
		r.objs = append(r.objs, b, t)
	}
	for _, o := range r.objs {
		o.Refresh()
	}
}

// row draws one arrow across the lifelines.
type row struct {
	widget.BaseWidget
	l  *Ladder
	id int
}

func newRow(l *Ladder) *row {
	r := &row{l: l, id: -1}
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) set(id int) {
	r.id = id
	r.Refresh()
}

func (r *row) CreateRenderer() fyne.WidgetRenderer {
	rr := &rowRenderer{r: r, arrow: canvas.NewLine(nil), head1: canvas.NewLine(nil), head2: canvas.NewLine(nil),
		label: canvas.NewText("", nil), detail: canvas.NewText("", nil), time: canvas.NewText("", nil),
		fromNote: canvas.NewText("", nil), toNote: canvas.NewText("", nil), cross: canvas.NewText("✗", nil),
		dot: canvas.NewCircle(nil)}
	rr.Refresh()
	return rr
}

type rowRenderer struct {
	r                   *row
	lines               []*canvas.Line
	arrow, head1, head2 *canvas.Line
	label, detail, time *canvas.Text
	fromNote, toNote    *canvas.Text
	cross               *canvas.Text
	dot                 *canvas.Circle
	objs                []fyne.CanvasObject
	size                fyne.Size
	arrowFrom, arrowTo  fyne.Position // for tests
}

func (rr *rowRenderer) Destroy()                     {}
func (rr *rowRenderer) Objects() []fyne.CanvasObject { return rr.objs }
func (rr *rowRenderer) MinSize() fyne.Size {
	g := rr.r.l.geom()
	return fyne.NewSize(g.timeW+float32(len(rr.r.l.lifelines))*g.text*4, g.rowHeight())
}
func (rr *rowRenderer) Layout(s fyne.Size) { rr.size = s; rr.Refresh() }

func (rr *rowRenderer) Refresh() {
	l := rr.r.l
	g := l.geom()
	xs := l.xs(g, rr.size.Width)
	h := rr.size.Height
	rr.objs = rr.objs[:0]
	for len(rr.lines) < len(xs) {
		rr.lines = append(rr.lines, canvas.NewLine(nil))
	}
	for i, x := range xs {
		ln := rr.lines[i]
		ln.StrokeColor, ln.StrokeWidth = g.col(theme.ColorNameSeparator), 2
		ln.Position1, ln.Position2 = fyne.NewPos(x, 0), fyne.NewPos(x, h)
		rr.objs = append(rr.objs, ln)
	}
	id := rr.r.id
	if id < 0 || id >= len(l.arrows) || len(xs) == 0 {
		rr.refreshAll()
		return
	}
	a := l.arrows[id]
	from, to := clamp(a.From, len(xs)), clamp(a.To, len(xs))
	selected := id == l.selected
	colName := a.Color
	if colName == "" {
		colName = theme.ColorNameForeground
	}
	if selected {
		colName = theme.ColorNamePrimary
	}
	col := g.col(colName)

	y1 := g.pad + g.text + g.pad
	y2 := y1 + g.text*0.6
	x1, x2 := xs[from], xs[to]
	text := func(t *canvas.Text, s string, size float32, c color.Color, bold bool) fyne.Size {
		t.Text, t.TextSize, t.Color, t.TextStyle = s, size, c, fyne.TextStyle{Bold: bold}
		sz := fyne.MeasureText(s, size, t.TextStyle)
		t.Resize(sz)
		return sz
	}
	if a.Time != "" {
		text(rr.time, a.Time, g.caption, g.col(theme.ColorNamePlaceHolder), false)
		rr.time.TextStyle = fyne.TextStyle{Monospace: true}
		rr.time.Move(fyne.NewPos(g.pad, y1-g.caption/2))
		rr.objs = append(rr.objs, rr.time)
	}
	if from == to {
		// a note on one lifeline: a dot and the label beside it
		d := g.text * 0.5
		rr.dot.FillColor = col
		rr.dot.Move(fyne.NewPos(x1-d/2, y1-d/2))
		rr.dot.Resize(fyne.NewSize(d, d))
		sz := text(rr.label, a.Label, g.text, col, selected)
		rr.label.Move(fyne.NewPos(x1+d, y1-sz.Height/2))
		rr.objs = append(rr.objs, rr.dot, rr.label)
		rr.arrowFrom, rr.arrowTo = fyne.NewPos(x1, y1), fyne.NewPos(x1, y1)
		rr.refreshAll()
		return
	}
	end := fyne.NewPos(x2, y2)
	if a.Lost {
		end = fyne.NewPos((x1+x2)/2, (y1+y2)/2)
	}
	rr.arrow.Position1, rr.arrow.Position2 = fyne.NewPos(x1, y1), end
	rr.arrow.StrokeColor = col
	rr.arrow.StrokeWidth = 1.5
	if selected {
		rr.arrow.StrokeWidth = 3
	}
	rr.arrowFrom, rr.arrowTo = rr.arrow.Position1, end
	rr.objs = append(rr.objs, rr.arrow)
	if a.Lost {
		sz := text(rr.cross, "✗", g.text*1.4, g.col(theme.ColorNameError), true)
		rr.cross.Move(fyne.NewPos(end.X-sz.Width/2, end.Y-sz.Height/2))
		rr.objs = append(rr.objs, rr.cross)
	} else {
		// the arrowhead: two short strokes back from the tip
		ang := math.Atan2(float64(y2-y1), float64(x2-x1))
		hl := float64(g.text * 0.7)
		for i, hd := range []*canvas.Line{rr.head1, rr.head2} {
			da := 2.6
			if i == 1 {
				da = -2.6
			}
			hd.Position1 = end
			hd.Position2 = fyne.NewPos(end.X+float32(hl*math.Cos(ang+da)), end.Y+float32(hl*math.Sin(ang+da)))
			hd.StrokeColor, hd.StrokeWidth = col, rr.arrow.StrokeWidth
			rr.objs = append(rr.objs, hd)
		}
	}
	// the label centred above the arrow, the detail below it
	mid := (x1 + x2) / 2
	sz := text(rr.label, a.Label, g.text, col, selected)
	rr.label.Move(fyne.NewPos(mid-sz.Width/2, g.pad))
	rr.objs = append(rr.objs, rr.label)
	if a.Detail != "" {
		sz := text(rr.detail, a.Detail, g.caption, g.col(theme.ColorNamePlaceHolder), false)
		rr.detail.Move(fyne.NewPos(mid-sz.Width/2, y2+g.pad))
		rr.objs = append(rr.objs, rr.detail)
	}
	// notes beside the lifelines, on the outer side of each end
	note := func(t *canvas.Text, s string, x, y float32, outward float32) {
		if s == "" {
			return
		}
		sz := text(t, s, g.caption, g.col(theme.ColorNamePlaceHolder), false)
		nx := x + g.pad
		if outward < 0 {
			nx = x - g.pad - sz.Width
		}
		t.Move(fyne.NewPos(nx, y-sz.Height/2))
		rr.objs = append(rr.objs, t)
	}
	dir := float32(1)
	if x2 < x1 {
		dir = -1
	}
	note(rr.fromNote, a.FromNote, x1, y1+g.text*0.9, -dir)
	note(rr.toNote, a.ToNote, x2, y2+g.text*0.6, dir)
	rr.refreshAll()
}

func (rr *rowRenderer) refreshAll() {
	for _, o := range rr.objs {
		o.Refresh()
	}
}

func clamp(i, n int) int {
	return max(0, min(i, n-1))
}
