package subnetpanel

import (
	"net/netip"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/sysnet"
	"github.com/netlab-classroom/netlab/widgets/bits"
)

func newTestPanel(t *testing.T) (*panel, fyne.App) {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	ctx := app.NewContext(a, w, runtime.GOOS)
	p := newPanel(ctx)
	w.SetContent(container.NewBorder(nil, ctx.Status.StatusView(), nil, nil, p.view))
	w.Resize(fyne.NewSize(1024, 700))
	t.Cleanup(w.Close)
	return p, a
}

func typeInto(e *widget.Entry, s string) {
	e.SetText("")
	test.Type(e, s)
}

// texts collects every label text under o.
func texts(o fyne.CanvasObject) string {
	var sb strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			sb.WriteString(v.Text + "\n")
		case *widget.Button:
			sb.WriteString("[" + v.Text + "]\n")
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case *bits.Bits:
			sb.WriteString(v.String() + " " + v.Suffix + "\n")
		case *widget.RichText:
			sb.WriteString(v.String() + "\n")
		}
	}
	walk(o)
	return sb.String()
}

func TestTypeAddressShowsResults(t *testing.T) {
	p, _ := newTestPanel(t)
	c := p.calc
	typeInto(c.entry, " 192.168.1.130 255.255.255.192")
	want := map[string]string{"network": "192.168.1.128/26", "broadcast": "192.168.1.191", "first": "192.168.1.129",
		"last": "192.168.1.190", "usable": "62", "total": "64", "mask": "255.255.255.192", "wildcard": "0.0.0.63", "prefix": "/26"}
	for k, v := range want {
		if got := c.row(k).Text; got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !c.errText.Hidden {
		t.Errorf("error shown: %s", c.errText.Text)
	}
	if got := c.teach.rows["address"].String(); got != "11000000.10101000.00000001.10000010" {
		t.Errorf("binary address %s", got)
	}
	if got := c.teach.rows["network"].String(); got != "11000000.10101000.00000001.10000000" {
		t.Errorf("binary network %s", got)
	}
	teach := texts(c.teach.box)
	for _, s := range []string{"Octet 4", "256 − 192 = 64", "128–191", "AND", "OR"} {
		if !strings.Contains(teach, s) {
			t.Errorf("teaching view lacks %q:\n%s", s, teach)
		}
	}
	// edge cases
	typeInto(c.entry, "10.0.0.0/31")
	if c.row("usable").Text != "2" || !strings.Contains(c.row("broadcast").Text, "none") || !strings.Contains(texts(c.notes), "RFC 3021") {
		t.Errorf("/31: usable %q broadcast %q notes %q", c.row("usable").Text, c.row("broadcast").Text, texts(c.notes))
	}
	typeInto(c.entry, "2001:db8::1/64")
	if c.row("total").Text != "18,446,744,073,709,551,616 (2^64)" || c.row("usable").Text != "18,446,744,073,709,551,615 (2^64 − 1)" {
		t.Errorf("v6 counts %q %q", c.row("total").Text, c.row("usable").Text)
	}
	if !strings.Contains(texts(c.teach.box), "Group 5") {
		t.Error("v6 teaching view lacks the boundary group")
	}
	typeInto(c.entry, "10.0.0.1-10.0.0.20")
	if !strings.Contains(texts(c.notes), "10.0.0.16/30") || c.row("total").Text != "20" {
		t.Errorf("range: %s", texts(c.notes))
	}
	test.Tap(findButton(t, c.view, "Calculate"))
	if p.ctx.Status.MessageText() == "" {
		t.Error("Calculate said nothing in the status bar")
	}
}

func findButton(t *testing.T, o fyne.CanvasObject, label string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Button:
			if v.Text == label && found == nil {
				found = v
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case *container.Split:
			walk(v.Leading)
			walk(v.Trailing)
		case *container.Scroll:
			walk(v.Content)
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no button %q", label)
	}
	return found
}

func TestBadInputShowsError(t *testing.T) {
	p, _ := newTestPanel(t)
	c := p.calc
	typeInto(c.entry, "192.168.1.300/24")
	if c.errText.Hidden || !strings.Contains(c.errText.Text, `"192.168.1.300" is not an IPv4 or IPv6 address`) {
		t.Errorf("error %q hidden=%v", c.errText.Text, c.errText.Hidden)
	}
	if c.row("network").Text != "—" {
		t.Errorf("stale result %q", c.row("network").Text)
	}
	test.Tap(findButton(t, c.view, "Calculate"))
	if !strings.Contains(p.ctx.Status.MessageText(), "192.168.1.300") {
		t.Errorf("status %q", p.ctx.Status.MessageText())
	}
	typeInto(c.entry, "192.168.1.1/33")
	if !strings.Contains(c.errText.Text, "/0 to /32") {
		t.Errorf("error %q", c.errText.Text)
	}
	// a non-contiguous mask is explained, with a way out
	typeInto(c.entry, "10.1.2.3 255.0.255.0")
	if !strings.Contains(c.errText.Text, "bit 17") || !strings.Contains(texts(c.teach.box), "Why this mask does not work") {
		t.Errorf("non-contiguous: %q", c.errText.Text)
	}
	test.Tap(findButton(t, c.teach.box, "Use 10.1.2.3/8"))
	if c.entry.Text != "10.1.2.3/8" || c.row("network").Text != "10.0.0.0/8" {
		t.Errorf("after Use: %q %q", c.entry.Text, c.row("network").Text)
	}
}

func TestErrorsInChinese(t *testing.T) {
	app.ApplyLanguage(app.LangChinese)
	defer app.ApplyLanguage(app.LangEnglish)
	p, _ := newTestPanel(t)
	typeInto(p.calc.entry, "10.0.0.1/40")
	if !strings.Contains(p.calc.errText.Text, "前缀长度 /40 超出范围") {
		t.Errorf("error not translated: %q", p.calc.errText.Text)
	}
	typeInto(p.calc.entry, "10.0.0.1/24")
	if !strings.Contains(texts(p.calc.teach.box), "块大小") {
		t.Error("teaching view not translated")
	}
}

func TestGatewayCheck(t *testing.T) {
	p, _ := newTestPanel(t)
	g := p.gw
	typeInto(g.host, "192.168.1.10/24")
	typeInto(g.gateway, "192.168.2.1")
	typeInto(g.peer, "")
	out := texts(g.findings)
	if !strings.Contains(out, "outside the host's subnet 192.168.1.0/24") || g.last.Usable {
		t.Errorf("outside gateway: %s", out)
	}
	typeInto(g.gateway, "192.168.1.255")
	if !strings.Contains(texts(g.findings), "broadcast address") {
		t.Errorf("broadcast gateway: %s", texts(g.findings))
	}
	typeInto(g.gateway, "192.168.1.1")
	typeInto(g.peer, "192.168.2.77 255.255.0.0")
	out = texts(g.findings)
	if !strings.Contains(out, "inside the host's subnet") || !strings.Contains(out, "masks differ") || g.last.Direct {
		t.Errorf("asymmetric peers: %s", out)
	}
	typeInto(g.peer, "192.168.1.77/24")
	if !g.last.Direct || !strings.Contains(texts(g.findings), "talk directly") {
		t.Errorf("same subnet: %s", texts(g.findings))
	}
	typeInto(g.gateway, "nonsense")
	if g.gwErr.Hidden || !strings.Contains(g.gwErr.Text, "not an IPv4 or IPv6 address") {
		t.Errorf("bad gateway error %q", g.gwErr.Text)
	}
}

func TestInterfaceClickLoads(t *testing.T) {
	oldI, oldG := listInterfaces, defaultGateways
	defer func() { listInterfaces, defaultGateways = oldI, oldG }()
	listInterfaces = func() ([]sysnet.Interface, error) {
		return []sysnet.Interface{
			{Name: "eth7", Up: true, MAC: "02:00:00:00:00:07", MTU: 1500, Addrs: []netip.Prefix{
				netip.MustParsePrefix("192.168.7.23/24"), netip.MustParsePrefix("fd00:7::23/64")}},
			{Name: "lo", Up: true, Loopback: true, MTU: 65536, Addrs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8")}},
		}, nil
	}
	defaultGateways = func() ([]sysnet.Gateway, error) {
		return []sysnet.Gateway{{Interface: "eth7", Addr: netip.MustParseAddr("192.168.7.1")}}, nil
	}
	p, _ := newTestPanel(t)
	m := p.machine
	p.tabs.SelectIndex(3)
	if len(m.rows) != 3 || !strings.Contains(m.gwLabel.Text, "192.168.7.1 via eth7") {
		t.Fatalf("rows %d, gateway %q", len(m.rows), m.gwLabel.Text)
	}
	m.list.Select(0)
	if p.calc.entry.Text != "192.168.7.23/24" || p.calc.row("network").Text != "192.168.7.0/24" || p.tabs.SelectedIndex() != 0 {
		t.Errorf("after click: entry %q network %q tab %d", p.calc.entry.Text, p.calc.row("network").Text, p.tabs.SelectedIndex())
	}
	if p.gw.host.Text != "192.168.7.23/24" || p.gw.gateway.Text != "192.168.7.1" || !p.gw.last.Usable {
		t.Errorf("gateway check not loaded: %q %q", p.gw.host.Text, p.gw.gateway.Text)
	}
	// the IPv6 address has no IPv6 gateway here
	m.load(1)
	if p.calc.entry.Text != "fd00:7::23/64" || p.gw.gateway.Text != "" {
		t.Errorf("v6 load: %q gw %q", p.calc.entry.Text, p.gw.gateway.Text)
	}
	defaultGateways = func() ([]sysnet.Gateway, error) { return nil, sysnet.ErrNotAvailable }
	m.refresh()
	if !strings.Contains(m.gwLabel.Text, "not available on this system") {
		t.Errorf("not-available text %q", m.gwLabel.Text)
	}
}

func TestSubnetting(t *testing.T) {
	p, _ := newTestPanel(t)
	s := p.split
	s.mode.SetSelectedIndex(modeVLSM)
	typeInto(s.parent, "192.168.10.0/24")
	typeInto(s.arg, "Sales 50, IT 20, Lab 10, Link 2")
	if len(s.rows) != 4 || !strings.HasPrefix(s.rows[0].main, "Sales    192.168.10.0/26") || !strings.Contains(s.rows[0].reason, "/27 would hold only 30") {
		t.Errorf("VLSM rows: %+v", s.rows)
	}
	s.mode.SetSelectedIndex(modeSplitN)
	typeInto(s.arg, "3")
	if len(s.rows) != 4 || !strings.Contains(s.summary.Text, "rounded up") {
		t.Errorf("split 3: %d rows, %q", len(s.rows), s.summary.Text)
	}
	typeInto(s.arg, "x")
	if s.errText.Hidden || len(s.rows) != 0 {
		t.Errorf("bad count accepted")
	}
	s.mode.SetSelectedIndex(modeSummarise)
	s.arg.SetText("10.0.0.0/24\n10.0.1.0/24")
	if len(s.rows) != 2 || s.rows[0].main != "10.0.0.0/23" {
		t.Errorf("summary rows %+v", s.rows)
	}
	s.mode.SetSelectedIndex(modeRange)
	typeInto(s.arg, "10.0.0.1 - 10.0.0.20")
	if len(s.rows) != 6 {
		t.Errorf("range rows %+v", s.rows)
	}
	s.mode.SetSelectedIndex(modeVLSM) // each mode keeps its own input
	if s.arg.Text != "Sales 50, IT 20, Lab 10, Link 2" || len(s.rows) != 4 {
		t.Errorf("VLSM input not kept: %q", s.arg.Text)
	}
	s.mode.SetSelectedIndex(modeRange)
	s.list.Select(1)
	if p.calc.entry.Text != "10.0.0.2/31" || p.tabs.SelectedIndex() != 0 {
		t.Errorf("row click: %q", p.calc.entry.Text)
	}
}

func TestRemembersInputs(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	ctx := app.NewContext(a, w, runtime.GOOS)
	p := newPanel(ctx)
	typeInto(p.calc.entry, "172.16.5.4/20")
	typeInto(p.gw.gateway, "172.16.0.1")
	p.tabs.SelectIndex(2)
	p2 := newPanel(ctx)
	if p2.calc.entry.Text != "172.16.5.4/20" || p2.gw.gateway.Text != "172.16.0.1" || p2.tabs.SelectedIndex() != 2 {
		t.Errorf("not remembered: %q %q %d", p2.calc.entry.Text, p2.gw.gateway.Text, p2.tabs.SelectedIndex())
	}
}

func TestFitsSmallWindow(t *testing.T) {
	p, _ := newTestPanel(t)
	for _, v := range []fyne.CanvasObject{p.calc.view, p.gw.view, p.split.view, p.machine.view} {
		t.Logf("%T min %v", v, v.MinSize())
	}
	min := p.view.MinSize()
	// the page gets about 1024−200 by 700−160 pixels next to the navigation
	if min.Width > 820 || min.Height > 540 {
		t.Errorf("page needs %v, more than fits at 1024x700", min)
	}
}
