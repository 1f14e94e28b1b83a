package chart

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestNiceMax(t *testing.T) {
	for in, want := range map[float64]float64{0: 1, -3: 1, 0.7: 1, 1: 1, 1.2: 2, 2.2: 2.5, 3: 5, 7: 10, 12000: 20000, 45: 50} {
		if got := NiceMax(in); got != want {
			t.Errorf("NiceMax(%v) = %v, want %v", in, got, want)
		}
	}
}

func texts(objs []fyne.CanvasObject) map[string]*canvas.Text {
	out := map[string]*canvas.Text{}
	for _, o := range objs {
		if t, ok := o.(*canvas.Text); ok {
			out[t.Text] = t
		}
	}
	return out
}

func TestChartDrawsSeries(t *testing.T) {
	test.NewTempApp(t)
	c := New("seconds", "requests/s")
	c.Append("epoll", Point{0, 0})
	c.Append("epoll", Point{1, 900})
	c.Append("epoll", Point{2, 1000})
	c.Append("polling", Point{0, 100})
	c.Append("polling", Point{2, 300})
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(400, 300))
	c.Refresh()

	r := test.WidgetRenderer(c).(*renderer)
	if r.lineCount() != 3 {
		t.Fatalf("%d segments, want 3", r.lineCount())
	}
	tx := texts(r.Objects())
	for _, want := range []string{"seconds", "requests/s", "epoll", "polling", "1k", "500", "0", "2"} {
		if tx[want] == nil {
			t.Errorf("text %q missing; have %v", want, keys(tx))
		}
	}
	// Each series has its own palette colour, from the theme.
	s := c.Series()
	if s[0].Color != theme.ColorNamePrimary || s[1].Color != theme.ColorNameSuccess {
		t.Errorf("colours %v %v", s[0].Color, s[1].Color)
	}
	left, top, right, bottom := r.plotRect()
	for _, l := range r.lines {
		for _, p := range []fyne.Position{l.Position1, l.Position2} {
			if p.X < left-0.5 || p.X > right+0.5 || p.Y < top-0.5 || p.Y > bottom+0.5 {
				t.Errorf("point %v outside the plot %v,%v-%v,%v", p, left, top, right, bottom)
			}
		}
	}
	// The highest point (1000 on a 0..1000 axis) touches the top; 0 the bottom.
	first := r.lines[0]
	if first.Position1.Y != bottom || r.lines[1].Position2.Y != top || r.lines[1].Position2.X != right {
		t.Errorf("scaling: %v %v", first.Position1, r.lines[1].Position2)
	}

	c.XFromZero = true
	c.Append("late", Point{5, 1})
	c.Refresh()
	if texts(r.Objects())["0"] == nil || r.lines[0].Position1.X != left {
		t.Error("XFromZero: axis does not start at 0")
	}
	c.FormatY = func(v float64) string { return "Y" }
	c.MinXRange = 10
	c.Refresh()
	if texts(r.Objects())["10"] == nil {
		t.Error("MinXRange not applied to the X axis")
	}
	c.Clear()
	if r.lineCount() != 0 || len(c.Series()) != 0 {
		t.Error("Clear kept lines")
	}
	c.SetSeries([]Series{{Name: "a", Points: []Point{{0, 1}, {1, 2}}}})
	if r.lineCount() != 1 || c.Series()[0].Color == "" {
		t.Error("SetSeries")
	}
}

func TestChartThinsLongSeries(t *testing.T) {
	test.NewTempApp(t)
	c := New("x", "y")
	for i := range 5000 {
		c.Append("s", Point{float64(i), float64(i % 7)})
	}
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(300, 200))
	c.Refresh()
	r := test.WidgetRenderer(c).(*renderer)
	if n := r.lineCount(); n == 0 || n > 1000 {
		t.Fatalf("%d segments for a 300 px chart", n)
	}
}

func keys(m map[string]*canvas.Text) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
