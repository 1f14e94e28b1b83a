package ladder

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func handshake() []Arrow {
	return []Arrow{
		{From: 0, To: 1, Label: "SYN seq=x", Detail: "Seq=0 Len=0", Time: "0.000000", FromNote: "SYN-SENT", ToNote: "SYN-RCVD"},
		{From: 1, To: 0, Label: "SYN+ACK seq=y ack=x+1", Time: "0.000120", ToNote: "ESTABLISHED"},
		{From: 0, To: 1, Label: "ACK ack=y+1", Time: "0.000200", ToNote: "ESTABLISHED"},
		{From: 0, To: 1, Label: "data", Lost: true, Color: theme.ColorNameError},
		{From: 1, To: 1, Label: "TIME-WAIT ends"},
	}
}

// rowFor returns the renderer of the visible row showing arrow id.
func rowFor(t *testing.T, l *Ladder, id int) *rowRenderer {
	t.Helper()
	for _, o := range test.LaidOutObjects(l) {
		if r, ok := o.(*row); ok && r.id == id && r.Visible() {
			return test.WidgetRenderer(r).(*rowRenderer)
		}
	}
	t.Fatalf("no row shows arrow %d", id)
	return nil
}

func textsOf(rr *rowRenderer) map[string]*canvas.Text {
	out := map[string]*canvas.Text{}
	for _, o := range rr.Objects() {
		if t, ok := o.(*canvas.Text); ok {
			out[t.Text] = t
		}
	}
	return out
}

func TestLadderDrawsArrows(t *testing.T) {
	test.NewTempApp(t)
	l := New("client 192.168.1.10", "server 10.0.0.2")
	l.SetArrows(handshake())
	w := test.NewTempWindow(t, l)
	w.Resize(fyne.NewSize(600, 500))

	syn := rowFor(t, l, 0)
	if syn.arrowFrom.X >= syn.arrowTo.X || syn.arrowTo.Y <= syn.arrowFrom.Y {
		t.Errorf("SYN arrow %v → %v: should go right and slant down", syn.arrowFrom, syn.arrowTo)
	}
	tx := textsOf(syn)
	for _, s := range []string{"SYN seq=x", "Seq=0 Len=0", "0.000000", "SYN-SENT", "SYN-RCVD"} {
		if tx[s] == nil {
			t.Errorf("SYN row lacks %q", s)
		}
	}
	// the SYN-SENT note is left of the client line, SYN-RCVD right of the server line
	if tx["SYN-SENT"].Position().X >= syn.arrowFrom.X || tx["SYN-RCVD"].Position().X <= syn.arrowTo.X {
		t.Errorf("notes at %v and %v, lines at %v and %v", tx["SYN-SENT"].Position(), tx["SYN-RCVD"].Position(), syn.arrowFrom.X, syn.arrowTo.X)
	}
	synack := rowFor(t, l, 1)
	if synack.arrowFrom.X <= synack.arrowTo.X {
		t.Errorf("SYN+ACK should go left: %v → %v", synack.arrowFrom, synack.arrowTo)
	}
	if synack.arrowFrom.X != syn.arrowTo.X || synack.arrowTo.X != syn.arrowFrom.X {
		t.Errorf("arrows do not meet the same lifelines: %v %v", syn.arrowFrom.X, synack.arrowFrom.X)
	}
	lost := rowFor(t, l, 3)
	if lost.arrowTo.X >= syn.arrowTo.X-1 || textsOf(lost)["✗"] == nil {
		t.Errorf("lost arrow should stop half-way at a ✗: ends at %v", lost.arrowTo)
	}
	if c := textsOf(lost)["✗"].Color; c != theme.Color(theme.ColorNameError) {
		t.Errorf("✗ colour %v", c)
	}
	if l.List().Length() != 5 {
		t.Errorf("list length %d", l.List().Length())
	}
}

func TestLadderTapSelects(t *testing.T) {
	test.NewTempApp(t)
	l := New("a", "b")
	l.SetArrows(handshake())
	var got []int
	l.OnSelected = func(i int) { got = append(got, i) }
	w := test.NewTempWindow(t, l)
	w.Resize(fyne.NewSize(500, 500))

	before := rowFor(t, l, 1)
	if before.arrow.StrokeWidth != 1.5 {
		t.Fatalf("unselected width %v", before.arrow.StrokeWidth)
	}
	// tap the row of the second arrow: the list selects it
	rowH := rowFor(t, l, 1).r.Size().Height
	test.TapCanvas(w.Canvas(), fyne.NewPos(250, l.header.Size().Height+rowH*1.5))
	if len(got) != 1 || got[0] != 1 || l.Selected() != 1 {
		t.Fatalf("tap selected %v (Selected %d)", got, l.Selected())
	}
	sel := rowFor(t, l, 1)
	if sel.arrow.StrokeWidth != 3 || sel.arrow.StrokeColor != theme.Color(theme.ColorNamePrimary) {
		t.Errorf("selected arrow width %v colour %v", sel.arrow.StrokeWidth, sel.arrow.StrokeColor)
	}
	l.Select(2)
	if l.Selected() != 2 || got[len(got)-1] != 2 {
		t.Errorf("Select(2): selected %d, callbacks %v", l.Selected(), got)
	}
	if rowFor(t, l, 1).arrow.StrokeWidth != 1.5 {
		t.Errorf("old selection still highlighted")
	}
	l.Select(-1)
	if l.Selected() != -1 {
		t.Errorf("Select(-1) left %d", l.Selected())
	}
}

// TestLadderManyArrows: rows are virtual, so 50,000 arrows create only
// the rows on screen; scrolling to the end shows the last one.
func TestLadderManyArrows(t *testing.T) {
	test.NewTempApp(t)
	l := New("a", "b", "c")
	var a []Arrow
	for i := 0; i < 50000; i++ {
		a = append(a, Arrow{From: i % 3, To: (i + 1) % 3, Label: "m"})
	}
	l.SetArrows(a)
	w := test.NewTempWindow(t, l)
	w.Resize(fyne.NewSize(500, 400))
	l.ScrollToBottom()
	rowFor(t, l, 49999)
	rows := 0
	for _, o := range test.LaidOutObjects(l) {
		if _, ok := o.(*row); ok {
			rows++
		}
	}
	if rows == 0 || rows > 40 {
		t.Errorf("%d row widgets for 50,000 arrows", rows)
	}
	// lifelines out of range are clamped, not a crash
	l.SetArrows([]Arrow{{From: 7, To: -2, Label: "x"}})
	l.SetLifelines("only")
	rowFor(t, l, 0)
}
