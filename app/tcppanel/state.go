package tcppanel

import (
	"encoding/json"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/httpteach"
	"github.com/netlab-classroom/netlab/netengine/workbench"
)

// Modes of the workbench.
const (
	modeServer = "server"
	modeClient = "client"
	modeUDP    = "udp"
)

// Preference keys.
const (
	prefMode     = "tcp.mode"
	prefHost     = "tcp.host"
	prefPort     = "tcp.port"
	prefCharset  = "tcp.charset"
	prefLE       = "tcp.lineending"
	prefHex      = "tcp.hex"
	prefHistory  = "tcp.history"
	prefQuick    = "tcp.quick"
	prefUDPDest  = "tcp.udpdest"
	prefHTTPMode = "tcp.httpmode"
	maxHistory   = 20
	refreshEvery = time.Second / 30 // display refreshes at most 30 times a second
	httpKeep     = 64 << 10
)

// state outlives the view (a language switch rebuilds the view): the
// engine, models, log and the refresh timer live here.
type state struct {
	ctx    *app.Context
	eng    netengine.Engine
	engErr error
	log    *workbench.Log
	view   *workbench.View
	srv    *workbench.Server
	cli    *workbench.Client
	udp    *workbench.UDP
	per    workbench.Periodic

	mu       sync.Mutex
	ui       *panelUI
	mode     string
	selected map[uint64]bool
	seq      uint64 // last record fed to the HTTP tracker
	http     map[uint64]*httpMsg
	lastHTTP *httpMsg
	httpVer  uint64
	stop     chan struct{}
	quitSet  bool
	// what the last tick showed, to skip needless refreshes
	shownRX, shownTX int64
	shownCliVer      uint64
}

// httpMsg is the HTTP message being received on one connection.
type httpMsg struct {
	conn uint64
	peer string
	data []byte
}

func newState(ctx *app.Context) *state {
	st := &state{ctx: ctx, log: workbench.NewLog(200_000, 32<<20), view: workbench.NewView(),
		selected: map[uint64]bool{}, http: map[uint64]*httpMsg{}}
	st.view.Translate = translate
	st.eng, st.engErr = netengine.Default()
	if st.engErr == nil {
		ctx.Status.Track(st.eng)
	}
	st.srv = workbench.NewServer(st.eng, st.log)
	st.cli = workbench.NewClient(st.eng, st.log)
	st.udp = workbench.NewUDP(st.log)
	st.mode = ctx.Prefs().StringWithFallback(prefMode, modeServer)
	st.stop = make(chan struct{})
	if autoRefresh {
		go st.loop()
	}
	return st
}

func (st *state) shutdown() {
	st.mu.Lock()
	if st.stop != nil {
		close(st.stop)
		st.stop = nil
	}
	st.mu.Unlock()
	st.per.Stop()
	_ = st.srv.Stop()
	st.cli.Disconnect()
	st.udp.Close()
	_, _ = st.log.StopCapture()
}

// translate renders an English key from netengine with lang.L; nested
// English values (a close reason) are translated too.
func translate(key string, args map[string]any) string {
	if args == nil {
		return lang.L(key)
	}
	a := make(map[string]any, len(args))
	for k, v := range args {
		if s, ok := v.(string); ok && k == "Reason" {
			v = lang.L(s)
		}
		a[k] = v
	}
	return lang.L(key, a)
}

func (st *state) loop() {
	st.mu.Lock()
	stop := st.stop
	st.mu.Unlock()
	t := time.NewTicker(refreshEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if f := st.prepare(); f != nil {
				onUI(f)
			}
		}
	}
}

// prepare does the tick's work off the UI goroutine (turning records into
// lines, following HTTP messages) and returns the UI update to run, or nil.
func (st *state) prepare() func() {
	recs, lost := st.log.Since(st.seq, 0)
	if len(recs) > 0 {
		st.seq = recs[len(recs)-1].Seq
		st.trackHTTP(recs)
	}
	added := st.view.Append(recs, lost)
	rx, tx := st.log.Counters()
	ver := st.srv.Version() + st.cli.Version()
	st.mu.Lock()
	changed := added > 0 || rx != st.shownRX || tx != st.shownTX || ver != st.shownCliVer || len(recs) > 0
	st.shownRX, st.shownTX, st.shownCliVer = rx, tx, ver
	ui := st.ui
	st.mu.Unlock()
	if !changed || ui == nil {
		return nil
	}
	return func() { ui.refresh() }
}

// trackHTTP keeps the latest HTTP message per connection for the helper.
func (st *state) trackHTTP(recs []workbench.Record) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, r := range recs {
		if r.Dir != workbench.RX {
			continue
		}
		m := st.http[r.Conn]
		if httpteach.LooksLikeHTTP(r.Data) || m == nil {
			if !httpteach.LooksLikeHTTP(r.Data) {
				continue
			}
			m = &httpMsg{conn: r.Conn, peer: r.Peer}
			st.http[r.Conn] = m
			if len(st.http) > 100 {
				for k := range st.http {
					if k != r.Conn {
						delete(st.http, k)
						break
					}
				}
			}
		}
		if len(m.data)+len(r.Data) <= httpKeep {
			m.data = append(m.data, r.Data...)
		}
		st.lastHTTP = m
		st.httpVer++
	}
}

// lastHTTPMessage returns a copy of the latest HTTP message and its
// version, or ok=false when there is none newer than version since.
func (st *state) lastHTTPMessage(since uint64) (httpMsg, uint64, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.lastHTTP == nil || st.httpVer == since {
		return httpMsg{}, st.httpVer, false
	}
	m := *st.lastHTTP
	m.data = append([]byte(nil), m.data...)
	return m, st.httpVer, true
}

func (st *state) prefList(key string) []string {
	var out []string
	_ = json.Unmarshal([]byte(st.ctx.Prefs().String(key)), &out)
	return out
}

func (st *state) setPrefList(key string, l []string) {
	b, _ := json.Marshal(l)
	st.ctx.Prefs().SetString(key, string(b))
}

func (st *state) selectedIDs() []uint64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	var ids []uint64
	for id, on := range st.selected {
		if on {
			ids = append(ids, id)
		}
	}
	return ids
}

// auto-reply settings as typed (the models hold the compiled ones)
type autoSettings struct {
	echo  bool
	rules []workbench.Rule
}

func (st *state) autoSettings() (bool, []workbench.Rule) {
	v := st.ctx.Keep("tcp.auto", func() any { return &autoSettings{} }).(*autoSettings)
	st.mu.Lock()
	defer st.mu.Unlock()
	return v.echo, append([]workbench.Rule(nil), v.rules...)
}

func (st *state) setAutoSettings(echo bool, rules []workbench.Rule) {
	v := st.ctx.Keep("tcp.auto", func() any { return &autoSettings{} }).(*autoSettings)
	st.mu.Lock()
	v.echo, v.rules = echo, rules
	st.mu.Unlock()
}

// Hooks the panel tests replace: there the test goroutine is the UI
// goroutine, so work runs inline and the refresh timer is driven by hand.
var (
	autoRefresh = true
	onUI        = fyne.Do
	background  = func(f func()) { go f() }
)
