package packetpanel

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
	"github.com/netlab-classroom/netlab/widgets/ladder"
)

// ladderView is the Ladder tab: the selected frame's connection as the
// course notes draw a handshake, client on the left, one arrow per
// segment seen on one link (a segment crossing two links is one message).
type ladderView struct {
	v      *view
	head   *widget.Label
	lad    *ladder.Ladder
	root   fyne.CanvasObject
	rows   []int // snap.rows index of each arrow
	key    string
	ignore bool // selecting from the list, not from a tap
}

func newLadderView(v *view) *ladderView {
	l := &ladderView{v: v, lad: ladder.New("", "")}
	l.head = widget.NewLabel(lang.L("Select a TCP or UDP frame to draw its connection."))
	l.head.Wrapping = fyne.TextWrapWord
	l.lad.OnSelected = func(i int) {
		if l.ignore || i < 0 || i >= len(l.rows) {
			return
		}
		v.selectRow(l.rows[i], true)
	}
	l.root = container.NewBorder(l.head, nil, nil, nil, l.lad)
	return l
}

// refresh redraws the arrows of the selected frame's connection, as seen
// on the selected frame's link, up to the frames shown (pause and step
// grow it one arrow at a time).
func (l *ladderView) refresh() {
	v := l.v
	sel := v.selected()
	if sel == nil || sel.b.Conv == 0 {
		if l.key != "" {
			l.key = ""
			l.rows = nil
			l.lad.SetArrows(nil)
			l.head.SetText(lang.L("Select a TCP or UDP frame to draw its connection."))
		}
		l.lad.Hide() // no empty lifelines
		return
	}
	l.lad.Show()
	var client, server string
	var rows []int
	var arrows []ladder.Arrow
	for i := 0; i < v.shown && i < len(v.snap.rows); i++ {
		r := &v.snap.rows[i]
		if r.b.Conv != sel.b.Conv || r.link != sel.link {
			continue
		}
		a, b := endpoint(r.b.Src, r.b.SrcPort), endpoint(r.b.Dst, r.b.DstPort)
		if client == "" {
			client, server = a, b
			if !r.b.FromClient {
				client, server = b, a
			}
		}
		from, to := 0, 1
		if a != client {
			from, to = 1, 0
		}
		arrows = append(arrows, arrowOf(r, from, to))
		rows = append(rows, i)
	}
	key := fmt.Sprint(sel.b.Conv, sel.link, len(rows))
	if key != l.key {
		l.key = key
		l.rows = rows
		l.lad.SetLifelines(client, server)
		l.lad.SetArrows(arrows)
		l.head.SetText(lang.L("Connection #{{.N}} as seen on {{.Link}}: {{.A}} (client, left) and {{.B}} (server, right).",
			map[string]any{"N": sel.b.Conv, "Link": sel.link, "A": client, "B": server}))
	}
	for k, i := range l.rows {
		if i == v.sel && l.lad.Selected() != k {
			l.ignore = true
			l.lad.Select(k)
			l.ignore = false
		}
	}
}

// arrowOf labels a segment the way the notes do: flags, relative seq and
// ack; the detail line gives the absolute numbers, window and length.
func arrowOf(r *row, from, to int) ladder.Arrow {
	b := &r.b
	a := ladder.Arrow{From: from, To: to, Time: strconv.FormatFloat(r.t.Seconds(), 'f', 6, 64), Lost: r.dropped}
	if b.Transport != packet.TransportTCP {
		a.Label = protoName(r) + " " + strconv.Itoa(b.PayloadLen) + " B"
		a.Detail = r.b.Info(r.data)
		return a
	}
	a.Label = b.Flags.String() + " seq=" + strconv.FormatUint(uint64(b.RelSeq), 10)
	if b.Flags&packet.FlagACK != 0 {
		a.Label += " ack=" + strconv.FormatUint(uint64(b.RelAck), 10)
	}
	if b.PayloadLen > 0 {
		a.Label += " len=" + strconv.Itoa(b.PayloadLen)
	}
	a.Detail = fmt.Sprintf("Seq=%d Ack=%d Win=%d", b.Seq, b.Ack, b.Win)
	if labels := b.Analysis.Labels(); len(labels) > 0 {
		a.Detail = labels[0] + " · " + a.Detail
	}
	switch {
	case b.Flags&packet.FlagRST != 0:
		a.Color = theme.ColorNameError
	case b.Analysis.Bad():
		a.Color = theme.ColorNameWarning
	case b.Flags&(packet.FlagSYN|packet.FlagFIN) != 0:
		a.Color = theme.ColorNamePrimary
	}
	return a
}
