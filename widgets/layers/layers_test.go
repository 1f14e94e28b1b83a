package layers

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// sample is a 60-byte frame: Ethernet, IPv4, TCP, then Ethernet padding.
func sample() ([]byte, []Layer) {
	data := make([]byte, 60)
	for i := range data {
		data[i] = byte(i)
	}
	copy(data[54:], "Hello!")
	ls := []Layer{
		{Name: "Ethernet II", Summary: "Ethernet II, Src: a, Dst: b", Start: 0, End: 14, PayloadEnd: 60,
			Fields: []Field{{Name: "Destination", Value: "b", Start: 0, End: 6}, {Name: "Source", Value: "a", Start: 6, End: 12}, {Name: "Type", Value: "IPv4", Start: 12, End: 14}}},
		{Name: "IPv4", Start: 14, End: 34, PayloadEnd: 54,
			Fields: []Field{{Name: "Version", Value: "4", Start: 14, End: 15, BitLen: 4}, {Name: "Source Address", Value: "10.0.0.1", Start: 26, End: 30}}},
		{Name: "TCP", Start: 34, End: 54, PayloadEnd: 54,
			Fields: []Field{{Name: "Source Port", Value: "49152", Start: 34, End: 36},
				{Name: "Flags", Value: "0x002 (SYN)", Start: 46, End: 48, BitOff: 4, BitLen: 12,
					Children: []Field{{Name: "Syn", Value: "Set", Start: 46, End: 48, BitOff: 14, BitLen: 1}}}}},
		{Name: "Padding", Start: 54, End: 60, PayloadEnd: 60},
	}
	return data, ls
}

func hexRowFor(t *testing.T, h *Hex, id int) *hexRowRenderer {
	t.Helper()
	for _, o := range test.LaidOutObjects(h) {
		if r, ok := o.(*hexRow); ok && r.id == id {
			return test.WidgetRenderer(r).(*hexRowRenderer)
		}
	}
	t.Fatalf("no hex row %d on screen", id)
	return nil
}

func TestSelectFieldHighlightsBytes(t *testing.T) {
	test.NewTempApp(t)
	v := New()
	data, ls := sample()
	v.Set(data, ls)
	var events []string
	v.OnSelected = func(name string, s, e int) { events = append(events, name) }
	w := test.NewTempWindow(t, v)
	w.Resize(fyne.NewSize(1400, 600))

	v.SelectField(2, 1) // TCP Flags
	if s, e := v.Selection(); s != 46 || e != 48 {
		t.Errorf("selection %d..%d, want 46..48", s, e)
	}
	if s, e := v.Hex().Highlight(); s != 46 || e != 48 {
		t.Errorf("hex highlight %d..%d", s, e)
	}
	if v.Status() != "Flags: bytes 46–47 (2), bits 4–15" {
		t.Errorf("status %q", v.Status())
	}
	if v.Hex().PerRow() != 16 {
		t.Fatalf("%d bytes a row at 1400 px", v.Hex().PerRow())
	}
	// row 2 holds bytes 32..47: bytes 46 and 47 are lit, the others not
	if lit := hexRowFor(t, v.Hex(), 2).lit; lit != [2]int{14, 16} {
		t.Errorf("row 2 lit %v, want [14 16]", lit)
	}
	if lit := hexRowFor(t, v.Hex(), 1).lit; lit != [2]int{0, 0} {
		t.Errorf("row 1 lit %v", lit)
	}
	v.SelectField(2, 1, 0) // Syn, one bit
	if v.Status() != "Syn: bytes 46–47 (2), bit 14" {
		t.Errorf("status %q", v.Status())
	}
	if strings.Join(events, ",") != "Flags,Syn" {
		t.Errorf("OnSelected calls %v", events)
	}
	// a field range spanning rows lights both
	v.SelectLayer(1) // IPv4 header, bytes 14..33
	if a, b := hexRowFor(t, v.Hex(), 0).lit, hexRowFor(t, v.Hex(), 2).lit; a != [2]int{14, 16} || b != [2]int{0, 2} {
		t.Errorf("IPv4 header lit rows 0 %v, 2 %v", a, b)
	}
	// bad paths are ignored
	v.SelectField(9, 9)
	v.SelectField()
	if s, e := v.Selection(); s != 14 || e != 34 {
		t.Errorf("bad path changed the selection to %d..%d", s, e)
	}
}

func TestBoxesNestAndTap(t *testing.T) {
	test.NewTempApp(t)
	v := New()
	data, ls := sample()
	v.Set(data, ls)
	w := test.NewTempWindow(t, v)
	w.Resize(fyne.NewSize(1000, 600))
	b := v.Boxes()
	r := test.WidgetRenderer(b).(*boxesRenderer)
	if len(r.segs) != 4 {
		t.Fatalf("%d boxes", len(r.segs))
	}
	// Ethernet holds everything; IPv4 holds TCP but not the padding.
	depths := []int{r.segs[0].depth, r.segs[1].depth, r.segs[2].depth, r.segs[3].depth}
	if depths[0] != 0 || depths[1] != 1 || depths[2] != 2 || depths[3] != 1 {
		t.Errorf("depths %v, want [0 1 2 1]", depths)
	}
	if r.segs[0].right != r.segs[3].x1 || r.segs[1].right != r.segs[2].x1 {
		t.Errorf("box extents %+v", r.segs)
	}
	for i := 1; i < 4; i++ {
		if r.segs[i].x0 != r.segs[i-1].x1 {
			t.Errorf("segments not adjacent: %+v", r.segs)
		}
	}
	// the label of each layer, with its size
	texts := map[string]bool{}
	for _, n := range r.names {
		texts[n.Text] = true
	}
	for _, s := range r.sizes {
		texts[s.Text] = true
	}
	for _, want := range []string{"Ethernet II", "IPv4", "TCP", "Padding", "14 bytes", "20 bytes", "6 bytes"} {
		if !texts[want] {
			t.Errorf("box text %q missing", want)
		}
	}
	// tapping the TCP header selects the TCP layer and its bytes
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
	test.TapCanvas(w.Canvas(), pos.Add(fyne.NewPos((r.segs[2].x0+r.segs[2].x1)/2, b.Size().Height/2)))
	if s, e := v.Selection(); s != 34 || e != 54 {
		t.Errorf("tap on TCP selected %d..%d", s, e)
	}
	if r.rects[2].StrokeWidth != 3 || r.rects[1].StrokeWidth != 1 {
		t.Errorf("selected box not marked: %v %v", r.rects[2].StrokeWidth, r.rects[1].StrokeWidth)
	}
}

func TestHexText(t *testing.T) {
	test.NewTempApp(t)
	h := NewHex()
	data, _ := sample()
	h.SetData(data)
	want0 := "0000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  ................"
	if got := h.RowText(0); got != want0 {
		t.Errorf("row 0\n got  %q\n want %q", got, want0)
	}
	want3 := "0030  30 31 32 33 34 35 48 65  6c 6c 6f 21" + strings.Repeat(" ", 14) + "012345Hello!"
	if got := h.RowText(3); got != want3 {
		t.Errorf("row 3\n got  %q\n want %q", got, want3)
	}
	if h.list.Length() != 4 {
		t.Errorf("%d rows for 60 bytes", h.list.Length())
	}
	// narrow: 8 bytes a row
	w := test.NewTempWindow(t, h)
	w.Resize(fyne.NewSize(330, 300))
	if h.PerRow() != 8 || h.list.Length() != 8 {
		t.Errorf("narrow: %d a row, %d rows", h.PerRow(), h.list.Length())
	}
	h.SetHighlight(6, 10)
	if lit := hexRowFor(t, h, 0).lit; lit != [2]int{6, 8} {
		t.Errorf("row 0 lit %v", lit)
	}
	if lit := hexRowFor(t, h, 1).lit; lit != [2]int{0, 2} {
		t.Errorf("row 1 lit %v", lit)
	}
}

func TestTreeShowsFields(t *testing.T) {
	test.NewTempApp(t)
	v := New()
	data, ls := sample()
	v.Set(data, ls)
	if got := v.nodeText("0"); got != "Ethernet II, Src: a, Dst: b" {
		t.Errorf("layer node %q", got)
	}
	if got := v.nodeText("1"); got != "IPv4" {
		t.Errorf("layer without summary %q", got)
	}
	if got := v.nodeText("2/1/0"); got != "Syn: Set" {
		t.Errorf("field node %q", got)
	}
	if !v.isBranch("2/1") || v.isBranch("2/0") || len(v.childUIDs("")) != 4 {
		t.Errorf("tree shape wrong")
	}
	// tree selection drives the highlight too
	v.Tree().Select("1/1")
	if s, e := v.Selection(); s != 26 || e != 30 {
		t.Errorf("tree select: %d..%d", s, e)
	}
	// a new frame clears the selection
	v.Set(data[:20], ls[:1])
	if s, e := v.Selection(); s != 0 || e != 0 || v.Status() != "" {
		t.Errorf("after Set: %d..%d %q", s, e, v.Status())
	}
	// ranges beyond the data are clamped
	v.Set(data[:20], ls)
	v.SelectLayer(2)
	if s, e := v.Selection(); s != 20 || e != 20 {
		t.Errorf("clamped selection %d..%d", s, e)
	}
}
