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
	"github.com/netlab-classroom/netlab/widgets/follow"
)

// Columns of the packet list: No., time, link, source → destination,
// protocol, flags, seq/ack (relative, as Wireshark shows them), length,
// info. Widths are in points; the last column takes the rest.
var colWidths = []float32{46, 76, 70, 236, 48, 76, 118, 44}

type columns struct{}

// MinSize asks for little width: in a narrow window the right-hand columns
// are cut rather than the page growing wider than the window.
func (columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(200, h)
}

func (columns) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		w := s.Width - x
		if i < len(colWidths) {
			w = colWidths[i]
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(max(w, 0), s.Height))
		x += w
	}
}

func newRowTemplate() fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(colWidths)+1)
	for i := range objs {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		// small type, as in Wireshark's list: a 1024-point window then
		// has room for every column, Info included
		l.SizeName = theme.SizeNameCaptionText
		l.TextStyle.Monospace = i == 1 || i == 2 || i == 5
		objs[i] = l
	}
	return container.New(columns{}, objs...)
}

func headerRow() fyne.CanvasObject {
	names := []string{lang.L("No."), lang.L("Time"), lang.L("Link"), lang.L("Source → Destination"),
		lang.L("Proto"), lang.L("Flags"), lang.L("Seq / Ack"), lang.L("Len"), lang.L("Info")}
	objs := make([]fyne.CanvasObject, len(names))
	for i, n := range names {
		l := widget.NewLabelWithStyle(n, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		l.SizeName = theme.SizeNameCaptionText
		objs[i] = l
	}
	return container.New(columns{}, objs...)
}

// protoName is the Proto column: the highest protocol NetLab names.
func protoName(r *row) string {
	switch protoOf(r) {
	case protoHTTP:
		return "HTTP"
	case protoDNS:
		return "DNS"
	case protoARP:
		return "ARP"
	case protoICMP:
		return "ICMP"
	}
	switch r.b.Transport {
	case packet.TransportTCP:
		return "TCP"
	case packet.TransportUDP:
		return "UDP"
	}
	return r.b.Proto.String()
}

// cells is the text of each column for r.
func cells(r *row, info string) []string {
	b := &r.b
	addr := ""
	switch {
	case b.Proto == packet.ProtoARP:
		addr = b.Src.String() + " → " + b.Dst.String()
	case b.Transport == packet.TransportTCP || b.Transport == packet.TransportUDP:
		addr = endpoint(b.Src, b.SrcPort) + " → " + endpoint(b.Dst, b.DstPort)
	case b.Src.IsValid():
		addr = b.Src.String() + " → " + b.Dst.String()
	}
	flags, seqack, length := "", "", ""
	if b.Transport == packet.TransportTCP {
		flags = b.Flags.String()
		seqack = "seq=" + strconv.FormatUint(uint64(b.RelSeq), 10)
		if b.Flags&packet.FlagACK != 0 {
			seqack += " ack=" + strconv.FormatUint(uint64(b.RelAck), 10)
		}
	}
	if b.Transport == packet.TransportTCP || b.Transport == packet.TransportUDP {
		length = strconv.Itoa(b.PayloadLen)
	}
	return []string{
		strconv.FormatUint(r.seq, 10),
		fmt.Sprintf("%.6f", r.t.Seconds()),
		r.link,
		addr,
		protoName(r),
		flags,
		seqack,
		length,
		info,
	}
}

// rowInfo is the Info column: Wireshark's text, with "dropped" first
// when an impairment dropped the frame.
func rowInfo(r *row) string {
	info := r.b.Info(r.data)
	if r.dropped {
		info = lang.L("[dropped on the link]") + " " + info
	}
	return info
}

// rowImportance colours a row: dropped frames red, Wireshark's "bad TCP"
// (retransmission, duplicate ACK, zero window) orange, RST orange too.
func rowImportance(r *row) widget.Importance {
	switch {
	case r.dropped:
		return widget.DangerImportance
	case r.b.Analysis.Bad(), r.b.Flags&packet.FlagRST != 0:
		return widget.WarningImportance
	case r.b.Flags&(packet.FlagSYN|packet.FlagFIN) != 0:
		return widget.HighImportance
	}
	return widget.MediumImportance
}

// packetList is the list of frames with its filters.
type packetList struct {
	v      *view
	list   *widget.List
	follow *follow.Follower
	header fyne.CanvasObject
}

func newPacketList(v *view) *packetList {
	pl := &packetList{v: v, header: headerRow()}
	pl.list = widget.NewList(
		func() int { return len(v.visible) },
		newRowTemplate,
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < 0 || i >= len(v.visible) {
				return
			}
			r := &v.snap.rows[v.visible[i]]
			imp := rowImportance(r)
			for j, text := range cells(r, rowInfo(r)) {
				l := o.(*fyne.Container).Objects[j].(*widget.Label)
				if l.Text != text || l.Importance != imp {
					l.Text, l.Importance = text, imp
					l.Refresh()
				}
			}
		})
	pl.list.OnSelected = func(i widget.ListItemID) {
		if i >= 0 && i < len(v.visible) {
			v.selectRow(v.visible[i], false)
		}
	}
	pl.follow = follow.New(pl.list)
	return pl
}
