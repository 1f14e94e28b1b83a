package packetpanel

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
	"github.com/netlab-classroom/netlab/widgets/layers"
)

// detailView is the Layers tab: the selected frame as Ethernet | IP | TCP
// | payload boxes, its fields, and its bytes; picking a field highlights
// its bytes.
type detailView struct {
	v     *view
	head  *widget.Label
	view  *layers.View
	root  fyne.CanvasObject
	shown uint64 // seq of the frame shown
}

func newDetailView(v *view) *detailView {
	d := &detailView{v: v, view: layers.New()}
	d.head = widget.NewLabel(lang.L("Select a frame in the list (or press Step) to see its layers and bytes."))
	d.head.Wrapping = fyne.TextWrapWord
	d.root = container.NewBorder(d.head, nil, nil, nil, d.view)
	return d
}

// show decodes r into layers; the Analyzer's relative numbers and labels
// are added to its TCP layer, as Wireshark shows them.
func (d *detailView) show(r *row) {
	if r.seq == d.shown {
		return
	}
	d.shown = r.seq
	p := packet.Decode(r.data)
	p.Annotate(&r.b)
	d.view.Set(r.data, convLayers(p.Layers))
	text := lang.L("Frame {{.N}} on {{.Link}}, {{.Len}} bytes", map[string]any{"N": r.seq, "Link": r.link, "Len": len(r.data)})
	if r.dropped {
		text += " — " + lang.L("dropped on the link: it never arrived")
	}
	for _, pr := range p.Problems() {
		text += " — " + pr
	}
	d.head.SetText(text)
}

func convLayers(ls []packet.Layer) []layers.Layer {
	out := make([]layers.Layer, len(ls))
	for i, l := range ls {
		out[i] = layers.Layer{Name: l.Name, Summary: l.Summary, Start: l.Start, End: l.End, PayloadEnd: l.PayloadEnd, Fields: convFields(l.Fields)}
	}
	return out
}

func convFields(fs []packet.Field) []layers.Field {
	if len(fs) == 0 {
		return nil
	}
	out := make([]layers.Field, len(fs))
	for i, f := range fs {
		out[i] = layers.Field{Name: f.Name, Value: f.Value, Start: f.Start, End: f.End, BitOff: f.BitOff, BitLen: f.BitLen, Children: convFields(f.Children)}
	}
	return out
}
