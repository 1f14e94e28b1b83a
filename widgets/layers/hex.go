package layers

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Hex is a hex + ASCII dump, 16 bytes a row (8 when narrow), with one byte
// range highlighted. Rows are virtual (a widget.List).
type Hex struct {
	widget.BaseWidget
	data       []byte
	perRow     int
	start, end int // highlight
	list       *widget.List
}

// NewHex makes an empty dump.
func NewHex() *Hex {
	h := &Hex{perRow: 16}
	h.list = widget.NewList(func() int { return (len(h.data) + h.perRow - 1) / h.perRow },
		func() fyne.CanvasObject { return newHexRow(h) },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*hexRow).set(id) })
	h.list.HideSeparators = true
	h.ExtendBaseWidget(h)
	return h
}

// CreateRenderer implements fyne.Widget.
func (h *Hex) CreateRenderer() fyne.WidgetRenderer { return &hexRenderer{h: h} }

type hexRenderer struct{ h *Hex }

func (r *hexRenderer) Destroy()                     {}
func (r *hexRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.h.list} }
func (r *hexRenderer) MinSize() fyne.Size {
	cw, _ := r.h.cell()
	return fyne.NewSize(cw*float32(hexCols(8))+2*r.h.Theme().Size(theme.SizeNamePadding), r.h.list.MinSize().Height)
}
func (r *hexRenderer) Refresh() { r.h.list.Refresh() }

// Layout picks 16 bytes a row when they fit, else 8.
func (r *hexRenderer) Layout(s fyne.Size) {
	cw, _ := r.h.cell()
	per := 16
	if cw*float32(hexCols(16))+2*r.h.Theme().Size(theme.SizeNamePadding) > s.Width {
		per = 8
	}
	if per != r.h.perRow {
		r.h.perRow = per
		r.h.list.Refresh()
	}
	r.h.list.Resize(s)
	r.h.list.Move(fyne.NewPos(0, 0))
}

// hexCols is the width of a row in characters: "0000  " + "xx " per byte
// (+1 in the middle) + " " + one character per byte.
func hexCols(per int) int { return 6 + 3*per + 1 + 1 + per + 1 }

// textSize: the caption size, as in Wireshark's byte pane, so 16 bytes a
// row fit beside the field tree at 1024 px.
func (h *Hex) textSize() float32 { return h.Theme().Size(theme.SizeNameCaptionText) }

// cell is the monospace character size.
func (h *Hex) cell() (w, ht float32) {
	s := fyne.MeasureText("0", h.textSize(), fyne.TextStyle{Monospace: true})
	return s.Width, s.Height
}

// SetData shows data.
func (h *Hex) SetData(data []byte) {
	h.data = data
	h.list.Refresh()
}

// SetHighlight marks bytes [start, end) (start == end: none).
func (h *Hex) SetHighlight(start, end int) {
	h.start, h.end = start, end
	h.list.Refresh()
}

// Highlight is the marked range.
func (h *Hex) Highlight() (start, end int) { return h.start, h.end }

// PerRow is the number of bytes a row shows at the current width.
func (h *Hex) PerRow() int { return h.perRow }

// ScrollToByte brings the row of byte i into view.
func (h *Hex) ScrollToByte(i int) {
	if h.perRow > 0 && i >= 0 && i < len(h.data) {
		h.list.ScrollTo(i / h.perRow)
	}
}

// RowText is row r as plain text (tests, copying): offset, hex, ASCII.
func (h *Hex) RowText(r int) string {
	off, hx, asc := h.rowStrings(r)
	return off + "  " + hx + "  " + asc
}

func (h *Hex) rowStrings(r int) (off, hx, asc string) {
	a := r * h.perRow
	if a < 0 || a >= len(h.data) {
		return "", "", ""
	}
	b := min(a+h.perRow, len(h.data))
	const digits = "0123456789abcdef"
	o := strconv.FormatInt(int64(a), 16)
	for len(o) < 4 {
		o = "0" + o
	}
	hb := make([]byte, 0, 3*h.perRow+1)
	ab := make([]byte, 0, h.perRow)
	for i := a; i < b; i++ {
		if i > a {
			hb = append(hb, ' ')
			if i-a == h.perRow/2 {
				hb = append(hb, ' ')
			}
		}
		c := h.data[i]
		hb = append(hb, digits[c>>4], digits[c&15])
		if c >= 0x20 && c < 0x7f {
			ab = append(ab, c)
		} else {
			ab = append(ab, '.')
		}
	}
	for len(hb) < 3*h.perRow {
		hb = append(hb, ' ')
	}
	return o, string(hb), string(ab)
}

// hexCol is the character column of byte k of a row inside the hex text.
func (h *Hex) hexCol(k int) int {
	c := 3 * k
	if k >= h.perRow/2 {
		c++
	}
	return c
}

type hexRow struct {
	widget.BaseWidget
	h  *Hex
	id int
}

func newHexRow(h *Hex) *hexRow {
	r := &hexRow{h: h, id: -1}
	r.ExtendBaseWidget(r)
	return r
}

func (r *hexRow) set(id int) { r.id = id; r.Refresh() }

func (r *hexRow) CreateRenderer() fyne.WidgetRenderer {
	rr := &hexRowRenderer{r: r, off: canvas.NewText("", nil), hex: canvas.NewText("", nil), asc: canvas.NewText("", nil),
		hiHex: canvas.NewRectangle(nil), hiAsc: canvas.NewRectangle(nil)}
	for _, t := range []*canvas.Text{rr.off, rr.hex, rr.asc} {
		t.TextStyle = fyne.TextStyle{Monospace: true}
	}
	rr.Refresh()
	return rr
}

type hexRowRenderer struct {
	r             *hexRow
	off, hex, asc *canvas.Text
	hiHex, hiAsc  *canvas.Rectangle
	size          fyne.Size
	lit           [2]int // highlighted bytes of this row [from, to), for tests
}

func (rr *hexRowRenderer) Destroy() {}
func (rr *hexRowRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{rr.hiHex, rr.hiAsc, rr.off, rr.hex, rr.asc}
}
func (rr *hexRowRenderer) MinSize() fyne.Size {
	cw, ch := rr.r.h.cell()
	return fyne.NewSize(cw*float32(hexCols(rr.r.h.perRow)), ch+2)
}
func (rr *hexRowRenderer) Layout(s fyne.Size) { rr.size = s; rr.Refresh() }

func (rr *hexRowRenderer) Refresh() {
	h := rr.r.h
	th := h.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	pad := th.Size(theme.SizeNamePadding)
	ts := h.textSize()
	cw, ch := h.cell()
	off, hx, asc := h.rowStrings(rr.r.id)
	x := pad
	for _, p := range []struct {
		t   *canvas.Text
		s   string
		col fyne.ThemeColorName
		at  int
	}{{rr.off, off, theme.ColorNamePlaceHolder, 0}, {rr.hex, hx, theme.ColorNameForeground, 6}, {rr.asc, asc, theme.ColorNameForeground, 6 + 3*h.perRow + 2}} {
		p.t.Text, p.t.TextSize, p.t.Color = p.s, ts, th.Color(p.col, v)
		p.t.Move(fyne.NewPos(x+float32(p.at)*cw, 1))
		p.t.Resize(fyne.NewSize(float32(len(p.s))*cw, ch))
	}
	// the highlight: the part of [start, end) in this row
	a := rr.r.id * h.perRow
	from, to := max(h.start, a)-a, min(h.end, a+h.perRow, len(h.data))-a
	rr.lit = [2]int{0, 0}
	hl := th.Color(theme.ColorNameSelection, v)
	for _, r := range []*canvas.Rectangle{rr.hiHex, rr.hiAsc} {
		r.FillColor = hl
		r.StrokeColor = th.Color(theme.ColorNamePrimary, v)
		r.StrokeWidth = 1
		r.CornerRadius = 2
		r.Hidden = true
	}
	if rr.r.id >= 0 && from < to {
		rr.lit = [2]int{from, to}
		hx0 := x + float32(6+h.hexCol(from))*cw - cw/4
		hx1 := x + float32(6+h.hexCol(to-1)+2)*cw + cw/4
		rr.hiHex.Move(fyne.NewPos(hx0, 0))
		rr.hiHex.Resize(fyne.NewSize(hx1-hx0, ch+2))
		ax := x + float32(6+3*h.perRow+2+from)*cw
		rr.hiAsc.Move(fyne.NewPos(ax, 0))
		rr.hiAsc.Resize(fyne.NewSize(float32(to-from)*cw, ch+2))
		rr.hiHex.Hidden, rr.hiAsc.Hidden = false, false
	}
	for _, o := range rr.Objects() {
		o.Refresh()
	}
}
