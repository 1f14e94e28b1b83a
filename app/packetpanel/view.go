package packetpanel

import (
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
	"github.com/netlab-classroom/netlab/widgets/sized"
	"github.com/netlab-classroom/netlab/widgets/topology"
)

// view is one built page. It lives on the UI goroutine.
type view struct {
	ctx *app.Context
	st  *state

	snap    snapshot
	visible []int // indexes into snap.rows that pass the filters, up to shown
	// paused freezes the list at shown rows; Step shows one more.
	paused bool
	shown  int
	sel    int // selected row index in snap.rows, -1 none

	proto *widget.Select
	conv  *widget.Select
	link  *widget.Select
	f     filter
	convs []uint32 // conversation numbers, in the order of conv's options

	pause, step *widget.Button
	counts      *widget.Label
	topo        *topology.Topology
	packets     *packetList
	tabs        *container.AppTabs
	detail      *detailView
	ladder      *ladderView
	netTab      *networkView
	runBar      *runBar

	litUntil time.Time
	root     fyne.CanvasObject
}

func newView(ctx *app.Context, st *state) *view {
	v := &view{ctx: ctx, st: st, sel: -1}
	v.topo = topology.New()
	v.topo.OnTapped = v.hostTapped
	v.packets = newPacketList(v)
	v.detail = newDetailView(v)
	v.ladder = newLadderView(v)
	v.netTab = newNetworkView(v)
	v.runBar = newRunBar(v)

	// the filters' callbacks are set once the view is whole: SetSelected
	// calls them
	v.proto = widget.NewSelect(protoOptions(), nil)
	v.proto.SetSelectedIndex(0)
	v.conv = widget.NewSelect([]string{lang.L("All connections")}, nil)
	v.conv.SetSelectedIndex(0)
	v.link = widget.NewSelect([]string{lang.L("All links")}, nil)
	v.link.SetSelectedIndex(0)
	v.conv.PlaceHolder = lang.L("All connections")

	v.pause = widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), v.togglePause)
	v.step = widget.NewButtonWithIcon(lang.L("Step"), theme.MediaSkipNextIcon(), v.stepOne)
	clear := widget.NewButtonWithIcon(lang.L("Clear"), theme.ContentClearIcon(), func() {
		v.st.cap.clearRows()
		v.sel = -1
		v.refresh()
	})
	v.counts = widget.NewLabel("")
	v.counts.Truncation = fyne.TextTruncateEllipsis

	// Pause and Resume share one width, so Step does not move under the
	// mouse when the label changes.
	pw := max(widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), nil).MinSize().Width,
		widget.NewButtonWithIcon(lang.L("Resume"), theme.MediaPlayIcon(), nil).MinSize().Width)
	filters := container.NewHBox(v.link, v.proto, sized.Width(v.conv, 150), sized.Width(v.pause, pw), v.step, clear, v.packets.follow.Button)
	listBox := container.NewBorder(container.NewVBox(filters, v.packets.header), v.counts, nil, nil, v.packets.list)

	// text-only tabs: with icons the four do not fit beside the drawing
	// at 1024 points and Network hides behind "…"
	v.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Lesson"), v.runBar.lesson),
		container.NewTabItem(lang.L("Ladder"), v.ladder.root),
		container.NewTabItem(lang.L("Layers"), v.detail.root),
		container.NewTabItem(lang.L("Network"), v.netTab.root),
	)
	top := container.NewHSplit(container.NewScroll(v.topo), v.tabs)
	top.Offset = 0.56
	body := container.NewVSplit(top, listBox)
	body.Offset = 0.5
	v.root = container.NewBorder(v.runBar.root, nil, nil, nil, body)

	v.proto.OnChanged = func(string) {
		v.f.proto = proto(v.proto.SelectedIndex())
		v.refilter()
	}
	v.conv.OnChanged = func(string) {
		i := v.conv.SelectedIndex()
		v.f.conv = 0
		if i > 0 && i-1 < len(v.convs) {
			v.f.conv = v.convs[i-1]
		}
		v.refilter()
	}
	v.link.OnChanged = func(string) {
		v.f.link = ""
		if v.link.SelectedIndex() > 0 {
			v.f.link = v.link.Selected
		}
		v.refilter()
	}
	if st.network() == nil {
		// an idle classroom network, so the drawing shows and hosts can
		// be edited before the first run; or the one another page (the
		// TCP workbench) started already
		if n := vnet.Shared(); n != nil {
			st.use(n, "", func() { n.Close() })
		} else if n, err := st.newNetwork(); err == nil {
			st.use(n, "", func() { n.Close() })
		}
	}
	st.mu.Lock()
	st.onNews, st.view = v.refresh, v
	st.mu.Unlock()
	v.setNetwork(v.st.watchLink())
	v.refresh()
	return v
}

func protoOptions() []string {
	return []string{lang.L("All protocols"), "TCP", "UDP", "ARP", "ICMP", "HTTP", "DNS"}
}

// setNetwork redraws the topology for the network shown now and offers
// its links as capture points. watch is the link to show first ("" for
// every link): a scenario's client link, like tcpdump on its interface.
func (v *view) setNetwork(watch string) {
	n := v.st.network()
	v.topo.Set(topoOf(n))
	opts := []string{lang.L("All links")}
	if n != nil {
		for _, l := range n.Links() {
			opts = append(opts, l.Name())
		}
	}
	v.link.Options = opts
	i := slices.Index(opts, watch)
	if i < 0 {
		i = 0
	}
	v.link.SetSelectedIndex(i)
	v.netTab.refresh()
}

// refresh takes the capture's new rows (UI goroutine, ≤ 30 a second).
func (v *view) refresh() {
	old := v.snap
	v.snap = v.st.cap.snapshot()
	if v.snap.gen != old.gen || v.snap.trimmed != old.trimmed {
		// rows were reset or trimmed: indexes moved
		v.sel = -1
		if v.paused {
			v.shown = min(v.shown, len(v.snap.rows))
		}
	}
	if !v.paused {
		v.shown = len(v.snap.rows)
	}
	v.updateConvs()
	v.refilter()
	if !v.paused {
		v.lightNewest(old)
	}
	v.runBar.refresh()
	v.netTab.refresh()
}

// lightNewest lights the links of the frames that arrived since old; the
// lights go out a moment after the traffic stops.
func (v *view) lightNewest(old snapshot) {
	n := len(v.snap.rows)
	from := 0
	if old.gen == v.snap.gen {
		from = max(0, len(old.rows)-(v.snap.trimmed-old.trimmed))
	}
	if from >= n {
		if time.Now().After(v.litUntil) {
			v.topo.Dim()
		}
		return
	}
	v.topo.Dim()
	for i := max(from, n-8); i < n; i++ {
		v.light(&v.snap.rows[i])
	}
	v.litUntil = time.Now().Add(400 * time.Millisecond)
}

// light shows r on the drawing: its link, towards the receiving end.
func (v *view) light(r *row) {
	n := v.st.network()
	if n == nil {
		return
	}
	l := n.LinkNamed(r.link)
	if l == nil {
		return
	}
	a, b := l.Ends()
	to := node(b.PortName())
	if node(a.PortName()) != node(r.from) {
		to = node(a.PortName())
	}
	v.topo.Light(r.link, to)
}

// refilter recomputes the visible rows and redraws the list.
func (v *view) refilter() {
	v.visible = v.visible[:0]
	for i := 0; i < v.shown && i < len(v.snap.rows); i++ {
		if v.f.matches(&v.snap.rows[i]) {
			v.visible = append(v.visible, i)
		}
	}
	v.packets.follow.Updated()
	v.updateCounts()
	v.ladder.refresh()
}

func (v *view) updateCounts() {
	dropped := 0
	for i := range v.snap.rows {
		if v.snap.rows[i].dropped {
			dropped++
		}
	}
	text := lang.L("{{.N}} frames", map[string]any{"N": len(v.snap.rows) + v.snap.trimmed})
	if v.paused {
		text = lang.L("Paused at frame {{.K}} of {{.N}}", map[string]any{"K": v.shown + v.snap.trimmed, "N": len(v.snap.rows) + v.snap.trimmed})
	}
	if dropped > 0 {
		text += " · " + lang.L("{{.N}} dropped on links", map[string]any{"N": dropped})
	}
	if lost := v.snap.lost + uint64(v.snap.trimmed); lost > 0 {
		text += " · " + lang.L("{{.N}} older frames left the view (export pcap keeps all)", map[string]any{"N": lost})
	}
	v.counts.SetText(text)
}

// updateConvs refreshes the connection filter's options.
func (v *view) updateConvs() {
	type conv struct {
		n    uint32
		text string
	}
	var seen []conv
	have := map[uint32]bool{}
	for i := range v.snap.rows {
		b := &v.snap.rows[i].b
		if b.Conv == 0 || have[b.Conv] {
			continue
		}
		have[b.Conv] = true
		a, z := endpoint(b.Src, b.SrcPort), endpoint(b.Dst, b.DstPort)
		if !b.FromClient {
			a, z = z, a
		}
		kind := "TCP"
		if b.Transport != packet.TransportTCP {
			kind = protoName(&v.snap.rows[i])
		}
		seen = append(seen, conv{b.Conv, fmt.Sprintf("#%d %s %s ⇄ %s", b.Conv, kind, a, z)})
	}
	if len(seen) == len(v.convs) && len(v.conv.Options) == len(seen)+1 {
		return
	}
	opts := []string{lang.L("All connections")}
	v.convs = v.convs[:0]
	for _, c := range seen {
		opts = append(opts, c.text)
		v.convs = append(v.convs, c.n)
	}
	i := v.conv.SelectedIndex()
	v.conv.Options = opts
	if i < 0 {
		i = 0
	}
	v.conv.SetSelectedIndex(i)
}

func (v *view) togglePause() {
	v.paused = !v.paused
	if v.paused {
		v.pause.SetText(lang.L("Resume"))
		v.pause.SetIcon(theme.MediaPlayIcon())
		v.packets.follow.Stop()
	} else {
		v.pause.SetText(lang.L("Pause"))
		v.pause.SetIcon(theme.MediaPauseIcon())
		v.packets.follow.Follow()
	}
	v.refresh()
}

// stepOne shows the next frame (pausing first), selects it and lights its
// link: a teacher walks a handshake one frame at a time.
func (v *view) stepOne() {
	if !v.paused {
		v.paused = true
		v.pause.SetText(lang.L("Resume"))
		v.pause.SetIcon(theme.MediaPlayIcon())
		v.packets.follow.Stop()
		// from a live view, start again at the first frame
		v.shown = 0
	}
	if v.shown >= len(v.snap.rows) {
		v.ctx.Status.Info(lang.L("No more frames: the last one is shown."))
		return
	}
	// skip frames the filters hide, so each step shows something
	for v.shown < len(v.snap.rows) {
		v.shown++
		if v.f.matches(&v.snap.rows[v.shown-1]) {
			break
		}
	}
	v.refilter()
	i := v.shown - 1
	v.selectRow(i, true)
	v.topo.Dim()
	v.light(&v.snap.rows[i])
	v.litUntil = time.Now().Add(time.Hour) // stays lit until the next step
}

// selectRow shows row i in the detail and the ladder; scroll brings it
// into view in the list.
func (v *view) selectRow(i int, scroll bool) {
	if i < 0 || i >= len(v.snap.rows) {
		return
	}
	v.sel = i
	r := &v.snap.rows[i]
	v.detail.show(r)
	v.ladder.refresh()
	if scroll {
		if k := slices.Index(v.visible, i); k >= 0 {
			v.packets.list.ScrollTo(k)
		}
	}
	if v.paused {
		v.topo.Dim()
		v.light(r)
	}
}

// selected is the selected row, or nil.
func (v *view) selected() *row {
	if v.sel < 0 || v.sel >= len(v.snap.rows) {
		return nil
	}
	return &v.snap.rows[v.sel]
}
