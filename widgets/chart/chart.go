// Package chart is a small line chart drawn with canvas.Line: several
// series, each in a theme colour, with a legend, axis labels and a few
// tick values. It has no networking; feed it points from the UI goroutine
// (inside fyne.Do when the data come from elsewhere).
package chart

import (
	"fmt"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Palette is the order in which series get theme colours.
var Palette = []fyne.ThemeColorName{
	theme.ColorNamePrimary,
	theme.ColorNameSuccess,
	theme.ColorNameWarning,
	theme.ColorNameError,
	theme.ColorNameForeground,
	theme.ColorNameHyperlink,
}

// Point is one value.
type Point struct{ X, Y float64 }

// Series is a named line.
type Series struct {
	Name   string
	Color  fyne.ThemeColorName
	Points []Point
}

// Chart is the widget.
type Chart struct {
	widget.BaseWidget

	// XLabel and YLabel name the axes (shown under and above the plot).
	XLabel, YLabel string
	// FormatY writes tick values of the Y axis (default: %g style).
	FormatY func(float64) string
	// FormatX writes tick values of the X axis.
	FormatX func(float64) string
	// MinXRange keeps the X axis at least this wide (e.g. the run's duration).
	MinXRange float64
	// XFromZero starts the X axis at 0 even when the first point is later.
	XFromZero bool

	series []Series
}

// New makes an empty chart with axis labels.
func New(xLabel, yLabel string) *Chart {
	c := &Chart{XLabel: xLabel, YLabel: yLabel}
	c.ExtendBaseWidget(c)
	return c
}

// Clear removes every series.
func (c *Chart) Clear() {
	c.series = nil
	c.Refresh()
}

// Series returns the chart's series (do not modify).
func (c *Chart) Series() []Series { return c.series }

// SetSeries replaces all series.
func (c *Chart) SetSeries(s []Series) {
	c.series = s
	for i := range c.series {
		if c.series[i].Color == "" {
			c.series[i].Color = Palette[i%len(Palette)]
		}
	}
	c.Refresh()
}

// Append adds a point to the series called name, creating it (with the
// next palette colour) if needed. Call Refresh after a batch of points.
func (c *Chart) Append(name string, p Point) {
	for i := range c.series {
		if c.series[i].Name == name {
			c.series[i].Points = append(c.series[i].Points, p)
			return
		}
	}
	c.series = append(c.series, Series{Name: name, Color: Palette[len(c.series)%len(Palette)], Points: []Point{p}})
}

// CreateRenderer implements fyne.Widget.
func (c *Chart) CreateRenderer() fyne.WidgetRenderer {
	r := &renderer{c: c, bg: canvas.NewRectangle(nil), xAxis: canvas.NewLine(nil), yAxis: canvas.NewLine(nil),
		xName: canvas.NewText("", nil), yName: canvas.NewText("", nil)}
	r.bg.StrokeWidth = 1
	r.bg.CornerRadius = 4
	r.Refresh()
	return r
}

// bounds are the data limits the plot shows.
func (c *Chart) bounds() (x0, x1, y1 float64) {
	x0, x1 = math.Inf(1), math.Inf(-1)
	for _, s := range c.series {
		for _, p := range s.Points {
			x0, x1, y1 = min(x0, p.X), max(x1, p.X), max(y1, p.Y)
		}
	}
	if math.IsInf(x0, 1) {
		x0, x1 = 0, 1
	}
	if c.XFromZero && x0 > 0 {
		x0 = 0
	}
	if x1-x0 < c.MinXRange {
		x1 = x0 + c.MinXRange
	}
	if x1 <= x0 {
		x1 = x0 + 1
	}
	return x0, x1, NiceMax(y1)
}

// NiceMax rounds v up to 1, 2, 2.5 or 5 times a power of ten (1 for v ≤ 0).
func NiceMax(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

func formatTick(v float64) string {
	switch {
	case v == 0:
		return "0"
	case math.Abs(v) >= 1e6:
		return fmt.Sprintf("%.3gM", v/1e6)
	case math.Abs(v) >= 1e3:
		return fmt.Sprintf("%.3gk", v/1e3)
	case v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

const ticks = 4 // Y intervals

type renderer struct {
	c            *Chart
	bg           *canvas.Rectangle
	xAxis, yAxis *canvas.Line
	xName, yName *canvas.Text
	grid         []*canvas.Line
	yTicks       []*canvas.Text
	xTicks       []*canvas.Text
	legend       []fyne.CanvasObject // swatch, text pairs
	lines        []*canvas.Line
	objects      []fyne.CanvasObject
	size         fyne.Size
}

func (r *renderer) Destroy() {}

func (r *renderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *renderer) MinSize() fyne.Size {
	th := r.c.Theme()
	ts := th.Size(theme.SizeNameCaptionText)
	return fyne.NewSize(ts*16, ts*10)
}

func (r *renderer) Layout(s fyne.Size) {
	r.size = s
	r.Refresh()
}

// plotRect is the area inside the axes.
func (r *renderer) plotRect() (left, top, right, bottom float32) {
	th := r.c.Theme()
	ts := th.Size(theme.SizeNameCaptionText)
	pad := th.Size(theme.SizeNamePadding)
	labelW := float32(0)
	for _, t := range r.yTicks {
		labelW = max(labelW, fyne.MeasureText(t.Text, ts, t.TextStyle).Width)
	}
	legendH := ts + 2*pad
	left = labelW + 2*pad
	top = legendH + 2*ts + pad // legend row, the Y axis name, half a tick label
	right = r.size.Width - 2*pad
	bottom = r.size.Height - 2*ts - 3*pad // X ticks and X name below
	if right < left+1 {
		right = left + 1
	}
	if bottom < top+1 {
		bottom = top + 1
	}
	return
}

func (r *renderer) Refresh() {
	c := r.c
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	col := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
	ts := th.Size(theme.SizeNameCaptionText)
	pad := th.Size(theme.SizeNamePadding)
	x0, x1, y1 := c.bounds()
	fy, fx := c.FormatY, c.FormatX
	if fy == nil {
		fy = formatTick
	}
	if fx == nil {
		fx = formatTick
	}
	text := func(t *canvas.Text, s string, n fyne.ThemeColorName) *canvas.Text {
		if t == nil {
			t = canvas.NewText("", nil)
		}
		t.Text, t.TextSize, t.Color = s, ts, col(n)
		return t
	}
	for len(r.yTicks) <= ticks {
		r.yTicks = append(r.yTicks, nil)
	}
	for i := range r.yTicks {
		r.yTicks[i] = text(r.yTicks[i], fy(y1*float64(i)/ticks), theme.ColorNamePlaceHolder)
	}
	left, top, right, bottom := r.plotRect()
	px := func(x float64) float32 { return left + float32((x-x0)/(x1-x0))*(right-left) }
	py := func(y float64) float32 { return bottom - float32(y/y1)*(bottom-top) }

	r.bg.FillColor = col(theme.ColorNameInputBackground)
	r.bg.StrokeColor = col(theme.ColorNameSeparator)
	r.bg.Move(fyne.NewPos(0, 0))
	r.bg.Resize(r.size)
	objs := []fyne.CanvasObject{r.bg}

	for len(r.grid) < ticks {
		r.grid = append(r.grid, canvas.NewLine(nil))
	}
	for i, g := range r.grid {
		y := py(y1 * float64(i+1) / ticks)
		g.StrokeColor, g.StrokeWidth = col(theme.ColorNameSeparator), 1
		g.Position1, g.Position2 = fyne.NewPos(left, y), fyne.NewPos(right, y)
		objs = append(objs, g)
	}
	for i, t := range r.yTicks {
		sz := fyne.MeasureText(t.Text, ts, t.TextStyle)
		t.Move(fyne.NewPos(left-pad-sz.Width, py(y1*float64(i)/ticks)-sz.Height/2))
		objs = append(objs, t)
	}
	for len(r.xTicks) < 3 {
		r.xTicks = append(r.xTicks, nil)
	}
	for i := range r.xTicks {
		x := x0 + (x1-x0)*float64(i)/2
		t := text(r.xTicks[i], fx(x), theme.ColorNamePlaceHolder)
		r.xTicks[i] = t
		sz := fyne.MeasureText(t.Text, ts, t.TextStyle)
		pos := px(x) - sz.Width/2
		pos = max(0, min(pos, r.size.Width-sz.Width))
		t.Move(fyne.NewPos(pos, bottom+pad/2))
		objs = append(objs, t)
	}
	r.xName = text(r.xName, c.XLabel, theme.ColorNameForeground)
	xs := fyne.MeasureText(r.xName.Text, ts, r.xName.TextStyle)
	r.xName.Move(fyne.NewPos(left+(right-left-xs.Width)/2, bottom+ts+pad*1.5))
	r.yName = text(r.yName, c.YLabel, theme.ColorNameForeground)
	r.yName.Move(fyne.NewPos(pad, top-2*ts))
	objs = append(objs, r.xName, r.yName)

	r.yAxis.Position1, r.yAxis.Position2 = fyne.NewPos(left, top), fyne.NewPos(left, bottom)
	r.xAxis.Position1, r.xAxis.Position2 = fyne.NewPos(left, bottom), fyne.NewPos(right, bottom)
	for _, a := range []*canvas.Line{r.xAxis, r.yAxis} {
		a.StrokeColor, a.StrokeWidth = col(theme.ColorNameForeground), 1
		objs = append(objs, a)
	}

	// Legend: a swatch and the name of each series, in one row at the top.
	r.legend = r.legend[:0]
	lx := left
	for _, s := range c.series {
		sw := canvas.NewRectangle(col(s.Color))
		sw.CornerRadius = 2
		sw.Resize(fyne.NewSize(ts, ts/2))
		sw.Move(fyne.NewPos(lx, pad+ts/4))
		t := text(nil, s.Name, theme.ColorNameForeground)
		t.Move(fyne.NewPos(lx+ts+pad/2, pad-ts*0.1))
		lx += ts + pad + fyne.MeasureText(s.Name, ts, t.TextStyle).Width + 2*pad
		r.legend = append(r.legend, sw, t)
	}
	objs = append(objs, r.legend...)

	// The lines, one segment between neighbouring points; long series are
	// thinned to about one point per pixel.
	n := 0
	for _, s := range c.series {
		step := 1
		if w := int(right - left); w > 0 && len(s.Points) > 2*w {
			step = len(s.Points) / w
		}
		stroke := col(s.Color)
		for i := step; i < len(s.Points); i += step {
			a, b := s.Points[i-step], s.Points[i]
			if n == len(r.lines) {
				r.lines = append(r.lines, canvas.NewLine(nil))
			}
			l := r.lines[n]
			n++
			l.StrokeColor, l.StrokeWidth = stroke, 2
			l.Position1 = fyne.NewPos(px(a.X), py(min(a.Y, y1)))
			l.Position2 = fyne.NewPos(px(b.X), py(min(b.Y, y1)))
			objs = append(objs, l)
		}
	}
	r.lines = r.lines[:n]
	r.objects = objs
	for _, o := range objs {
		o.Refresh()
	}
}

// lineCount is the number of segments drawn (tests use it).
func (r *renderer) lineCount() int { return len(r.lines) }
