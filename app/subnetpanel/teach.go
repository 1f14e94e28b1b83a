package subnetpanel

import (
	"errors"
	"fmt"
	"image/color"
	"net/netip"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/subnet"
	"github.com/netlab-classroom/netlab/widgets/bits"
)

// teachView shows the binary AND and OR, octet by octet, and the block size.
type teachView struct {
	box *fyne.Container
	// use replaces the calculator's input (the "Use /n" button).
	use func(string)
	// rows are the main binary rows of the last result (tests read them).
	rows map[string]*bits.Bits
}

func newTeachView() *teachView { return &teachView{box: container.NewVBox()} }

func heading(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func para(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// legend says which colour is which, in theme colours. The swatches are
// drawn, not typed: "■" is in none of Fyne's bundled fonts, so on a system
// without a font that has it (Windows under wine, minimal Linux) it showed
// as an empty box.
func legend() fyne.CanvasObject {
	item := func(color fyne.ThemeColorName, text string, bold bool) fyne.CanvasObject {
		sw := newSwatch(color)
		label := widget.NewRichText(&widget.TextSegment{Text: text,
			Style: widget.RichTextStyle{Inline: true, ColorName: color, TextStyle: fyne.TextStyle{Bold: bold}}})
		return container.NewHBox(container.NewCenter(sw), label)
	}
	// Inset like a label's text, so the first swatch lines up with the
	// heading above it.
	return container.New(layout.NewCustomPaddedLayout(0, 0, theme.InnerPadding(), 0), container.NewHBox(
		item(theme.ColorNamePrimary, lang.L("network bits"), true),
		item(theme.ColorNameForeground, lang.L("host bits"), false),
	))
}

// swatch is a small square in a theme colour that follows theme changes.
type swatch struct {
	widget.BaseWidget
	color fyne.ThemeColorName
}

func newSwatch(color fyne.ThemeColorName) *swatch {
	s := &swatch{color: color}
	s.ExtendBaseWidget(s)
	return s
}

func (s *swatch) CreateRenderer() fyne.WidgetRenderer {
	r := &swatchRenderer{s: s, rect: canvas.NewRectangle(nil)}
	r.rect.CornerRadius = 2
	r.Refresh()
	return r
}

type swatchRenderer struct {
	s    *swatch
	rect *canvas.Rectangle
}

func (r *swatchRenderer) Layout(size fyne.Size)        { r.rect.Resize(size) }
func (r *swatchRenderer) MinSize() fyne.Size           { return fyne.NewSquareSize(theme.TextSize() * 0.8) }
func (r *swatchRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.rect} }
func (r *swatchRenderer) Destroy()                     {}
func (r *swatchRenderer) Refresh() {
	r.rect.FillColor = theme.ColorForWidget(r.s.color, r.s)
	r.rect.Refresh()
}

func groupOf(r *subnet.Result) (group, perLine int) {
	if r.Version == 6 {
		return 16, 2
	}
	return 8, 0
}

func (t *teachView) show(r *subnet.Result) {
	group, perLine := groupOf(r)
	steps := subnet.Steps(r)
	boundary := -1
	if b, ok := subnet.BlockOf(r); ok {
		boundary = b.Index - 1
	}
	t.rows = map[string]*bits.Bits{}
	form := container.New(layout.NewFormLayout())
	add := func(key, name string, a netip.Addr) {
		b := bits.New(a.AsSlice(), r.Bits, group, perLine)
		b.SetHighlight(boundary)
		t.rows[key] = b
		form.Add(widget.NewLabelWithStyle(name, fyne.TextAlignTrailing, fyne.TextStyle{}))
		form.Add(container.NewHBox(b))
	}
	add("address", lang.L("Address"), r.Address)
	add("mask", lang.L("Mask /{{.Bits}}", map[string]any{"Bits": r.Bits}), r.Mask)
	add("network", lang.L("AND → network"), r.Network)
	add("wildcard", lang.L("NOT → wildcard"), r.Wildcard)
	if r.Broadcast.IsValid() {
		add("last", lang.L("OR → broadcast"), r.Last)
	} else {
		add("last", lang.L("OR → last address"), r.Last)
	}
	objs := []fyne.CanvasObject{
		heading(lang.L("How the mask finds the network")),
		legend(),
		form,
		para(lang.L("AND keeps a bit only where the mask has a 1: the network bits are copied, the host bits become 0. The wildcard is the mask with every bit flipped (NOT); OR with it sets every host bit to 1: that gives the last address of the block.")),
	}
	var shown []subnet.Step
	if r.Version == 4 {
		objs = append(objs, heading(lang.L("Octet by octet")))
		shown = steps
	} else {
		objs = append(objs, heading(lang.L("The group where the boundary falls (hexadecimal)")))
		for _, s := range steps {
			if s.Index-1 == boundary {
				shown = append(shown, s)
			}
		}
	}
	if len(shown) > 0 {
		objs = append(objs, stepsTable(shown, r.Version, boundary))
	}
	if r.Version == 6 {
		objs = append(objs, para(lang.L("Groups where the mask is all 1s (ffff) are copied unchanged; where it is all 0s they become 0 after AND and ffff after OR.")))
	}
	objs = append(objs, heading(lang.L("Block-size shortcut")), para(blockText(r)))
	t.box.Objects = objs
	t.box.Refresh()
}

// stepsTable shows, octet by octet (group by group), address AND mask =
// network and address OR wildcard = last address, binary beside decimal.
func stepsTable(steps []subnet.Step, version, boundary int) fyne.CanvasObject {
	ops := []string{"", "AND", "=", "", "OR", "="}
	opCol := container.NewVBox(widget.NewLabel(" "))
	for _, op := range ops {
		opCol.Add(widget.NewLabelWithStyle(op, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true}))
	}
	cols := []fyne.CanvasObject{opCol}
	for _, s := range steps {
		val := func(v uint16) []byte {
			if s.Width == 8 {
				return []byte{byte(v)}
			}
			return []byte{byte(v >> 8), byte(v)}
		}
		title := lang.L("Octet {{.N}}", map[string]any{"N": s.Index})
		if version == 6 {
			title = lang.L("Group {{.N}}", map[string]any{"N": s.Index})
		}
		h := heading(title)
		if s.Index-1 == boundary {
			h.Importance = widget.HighImportance
		}
		col := container.NewVBox(h)
		for _, v := range []uint16{s.Addr, s.Mask, s.Network, s.Addr, s.Wildcard, s.Last} {
			b := bits.New(val(v), s.NetBits, s.Width, 0)
			b.Suffix = fmt.Sprintf("%*s", map[int]int{8: 3, 16: 4}[s.Width], s.Text(v))
			col.Add(b)
		}
		gap := canvas.NewRectangle(color.Transparent)
		gap.SetMinSize(fyne.NewSize(theme.Padding(), 1))
		cols = append(cols, col, gap)
	}
	return container.NewHBox(cols...)
}

// blockText explains the block-size shortcut for r.
func blockText(r *subnet.Result) string {
	b, ok := subnet.BlockOf(r)
	if !ok {
		if r.Bits == 0 {
			return lang.L("/0 has no network bits: the block is the whole address space.")
		}
		return lang.L("/{{.Bits}} has no host bits: the block is this one address.", map[string]any{"Bits": r.Bits})
	}
	total := uint32(1) << uint(b.Width)
	var starts []string
	count := total / b.Size
	f := func(v uint32) string {
		if b.Width == 8 {
			return fmt.Sprint(v)
		}
		return fmt.Sprintf("%x", v)
	}
	if count <= 8 {
		for v := uint32(0); v < total; v += b.Size {
			starts = append(starts, f(v))
		}
	} else {
		starts = []string{f(0), f(b.Size), f(2 * b.Size), "…"}
		if uint32(b.Start) > 2*b.Size {
			starts = append(starts, f(uint32(b.Start)), "…")
		}
		starts = append(starts, f(total-b.Size))
	}
	data := map[string]any{
		"Index": b.Index, "Mask": f(uint32(b.Mask)), "Total": f(total), "Size": b.Size,
		"Starts": strings.Join(starts, ", "), "Addr": f(uint32(b.Addr)), "Start": f(uint32(b.Start)), "End": f(b.End),
	}
	if b.Width == 8 {
		return lang.L("In octet {{.Index}} the mask is {{.Mask}}, so the block size is 256 − {{.Mask}} = {{.Size}}. Networks start at multiples of {{.Size}}: {{.Starts}}. {{.Addr}} lies in {{.Start}}–{{.End}}, so this octet is {{.Start}} in the network address and {{.End}} in the last address.", data)
	}
	return lang.L("In group {{.Index}} the mask is {{.Mask}} (hex), so the block size is 10000 − {{.Mask}} = {{.Size}} (decimal). Blocks start at multiples of it: {{.Starts}}. {{.Addr}} lies in {{.Start}}–{{.End}}, so this group is {{.Start}} in the network address and {{.End}} in the last address.", data)
}

// showError explains a bad input; a non-contiguous mask is shown in binary.
func (t *teachView) showError(in subnet.Input, err error) {
	t.rows = nil
	var e *subnet.Error
	if errors.As(err, &e) && e.Code == subnet.CodeNonContiguous {
		m, _ := netip.ParseAddr(e.Args["Mask"])
		var shorter int
		fmt.Sscan(e.Args["Shorter"], &shorter)
		dotted := subnet.MaskAddr(m.Is4(), shorter)
		b := bits.New(m.AsSlice(), shorter, 8, 0)
		var bad int
		fmt.Sscan(e.Args["Bit"], &bad)
		b.SetHighlight((bad - 1) / 8) // the octet with the stray 1
		good := bits.New(dotted.AsSlice(), shorter, 8, 0)
		form := container.New(layout.NewFormLayout(),
			widget.NewLabel(lang.L("Your mask")), container.NewHBox(b, monoLabel(m.String())),
			widget.NewLabel(lang.L("Contiguous")), container.NewHBox(good, monoLabel(dotted.String())))
		objs := []fyne.CanvasObject{
			heading(lang.L("Why this mask does not work")), legend(), form,
			para(lang.L("A mask is a run of 1s followed by 0s: the 1s mark the network bits, the 0s the host bits. In {{.Mask}} bit {{.Bit}} is a 1 after a 0, so there is no single boundary between network and host. Routers and operating systems refuse such masks (RFC 4632). With the same leading 1s the mask is /{{.Shorter}} ({{.Dotted}}).",
				map[string]any{"Mask": m.String(), "Bit": e.Args["Bit"], "Shorter": shorter, "Dotted": dotted.String()})),
		}
		if t.use != nil && in.Addr.IsValid() {
			text := fmt.Sprintf("%s/%d", in.Addr, shorter)
			use := widget.NewButton(lang.L("Use {{.Text}}", map[string]any{"Text": text}), func() { t.use(text) })
			objs = append(objs, container.NewHBox(use))
		}
		t.box.Objects = objs
		t.box.Refresh()
		return
	}
	t.box.Objects = []fyne.CanvasObject{
		heading(lang.L("How the mask finds the network")),
		para(lang.L("Type an address with a prefix length or a mask to see the binary AND step by step.")),
	}
	t.box.Refresh()
}

// showRange shows how a range breaks into aligned blocks.
func (t *teachView) showRange(ps []netip.Prefix) {
	t.rows = nil
	form := container.New(layout.NewFormLayout())
	for i, p := range ps {
		if i == 16 {
			form.Add(widget.NewLabel("…"))
			form.Add(widget.NewLabel(lang.L("{{.N}} more", map[string]any{"N": len(ps) - 16})))
			break
		}
		group, perLine := 8, 0
		if p.Addr().Is6() {
			group, perLine = 16, 2
		}
		form.Add(monoLabel(p.String()))
		form.Add(bits.New(p.Addr().AsSlice(), p.Bits(), group, perLine))
	}
	t.box.Objects = []fyne.CanvasObject{
		heading(lang.L("How a range becomes CIDR blocks")), legend(), form,
		para(lang.L("A CIDR block must start at a multiple of its own size. The range is cut into the largest aligned blocks that fit: in each, the network bits are fixed and the host bits take every value.")),
	}
	t.box.Refresh()
}
