package layers

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Boxes draws the encapsulation: one box per layer, a later layer inside
// an earlier one when it lies in what the earlier one carries, each
// layer's header labelled with its name and size. Tapping a box selects
// that layer.
type Boxes struct {
	widget.BaseWidget
	v    *View
	segs []seg // as last drawn
}

func newBoxes(v *View) *Boxes {
	b := &Boxes{v: v}
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer implements fyne.Widget.
func (b *Boxes) CreateRenderer() fyne.WidgetRenderer {
	r := &boxesRenderer{b: b}
	r.Refresh()
	return r
}

// Tapped selects the layer whose header segment was tapped.
func (b *Boxes) Tapped(e *fyne.PointEvent) {
	for i, s := range b.segs {
		if e.Position.X >= s.x0 && e.Position.X < s.x1 {
			b.v.SelectLayer(i)
			return
		}
	}
}

type seg struct {
	x0, x1 float32 // the header segment
	right  float32 // the box's right edge (the end of what it carries)
	depth  int
}

type boxesRenderer struct {
	b     *Boxes
	rects []*canvas.Rectangle
	names []*canvas.Text
	sizes []*canvas.Text
	segs  []seg
	empty *canvas.Text
	objs  []fyne.CanvasObject
	size  fyne.Size
}

func (r *boxesRenderer) Destroy()                     {}
func (r *boxesRenderer) Objects() []fyne.CanvasObject { return r.objs }

func (r *boxesRenderer) metrics() (th fyne.Theme, pad, ts, cs float32) {
	th = r.b.Theme()
	return th, th.Size(theme.SizeNamePadding), th.Size(theme.SizeNameText), th.Size(theme.SizeNameCaptionText)
}

func (r *boxesRenderer) MinSize() fyne.Size {
	_, pad, ts, cs := r.metrics()
	depth := 0
	for _, s := range r.layout(1000) {
		depth = max(depth, s.depth)
	}
	return fyne.NewSize(float32(len(r.b.v.layers))*ts*4, ts+cs+2*pad+2*float32(depth)*insetStep(pad)+4)
}

func (r *boxesRenderer) Layout(s fyne.Size) { r.size = s; r.Refresh() }

// layout gives each layer a header segment, widths in proportion to the
// labels, filling width.
func (r *boxesRenderer) layout(width float32) []seg {
	ls := r.b.v.layers
	_, pad, ts, cs := r.metrics()
	ws := make([]float32, len(ls))
	var total float32
	for i, l := range ls {
		w := max(fyne.MeasureText(l.Name, ts, fyne.TextStyle{Bold: true}).Width,
			fyne.MeasureText(sizeText(l), cs, fyne.TextStyle{}).Width) + 4*pad
		ws[i] = w
		total += w
	}
	scale := float32(1)
	if total > 0 {
		scale = width / total
	}
	segs := make([]seg, len(ls))
	x := float32(0)
	for i := range ls {
		segs[i].x0 = x
		x += ws[i] * scale
		segs[i].x1 = x
	}
	// a box reaches over the later layers inside what it carries
	for i, l := range ls {
		end := l.PayloadEnd
		if end < l.End {
			end = l.End
		}
		segs[i].right = segs[i].x1
		for j := i + 1; j < len(ls); j++ {
			if ls[j].Start < end {
				segs[i].right = segs[j].x1
				segs[j].depth = max(segs[j].depth, segs[i].depth+1)
			}
		}
	}
	return segs
}

// insetStep is how far a nested box sits inside its parent, top and bottom.
func insetStep(pad float32) float32 { return 1.5 * pad }

func sizeText(l Layer) string {
	n := l.End - l.Start
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}

func (r *boxesRenderer) Refresh() {
	v := r.b.v
	th, pad, ts, cs := r.metrics()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	r.objs = r.objs[:0]
	if len(v.layers) == 0 {
		if r.empty == nil {
			r.empty = canvas.NewText("", nil)
		}
		r.empty.Text, r.empty.TextSize = "", cs
		r.objs = append(r.objs, r.empty)
		r.b.segs = nil
		return
	}
	r.segs = r.layout(r.size.Width)
	r.b.segs = r.segs
	for len(r.rects) < len(r.segs) {
		r.rects = append(r.rects, canvas.NewRectangle(nil))
		r.names = append(r.names, canvas.NewText("", nil))
		r.sizes = append(r.sizes, canvas.NewText("", nil))
	}
	h := r.size.Height
	for i, s := range r.segs {
		c := th.Color(Palette[i%len(Palette)], variant)
		rect := r.rects[i]
		inset := float32(s.depth) * insetStep(pad)
		rect.FillColor = tint(c, 0x38)
		rect.StrokeColor = c
		rect.StrokeWidth = 1
		if i == v.selLayer {
			rect.StrokeWidth = 3
			rect.FillColor = tint(c, 0x70)
		}
		rect.CornerRadius = pad
		rect.Move(fyne.NewPos(s.x0+1, inset+1))
		rect.Resize(fyne.NewSize(s.right-s.x0-2, h-2*inset-2))
		r.objs = append(r.objs, rect)
	}
	for i, s := range r.segs {
		l := v.layers[i]
		name, size := r.names[i], r.sizes[i]
		name.Text, name.TextSize, name.TextStyle = l.Name, ts, fyne.TextStyle{Bold: true}
		name.Color = th.Color(theme.ColorNameForeground, variant)
		size.Text, size.TextSize = sizeText(l), cs
		size.Color = th.Color(theme.ColorNameForeground, variant)
		nw := fyne.MeasureText(name.Text, ts, name.TextStyle)
		sw := fyne.MeasureText(size.Text, cs, size.TextStyle)
		mid := (s.x0 + s.x1) / 2
		// centred in the layer's own box (nested boxes are shorter)
		inset := float32(s.depth) * insetStep(pad)
		top := inset + (h-2*inset-nw.Height-sw.Height)/2
		name.Move(fyne.NewPos(mid-nw.Width/2, top))
		size.Move(fyne.NewPos(mid-sw.Width/2, top+nw.Height))
		r.objs = append(r.objs, name, size)
	}
	for _, o := range r.objs {
		o.Refresh()
	}
}
