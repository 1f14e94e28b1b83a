// Package layers is a Fyne encapsulation view of one decoded frame: nested
// boxes (Ethernet ⊃ IP ⊃ TCP ⊃ payload, each header labelled with its size),
// a tree of the layers' fields, and a hex + ASCII dump of the bytes.
// Selecting a field in the tree, or tapping a box, highlights exactly its
// bytes in the dump (and says which bits for a bit field). It takes plain
// data (Layer, Field) and knows nothing about protocols; colours come from
// the theme, so light and dark both work.
package layers

import (
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Field is one field (or group) tied to bytes [Start, End) of the data; a
// bit field also names its bits (BitOff from the most significant bit of
// data[Start], BitLen bits; 0 for whole bytes).
type Field struct {
	Name, Value    string
	Start, End     int
	BitOff, BitLen int
	Children       []Field
}

// Layer is one protocol header: its own bytes [Start, End), and
// PayloadEnd, where what it carries ends (a later layer whose Start is
// before PayloadEnd is drawn inside this one; 0 means End).
type Layer struct {
	Name, Summary string
	Start, End    int
	PayloadEnd    int
	Fields        []Field
}

// Palette is the order of the theme colours the layers' boxes use.
var Palette = []fyne.ThemeColorName{
	theme.ColorNamePrimary,
	theme.ColorNameSuccess,
	theme.ColorNameWarning,
	theme.ColorNameHyperlink,
	theme.ColorNameError,
	theme.ColorNameForeground,
}

// View is the widget: boxes on top, then the field tree beside the hex
// dump, and a line that says what is selected.
type View struct {
	widget.BaseWidget

	// OnSelected is called when a layer or field gets selected, with its
	// name and byte range.
	OnSelected func(name string, start, end int)

	data   []byte
	layers []Layer
	// selection
	selStart, selEnd int
	selLayer         int
	selUID           string

	boxes  *Boxes
	tree   *widget.Tree
	hex    *Hex
	status *widget.Label
}

// New makes an empty view.
func New() *View {
	v := &View{selLayer: -1}
	v.boxes = newBoxes(v)
	v.hex = NewHex()
	v.status = widget.NewLabel("")
	v.status.Truncation = fyne.TextTruncateEllipsis
	v.tree = widget.NewTree(v.childUIDs, v.isBranch,
		func(bool) fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(uid widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(v.nodeText(uid))
		})
	v.tree.OnSelected = func(uid widget.TreeNodeID) { v.selectUID(uid) }
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer implements fyne.Widget.
func (v *View) CreateRenderer() fyne.WidgetRenderer {
	split := container.NewHSplit(v.tree, v.hex)
	split.Offset = 0.45
	return widget.NewSimpleRenderer(container.NewBorder(v.boxes, v.status, nil, nil, split))
}

// Set shows data decoded as layers and clears the selection.
func (v *View) Set(data []byte, layers []Layer) {
	v.data, v.layers = data, layers
	v.selStart, v.selEnd, v.selLayer, v.selUID = 0, 0, -1, ""
	v.hex.SetData(data)
	v.hex.SetHighlight(0, 0)
	v.status.SetText("")
	v.tree.UnselectAll()
	v.tree.Refresh()
	for i := range layers {
		v.tree.OpenBranch(layerUID(i))
	}
	v.boxes.Refresh()
}

// Layers returns what Set gave (do not modify).
func (v *View) Layers() []Layer { return v.layers }

// Selection is the highlighted byte range (start == end: none).
func (v *View) Selection() (start, end int) { return v.selStart, v.selEnd }

// SelectLayer selects layer i as if its box was tapped.
func (v *View) SelectLayer(i int) {
	if i < 0 || i >= len(v.layers) {
		return
	}
	v.tree.Select(layerUID(i))
	v.tree.ScrollTo(layerUID(i))
}

// SelectField selects a field by its path: the layer index, then the
// index at each level of Children.
func (v *View) SelectField(path ...int) {
	if len(path) == 0 || v.field(pathUID(path)) == nil {
		return
	}
	uid := pathUID(path)
	for i := 1; i < len(path); i++ {
		v.tree.OpenBranch(pathUID(path[:i]))
	}
	v.tree.Select(uid)
	v.tree.ScrollTo(uid)
}

// Tree, Hex and Boxes are the parts, for pages that arrange them
// differently or tests.
func (v *View) Tree() *widget.Tree { return v.tree }

// Hex is the dump part.
func (v *View) Hex() *Hex { return v.hex }

// Boxes is the encapsulation drawing.
func (v *View) Boxes() *Boxes { return v.boxes }

// Status is the line that describes the selection.
func (v *View) Status() string { return v.status.Text }

// Tree node IDs: "2" is layer 2, "2/5/1" is child 1 of field 5 of layer 2.
func layerUID(i int) string { return strconv.Itoa(i) }

func pathUID(p []int) string {
	s := make([]string, len(p))
	for i, x := range p {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, "/")
}

func parsePath(uid string) []int {
	if uid == "" {
		return nil
	}
	parts := strings.Split(uid, "/")
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		out[i] = n
	}
	return out
}

// field resolves a uid; for a layer uid it returns a Field describing the
// layer.
func (v *View) field(uid string) *Field {
	p := parsePath(uid)
	if len(p) == 0 || p[0] < 0 || p[0] >= len(v.layers) {
		return nil
	}
	l := v.layers[p[0]]
	if len(p) == 1 {
		return &Field{Name: l.Name, Value: l.Summary, Start: l.Start, End: l.End, Children: l.Fields}
	}
	fs := l.Fields
	var f *Field
	for _, i := range p[1:] {
		if i < 0 || i >= len(fs) {
			return nil
		}
		f = &fs[i]
		fs = f.Children
	}
	return f
}

func (v *View) childUIDs(uid widget.TreeNodeID) []widget.TreeNodeID {
	if uid == "" {
		out := make([]string, len(v.layers))
		for i := range v.layers {
			out[i] = layerUID(i)
		}
		return out
	}
	f := v.field(uid)
	if f == nil {
		return nil
	}
	out := make([]string, len(f.Children))
	for i := range f.Children {
		out[i] = uid + "/" + strconv.Itoa(i)
	}
	return out
}

func (v *View) isBranch(uid widget.TreeNodeID) bool {
	if uid == "" {
		return true
	}
	f := v.field(uid)
	return f != nil && len(f.Children) > 0
}

func (v *View) nodeText(uid string) string {
	f := v.field(uid)
	if f == nil {
		return ""
	}
	if !strings.Contains(uid, "/") {
		if f.Value != "" {
			return f.Value
		}
		return f.Name
	}
	if f.Value == "" {
		return f.Name
	}
	return f.Name + ": " + f.Value
}

// selectUID highlights the bytes of a tree node and tells the boxes.
func (v *View) selectUID(uid string) {
	f := v.field(uid)
	if f == nil {
		return
	}
	p := parsePath(uid)
	v.selUID = uid
	v.selLayer = p[0]
	v.selStart, v.selEnd = clampRange(f.Start, f.End, len(v.data))
	v.hex.SetHighlight(v.selStart, v.selEnd)
	v.hex.ScrollToByte(v.selStart)
	v.status.SetText(describe(f, v.selStart, v.selEnd))
	v.boxes.Refresh()
	if v.OnSelected != nil {
		v.OnSelected(f.Name, v.selStart, v.selEnd)
	}
}

func clampRange(s, e, n int) (int, int) {
	s = max(0, min(s, n))
	e = max(s, min(e, n))
	return s, e
}

// describe says what is selected: "Flags: bytes 46–47 (2 bytes), bits 4–15".
func describe(f *Field, s, e int) string {
	var b strings.Builder
	b.WriteString(f.Name)
	b.WriteString(": ")
	switch e - s {
	case 0:
		b.WriteString("no bytes")
	case 1:
		b.WriteString("byte " + strconv.Itoa(s))
	default:
		b.WriteString("bytes " + strconv.Itoa(s) + "–" + strconv.Itoa(e-1) + " (" + strconv.Itoa(e-s) + ")")
	}
	if f.BitLen > 0 {
		if f.BitLen == 1 {
			b.WriteString(", bit " + strconv.Itoa(f.BitOff))
		} else {
			b.WriteString(", bits " + strconv.Itoa(f.BitOff) + "–" + strconv.Itoa(f.BitOff+f.BitLen-1))
		}
	}
	return b.String()
}

// tint is a theme colour at low opacity, for box fills and highlights.
func tint(c color.Color, alpha uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: alpha}
}
