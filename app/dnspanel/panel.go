// Package dnspanel is NetLab's DNS page: look names up (system resolvers,
// any server or the classroom server; UDP or TCP) with the header flags
// explained and the raw message sections, trace a name from the root step
// by step, and run the embedded classroom DNS server with its zones and a
// live query log. All DNS work is in netengine/dnsx.
package dnspanel

import (
	"embed"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/dnsx"
)

//go:embed i18n
var tr embed.FS

// ID of the page.
const ID = "dns"

// Preference keys.
const (
	prefTab        = "dns.tab"
	prefName       = "dns.name"
	prefType       = "dns.type"
	prefServerMode = "dns.server.mode"
	prefCustom     = "dns.server.custom"
	prefTCP        = "dns.tcp"
	prefTimeout    = "dns.timeout"
	prefTraceName  = "dns.trace.name"
	prefTraceType  = "dns.trace.type"
	prefTraceFrom  = "dns.trace.from"
	prefTraceHints = "dns.trace.hints"
	prefSrvAddr    = "dns.server.addr"
)

func init() {
	app.Register(app.Page{
		Translations: tr,
		ID:           ID,
		Title:        "DNS",
		Intro:        "Look names up, trace them from the root, and run the classroom DNS server that works offline.",
		IconName:     theme.IconNameSearch,
		Order:        20,
		Build:        func(ctx *app.Context) fyne.CanvasObject { return newPanel(ctx).view },
	})
}

// zoneDir is where the classroom zones are saved (tests replace it).
var zoneDir = func(ctx *app.Context) string {
	return filepath.Join(ctx.App.Storage().RootURI().Path(), "dns-zones")
}

// panel is one built view of the page.
type panel struct {
	ctx    *app.Context
	st     *state
	tabs   *container.AppTabs
	lookup *lookupView
	trace  *traceView
	server *serverView
	view   fyne.CanvasObject
}

func newPanel(ctx *app.Context) *panel {
	p := &panel{ctx: ctx}
	p.st = app.KeepRunning(ctx, "dns.state", func() *state { return newState(ctx) }, (*state).shutdown)
	p.lookup = newLookupView(p)
	p.trace = newTraceView(p)
	p.server = newServerView(p)
	p.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Look up"), theme.SearchIcon(), p.lookup.view),
		container.NewTabItemWithIcon(lang.L("Trace from the root"), theme.MoveDownIcon(), p.trace.view),
		container.NewTabItemWithIcon(lang.L("Classroom server"), theme.StorageIcon(), p.server.view),
	)
	p.tabs.SelectIndex(ctx.Prefs().IntWithFallback(prefTab, 0))
	p.tabs.OnSelected = func(*container.TabItem) { ctx.Prefs().SetInt(prefTab, p.tabs.SelectedIndex()) }
	p.st.setView(p.server)
	p.showServerState()
	p.view = p.tabs
	return p
}

// showServerState says wherever the classroom server is named whether it
// runs, and where: the server tab's title, the lookup's server choice and
// the server tab's own line.
func (p *panel) showServerState() {
	addr := p.st.srv.Addr()
	title := lang.L("Classroom server (stopped)")
	if addr != "" {
		title = lang.L("Classroom server ({{.Addr}})", map[string]any{"Addr": addr})
	}
	if it := p.tabs.Items[tabServer]; it.Text != title {
		it.Text = title
		p.tabs.Refresh()
	}
	p.lookup.showServerState(addr)
	p.server.refreshState()
}

// Tabs of the page, in order.
const (
	tabLookup = iota
	tabTrace
	tabServer
)

// state outlives views (a language switch rebuilds them): the classroom
// server, its zones being edited and its query log. app.KeepRunning stops
// it when the window closes.
type state struct {
	ctx *app.Context
	srv *dnsx.Server

	mu      sync.Mutex
	zones   []*dnsx.Zone // the working copy the server serves
	dirty   bool         // changed since the last save/reload
	log     []dnsx.LogEntry
	logNew  bool
	view    *serverView
	stopped chan struct{}
}

const maxLog = 2000

// logRefresh is how often the query log view catches up (≤ 30/s); uiDone
// runs on the UI goroutine when a lookup or trace has been shown (tests
// wait on it).
var (
	logRefresh = 50 * time.Millisecond
	uiDone     = func() {}
)

func newState(ctx *app.Context) *state {
	st := &state{ctx: ctx, stopped: make(chan struct{})}
	zones, err := dnsx.LoadZoneDir(zoneDir(ctx))
	if err != nil || len(zones) == 0 {
		zones = dnsx.BuiltinZones()
	}
	srv, err := dnsx.NewServer(zones, dnsx.ServerOptions{})
	if err != nil { // saved zones that no longer load together: start afresh
		zones = dnsx.BuiltinZones()
		srv, _ = dnsx.NewServer(zones, dnsx.ServerOptions{})
	}
	st.srv, st.zones = srv, zones
	srv.OnQuery(st.onQuery)
	go st.drain(logRefresh)
	return st
}

// shutdown stops the server and the log drain.
func (st *state) shutdown() {
	st.mu.Lock()
	select {
	case <-st.stopped:
	default:
		close(st.stopped)
	}
	st.mu.Unlock()
	st.srv.Stop()
}

// onQuery runs on the server's goroutines: buffer only.
func (st *state) onQuery(e dnsx.LogEntry) {
	st.mu.Lock()
	st.log = append(st.log, e)
	if len(st.log) > maxLog {
		st.log = append(st.log[:0], st.log[len(st.log)-maxLog:]...)
	}
	st.logNew = true
	st.mu.Unlock()
}

// drain refreshes the log view at most 20 times a second.
func (st *state) drain(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-st.stopped:
			return
		case <-t.C:
			st.mu.Lock()
			v, fresh := st.view, st.logNew
			st.logNew = false
			st.mu.Unlock()
			if fresh && v != nil {
				fyne.Do(v.log.refresh)
			}
		}
	}
}

func (st *state) setView(v *serverView) {
	st.mu.Lock()
	st.view = v
	st.mu.Unlock()
}

func (st *state) logSnapshot() []dnsx.LogEntry {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]dnsx.LogEntry(nil), st.log...)
}

func (st *state) clearLog() {
	st.mu.Lock()
	st.log = nil
	st.mu.Unlock()
}

// ensureRunning starts the classroom server on the remembered address
// (loopback unless the user chose otherwise) if it is not running.
func (st *state) ensureRunning() (addr string, started bool, err error) {
	if a := st.srv.Addr(); a != "" {
		return a, false, nil
	}
	a, err := st.srv.Start(loopbackOf(st.ctx.Prefs().StringWithFallback(prefSrvAddr, dnsx.DefaultAddr)))
	if err == nil {
		st.mu.Lock()
		v := st.view
		st.mu.Unlock()
		if v != nil {
			fyne.Do(v.p.showServerState)
		}
	}
	return a, err == nil, err
}

// errText says err in the user's language where NetLab knows the cause.
func errText(err error) string {
	var ze *dnsx.ZoneError
	var re *dnsx.RecordError
	var joined interface{ Unwrap() []error }
	switch {
	case err == nil:
		return ""
	case errors.As(err, &joined):
		var lines []string
		for _, e := range joined.Unwrap() {
			lines = append(lines, errText(e))
		}
		return strings.Join(lines, "\n")
	case errors.As(err, &re):
		return codeText(re.Code, re.Args)
	case errors.As(err, &ze) && ze.Code != "":
		return lang.L("{{.File}}: {{.Msg}}", map[string]any{"File": ze.File, "Msg": codeText(ze.Code, ze.Args)})
	case errors.Is(err, errDuplicate):
		return lang.L("This record is already in the zone.")
	case errors.Is(err, errNoSelection):
		return lang.L("Select a record in the table first.")
	case errors.Is(err, dnsx.ErrNoSystemServers):
		return lang.L("The system's DNS servers are not available here: choose the classroom server or enter a server (host:port).")
	case errors.Is(err, dnsx.ErrTimeout):
		return lang.L("No answer in time: the server may be down, unreachable or not a DNS server ({{.Err}}).", map[string]any{"Err": err.Error()})
	case errors.Is(err, dnsx.ErrPrivilegedPort):
		return lang.L("Ports below 1024 (such as 53) need administrator rights: use a port such as 5353.")
	case errors.As(err, &ze) && ze.Line > 0:
		return lang.L("{{.File}}, line {{.Line}}: {{.Msg}}", map[string]any{"File": ze.File, "Line": ze.Line, "Msg": ze.Msg})
	}
	return lang.L("Error: {{.Err}}", map[string]any{"Err": err.Error()})
}

// codeText is a dnsx record or zone problem in the user's language.
func codeText(c dnsx.RecordCode, a map[string]string) string {
	args := map[string]any{}
	for k, v := range a {
		args[k] = v
	}
	return lang.L(c.Template(), args)
}

// newErrorLabel is the hidden label next to a row of inputs that says
// what is wrong with them.
func newErrorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// showErrorAt puts msg in the label next to the inputs and in the status bar.
func (p *panel) showErrorAt(l *widget.Label, msg string) {
	l.SetText(msg)
	l.Show()
	p.ctx.Status.Error(msg)
}

// hideErrorAt takes the message shown by showErrorAt away again, from the
// label and from the status bar, once the inputs it was about change.
func (p *panel) hideErrorAt(l *widget.Label) {
	if l.Visible() {
		l.Hide()
		p.ctx.Status.Clear()
	}
}

// primaryButton is the page's main action (HighImportance).
func primaryButton(text string, icon fyne.Resource, f func()) *widget.Button {
	b := widget.NewButtonWithIcon(text, icon, f)
	b.Importance = widget.HighImportance
	return b
}

// loopbackOf keeps the port of addr on 127.0.0.1: the LAN is opt-in each
// time, never restored from preferences or chosen by an automatic start.
func loopbackOf(addr string) string {
	if dnsx.IsLoopback(addr) {
		return addr
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return dnsx.DefaultAddr
	}
	return net.JoinHostPort("127.0.0.1", port)
}

// connectAddr turns a listening address into one a client can send to
// (0.0.0.0 → 127.0.0.1).
func connectAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() != nil {
			host = "127.0.0.1"
		} else {
			host = "::1"
		}
	}
	return net.JoinHostPort(host, port)
}
