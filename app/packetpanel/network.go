package packetpanel

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/vnet"
)

// networkView is the Network tab: the tables a router, a switch and the
// hosts keep (NAT translations, MAC table, ARP caches), the port forwards
// from the real machine, and the impairments a teacher sets on a link.
type networkView struct {
	v      *view
	tables *widget.Label
	link   *widget.Select
	drop   *widget.Select
	delay  *widget.Select
	dup    *widget.Check
	next   *widget.Button
	root   fyne.CanvasObject
	last   time.Time
	focus  string // a node tapped in the drawing, shown first
}

var dropChoices = []float64{0, 1, 5, 10, 30}
var delayChoices = []time.Duration{0, 10 * time.Millisecond, 50 * time.Millisecond, 200 * time.Millisecond}

func newNetworkView(v *view) *networkView {
	nv := &networkView{v: v}
	nv.tables = widget.NewLabel("")
	nv.tables.TextStyle.Monospace = true
	nv.link = widget.NewSelect(nil, func(string) { nv.showImpairment() })
	nv.link.PlaceHolder = lang.L("Pick a link")
	var drops, delays []string
	for _, p := range dropChoices {
		drops = append(drops, lang.L("lose {{.P}} %", map[string]any{"P": p}))
	}
	for _, d := range delayChoices {
		delays = append(delays, lang.L("delay {{.D}}", map[string]any{"D": d.String()}))
	}
	nv.drop = widget.NewSelect(drops, nil)
	nv.drop.SetSelectedIndex(0)
	nv.drop.OnChanged = func(string) { nv.apply() }
	nv.delay = widget.NewSelect(delays, nil)
	nv.delay.SetSelectedIndex(0)
	nv.delay.OnChanged = func(string) { nv.apply() }
	nv.dup = widget.NewCheck(lang.L("duplicate frames"), func(bool) { nv.apply() })
	nv.next = widget.NewButton(lang.L("Drop the next frame"), func() {
		if l := nv.chosenLink(); l != nil {
			im := l.Impairment()
			im.DropNext++
			l.SetImpairment(im)
			v.ctx.Status.Info(lang.L("The next frame on {{.Link}} will be lost.", map[string]any{"Link": l.Name()}))
		}
	})
	impair := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Link impairments (kept for the next runs)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(nv.link, nv.next),
		container.NewHBox(nv.drop, nv.delay, nv.dup),
		widget.NewLabelWithStyle(lang.L("TCP on every host (from the next run)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nv.tcpRow(),
	)
	// scrolls both ways: a wide row must not push the topology aside
	nv.root = container.NewScroll(container.NewVBox(nv.tables, widget.NewSeparator(), impair))
	nv.enable(false)
	return nv
}

func (nv *networkView) enable(on bool) {
	for _, w := range []fyne.Disableable{nv.drop, nv.delay, nv.dup, nv.next} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

func (nv *networkView) chosenLink() *vnet.Link {
	n := nv.v.st.network()
	if n == nil || nv.link.Selected == "" {
		return nil
	}
	return n.LinkNamed(nv.link.Selected)
}

var timeWaits = []time.Duration{2 * time.Second, 10 * time.Second, 60 * time.Second}
var recvBufs = []int{0, 4096, 16384, 65536}

// tcpRow sets the hosts' TCP knobs: how long TIME_WAIT lasts (2MSL,
// shortened so it can be watched), Nagle's algorithm, the receive buffer.
func (nv *networkView) tcpRow() fyne.CanvasObject {
	st := nv.v.st
	st.mu.Lock()
	cur := st.tcp
	st.mu.Unlock()
	var tw, rb []string
	for _, d := range timeWaits {
		tw = append(tw, lang.L("TIME_WAIT {{.D}}", map[string]any{"D": d.String()}))
	}
	for _, n := range recvBufs {
		if n == 0 {
			rb = append(rb, lang.L("receive buffer: automatic"))
		} else {
			rb = append(rb, lang.L("receive buffer {{.N}} bytes", map[string]any{"N": n}))
		}
	}
	set := func(f func(*vnet.TCPOptions)) {
		st.mu.Lock()
		f(&st.tcp)
		st.mu.Unlock()
	}
	timeWait := widget.NewSelect(tw, nil)
	timeWait.SetSelectedIndex(closestIndex(len(timeWaits), func(i int) float64 { return float64(timeWaits[i]) }, float64(max(cur.TimeWait, vnet.DefaultTimeWait))))
	timeWait.OnChanged = func(string) {
		set(func(o *vnet.TCPOptions) { o.TimeWait = timeWaits[timeWait.SelectedIndex()] })
	}
	nagle := widget.NewCheck(lang.L("Nagle"), func(on bool) { set(func(o *vnet.TCPOptions) { o.Nagle = on }) })
	nagle.SetChecked(cur.Nagle)
	buf := widget.NewSelect(rb, nil)
	buf.SetSelectedIndex(max(0, slices.Index(recvBufs, cur.RecvBuf)))
	buf.OnChanged = func(string) {
		set(func(o *vnet.TCPOptions) { o.RecvBuf = recvBufs[buf.SelectedIndex()] })
	}
	return container.NewHBox(timeWait, nagle, buf)
}

// showImpairment puts the chosen link's impairment in the controls.
func (nv *networkView) showImpairment() {
	l := nv.chosenLink()
	nv.enable(l != nil)
	if l == nil {
		return
	}
	im := l.Impairment()
	nv.drop.SetSelectedIndex(closestIndex(len(dropChoices), func(i int) float64 { return dropChoices[i] }, im.DropPercent))
	nv.delay.SetSelectedIndex(closestIndex(len(delayChoices), func(i int) float64 { return float64(delayChoices[i]) }, float64(im.Delay)))
	nv.dup.SetChecked(im.Duplicate > 0)
}

func closestIndex(n int, at func(int) float64, x float64) int {
	best := 0
	for i := 1; i < n; i++ {
		if abs(at(i)-x) < abs(at(best)-x) {
			best = i
		}
	}
	return best
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// apply sets the controls' impairment on the chosen link.
func (nv *networkView) apply() {
	l := nv.chosenLink()
	if l == nil || nv.drop.SelectedIndex() < 0 || nv.delay.SelectedIndex() < 0 {
		return
	}
	im := l.Impairment()
	im.DropPercent = dropChoices[nv.drop.SelectedIndex()]
	im.Delay = delayChoices[nv.delay.SelectedIndex()]
	im.Duplicate = 0
	if nv.dup.Checked {
		im.Duplicate = 10
	}
	l.SetImpairment(im)
	nv.v.st.keepImpairment(l.Name(), im)
}

// showNode puts a tapped switch or router first in the tables.
func (nv *networkView) showNode(id string) {
	nv.focus = id
	nv.v.tabs.SelectIndex(3)
	nv.last = time.Time{}
	nv.refresh()
}

// refresh redraws the tables, at most twice a second.
func (nv *networkView) refresh() {
	if time.Since(nv.last) < 500*time.Millisecond {
		return
	}
	nv.last = time.Now()
	n := nv.v.st.network()
	var links []string
	if n != nil {
		for _, l := range n.Links() {
			links = append(links, l.Name())
		}
	}
	if strings.Join(links, ",") != strings.Join(nv.link.Options, ",") {
		nv.link.Options = links
		nv.link.ClearSelected()
		nv.enable(false)
	}
	nv.tables.SetText(tablesText(n, nv.focus))
}

// tablesText is every table of n as aligned text.
func tablesText(n *vnet.Network, focus string) string {
	if n == nil {
		return lang.L("No network yet: run a scenario.")
	}
	var parts []string
	add := func(id, s string) {
		if id == focus {
			parts = append([]string{s}, parts...)
		} else {
			parts = append(parts, s)
		}
	}
	for _, r := range n.Routers() {
		var b strings.Builder
		fmt.Fprintf(&b, "%s — %s\n", r.Name(), lang.L("NAT table (inside ↔ outside)"))
		t := r.NATTable()
		if r.NAT() == nil {
			b.WriteString("  " + lang.L("NAT is off on this router: it only routes.") + "\n")
		} else if len(t) == 0 {
			b.WriteString("  " + lang.L("empty: no connection has left through the router yet") + "\n")
		}
		for _, e := range t {
			// two lines an entry: the pane beside the drawing is narrow
			fmt.Fprintf(&b, "  %-3s %s → %s\n      %s %s · %s\n", e.Proto, e.Inside, e.Outside,
				lang.L("remote"), e.Remote, lang.L("{{.N}} packets", map[string]any{"N": e.Packets}))
		}
		add(r.Name(), b.String())
	}
	for _, f := range n.Forwards() {
		add("", lang.L("Port forward from this computer: {{.Rule}}, {{.Active}} open, {{.Total}} so far",
			map[string]any{"Rule": f.String(), "Active": f.Active(), "Total": f.Total()})+"\n")
	}
	for _, sw := range n.Switches() {
		var b strings.Builder
		fmt.Fprintf(&b, "%s — %s\n", sw.Name(), lang.L("MAC table (learned from source addresses)"))
		t := sw.MACTable()
		if len(t) == 0 {
			b.WriteString("  " + lang.L("empty: the switch floods until it learns") + "\n")
		}
		for _, e := range t {
			fmt.Fprintf(&b, "  %s  %s\n", e.MAC, e.Port)
		}
		add(sw.Name(), b.String())
	}
	for _, h := range n.Hosts() {
		var b strings.Builder
		gw := lang.L("none")
		if h.Gateway().IsValid() {
			gw = h.Gateway().String()
		}
		fmt.Fprintf(&b, "%s  %s  %s %s  %s\n", h.Name(), h.Addr(), lang.L("gateway"), gw, h.MAC())
		arp := h.ARP()
		ips := make([]string, 0, len(arp))
		for ip, mac := range arp {
			ips = append(ips, ip.String()+" → "+mac.String())
		}
		sort.Strings(ips)
		if len(ips) == 0 {
			b.WriteString("  " + lang.L("ARP cache empty") + "\n")
		} else {
			b.WriteString("  ARP: " + strings.Join(ips, ", ") + "\n")
		}
		add(h.Name(), b.String())
	}
	for _, l := range n.Links() {
		s := l.Stats()
		if s.Dropped > 0 || s.Duplicated > 0 {
			add("", lang.L("{{.Link}}: {{.F}} frames, {{.D}} dropped, {{.U}} duplicated",
				map[string]any{"Link": l.Name(), "F": strconv.FormatUint(s.Frames, 10), "D": s.Dropped, "U": s.Duplicated})+"\n")
		}
	}
	return strings.Join(parts, "\n")
}
