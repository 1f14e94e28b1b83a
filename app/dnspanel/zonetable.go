package dnspanel

import (
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/miekg/dns"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
)

// zoneTable is the zone choice and the table of that zone's records, as
// the classroom server serves them.
type zoneTable struct {
	st      *state
	zone    *widget.Select
	table   *widget.Table
	records []dns.RR // of the selected zone
	sel     int      // selected row, -1 for none
	// onSelect is told the record the user selected; onZone that another
	// zone was chosen.
	onSelect func(dns.RR)
	onZone   func()
	// header is the zone choice, for above the table.
	header fyne.CanvasObject
}

func newZoneTable(st *state) *zoneTable {
	t := &zoneTable{st: st, sel: -1}
	t.zone = widget.NewSelect(nil, func(string) {
		t.load()
		if t.onZone != nil {
			t.onZone()
		}
	})
	t.table = widget.NewTable(
		func() (int, int) { return len(t.records), 4 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row >= len(t.records) {
				return
			}
			r := dnsx.RecordOf(t.records[id.Row])
			o.(*widget.Label).SetText([]string{t.relName(r.Name), strconv.Itoa(int(r.TTL)), r.Type, r.Data}[id.Col])
		})
	t.table.ShowHeaderRow = true
	t.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText([]string{lang.L("Name"), "TTL", lang.L("Type"), lang.L("Data")}[id.Col])
		}
	}
	for i, w := range []float32{110, 55, 65, 320} {
		t.table.SetColumnWidth(i, w)
	}
	t.table.OnSelected = func(id widget.TableCellID) {
		if id.Row < 0 || id.Row >= len(t.records) {
			return
		}
		t.sel = id.Row
		if t.onSelect != nil {
			t.onSelect(t.records[id.Row])
		}
	}
	t.header = container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("Zone"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, t.zone)
	return t
}

// origin is the selected zone's name ("classroom.lab.").
func (t *zoneTable) origin() string { return t.zone.Selected }

// refresh lists the served zones, keeps the chosen one (classroom.lab. at
// first) and shows its records.
func (t *zoneTable) refresh() {
	t.st.mu.Lock()
	var names []string
	for _, z := range t.st.zones {
		names = append(names, z.Origin)
	}
	t.st.mu.Unlock()
	sel := t.zone.Selected
	t.zone.SetOptions(names)
	if sel == "" || !slices.Contains(names, sel) {
		sel = "classroom.lab."
		if !slices.Contains(names, sel) && len(names) > 0 {
			sel = names[0]
		}
	}
	if t.zone.Selected != sel {
		t.zone.SetSelected(sel) // loads the records
		return
	}
	t.load()
}

// load shows the records of the chosen zone, none selected.
func (t *zoneTable) load() {
	t.st.mu.Lock()
	t.records = nil
	for _, z := range t.st.zones {
		if z.Origin == t.zone.Selected {
			t.records = append(t.records, z.Records...)
		}
	}
	t.st.mu.Unlock()
	t.table.UnselectAll()
	t.sel = -1
	t.table.Refresh()
}

// relName writes name relative to the zone: "@" for the apex, "www",
// "*.students".
func (t *zoneTable) relName(name string) string {
	origin := t.zone.Selected
	if name == origin {
		return "@"
	}
	if origin != "." && strings.HasSuffix(name, "."+origin) {
		return strings.TrimSuffix(name, "."+origin)
	}
	return name
}

// show selects the row of rr (after an add or update) and scrolls to it.
func (t *zoneTable) show(rr dns.RR) {
	for i, x := range t.records {
		if dns.IsDuplicate(x, rr) {
			t.table.Select(widget.TableCellID{Row: i, Col: 0})
			return
		}
	}
}
