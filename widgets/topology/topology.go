// Package topology draws a small network the way the course notes and
// Packet Tracer do: switches and routers on a backbone row, each host below
// the switch or router it is cabled to, one line per cable. A cable lights
// up (thick, in the primary colour, with a dot running towards the
// receiver) while a frame crosses it, and a tap on a node reports it, so a
// page can open the host's settings. The widget knows nothing of networks:
// it takes plain nodes and edges.
package topology

import (
	"image/color"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Kind is what a node is; it picks the node's shape.
type Kind int

const (
	Host   Kind = iota // a computer: the computer icon
	Switch             // a wide box
	Router             // a circle, as in Packet Tracer
	Real               // the real machine outside (a port forward): a dashed-looking box
)

// Node is one box of the drawing.
type Node struct {
	ID     string
	Label  string // first line, bold: the name
	Detail string // second line: e.g. "192.168.1.10/24"
	Kind   Kind
}

// Edge is one cable between two nodes.
type Edge struct {
	ID   string
	A, B string // node IDs
}

// Topology is the widget. Use it from the UI goroutine.
type Topology struct {
	widget.BaseWidget

	nodes []Node
	edges []Edge
	// lit edges, with the node the frame is travelling to
	lit      map[string]string
	selected string

	// OnTapped is called with the ID of the node tapped.
	OnTapped func(id string)

	pos  map[string]fyne.Position // centres, from the last layout
	boxW float32                  // node width in the last layout (narrow panes shrink it)
}

// New makes an empty drawing.
func New() *Topology {
	t := &Topology{lit: map[string]string{}, pos: map[string]fyne.Position{}}
	t.ExtendBaseWidget(t)
	return t
}

// Set replaces the network drawn.
func (t *Topology) Set(nodes []Node, edges []Edge) {
	t.nodes = append([]Node(nil), nodes...)
	t.edges = append([]Edge(nil), edges...)
	t.lit = map[string]string{}
	t.Refresh()
}

// Light shows a frame crossing edge towards node to ("" for no direction).
func (t *Topology) Light(edge, to string) {
	t.lit[edge] = to
	t.Refresh()
}

// Dim turns every light off.
func (t *Topology) Dim() {
	if len(t.lit) == 0 {
		return
	}
	t.lit = map[string]string{}
	t.Refresh()
}

// Lit reports whether edge is lit (tests).
func (t *Topology) Lit(edge string) bool { _, ok := t.lit[edge]; return ok }

// Select outlines node id ("" for none).
func (t *Topology) Select(id string) {
	t.selected = id
	t.Refresh()
}

// NodeAt is the node whose box contains p, or "".
func (t *Topology) NodeAt(p fyne.Position) string {
	best, bestD := "", float32(0)
	for id, c := range t.pos {
		dx, dy := p.X-c.X, p.Y-c.Y
		if dx < -t.boxW/2 || dx > t.boxW/2 || dy < -nodeH/2 || dy > nodeH/2 {
			continue
		}
		if d := dx*dx + dy*dy; best == "" || d < bestD {
			best, bestD = id, d
		}
	}
	return best
}

// Tapped reports the node under the pointer.
func (t *Topology) Tapped(e *fyne.PointEvent) {
	if id := t.NodeAt(e.Position); id != "" && t.OnTapped != nil {
		t.OnTapped(id)
	}
}

const (
	nodeW = 110
	nodeH = 58
)

// MinSize leaves room for a backbone row and a row of hosts.
func (t *Topology) MinSize() fyne.Size { return fyne.NewSize(320, 3*nodeH+30) }

// CreateRenderer implements fyne.Widget.
func (t *Topology) CreateRenderer() fyne.WidgetRenderer {
	return &renderer{t: t}
}

// place computes node centres for size s: switches, routers and the real
// machine on the backbone row in cabling order, each host below the
// backbone node it is cabled to (hosts cabled to nothing: at the end).
func place(nodes []Node, edges []Edge, s fyne.Size) (map[string]fyne.Position, float32) {
	kind := map[string]Kind{}
	for _, n := range nodes {
		kind[n.ID] = n.Kind
	}
	nbr := map[string][]string{}
	for _, e := range edges {
		nbr[e.A] = append(nbr[e.A], e.B)
		nbr[e.B] = append(nbr[e.B], e.A)
	}
	// backbone order: walk the cables between non-host nodes from the
	// first one, so a switch, its router and the next switch stand in a row
	var backbone []string
	seen := map[string]bool{}
	var walk func(id string)
	walk = func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		backbone = append(backbone, id)
		for _, m := range nbr[id] {
			if kind[m] != Host {
				walk(m)
			}
		}
	}
	for _, n := range nodes {
		if n.Kind != Host && n.Kind != Real {
			walk(n.ID)
		}
	}
	for _, n := range nodes { // the real machine goes last on the row
		if n.Kind == Real && !seen[n.ID] {
			seen[n.ID] = true
			backbone = append(backbone, n.ID)
		}
	}
	// hosts under their backbone node
	under := map[string][]string{}
	var loose []string
	for _, n := range nodes {
		if n.Kind != Host {
			continue
		}
		parent := ""
		for _, m := range nbr[n.ID] {
			if kind[m] != Host {
				parent = m
				break
			}
		}
		if parent == "" {
			loose = append(loose, n.ID)
			continue
		}
		under[parent] = append(under[parent], n.ID)
	}
	// Each backbone node gets a band of columns for its hosts: one row of
	// hosts when the pane is wide enough, else two rows (a grid), so
	// boxes never overlap.
	bands := func(rows int) (map[string]int, int) {
		w, total := map[string]int{}, 0
		for _, id := range backbone {
			w[id] = max(1, (len(under[id])+rows-1)/rows)
			total += w[id]
		}
		return w, total + (len(loose)+rows-1)/rows
	}
	rows := 1
	width, total := bands(1)
	if total > 0 && s.Width/float32(total) < nodeW+8 {
		rows = 2
		width, total = bands(2)
	}
	if total == 0 {
		return map[string]fyne.Position{}, nodeW
	}
	col := s.Width / float32(total)
	// boxes shrink (down to 72) rather than overlap in a narrow pane
	w := max(72, min(nodeW, col-6))
	rowY := []float32{s.Height * 0.28, s.Height * 0.76}
	if rows == 2 {
		rowY = []float32{s.Height * 0.17, s.Height * 0.56, s.Height * 0.86}
	}
	if len(under) == 0 && len(loose) == 0 {
		rowY[0] = s.Height / 2
	}
	pos := map[string]fyne.Position{}
	clampX := func(x float32) float32 { return max(w/2, min(x, s.Width-w/2)) }
	grid := func(hosts []string, x0 float32, cols int) {
		for i, h := range hosts {
			pos[h] = fyne.NewPos(clampX(x0+col*(float32(i%cols)+0.5)), rowY[1+i/cols])
		}
	}
	x := float32(0)
	for _, id := range backbone {
		w := float32(width[id]) * col
		pos[id] = fyne.NewPos(clampX(x+w/2), rowY[0])
		hosts := under[id]
		sort.Strings(hosts)
		grid(hosts, x, width[id])
		x += w
	}
	grid(loose, x, max(1, (len(loose)+rows-1)/rows))
	return pos, w
}

type renderer struct {
	t       *Topology
	objects []fyne.CanvasObject
}

func (r *renderer) Destroy()                     {}
func (r *renderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *renderer) MinSize() fyne.Size           { return r.t.MinSize() }
func (r *renderer) Layout(fyne.Size)             { r.Refresh() }

// Refresh redraws everything: a classroom network has a dozen nodes, so
// rebuilding the few canvas objects costs less than tracking them.
func (r *renderer) Refresh() {
	t := r.t
	th := t.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	col := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
	size := t.Size()
	t.pos, t.boxW = place(t.nodes, t.edges, size)
	var objs []fyne.CanvasObject

	for _, e := range t.edges {
		a, okA := t.pos[e.A]
		b, okB := t.pos[e.B]
		if !okA || !okB {
			continue
		}
		l := canvas.NewLine(col(theme.ColorNameDisabled))
		l.StrokeWidth = 2
		to, lit := t.lit[e.ID]
		if lit {
			l.StrokeColor = col(theme.ColorNamePrimary)
			l.StrokeWidth = 5
		}
		l.Position1, l.Position2 = a, b
		objs = append(objs, l)
		if lit {
			// the dot sits three quarters of the way to the receiver
			from, dst := a, b
			if to == e.A {
				from, dst = b, a
			}
			p := fyne.NewPos(from.X+(dst.X-from.X)*0.72, from.Y+(dst.Y-from.Y)*0.72)
			dot := canvas.NewCircle(col(theme.ColorNamePrimary))
			dot.StrokeColor = col(theme.ColorNameBackground)
			dot.StrokeWidth = 2
			dot.Resize(fyne.NewSize(14, 14))
			dot.Move(p.Subtract(fyne.NewPos(7, 7)))
			objs = append(objs, dot)
		}
	}

	for _, n := range t.nodes {
		c, ok := t.pos[n.ID]
		if !ok {
			continue
		}
		objs = append(objs, r.node(n, c, col)...)
	}
	r.objects = objs
	canvas.Refresh(t)
}

func (r *renderer) node(n Node, c fyne.Position, col func(fyne.ThemeColorName) color.Color) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	border := col(theme.ColorNameInputBorder)
	bw := float32(1.5)
	if r.t.selected == n.ID {
		border, bw = col(theme.ColorNamePrimary), 3
	}
	bw0 := r.t.boxW
	top := c.Subtract(fyne.NewPos(bw0/2, nodeH/2))
	switch n.Kind {
	case Router:
		circ := canvas.NewCircle(col(theme.ColorNameInputBackground))
		circ.StrokeColor, circ.StrokeWidth = border, bw
		circ.Resize(fyne.NewSize(nodeH, nodeH))
		circ.Move(c.Subtract(fyne.NewPos(nodeH/2, nodeH/2)))
		out = append(out, circ)
		// a router symbol's crossing arrows, drawn as two thin lines
		for _, d := range [][4]float32{{-1, 0, 1, 0}, {0, -1, 0, 1}} {
			l := canvas.NewLine(col(theme.ColorNameDisabled))
			l.StrokeWidth = 1
			l.Position1 = c.Add(fyne.NewPos(d[0]*nodeH/3, d[1]*nodeH/3))
			l.Position2 = c.Add(fyne.NewPos(d[2]*nodeH/3, d[3]*nodeH/3))
			out = append(out, l)
		}
	default:
		box := canvas.NewRectangle(col(theme.ColorNameInputBackground))
		box.StrokeColor, box.StrokeWidth = border, bw
		box.CornerRadius = 6
		if n.Kind == Switch {
			box.CornerRadius = 2
		}
		if n.Kind == Real {
			box.FillColor = col(theme.ColorNameBackground)
		}
		box.Resize(fyne.NewSize(bw0, nodeH))
		box.Move(top)
		out = append(out, box)
		if n.Kind == Host || n.Kind == Real {
			icon := canvas.NewImageFromResource(theme.ComputerIcon())
			if n.Kind == Real {
				icon = canvas.NewImageFromResource(theme.StorageIcon())
			}
			icon.Resize(fyne.NewSize(18, 18))
			icon.Move(top.Add(fyne.NewPos(5, 5)))
			out = append(out, icon)
		}
	}
	label := canvas.NewText(n.Label, col(theme.ColorNameForeground))
	label.TextStyle.Bold = true
	label.TextSize = theme.CaptionTextSize() + 1
	detail := canvas.NewText(n.Detail, col(theme.ColorNameForeground))
	detail.TextSize = theme.CaptionTextSize()
	detail.TextStyle.Monospace = true
	ls, ds := label.MinSize(), detail.MinSize()
	if room := bw0 - 6; n.Kind != Router && ds.Width > room {
		// a narrow box: the address in smaller type rather than cut off
		detail.TextSize *= room / ds.Width
		ds = detail.MinSize()
	}
	if n.Kind == Router { // text beside the circle would cover cables: put it below
		label.Move(fyne.NewPos(c.X-ls.Width/2, c.Y+nodeH/2+1))
		detail.Move(fyne.NewPos(c.X-ds.Width/2, c.Y+nodeH/2+ls.Height))
	} else {
		lx := c.X - ls.Width/2
		if n.Kind == Host || n.Kind == Real {
			lx = max(lx, top.X+24)
		}
		label.Move(fyne.NewPos(lx, top.Y+6))
		detail.Move(fyne.NewPos(c.X-ds.Width/2, top.Y+8+ls.Height))
	}
	return append(out, label, detail)
}
