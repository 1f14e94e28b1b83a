package subnetpanel

import (
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/subnet"
)

// Subnetting modes (stored in preferences by index).
const (
	modeSplitN = iota
	modeHosts
	modeVLSM
	modeSummarise
	modeRange
)

// splitView splits a network, plans VLSM, summarises and converts ranges.
type splitView struct {
	p       *panel
	mode    *widget.Select
	parent  *widget.Entry
	arg     *widget.Entry
	argName *widget.Label
	errText *widget.Label
	summary *widget.Label
	rows    []splitRow
	list    *widget.List
	view    fyne.CanvasObject
}

// splitRow is one line of the answer.
type splitRow struct {
	main, reason string
}

func (s *splitView) modes() []string {
	return []string{lang.L("Split into N subnets"), lang.L("Split by hosts per subnet"), lang.L("VLSM plan (host counts)"),
		lang.L("Summarise networks"), lang.L("Range to CIDR list")}
}

func newSplitView(p *panel) *splitView {
	s := &splitView{p: p}
	prefs := p.ctx.Prefs()
	s.parent = widget.NewEntry()
	s.parent.SetPlaceHolder("192.168.10.0/24")
	s.arg = widget.NewMultiLineEntry()
	s.arg.SetMinRowsVisible(2)
	s.arg.Wrapping = fyne.TextWrapWord
	s.argName = widget.NewLabel("")
	s.errText = errorLabel()
	s.summary = para("")
	s.summary.TextStyle.Bold = true
	s.mode = widget.NewSelect(s.modes(), nil)
	run := widget.NewButtonWithIcon(lang.L("Calculate"), theme.ConfirmIcon(), func() { s.update(true) })
	run.Importance = widget.HighImportance
	s.list = widget.NewList(func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			m := monoLabel("")
			m.Truncation = fyne.TextTruncateEllipsis
			r := widget.NewLabel("")
			r.TextStyle.Italic = true
			r.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(m, r)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(s.rows[id].main)
			r := box.Objects[1].(*widget.Label)
			r.SetText(s.rows[id].reason)
			r.Hidden = s.rows[id].reason == ""
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.Unselect(id)
		if id < len(s.rows) {
			if f := strings.Fields(s.rows[id].main); len(f) > 0 {
				for _, w := range f {
					if strings.Contains(w, "/") {
						p.calc.entry.SetText(w)
						p.tabs.SelectIndex(0)
						return
					}
				}
			}
		}
	}
	copyAll := widget.NewButtonWithIcon(lang.L("Copy results"), theme.ContentCopyIcon(), func() {
		var lines []string
		for _, r := range s.rows {
			lines = append(lines, r.main)
		}
		if len(lines) > 0 {
			p.ctx.App.Clipboard().SetContent(strings.Join(lines, "\n"))
			p.ctx.Status.Info(lang.L("Copied the results"))
		}
	})
	inputs := container.NewBorder(nil, nil, nil, run,
		container.NewGridWithColumns(2,
			container.NewVBox(s.mode, s.parent),
			container.NewBorder(s.argName, nil, nil, nil, s.arg)))
	hint := widget.NewLabel(lang.L("Click a subnet to open it in the calculator."))
	hint.Importance = widget.LowImportance
	top := container.NewVBox(inputs, s.errText, container.NewBorder(nil, nil, nil, copyAll, s.summary))
	s.view = container.NewBorder(top, hint, nil, nil, s.list)

	s.parent.SetText(prefs.StringWithFallback(prefSplitParent, "192.168.10.0/24"))
	s.mode.SetSelectedIndex(min(max(prefs.IntWithFallback(prefSplitMode, modeVLSM), 0), modeRange))
	s.parent.OnChanged = func(string) { s.update(false) }
	s.arg.OnChanged = func(string) { s.update(false) }
	s.mode.OnChanged = func(string) { s.modeChanged() }
	s.modeChanged()
	return s
}

// argDefaults are the examples each mode starts with.
var argDefaults = [...]string{
	modeSplitN:    "4",
	modeHosts:     "50",
	modeVLSM:      "Sales 50, IT 20, Lab 10, Link 2",
	modeSummarise: "192.168.0.0/24, 192.168.1.0/24, 192.168.2.0/24, 192.168.3.0/24",
	modeRange:     "10.0.0.1-10.0.0.20",
}

// argKey is where a mode's argument is remembered: each mode keeps its own.
func argKey(mode int) string { return fmt.Sprintf("%s.%d", prefSplitArg, mode) }

func (s *splitView) modeChanged() {
	m := s.mode.SelectedIndex()
	s.p.ctx.Prefs().SetInt(prefSplitMode, m)
	s.arg.OnChanged = nil
	s.arg.SetText(s.p.ctx.Prefs().StringWithFallback(argKey(m), argDefaults[m]))
	s.arg.OnChanged = func(string) { s.update(false) }
	switch m {
	case modeSplitN:
		s.argName.SetText(lang.L("Number of subnets"))
		s.arg.SetPlaceHolder("4")
	case modeHosts:
		s.argName.SetText(lang.L("Hosts per subnet"))
		s.arg.SetPlaceHolder("50")
	case modeVLSM:
		s.argName.SetText(lang.L("Hosts needed per subnet, optionally named"))
		s.arg.SetPlaceHolder("Sales 50, IT 20, Lab 10, Link 2")
	case modeSummarise:
		s.argName.SetText(lang.L("Networks to summarise (one per line or comma-separated)"))
		s.arg.SetPlaceHolder("192.168.0.0/24, 192.168.1.0/24")
	case modeRange:
		s.argName.SetText(lang.L("Range (from-to)"))
		s.arg.SetPlaceHolder("10.0.0.1-10.0.0.20")
	}
	if m == modeSummarise || m == modeRange {
		s.parent.Disable()
	} else {
		s.parent.Enable()
	}
	s.update(false)
}

func (s *splitView) update(explicit bool) {
	prefs := s.p.ctx.Prefs()
	prefs.SetString(prefSplitParent, s.parent.Text)
	prefs.SetString(argKey(s.mode.SelectedIndex()), s.arg.Text)
	rows, summary, err := s.compute()
	if err != nil {
		msg := errText(err)
		showError(s.errText, msg)
		if explicit {
			s.p.ctx.Status.Error(msg)
		}
	} else {
		showError(s.errText, "")
		if explicit {
			s.p.ctx.Status.Info(summary)
		}
	}
	s.rows = rows
	s.summary.SetText(summary)
	s.list.Refresh()
}

func (s *splitView) parentPrefix() (*subnet.Result, error) {
	r, err := calcText(s.parent.Text)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func subnetLine(sn subnet.Subnet) string {
	name := ""
	if sn.Name != "" {
		name = fmt.Sprintf("%-8s ", sn.Name)
	}
	bc := ""
	if sn.Broadcast.IsValid() {
		bc = "  " + lang.L("broadcast {{.Addr}}", map[string]any{"Addr": sn.Broadcast.String()})
	}
	return fmt.Sprintf("%s%-18s %s – %s%s  %s", name, sn.Prefix, sn.FirstHost, sn.LastHost, bc,
		lang.L("{{.N}} usable", map[string]any{"N": subnet.Count(sn.Usable)}))
}

func (s *splitView) compute() ([]splitRow, string, error) {
	arg := strings.TrimSpace(s.arg.Text)
	toRows := func(subs []subnet.Subnet) []splitRow {
		out := make([]splitRow, len(subs))
		for i, sn := range subs {
			out[i].main = subnetLine(sn)
			if sn.Reason != nil {
				out[i].reason = findingText(*sn.Reason)
			}
		}
		return out
	}
	switch m := s.mode.SelectedIndex(); m {
	case modeSplitN, modeHosts, modeVLSM:
		parent, err := s.parentPrefix()
		if err != nil {
			return nil, "", err
		}
		pp := parent.Prefix()
		var subs []subnet.Subnet
		if m == modeVLSM {
			needs, err := subnet.ParseNeeds(arg)
			if err != nil {
				return nil, "", err
			}
			subs, err = subnet.VLSM(pp, needs)
			if err != nil {
				return toRows(subs), "", err
			}
			used := new(big.Int)
			for _, sn := range subs {
				used.Add(used, subnet.RangeSize(sn.Prefix.Addr(), lastOf(sn)))
			}
			return toRows(subs), lang.L("VLSM in {{.Parent}}: {{.N}} subnets, largest first; {{.Used}} of {{.Total}} addresses used.", map[string]any{
				"Parent": pp.String(), "N": len(subs), "Used": subnet.Count(used), "Total": subnet.Count(parent.Total)}), nil
		}
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return nil, "", &subnet.Error{Code: subnet.CodeCount, Args: map[string]string{"Text": strconv.Quote(arg)}}
		}
		if m == modeSplitN {
			subs, err = subnet.SplitN(pp, n)
		} else {
			subs, err = subnet.SplitHosts(pp, n)
		}
		if err != nil {
			return nil, "", err
		}
		data := map[string]any{"Parent": pp.String(), "N": len(subs), "Bits": subs[0].Prefix.Bits(),
			"Usable": subnet.Count(subs[0].Usable), "Asked": n}
		if m == modeSplitN && len(subs) != n {
			return toRows(subs), lang.L("{{.Parent}} → {{.N}} subnets of /{{.Bits}} ({{.Usable}} usable hosts each): {{.Asked}} rounded up to a power of two.", data), nil
		}
		return toRows(subs), lang.L("{{.Parent}} → {{.N}} subnets of /{{.Bits}} ({{.Usable}} usable hosts each).", data), nil
	case modeSummarise:
		rs, err := subnet.ParsePrefixes(arg)
		if err != nil {
			return nil, "", err
		}
		sum := subnet.Summarise(rs)
		var rows []splitRow
		for _, p := range sum.Exact {
			rows = append(rows, splitRow{main: p.String(), reason: lang.L("exact summary")})
		}
		for _, p := range sum.Supernets {
			rows = append(rows, splitRow{main: p.String(), reason: lang.L("single covering supernet")})
		}
		return rows, lang.L("{{.In}} networks → {{.N}} exact prefixes; one supernet covers them with {{.Extra}} extra addresses.", map[string]any{
			"In": len(rs), "N": len(sum.Exact), "Extra": subnet.Count(sum.Extra)}), nil
	default:
		in, err := subnet.Parse(arg)
		if err != nil {
			return nil, "", err
		}
		if in.Kind != subnet.KindRange {
			in.From, in.To = in.Prefix().Masked().Addr(), in.Prefix().Masked().Addr()
			r, _ := subnet.CalculateInput(in)
			in.To = r.Last
		}
		ps, err := subnet.RangeToCIDR(in.From, in.To)
		if err != nil {
			return nil, "", err
		}
		var rows []splitRow
		for _, p := range ps {
			rows = append(rows, splitRow{main: p.String()})
		}
		return rows, lang.L("{{.From}} – {{.To}} ({{.Count}} addresses) = {{.N}} CIDR blocks.", map[string]any{
			"From": in.From.String(), "To": in.To.String(), "Count": subnet.Count(subnet.RangeSize(in.From, in.To)), "N": len(ps)}), nil
	}
}

func lastOf(sn subnet.Subnet) netip.Addr {
	r, _ := subnet.Calculate(sn.Prefix.Addr(), sn.Prefix.Bits())
	return r.Last
}
