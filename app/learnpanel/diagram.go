package learnpanel

import (
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// diagram is a drawing in design units (about one unit per pixel at
// 100 %), scaled to fit the space it gets; text keeps the theme's size.
type diagram struct {
	w, h   float32
	shapes []*shape
}

type shapeKind int

const (
	kindBox shapeKind = iota
	kindText
	kindLine
	kindArrow
)

type shape struct {
	kind       shapeKind
	x, y, w, h float32 // box: rectangle; text: anchor; line: from (x,y) to (x+w, y+h)
	align      fyne.TextAlign
	rect       *canvas.Rectangle
	texts      []*canvas.Text
	lines      []*canvas.Line
}

func newDiagram(w, h float32) *diagram { return &diagram{w: w, h: h} }

// box draws a rounded rectangle outlined in colour c with centred text
// (lines separated by "\n").
func (d *diagram) box(x, y, w, h float32, c fyne.ThemeColorName, label string) *shape {
	r := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	r.StrokeColor = theme.Color(c)
	r.StrokeWidth = 2
	r.CornerRadius = 6
	s := &shape{kind: kindBox, x: x, y: y, w: w, h: h, rect: r, align: fyne.TextAlignCenter}
	for _, l := range strings.Split(label, "\n") {
		t := canvas.NewText(l, theme.Color(theme.ColorNameForeground))
		t.TextSize = theme.Size(theme.SizeNameText) * 0.9
		s.texts = append(s.texts, t)
	}
	d.shapes = append(d.shapes, s)
	return s
}

// filled makes a box's background its outline colour (for highlights).
func (s *shape) filled(c fyne.ThemeColorName) *shape {
	s.rect.FillColor = theme.Color(c)
	for _, t := range s.texts {
		t.Color = theme.Color(theme.ColorNameBackground)
	}
	return s
}

// bold makes a shape's text bold.
func (s *shape) bold() *shape {
	for _, t := range s.texts {
		t.TextStyle.Bold = true
	}
	return s
}

// mono makes a shape's text monospace.
func (s *shape) mono() *shape {
	for _, t := range s.texts {
		t.TextStyle.Monospace = true
	}
	return s
}

// small makes a shape's text caption-sized.
func (s *shape) small() *shape {
	for _, t := range s.texts {
		t.TextSize = theme.Size(theme.SizeNameCaptionText)
	}
	return s
}

// text writes label at (x, y): align says whether x is its left edge,
// centre or right edge; y is the centre of the first line.
func (d *diagram) text(x, y float32, label string, align fyne.TextAlign, c fyne.ThemeColorName) *shape {
	s := &shape{kind: kindText, x: x, y: y, align: align}
	for _, l := range strings.Split(label, "\n") {
		t := canvas.NewText(l, theme.Color(c))
		t.TextSize = theme.Size(theme.SizeNameText) * 0.9
		s.texts = append(s.texts, t)
	}
	d.shapes = append(d.shapes, s)
	return s
}

// line draws a straight line.
func (d *diagram) line(x1, y1, x2, y2 float32, c fyne.ThemeColorName) *shape {
	l := canvas.NewLine(theme.Color(c))
	l.StrokeWidth = 2
	s := &shape{kind: kindLine, x: x1, y: y1, w: x2 - x1, h: y2 - y1, lines: []*canvas.Line{l}}
	d.shapes = append(d.shapes, s)
	return s
}

// arrow draws a line with a head at (x2, y2), and an optional label
// centred above its middle.
func (d *diagram) arrow(x1, y1, x2, y2 float32, c fyne.ThemeColorName, label string) *shape {
	s := &shape{kind: kindArrow, x: x1, y: y1, w: x2 - x1, h: y2 - y1}
	for range 3 {
		l := canvas.NewLine(theme.Color(c))
		l.StrokeWidth = 2
		s.lines = append(s.lines, l)
	}
	d.shapes = append(d.shapes, s)
	if label != "" {
		d.text((x1+x2)/2, (y1+y2)/2-10, label, fyne.TextAlignCenter, theme.ColorNameForeground).small()
	}
	return s
}

func (d *diagram) objects() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, s := range d.shapes {
		if s.rect != nil {
			out = append(out, s.rect)
		}
		for _, l := range s.lines {
			out = append(out, l)
		}
		for _, t := range s.texts {
			out = append(out, t)
		}
	}
	return out
}

// texts lists every text of the drawing (tests use it).
func (d *diagram) allText() []string {
	var out []string
	for _, s := range d.shapes {
		for _, t := range s.texts {
			out = append(out, t.Text)
		}
	}
	return out
}

// object is the drawing as a canvas object.
func (d *diagram) object() fyne.CanvasObject {
	return container.New(&diagramLayout{d}, d.objects()...)
}

type diagramLayout struct{ d *diagram }

// MinSize asks for 90 % of the design height (text keeps its size, so
// smaller drawings crowd it) and lets narrow windows squeeze the width.
func (l *diagramLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(l.d.w*0.6, l.d.h*0.9)
}

func (l *diagramLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	d := l.d
	k := min(size.Width/d.w, size.Height/d.h)
	k = min(k, 1.6)
	ox, oy := (size.Width-d.w*k)/2, (size.Height-d.h*k)/2
	pt := func(x, y float32) fyne.Position { return fyne.NewPos(ox+x*k, oy+y*k) }
	placeTexts := func(s *shape, cx, cy float32) {
		n := len(s.texts)
		for i, t := range s.texts {
			ts := fyne.MeasureText(t.Text, t.TextSize, t.TextStyle)
			y := cy + (float32(i)-float32(n-1)/2)*ts.Height - ts.Height/2
			if s.kind == kindText {
				y = cy + float32(i)*ts.Height - ts.Height/2
			}
			x := cx - ts.Width/2
			switch s.align {
			case fyne.TextAlignLeading:
				x = cx
			case fyne.TextAlignTrailing:
				x = cx - ts.Width
			}
			t.Move(fyne.NewPos(x, y))
			// A little room below the line keeps underscores visible.
			t.Resize(fyne.NewSize(ts.Width, ts.Height+4))
		}
	}
	for _, s := range d.shapes {
		switch s.kind {
		case kindBox:
			s.rect.Move(pt(s.x, s.y))
			s.rect.Resize(fyne.NewSize(s.w*k, s.h*k))
			c := pt(s.x+s.w/2, s.y+s.h/2)
			placeTexts(s, c.X, c.Y)
		case kindText:
			p := pt(s.x, s.y)
			placeTexts(s, p.X, p.Y)
		case kindLine:
			s.lines[0].Position1, s.lines[0].Position2 = pt(s.x, s.y), pt(s.x+s.w, s.y+s.h)
		case kindArrow:
			a, b := pt(s.x, s.y), pt(s.x+s.w, s.y+s.h)
			s.lines[0].Position1, s.lines[0].Position2 = a, b
			ang := math.Atan2(float64(b.Y-a.Y), float64(b.X-a.X))
			const head = 9
			for i, da := range []float64{math.Pi * 5 / 6, -math.Pi * 5 / 6} {
				p := fyne.NewPos(b.X+float32(head*math.Cos(ang+da)), b.Y+float32(head*math.Sin(ang+da)))
				s.lines[i+1].Position1, s.lines[i+1].Position2 = b, p
			}
		}
	}
}
