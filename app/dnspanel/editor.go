package dnspanel

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/miekg/dns"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
	"github.com/netlab-classroom/netlab/widgets/sized"
)

// Record types the editor offers.
var editTypes = []string{"A", "AAAA", "CNAME", "MX", "NS", "TXT", "PTR", "SRV", "CAA", "SOA"}

var dataHints = map[string]string{
	"A": "192.0.2.10", "AAAA": "2001:db8::10", "CNAME": "www", "MX": "10 mail", "NS": "ns1",
	"TXT": `"some text"`, "PTR": "www.classroom.lab.", "SRV": "0 5 80 www", "CAA": `0 issue "classroom.lab"`,
	"SOA": "ns1 teacher 2026112501 3600 600 86400 60",
}

// editError is a zone editor problem that errText translates.
type editError int

const (
	errDuplicate editError = iota + 1
	errNoSelection
)

func (e editError) Error() string {
	if e == errDuplicate {
		return "this record is already in the zone"
	}
	return "no record is selected"
}

// recordEditor edits the records of the zone chosen in its zoneTable; the
// server serves every change at once, and Save writes the zone files.
type recordEditor struct {
	p     *panel
	zones *zoneTable

	name, ttl, data *widget.Entry
	typ             *widget.Select
	// msg says what is wrong with the record (red) or that it is valid
	// (green), below the fields and above the buttons.
	msg    *widget.Label
	dirty  *widget.Label
	dirLbl *widget.Label

	addBtn, updBtn, delBtn, valBtn, saveBtn, reloadBtn *widget.Button
	view                                               fyne.CanvasObject
}

func newRecordEditor(p *panel, zones *zoneTable) *recordEditor {
	e := &recordEditor{p: p, zones: zones}
	e.name = widget.NewEntry()
	e.name.SetPlaceHolder("www, @, *.students")
	e.ttl = widget.NewEntry()
	e.ttl.SetText("300")
	e.data = widget.NewEntry()
	e.msg = widget.NewLabel("")
	e.msg.Wrapping = fyne.TextWrapWord
	e.msg.Hide()
	e.typ = widget.NewSelect(editTypes, func(t string) {
		e.data.SetPlaceHolder(dataHints[t])
		e.clearMessage()
	})
	e.typ.SetSelected("A")
	for _, w := range []*widget.Entry{e.name, e.ttl, e.data} {
		w.OnChanged = func(string) { e.clearMessage() }
	}
	e.dirty = widget.NewLabel("")
	e.dirty.Truncation = fyne.TextTruncateEllipsis
	e.dirty.Importance = widget.WarningImportance
	e.dirLbl = widget.NewLabel(lang.L("Zone files: {{.Dir}}", map[string]any{"Dir": zoneDir(p.ctx)}))
	e.dirLbl.Truncation = fyne.TextTruncateEllipsis

	e.addBtn = widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), e.add)
	e.updBtn = widget.NewButtonWithIcon(lang.L("Update"), theme.DocumentCreateIcon(), e.update)
	e.delBtn = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), e.remove)
	e.valBtn = widget.NewButtonWithIcon(lang.L("Validate"), theme.ConfirmIcon(), e.validate)
	e.saveBtn = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), e.save)
	e.reloadBtn = widget.NewButtonWithIcon(lang.L("Reload"), theme.ViewRefreshIcon(), e.reload)
	copyDir := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		p.ctx.Window.Clipboard().SetContent(zoneDir(p.ctx))
		p.ctx.Status.Info(lang.L("Copied: {{.Text}}", map[string]any{"Text": zoneDir(p.ctx)}))
	})
	// Name and TTL on one row, the type beside the data it shapes.
	fields := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Name")), container.NewBorder(nil, nil, nil,
			container.NewHBox(widget.NewLabel("TTL"), sized.Width(e.ttl, 70)), e.name),
		widget.NewLabel(lang.L("Type")), container.NewBorder(nil, nil,
			container.NewHBox(sized.Width(e.typ, 110), widget.NewLabel(lang.L("Data"))), nil, e.data))
	// The fields stay on top and the buttons at the bottom of the pane,
	// wherever its divider is: a message between them (long ones scroll)
	// never moves a button under the mouse. "Unsaved changes" takes the
	// place of the folder line for the same reason.
	msgScroll := container.NewVScroll(e.msg)
	msgScroll.SetMinSize(fyne.NewSize(0, widget.NewLabel("1\n2").MinSize().Height)) // two lines show whole
	e.dirty.Hide()
	bottom := container.NewVBox(
		container.NewGridWithColumns(3, e.addBtn, e.updBtn, e.delBtn, e.valBtn, e.saveBtn, e.reloadBtn),
		container.NewBorder(nil, nil, nil, copyDir, container.NewStack(e.dirLbl, e.dirty)))
	e.view = container.NewBorder(fields, bottom, nil, nil, msgScroll)

	zones.onSelect = e.show
	zones.onZone = e.clearMessage
	return e
}

// show puts rr in the fields (the user selected it in the table).
func (e *recordEditor) show(rr dns.RR) {
	r := dnsx.RecordOf(rr)
	e.name.SetText(e.zones.relName(r.Name))
	e.ttl.SetText(strconv.Itoa(int(r.TTL)))
	e.typ.SetSelected(r.Type)
	e.data.SetText(r.Data)
}

// refresh shows the zones again and whether they differ from the files.
func (e *recordEditor) refresh() {
	e.zones.refresh()
	e.p.st.mu.Lock()
	dirty := e.p.st.dirty
	e.p.st.mu.Unlock()
	if dirty {
		e.dirty.SetText(lang.L("Unsaved changes (the server already uses them)"))
		e.dirLbl.Hide()
		e.dirty.Show()
	} else {
		e.dirty.SetText("")
		e.dirty.Hide()
		e.dirLbl.Show()
	}
}

// record parses the fields for the chosen zone.
func (e *recordEditor) record() (dns.RR, error) {
	return dnsx.ParseRecordFields(e.zones.origin(), e.name.Text, e.ttl.Text, e.typ.Selected, e.data.Text)
}

// showError says what is wrong below the fields and in the status bar.
func (e *recordEditor) showError(err error) {
	e.p.showErrorAt(e.msg, errText(err))
	e.msg.Importance = widget.DangerImportance
	e.msg.Refresh()
}

// showValid says, in green, that what the user checked is fine.
func (e *recordEditor) showValid(msg string) {
	e.msg.Importance = widget.SuccessImportance
	e.msg.SetText(msg)
	e.msg.Show()
}

// clearMessage takes the message away once the fields or the zone change,
// and the status bar's copy of an error with it.
func (e *recordEditor) clearMessage() {
	if e.msg.Importance == widget.DangerImportance {
		e.p.hideErrorAt(e.msg)
	}
	e.msg.Hide()
}

// apply serves the zones as changed by edit on a copy of the chosen one.
// It changes nothing when edit or the new zones are refused.
func (e *recordEditor) apply(edit func(z *dnsx.Zone) error) error {
	st := e.p.st
	st.mu.Lock()
	next := make([]*dnsx.Zone, len(st.zones))
	var cur *dnsx.Zone
	for i, z := range st.zones {
		next[i] = z.Clone()
		if z.Origin == e.zones.origin() {
			cur = next[i]
		}
	}
	st.mu.Unlock()
	if cur == nil {
		return errNoSelection
	}
	if err := edit(cur); err != nil {
		return err
	}
	return e.serve(next, true)
}

// serve makes zones the served set, or says why it cannot.
func (e *recordEditor) serve(zones []*dnsx.Zone, dirty bool) error {
	st := e.p.st
	if err := st.srv.SetZones(zones); err != nil {
		return err
	}
	st.mu.Lock()
	st.zones, st.dirty = zones, dirty
	st.mu.Unlock()
	e.clearMessage()
	e.refresh()
	return nil
}

func (e *recordEditor) add() {
	rr, err := e.record()
	if err == nil {
		err = e.apply(func(z *dnsx.Zone) error {
			for _, x := range z.Records {
				if dns.IsDuplicate(x, rr) {
					return errDuplicate
				}
			}
			z.Records = append(z.Records, rr)
			return nil
		})
	}
	if err != nil {
		e.showError(err)
		return
	}
	e.zones.show(rr)
	e.p.ctx.Status.Info(lang.L("Added {{.RR}}", map[string]any{"RR": oneLine(rr)}))
}

func (e *recordEditor) update() {
	i := e.zones.sel
	rr, err := e.record()
	if i < 0 {
		err = errNoSelection
	}
	if err == nil {
		err = e.apply(func(z *dnsx.Zone) error {
			if i >= len(z.Records) {
				return errNoSelection
			}
			z.Records[i] = rr
			return nil
		})
	}
	if err != nil {
		e.showError(err)
		return
	}
	e.zones.show(rr)
	e.p.ctx.Status.Info(lang.L("Updated {{.RR}}", map[string]any{"RR": oneLine(rr)}))
}

func (e *recordEditor) remove() {
	i := e.zones.sel
	var gone dns.RR
	err := error(errNoSelection)
	if i >= 0 {
		err = e.apply(func(z *dnsx.Zone) error {
			if i >= len(z.Records) {
				return errNoSelection
			}
			gone = z.Records[i]
			z.Records = append(z.Records[:i], z.Records[i+1:]...)
			return nil
		})
	}
	if err != nil {
		e.showError(err)
		return
	}
	e.p.ctx.Status.Info(lang.L("Deleted {{.RR}}", map[string]any{"RR": oneLine(gone)}))
}

// validate checks the record in the fields, or every zone when Data is empty.
func (e *recordEditor) validate() {
	if strings.TrimSpace(e.data.Text) != "" {
		rr, err := e.record()
		if err != nil {
			e.showError(err)
			return
		}
		e.showValid(lang.L("The record is valid: {{.RR}}", map[string]any{"RR": oneLine(rr)}))
		return
	}
	e.p.st.mu.Lock()
	var errs []error
	for _, z := range e.p.st.zones {
		if err := z.Clone().Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	e.p.st.mu.Unlock()
	if err := errors.Join(errs...); err != nil {
		e.showError(err)
		return
	}
	e.showValid(lang.L("All zones are valid."))
}

func (e *recordEditor) save() {
	st := e.p.st
	st.mu.Lock()
	zones := st.zones
	st.mu.Unlock()
	dir := zoneDir(e.p.ctx)
	if err := dnsx.SaveZones(dir, zones); err != nil {
		e.showError(err)
		return
	}
	st.mu.Lock()
	st.dirty = false
	st.mu.Unlock()
	e.refresh()
	e.p.ctx.Status.Info(lang.L("Zones saved in {{.Dir}}.", map[string]any{"Dir": dir}))
}

// reload reads the saved zone files again (the built-in zones if none
// were saved), dropping unsaved changes.
func (e *recordEditor) reload() {
	dir := zoneDir(e.p.ctx)
	zones, err := dnsx.LoadZoneDir(dir)
	from := dir
	if err == nil && len(zones) == 0 {
		zones, from = dnsx.BuiltinZones(), lang.L("the built-in zones")
	}
	if err == nil {
		err = e.serve(zones, false)
	}
	if err != nil {
		e.showError(err)
		return
	}
	e.p.ctx.Status.Info(lang.L("Zones reloaded from {{.Dir}}.", map[string]any{"Dir": from}))
}

// oneLine is rr as a zone file line with single spaces instead of tabs,
// which a label shows as wide gaps.
func oneLine(rr dns.RR) string { return strings.ReplaceAll(rr.String(), "\t", " ") }
