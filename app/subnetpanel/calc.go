package subnetpanel

import (
	"fmt"
	"image/color"
	"math/big"
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
)

// resultRow is one line of the results: a name, a value and a copy button.
type resultRow struct {
	key   string
	name  string
	value *widget.Label
	minW  *canvas.Rectangle // keeps wrapped IPv6 values readable
}

type calcView struct {
	p       *panel
	entry   *widget.Entry
	errText *widget.Label
	rows    []*resultRow
	notes   *fyne.Container
	teach   *teachView
	last    *subnet.Result
	// rangeCIDRs are the blocks of the last range input.
	rangeCIDRs []netip.Prefix
	view       fyne.CanvasObject
}

func newCalcView(p *panel) *calcView {
	c := &calcView{p: p, teach: newTeachView()}
	c.teach.use = func(s string) { c.entry.SetText(s) }
	c.entry = widget.NewEntry()
	c.entry.SetPlaceHolder(lang.L("Address/prefix, address and mask, or a range, e.g. 192.168.1.10/24"))
	c.errText = errorLabel()
	calc := widget.NewButtonWithIcon(lang.L("Calculate"), theme.ConfirmIcon(), func() { c.update(true) })
	calc.Importance = widget.HighImportance
	c.entry.OnSubmitted = func(string) { c.update(true) }
	examples := widget.NewLabel(lang.L("Examples: 192.168.1.10/24 · 192.168.1.10 255.255.255.192 · 10.0.0.0/31 · 2001:db8::1/64 · 10.0.0.1-10.0.0.20"))
	examples.Importance = widget.LowImportance
	examples.Truncation = fyne.TextTruncateEllipsis
	top := container.NewVBox(container.NewBorder(nil, nil, nil, calc, c.entry), c.errText, examples)

	names := []struct{ key, name string }{
		{"network", lang.L("Network address")}, {"broadcast", lang.L("Broadcast address")},
		{"first", lang.L("First host")}, {"last", lang.L("Last host")},
		{"usable", lang.L("Usable hosts")}, {"total", lang.L("Total addresses")},
		{"mask", lang.L("Subnet mask")}, {"wildcard", lang.L("Wildcard mask")}, {"prefix", lang.L("Prefix length")},
		{"class", lang.L("Address class")}, {"scope", lang.L("Address scope")}, {"reverse", lang.L("Reverse DNS zone")},
	}
	form := container.New(layout.NewFormLayout())
	for _, n := range names {
		r := &resultRow{key: n.key, name: n.name, value: monoLabel("—")}
		c.rows = append(c.rows, r)
		rr := r
		label := widget.NewLabelWithStyle(n.name, fyne.TextAlignTrailing, fyne.TextStyle{})
		form.Add(label)
		// IPv6 values wrap; keep them wide enough to read
		minW := canvas.NewRectangle(color.Transparent)
		r.minW = minW
		form.Add(container.NewBorder(nil, nil, nil, p.copyButton(func() string {
			if rr.value.Text == "—" {
				return ""
			}
			return rr.value.Text
		}), container.NewStack(minW, rr.value)))
	}
	c.notes = container.NewVBox()
	copyAll := widget.NewButtonWithIcon(lang.L("Copy results"), theme.ContentCopyIcon(), func() {
		if t := c.summary(); t != "" {
			p.ctx.App.Clipboard().SetContent(t)
			p.ctx.Status.Info(lang.L("Copied the results"))
		}
	})
	left := container.NewVScroll(container.NewVBox(form, c.notes, container.NewHBox(copyAll)))
	split := container.NewHSplit(left, container.NewScroll(c.teach.box))
	split.Offset = 0 // the results take what they need, the teaching view the rest
	c.view = container.NewBorder(top, nil, nil, nil, split)

	c.entry.SetText(p.ctx.Prefs().StringWithFallback(prefInput, "192.168.1.130/26"))
	c.update(false)
	c.entry.OnChanged = func(string) { c.update(false) }
	return c
}

// row returns the result row named key.
func (c *calcView) row(key string) *widget.Label {
	for _, r := range c.rows {
		if r.key == key {
			return r.value
		}
	}
	return nil
}

// update recalculates from the entry. explicit is true for the Calculate
// button and Enter: errors then go to the status bar too.
func (c *calcView) update(explicit bool) {
	text := c.entry.Text
	c.p.ctx.Prefs().SetString(prefInput, text)
	in, err := subnet.Parse(text)
	if err == nil && in.Kind == subnet.KindRange {
		c.showRange(in)
		if explicit {
			c.p.ctx.Status.Info(lang.L("{{.From}} – {{.To}} ({{.Count}} addresses) = {{.N}} CIDR blocks.", map[string]any{
				"From": in.From.String(), "To": in.To.String(), "Count": subnet.Count(subnet.RangeSize(in.From, in.To)), "N": len(c.rangeCIDRs)}))
		}
		return
	}
	var r *subnet.Result
	if err == nil {
		r, err = subnet.CalculateInput(in)
	}
	if err != nil {
		msg := errText(err)
		showError(c.errText, msg)
		c.clear()
		c.teach.showError(in, err)
		if explicit {
			c.p.ctx.Status.Error(msg)
		}
		return
	}
	showError(c.errText, "")
	c.show(r)
	if explicit {
		c.p.ctx.Status.Info(lang.L("{{.Network}}: {{.Usable}} usable hosts", map[string]any{
			"Network": r.Prefix().String(), "Usable": subnet.Count(r.Usable)}))
	}
}

func (c *calcView) clear() {
	c.last = nil
	for _, r := range c.rows {
		r.value.SetText("—")
	}
	c.notes.RemoveAll()
}

func countText(n *big.Int) string {
	s := subnet.Count(n)
	if p := subnet.Pow2(n); p != "" {
		s += " (" + p + ")"
	} else if p := subnet.Pow2(new(big.Int).Add(n, big.NewInt(1))); p != "" {
		s += " (" + p + " − 1)"
	}
	return s
}

func (c *calcView) show(r *subnet.Result) {
	c.last = r
	wrap, minW := fyne.TextWrapOff, float32(0)
	if r.Version == 6 {
		wrap, minW = fyne.TextWrapBreak, 180 // IPv6 addresses are too long for one line
	}
	for _, row := range c.rows {
		row.value.Wrapping = wrap
		row.minW.SetMinSize(fyne.NewSize(minW, 1))
	}
	for _, k := range []string{"class", "scope"} { // prose, not data
		c.row(k).Wrapping = fyne.TextWrapWord
		c.row(k).TextStyle.Monospace = false
	}
	c.row("reverse").Wrapping = fyne.TextWrapBreak
	set := func(k, v string) { c.row(k).SetText(v) }
	set("network", r.Prefix().String())
	if !r.Broadcast.IsValid() {
		c.row("broadcast").Wrapping = fyne.TextWrapWord
	}
	if r.Broadcast.IsValid() {
		set("broadcast", r.Broadcast.String())
	} else if r.Version == 6 {
		set("broadcast", lang.L("none (IPv6 has no broadcast)"))
	} else {
		set("broadcast", lang.L("none (/31 and /32 have no broadcast)"))
	}
	set("first", r.FirstHost.String())
	set("last", r.LastHost.String())
	set("usable", countText(r.Usable))
	set("total", countText(r.Total))
	set("mask", r.Mask.String())
	set("wildcard", r.Wildcard.String())
	set("prefix", fmt.Sprintf("/%d", r.Bits))
	switch {
	case r.Class == "":
		set("class", lang.L("— (IPv6 has no classes)"))
	case r.ClassBits > 0:
		set("class", lang.L("{{.Class}} (historical, classful /{{.Bits}})", map[string]any{"Class": r.Class, "Bits": r.ClassBits}))
	default:
		set("class", lang.L("{{.Class}} (historical)", map[string]any{"Class": r.Class}))
	}
	set("scope", fmt.Sprintf("%s · %s · %s", lang.L(r.Scope.Name), r.Scope.Prefix, r.Scope.RFC))
	set("reverse", r.ReverseZone)
	c.notes.RemoveAll()
	for _, n := range r.Notes {
		c.notes.Add(noteLine(lang.L(subnet.NoteText(n))))
	}
	c.teach.show(r)
}

func noteLine(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.InfoIcon())), nil, l)
}

func (c *calcView) showRange(in subnet.Input) {
	showError(c.errText, "")
	c.clear()
	ps, err := subnet.RangeToCIDR(in.From, in.To)
	if err != nil {
		showError(c.errText, errText(err))
		return
	}
	c.rangeCIDRs = ps
	var list []string
	for _, p := range ps {
		list = append(list, p.String())
	}
	c.row("first").SetText(in.From.String())
	c.row("last").SetText(in.To.String())
	c.row("total").SetText(countText(subnet.RangeSize(in.From, in.To)))
	c.row("scope").SetText(lang.L(subnet.ScopeOf(in.From).Name))
	c.notes.Add(noteLine(lang.L("A range is not one subnet: it is covered exactly by these {{.N}} CIDR blocks.", map[string]any{"N": len(ps)})))
	cidrs := monoLabel(strings.Join(list, "\n"))
	c.notes.Add(container.NewBorder(nil, nil, nil, c.p.copyButton(func() string { return cidrs.Text }), cidrs))
	c.teach.showRange(ps)
}

// summary is the results as text for the clipboard.
func (c *calcView) summary() string {
	var sb strings.Builder
	for _, r := range c.rows {
		if r.value.Text != "—" {
			fmt.Fprintf(&sb, "%s: %s\n", r.name, r.value.Text)
		}
	}
	return sb.String()
}
