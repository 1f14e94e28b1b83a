// Package bits is a Fyne widget that shows a value (an IPv4 or IPv6
// address or mask) in binary, grouped in octets or 16-bit groups, with the
// network bits and the host bits in two theme colours, so the boundary a
// prefix draws through an address is visible at a glance.
package bits

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Segment is a run of bits of one kind on one line.
type Segment struct {
	Line, Col int // position in characters
	Text      string
	Network   bool // network bits (true), host bits (false)
	Sep       bool // a group separator ('.' or ':')
}

// Segments lays out value in binary: group bits per group, perLine groups
// per line (0: all on one line), separated by sep; the first netBits bits
// are network bits.
func Segments(value []byte, netBits, group, perLine int, sep string) []Segment {
	n := len(value) * 8
	if group <= 0 {
		group = 8
	}
	groups := (n + group - 1) / group
	if perLine <= 0 {
		perLine = groups
	}
	var out []Segment
	line, col := 0, 0
	var cur *Segment
	for i := 0; i < n; i++ {
		if i > 0 && i%group == 0 {
			cur = nil
			if (i/group)%perLine == 0 {
				line, col = line+1, 0
			} else {
				out = append(out, Segment{Line: line, Col: col, Text: sep, Sep: true})
				col += len(sep)
			}
		}
		isNet := i < netBits
		if cur == nil || cur.Network != isNet {
			out = append(out, Segment{Line: line, Col: col, Network: isNet})
			cur = &out[len(out)-1]
		}
		if value[i/8]>>(7-uint(i%8))&1 == 1 {
			cur.Text += "1"
		} else {
			cur.Text += "0"
		}
		col++
	}
	return out
}

// Bits is the widget. Set its fields through Set; colours come from the
// theme, so light and dark both work.
type Bits struct {
	widget.BaseWidget

	value   []byte
	netBits int
	group   int
	perLine int
	sep     string
	// Highlight is a 0-based group drawn on the hover colour (-1: none).
	highlight int

	// NetworkColor and HostColor are theme colour names (defaults: primary,
	// drawn bold, and foreground, which reads well in light and dark themes).
	NetworkColor, HostColor fyne.ThemeColorName
	// TextSize is a theme size name (default: text size).
	TextSize fyne.ThemeSizeName
	// Suffix is drawn after the bits on the first line in the foreground
	// colour (e.g. the decimal value); set it before the widget is shown or
	// call Refresh.
	Suffix string
}

// New makes a widget showing value with netBits network bits, in groups of
// group bits (8 for IPv4, 16 for IPv6), perLine groups a line (0: one line).
func New(value []byte, netBits, group, perLine int) *Bits {
	b := &Bits{highlight: -1, NetworkColor: theme.ColorNamePrimary, HostColor: theme.ColorNameForeground,
		TextSize: theme.SizeNameText}
	b.ExtendBaseWidget(b)
	b.set(value, netBits, group, perLine)
	return b
}

func (b *Bits) set(value []byte, netBits, group, perLine int) {
	b.value = append([]byte(nil), value...)
	b.netBits, b.group, b.perLine = netBits, group, perLine
	b.sep = "."
	if group == 16 {
		b.sep = ":"
	}
}

// Set changes the value shown and refreshes.
func (b *Bits) Set(value []byte, netBits, group, perLine int) {
	b.set(value, netBits, group, perLine)
	b.Refresh()
}

// SetHighlight marks group i (0-based; -1 for none).
func (b *Bits) SetHighlight(i int) {
	b.highlight = i
	b.Refresh()
}

// String is the plain binary text (tests, copying).
func (b *Bits) String() string {
	var sb strings.Builder
	line := 0
	for _, s := range Segments(b.value, b.netBits, b.group, b.perLine, b.sep) {
		if s.Line != line {
			sb.WriteByte('\n')
			line = s.Line
		}
		sb.WriteString(s.Text)
	}
	return sb.String()
}

// CreateRenderer implements fyne.Widget.
func (b *Bits) CreateRenderer() fyne.WidgetRenderer {
	r := &renderer{b: b, bg: canvas.NewRectangle(nil)}
	r.rebuild()
	return r
}

type renderer struct {
	b     *Bits
	bg    *canvas.Rectangle
	texts []*canvas.Text
	segs  []Segment
	objs  []fyne.CanvasObject
}

func (r *renderer) cell() fyne.Size {
	th := r.b.Theme()
	size := th.Size(r.b.TextSize)
	return fyne.MeasureText("0", size, fyne.TextStyle{Monospace: true})
}

func (r *renderer) rebuild() {
	b := r.b
	th := b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	size := th.Size(b.TextSize)
	r.segs = Segments(b.value, b.netBits, b.group, b.perLine, b.sep)
	r.texts = r.texts[:0]
	r.objs = []fyne.CanvasObject{r.bg}
	for _, s := range r.segs {
		c := th.Color(b.HostColor, v)
		style := fyne.TextStyle{Monospace: true}
		switch {
		case s.Sep:
			c = th.Color(theme.ColorNameForeground, v)
		case s.Network:
			c = th.Color(b.NetworkColor, v)
			style.Bold = true
		}
		t := canvas.NewText(s.Text, c)
		t.TextSize, t.TextStyle = size, style
		r.texts = append(r.texts, t)
		r.objs = append(r.objs, t)
	}
	if b.Suffix != "" {
		cols := 0
		for _, s := range r.segs {
			cols = max(cols, s.Col+len(s.Text))
		}
		r.segs = append(r.segs, Segment{Col: cols + 1, Text: b.Suffix, Sep: true})
		t := canvas.NewText(b.Suffix, th.Color(theme.ColorNameForeground, v))
		t.TextSize, t.TextStyle = size, fyne.TextStyle{Monospace: true}
		r.texts = append(r.texts, t)
		r.objs = append(r.objs, t)
	}
	r.bg.FillColor = th.Color(theme.ColorNameHover, v)
	r.bg.Hidden = b.highlight < 0
}

// pad is the space above and below the text, as a widget.Label has, so
// bits line up with labels beside them.
func (r *renderer) pad() float32 { return r.b.Theme().Size(theme.SizeNameInnerPadding) }

func (r *renderer) Layout(fyne.Size) {
	cell := r.cell()
	pad := r.pad()
	for i, s := range r.segs {
		r.texts[i].Move(fyne.NewPos(float32(s.Col)*cell.Width, pad+float32(s.Line)*cell.Height))
		r.texts[i].Resize(fyne.NewSize(float32(len(s.Text))*cell.Width, cell.Height))
	}
	if h := r.b.highlight; h >= 0 && r.b.group > 0 {
		per := r.b.perLine
		if per <= 0 {
			per = len(r.b.value) * 8 / r.b.group
		}
		line, idx := h/per, h%per
		col := idx * (r.b.group + len(r.b.sep))
		r.bg.Move(fyne.NewPos(float32(col)*cell.Width-1, pad+float32(line)*cell.Height))
		r.bg.Resize(fyne.NewSize(float32(r.b.group)*cell.Width+2, cell.Height))
	}
}

func (r *renderer) MinSize() fyne.Size {
	cell := r.cell()
	cols, lines := 0, 0
	for _, s := range r.segs {
		cols = max(cols, s.Col+len(s.Text))
		lines = max(lines, s.Line+1)
	}
	return fyne.NewSize(float32(cols)*cell.Width, float32(lines)*cell.Height+2*r.pad())
}

func (r *renderer) Refresh() {
	r.rebuild()
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

func (r *renderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *renderer) Destroy()                     {}
