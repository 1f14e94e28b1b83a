package bits

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestSegments(t *testing.T) {
	segs := Segments([]byte{192, 168, 1, 130}, 26, 8, 0, ".")
	var got string
	for _, s := range segs {
		switch {
		case s.Sep:
			got += s.Text
		case s.Network:
			got += "[" + s.Text + "]"
		default:
			got += "(" + s.Text + ")"
		}
	}
	if want := "[11000000].[10101000].[00000001].[10](000010)"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// IPv6: 16-bit groups, 4 a line, /60 splits the fourth group
	v6 := make([]byte, 16)
	segs = Segments(v6, 60, 16, 4, ":")
	lines := map[int]bool{}
	for _, s := range segs {
		lines[s.Line] = true
		if s.Line == 1 && s.Network {
			t.Errorf("network bits on line 2: %+v", s)
		}
	}
	if len(lines) != 2 {
		t.Errorf("v6 lines = %d", len(lines))
	}
	if last := segs[len(segs)-1]; last.Col+len(last.Text) != 4*16+3 {
		t.Errorf("line width %d", last.Col+len(last.Text))
	}
}

func TestWidgetColoursAndSize(t *testing.T) {
	test.NewTempApp(t)
	b := New([]byte{255, 255, 255, 192}, 26, 8, 0)
	w := test.NewWindow(b)
	defer w.Close()
	if b.String() != "11111111.11111111.11111111.11000000" {
		t.Errorf("String = %s", b.String())
	}
	r := test.TempWidgetRenderer(t, b)
	prim := theme.Color(theme.ColorNamePrimary)
	succ := theme.Color(theme.ColorNameForeground) // host bits
	var net, host int
	for _, o := range r.Objects() {
		tx, ok := o.(*canvas.Text)
		if !ok {
			continue
		}
		switch {
		case tx.Color == prim && tx.TextStyle.Bold:
			net += len(tx.Text)
		case tx.Color == succ && strings.Trim(tx.Text, "01") == "":
			host += len(tx.Text)
		}
	}
	if net != 26 || host != 6 {
		t.Errorf("network bits %d, host bits %d", net, host)
	}
	min := b.MinSize()
	one := fyne.MeasureText("0", theme.TextSize(), fyne.TextStyle{Monospace: true})
	if min.Width < 35*one.Width-1 || min.Height < one.Height-1 {
		t.Errorf("MinSize %v for 35 chars of %v", min, one)
	}
	b.Suffix = "192"
	b.Refresh()
	if got := b.MinSize().Width; got < 39*one.Width-1 {
		t.Errorf("suffix not measured: %v", got)
	}
	b.Set([]byte{10, 0, 0, 1}, 8, 8, 0)
	b.SetHighlight(3)
	if b.String() != "00001010.00000000.00000000.00000001" {
		t.Errorf("after Set: %s", b.String())
	}
}
