package tcppanel

import (
	"encoding/json"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/vnet"
)

// Preference keys.
const (
	prefMode       = "tcp.mode"
	prefHost       = "tcp.host"
	prefPort       = "tcp.port"
	prefCharset    = "tcp.charset"
	prefLE         = "tcp.lineending"
	prefHex        = "tcp.hex"
	prefHistory    = "tcp.history"
	prefQuick      = "tcp.quick"
	prefUDPDest    = "tcp.udpdest"
	prefHTTPMode   = "tcp.httpmode"
	prefSymbolsSet = "tcp.symbols.set" // the student chose CR/LF once: honour it, else default on
	maxHistory     = 20
	refreshEvery   = time.Second / 30 // display refreshes at most 30 times a second
	httpKeep       = 64 << 10
)

// state is the page's state, kept across view rebuilds: the engine, the
// sessions and the refresh timer.
type state struct {
	ctx    *app.Context
	eng    netengine.Engine
	engErr error

	mu       sync.Mutex
	sessions []*session
	cur      *session // the session whose tab is shown
	nextNum  int      // number of the last session opened
	ui       *pageUI
	stop     chan struct{}
	// the status message the page showed last and the state it belongs to
	msg      string
	msgValid func() bool
	// madeNet is the virtual network this page built and shared (none
	// was shared yet); stopWatch ends the watch on the shared network.
	madeNet   *vnet.Network
	stopWatch func()
}

func newState(ctx *app.Context) *state {
	st := &state{ctx: ctx, stop: make(chan struct{})}
	st.eng, st.engErr = netengine.Default()
	if st.engErr == nil {
		ctx.Status.Track(st.eng)
	}
	st.sessions = []*session{newSession(st, 1, ctx.Prefs().StringWithFallback(prefMode, modeServer))}
	st.nextNum = 1
	st.stopWatch = vnet.WatchShared(st.sharedChanged)
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
	ss := append([]*session(nil), st.sessions...)
	made, stopWatch := st.madeNet, st.stopWatch
	st.madeNet, st.stopWatch = nil, nil
	st.mu.Unlock()
	if stopWatch != nil {
		stopWatch()
	}
	for _, s := range ss {
		s.shutdown()
	}
	// the network this page built (if the Packets page adopted it, it
	// closes it too: closing twice is harmless)
	if made != nil && vnet.Shared() == made {
		vnet.SetShared(nil)
		made.Close()
	}
}

// list returns the sessions in tab order.
func (st *state) list() []*session {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]*session(nil), st.sessions...)
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
			var fs []func()
			for _, s := range st.list() {
				if f := s.prepare(); f != nil {
					fs = append(fs, f)
				}
			}
			if len(fs) > 0 {
				onUI(func() {
					for _, f := range fs {
						f()
					}
				})
			}
		}
	}
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

// Hooks the panel tests replace: there the test goroutine is the UI
// goroutine, so work runs inline and the refresh timer is driven by hand.
var (
	autoRefresh = true
	onUI        = fyne.Do
	background  = func(f func()) { go f() }
)
