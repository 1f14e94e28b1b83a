package topology

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func classroom() ([]Node, []Edge) {
	nodes := []Node{
		{ID: "pc1", Label: "pc1", Detail: "192.168.1.10/24", Kind: Host},
		{ID: "pc2", Label: "pc2", Detail: "192.168.1.11/24", Kind: Host},
		{ID: "sw1", Label: "switch", Kind: Switch},
		{ID: "r1", Label: "router", Kind: Router},
		{ID: "sw2", Label: "switch 2", Kind: Switch},
		{ID: "web", Label: "web", Detail: "10.0.0.2/24", Kind: Host},
	}
	edges := []Edge{
		{ID: "l1", A: "pc1", B: "sw1"}, {ID: "l2", A: "pc2", B: "sw1"},
		{ID: "l3", A: "sw1", B: "r1"}, {ID: "l4", A: "r1", B: "sw2"},
		{ID: "l5", A: "sw2", B: "web"},
	}
	return nodes, edges
}

func TestPlaceBackboneRowAndHostsBelow(t *testing.T) {
	nodes, edges := classroom()
	pos, _ := place(nodes, edges, fyne.NewSize(800, 200))
	if len(pos) != len(nodes) {
		t.Fatalf("placed %d of %d nodes", len(pos), len(nodes))
	}
	// switch, router, switch 2 on one row, left to right in cabling order
	if pos["sw1"].Y != pos["r1"].Y || pos["r1"].Y != pos["sw2"].Y {
		t.Fatalf("backbone not on one row: %v %v %v", pos["sw1"], pos["r1"], pos["sw2"])
	}
	if !(pos["sw1"].X < pos["r1"].X && pos["r1"].X < pos["sw2"].X) {
		t.Fatalf("backbone order: %v %v %v", pos["sw1"], pos["r1"], pos["sw2"])
	}
	// hosts below their switch, side by side, not overlapping
	for _, h := range []string{"pc1", "pc2", "web"} {
		if pos[h].Y <= pos["sw1"].Y {
			t.Fatalf("%s not below the backbone: %v", h, pos[h])
		}
	}
	if d := pos["pc2"].X - pos["pc1"].X; d < nodeW {
		t.Fatalf("pc1 and pc2 overlap: %v %v", pos["pc1"], pos["pc2"])
	}
	if pos["web"].X <= pos["r1"].X {
		t.Fatalf("web should stand under switch 2: %v", pos["web"])
	}
}

func TestTapLightAndSelect(t *testing.T) {
	a := test.NewTempApp(t)
	defer a.Quit()
	topo := New()
	nodes, edges := classroom()
	topo.Set(nodes, edges)
	w := test.NewWindow(topo)
	defer w.Close()
	w.Resize(fyne.NewSize(800, 260))

	var tapped []string
	topo.OnTapped = func(id string) { tapped = append(tapped, id) }
	c := topo.pos["pc2"]
	topo.Tapped(&fyne.PointEvent{Position: c})
	topo.Tapped(&fyne.PointEvent{Position: fyne.NewPos(1, 1)}) // empty corner
	if len(tapped) != 1 || tapped[0] != "pc2" {
		t.Fatalf("tapped %v", tapped)
	}

	topo.Light("l3", "r1")
	if !topo.Lit("l3") || topo.Lit("l1") {
		t.Fatal("light")
	}
	n := len(test.WidgetRenderer(topo).Objects())
	topo.Dim()
	if topo.Lit("l3") || len(test.WidgetRenderer(topo).Objects()) != n-1 {
		t.Fatal("dim should remove the travelling dot")
	}
	topo.Select("pc1")
	if topo.selected != "pc1" {
		t.Fatal("select")
	}
}

// In a narrow pane, hosts stand in two rows instead of overlapping, and no
// box leaves the pane.
func TestPlaceTwoRowsWhenNarrow(t *testing.T) {
	nodes, edges := classroom()
	nodes = append(nodes, Node{ID: "pc3", Kind: Host})
	edges = append(edges, Edge{ID: "l6", A: "pc3", B: "sw1"})
	for _, width := range []float32{500, 410, 330} {
		size := fyne.NewSize(width, 240)
		checkNoOverlap(t, nodes, edges, size)
	}
}

func checkNoOverlap(t *testing.T, nodes []Node, edges []Edge, size fyne.Size) {
	t.Helper()
	pos, w := place(nodes, edges, size)
	if pos["pc1"].Y == pos["pc3"].Y && pos["pc2"].Y == pos["pc3"].Y {
		t.Fatalf("three hosts on one row in a narrow pane: %v", pos)
	}
	for a, pa := range pos {
		if pa.X < w/2 || pa.X > size.Width-w/2 {
			t.Fatalf("%s leaves the pane: %v", a, pa)
		}
		for b, pb := range pos {
			if a < b && abs(pa.X-pb.X) < w && abs(pa.Y-pb.Y) < nodeH {
				t.Fatalf("%s and %s overlap: %v %v", a, b, pa, pb)
			}
		}
	}
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
