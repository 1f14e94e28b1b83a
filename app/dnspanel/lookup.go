package dnspanel

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
	"github.com/netlab-classroom/netlab/widgets/sized"
)

// Server choices of the lookup (stored in preferences by index).
const (
	modeSystem = iota
	modeClassroom
	modeCustom
)

var timeouts = []string{"1s", "2s", "5s", "10s"}

// hostsPath is the hosts file the page reads (tests replace it).
var hostsPath = func() string { return dnsx.HostsPath(runtime.GOOS) }

type row struct {
	section string
	rec     dnsx.Record
}

type lookupView struct {
	p         *panel
	name      *widget.Entry
	typ       *widget.Select
	mode      *widget.Select
	custom    *widget.Entry
	customBox fyne.CanvasObject
	proto     *widget.RadioGroup
	timeout   *widget.Select
	button    *widget.Button
	errLbl    *widget.Label
	// srvState says, beside the server choice, whether the classroom
	// server runs and where.
	srvState *widget.Label

	summary *widget.Label
	rcode   *widget.Label
	flags   *fyne.Container
	explain *widget.Label
	table   *widget.Table
	rows    []row
	raw     *fyne.Container
	rawText string
	hosts   *widget.Label
	result  *dnsx.Result
	view    fyne.CanvasObject
}

func newLookupView(p *panel) *lookupView {
	v := &lookupView{p: p}
	prefs := p.ctx.Prefs()
	v.name = widget.NewEntry()
	v.name.SetPlaceHolder(lang.L("Name or IP address, e.g. www.classroom.lab"))
	v.name.SetText(prefs.StringWithFallback(prefName, "www.classroom.lab"))
	v.name.OnSubmitted = func(string) { v.run() }
	v.typ = widget.NewSelect(dnsx.Types, nil)
	v.typ.SetSelected(prefs.StringWithFallback(prefType, "A"))
	modes := []string{lang.L("System resolvers"), lang.L("Classroom server"), lang.L("Custom server")}
	v.custom = widget.NewEntry()
	v.custom.SetPlaceHolder("192.168.1.1:53")
	v.custom.SetText(prefs.String(prefCustom))
	v.mode = widget.NewSelect(modes, func(s string) {
		if v.customBox == nil {
			return
		}
		if v.mode.SelectedIndex() == modeCustom {
			v.customBox.Show()
		} else {
			v.customBox.Hide()
		}
		if v.mode.SelectedIndex() == modeClassroom {
			v.srvState.Show()
		} else {
			v.srvState.Hide()
		}
	})
	v.mode.SetSelectedIndex(prefs.IntWithFallback(prefServerMode, modeClassroom))
	v.proto = widget.NewRadioGroup([]string{"UDP", "TCP"}, nil)
	v.proto.Horizontal = true
	v.proto.Required = true
	v.proto.SetSelected("UDP")
	if prefs.Bool(prefTCP) {
		v.proto.SetSelected("TCP")
	}
	v.timeout = widget.NewSelect(timeouts, nil)
	v.timeout.SetSelected(prefs.StringWithFallback(prefTimeout, "2s"))
	v.button = primaryButton(lang.L("Look up"), theme.SearchIcon(), v.run)
	v.errLbl = newErrorLabel()

	v.summary = widget.NewLabel(lang.L("Type a name and press Look up. An IP address is looked up backwards (PTR)."))
	v.summary.Wrapping = fyne.TextWrapWord
	v.rcode = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.flags = container.NewHBox()
	v.explain = widget.NewLabel("")
	v.explain.Wrapping = fyne.TextWrapWord
	v.explain.TextStyle = fyne.TextStyle{Italic: true}
	v.hosts = widget.NewLabel("")
	v.hosts.Wrapping = fyne.TextWrapWord

	v.table = widget.NewTable(
		func() (int, int) { return len(v.rows), 5 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			r := v.rows[id.Row]
			o.(*widget.Label).SetText([]string{sectionName(r.section), r.rec.Name, r.rec.Type, fmt.Sprint(r.rec.TTL), r.rec.Data}[id.Col])
		})
	v.table.ShowHeaderRow = true
	v.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	v.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText([]string{lang.L("Section"), lang.L("Name"), lang.L("Type"), "TTL", lang.L("Data")}[id.Col])
		}
	}
	for i, w := range []float32{80, 135, 50, 45, 260} {
		v.table.SetColumnWidth(i, w)
	}
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(v.rows) {
			r := v.rows[id.Row].rec
			v.p.ctx.Window.Clipboard().SetContent(r.Data)
			v.p.ctx.Status.Info(lang.L("Copied: {{.Text}}", map[string]any{"Text": r.Data}))
		}
	}

	v.raw = container.NewVBox()
	copyRaw := widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		v.p.ctx.Window.Clipboard().SetContent(v.rawText)
		v.p.ctx.Status.Info(lang.L("The message was copied."))
	})
	rawPane := container.NewBorder(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("Raw message"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), copyRaw),
		nil, nil, nil, container.NewScroll(v.raw))

	inputs := container.NewBorder(nil, nil, widget.NewLabel(lang.L("Name")),
		container.NewHBox(widget.NewLabel(lang.L("Type")), v.typ, v.button), v.name)
	v.customBox = sized.Width(v.custom, 190)
	v.srvState = widget.NewLabel("")
	v.srvState.Truncation = fyne.TextTruncateEllipsis
	options := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel(lang.L("Server")), sized.Width(v.mode, 190), v.customBox, v.proto,
		widget.NewLabel(lang.L("Timeout")), sized.Width(v.timeout, 90)), nil, v.srvState)
	head := container.NewVBox(inputs, options, v.errLbl,
		container.NewBorder(nil, nil, v.rcode, nil, v.summary),
		container.NewHBox(widget.NewLabel(lang.L("Flags")), v.flags), v.explain)
	left := container.NewBorder(nil, v.hosts, nil, nil, v.table)
	split := container.NewHSplit(left, rawPane)
	split.Offset = 0.6
	v.view = container.NewBorder(head, nil, nil, nil, split)
	v.mode.OnChanged(v.mode.Selected)
	v.showFlags(nil)
	return v
}

func sectionName(s string) string {
	switch s {
	case "answer":
		return lang.L("Answer")
	case "authority":
		return lang.L("Authority")
	}
	return lang.L("Additional")
}

// showError puts msg next to the inputs and in the status bar.
func (v *lookupView) showError(msg string) { v.p.showErrorAt(v.errLbl, msg) }

// showServerState says beside the server choice whether the classroom
// server runs, and where, or that Look up starts it.
func (v *lookupView) showServerState(addr string) {
	if addr == "" {
		v.srvState.SetText(lang.L("stopped: Look up starts it"))
		v.srvState.Importance = widget.MediumImportance
	} else {
		v.srvState.SetText(lang.L("running on {{.Addr}}", map[string]any{"Addr": addr}))
		v.srvState.Importance = widget.SuccessImportance
	}
	v.srvState.Refresh()
}

func (v *lookupView) saveInputs() {
	p := v.p.ctx.Prefs()
	p.SetString(prefName, v.name.Text)
	p.SetString(prefType, v.typ.Selected)
	p.SetInt(prefServerMode, v.mode.SelectedIndex())
	p.SetString(prefCustom, v.custom.Text)
	p.SetBool(prefTCP, v.proto.Selected == "TCP")
	p.SetString(prefTimeout, v.timeout.Selected)
}

// run validates the inputs and looks the name up in the background.
func (v *lookupView) run() {
	v.p.hideErrorAt(v.errLbl)
	v.saveInputs()
	name := strings.TrimSpace(v.name.Text)
	if _, _, _, err := dnsx.QuestionFor(name, v.typ.Selected); err != nil {
		v.showError(lang.L("This is not a name NetLab can look up: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	o := dnsx.QueryOptions{Name: name, Type: v.typ.Selected, TCP: v.proto.Selected == "TCP"}
	o.Timeout, _ = time.ParseDuration(v.timeout.Selected)
	switch v.mode.SelectedIndex() {
	case modeCustom:
		s := dnsx.WithPort(v.custom.Text)
		if _, port, err := net.SplitHostPort(s); err != nil || s == "" || port == "" {
			v.showError(lang.L("Enter the server as host:port, e.g. 192.168.1.1:53."))
			return
		}
		o.Server = s
	case modeClassroom:
		addr, started, err := v.p.st.ensureRunning()
		if err != nil {
			v.showError(lang.L("The classroom server could not start: {{.Err}}", map[string]any{"Err": errText(err)}))
			return
		}
		if started {
			v.p.ctx.Status.Info(lang.L("Started the classroom DNS server on {{.Addr}}.", map[string]any{"Addr": addr}))
		}
		o.Server = connectAddr(addr)
	}
	v.button.Disable()
	v.summary.SetText(lang.L("Asking…"))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*o.Timeout+time.Second)
		defer cancel()
		res, err := dnsx.Query(ctx, o)
		var hosts *dnsx.HostsResult
		var herr error
		hosts, herr = dnsx.LookupHosts(hostsPath(), name)
		fyne.Do(func() {
			defer uiDone()
			v.button.Enable()
			v.showHosts(name, hosts, herr)
			if err != nil {
				v.summary.SetText("")
				v.showError(errText(err))
				return
			}
			v.show(res)
		})
	}()
}

func (v *lookupView) showHosts(name string, h *dnsx.HostsResult, err error) {
	switch {
	case err != nil:
		v.hosts.SetText(lang.L("Hosts file: cannot be read ({{.Err}}).", map[string]any{"Err": err.Error()}))
	case len(h.Matches) == 0:
		v.hosts.SetText(lang.L("Hosts file {{.Path}}: no line for {{.Name}}, so browsers ask DNS.", map[string]any{"Path": h.Path, "Name": name}))
	default:
		var lines []string
		for _, m := range h.Matches {
			lines = append(lines, lang.L("line {{.Line}}: {{.Addr}} {{.Names}}", map[string]any{"Line": m.Line, "Addr": m.Addr, "Names": strings.Join(m.Names, " ")}))
		}
		v.hosts.SetText(lang.L("Hosts file {{.Path}} (browsers read it before asking DNS):", map[string]any{"Path": h.Path}) + "\n" + strings.Join(lines, "\n"))
	}
}

func (v *lookupView) show(res *dnsx.Result) {
	v.result = res
	v.rcode.SetText(res.Rcode)
	v.rcode.Importance = widget.SuccessImportance
	if res.Rcode != "NOERROR" {
		v.rcode.Importance = widget.DangerImportance
	}
	v.rcode.Refresh()
	s := lang.L("{{.Name}} {{.Type}}: answered by {{.Server}} over {{.Proto}} in {{.RTT}} ms, {{.Size}} bytes.", map[string]any{
		"Name": res.Name, "Type": res.Type, "Server": res.Server, "Proto": strings.ToUpper(res.Transport),
		"RTT": fmt.Sprintf("%.2f", res.RTTms), "Size": res.Size})
	if res.Reverse {
		s = lang.L("An IP address: looking up its name (PTR).") + " " + s
	}
	if res.TCPRetry {
		s += " " + lang.L("The UDP answer was truncated (TC), so NetLab asked again over TCP.")
	}
	if note := rcodeNote(res.Rcode); note != "" {
		s += " " + note
	}
	v.summary.SetText(s)
	v.rows = v.rows[:0]
	for _, sec := range []struct {
		name string
		recs []dnsx.Record
	}{{"answer", res.Answer}, {"authority", res.Authority}, {"additional", res.Additional}} {
		for _, r := range sec.recs {
			v.rows = append(v.rows, row{sec.name, r})
		}
	}
	v.table.Refresh()
	v.showFlags(res)
	v.showRaw(res)
}

func rcodeNote(rc string) string {
	switch rc {
	case "NXDOMAIN":
		return lang.L("NXDOMAIN: this name does not exist.")
	case "REFUSED":
		return lang.L("REFUSED: the server does not serve this name and will not look it up for you.")
	case "SERVFAIL":
		return lang.L("SERVFAIL: the server failed to find an answer.")
	}
	return ""
}

func (v *lookupView) showFlags(res *dnsx.Result) {
	v.flags.RemoveAll()
	set := map[string]bool{}
	if res != nil {
		for _, f := range res.Flags {
			set[f] = true
		}
	}
	for _, f := range dnsx.FlagMeanings {
		v.flags.Add(newFlagChip(f.Name, set[f.Name], res != nil, f.Meaning, v.explain))
	}
	v.explain.SetText(lang.L("Point at a flag (or tap it) to see what it means."))
}

func (v *lookupView) showRaw(res *dnsx.Result) {
	v.raw.RemoveAll()
	var all strings.Builder
	for _, sec := range dnsx.Sections(res.Msg) {
		title := lang.L(sec.Title)
		v.raw.Add(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		text := sec.Text
		if text == "" {
			text = lang.L("(empty)")
		}
		v.raw.Add(widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
		fmt.Fprintf(&all, ";; %s\n%s\n\n", strings.ToUpper(sec.Title), sec.Text)
	}
	v.rawText = all.String()
}

// flagChip is one header bit: highlighted when set; pointing at it or
// tapping it explains it in the label below the row.
type flagChip struct {
	widget.Button
	name, meaning string
	set, known    bool
	out           *widget.Label
}

func newFlagChip(name string, set, known bool, meaning string, out *widget.Label) *flagChip {
	c := &flagChip{name: name, meaning: meaning, set: set, known: known, out: out}
	c.Text = strings.ToUpper(name)
	c.Importance = widget.LowImportance
	if set {
		c.Importance = widget.HighImportance
	}
	c.OnTapped = c.explain
	c.ExtendBaseWidget(c)
	return c
}

func (c *flagChip) explain() {
	state := lang.L("not set")
	if c.set {
		state = lang.L("set")
	}
	if !c.known {
		c.out.SetText(lang.L(c.meaning))
		return
	}
	c.out.SetText(lang.L("{{.Meaning}} ({{.State}})", map[string]any{"Meaning": lang.L(c.meaning), "State": state}))
}

// MouseIn explains the flag on hover.
func (c *flagChip) MouseIn(e *desktop.MouseEvent) {
	c.Button.MouseIn(e)
	c.explain()
}
