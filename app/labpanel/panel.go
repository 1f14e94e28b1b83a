// Package labpanel is the classroom lab page: the TCP states of NetLab's
// own sockets with a timeline per connection (E4), and the engine-model
// race (E5) with a live chart and a results table.
package labpanel

import (
	"embed"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/servermodels"
	"github.com/netlab-classroom/netlab/netengine/tcpstate"
)

//go:embed i18n
var tr embed.FS

func init() {
	app.Register(app.Page{
		Translations: tr,
		ID:           "lab",
		Title:        "Classroom lab",
		Intro:        "Watch the TCP states of NetLab's connections, and race the server models against each other.",
		IconName:     theme.IconNameHistory,
		Order:        50,
		Build:        build,
	})
}

// uiDo runs f on the UI goroutine. Tests replace it to run the work on
// the test's goroutine (Fyne's test driver runs fyne.Do in place).
var uiDo = fyne.Do

// state outlives the view (language switches rebuild it).
type state struct {
	ctx     *app.Context
	sampler *tcpstate.Sampler

	mu      sync.Mutex
	states  *statesView // the view on screen, if any
	paused  bool
	quit    chan struct{}
	watched chan struct{} // closed when watch returns (nil: never started)

	race raceState
}

// getState makes the page's state once; app.KeepRunning stops it on quit.
// The registry of NetLab's connections (tcpstate.Own) records all the
// time; the sampler reads the kernel's table only while the tab is seen.
func getState(ctx *app.Context) *state {
	return app.KeepRunning(ctx, "lab.state", func() *state {
		s := &state{ctx: ctx, sampler: tcpstate.NewSampler(tcpstate.Options{Interval: 30 * time.Millisecond}), quit: make(chan struct{})}
		s.sampler.SetAll(ctx.Prefs().BoolWithFallback("lab.allsockets", false))
		if tcpstate.Available() {
			s.watched = make(chan struct{})
			go func() {
				defer close(s.watched)
				s.watch()
			}()
		}
		return s
	}, (*state).close)
}

// close runs once, on quit.
func (s *state) close() {
	close(s.quit)
	if s.watched != nil {
		<-s.watched // it selects on quit everywhere it waits
	}
	s.sampler.Stop()
	s.race.stop()
}

// visible reports whether o is on screen (in the window's visible tree).
// Call it on the UI goroutine.
func visible(o fyne.CanvasObject) bool {
	if o == nil || !o.Visible() {
		return false
	}
	d := fyne.CurrentApp().Driver()
	if d.CanvasForObject(o) == nil {
		return false
	}
	p := d.AbsolutePositionForObject(o)
	return p.X != 0 || p.Y != 0
}

// watch runs the sampler only while the states tab is on screen, and
// refreshes the view (at most 20 times a second) when something changed,
// and every second.
func (s *state) watch() {
	check := time.NewTicker(250 * time.Millisecond)
	defer check.Stop()
	draw := time.NewTicker(50 * time.Millisecond)
	defer draw.Stop()
	var shown bool
	var drawn uint64 = ^uint64(0)
	var drawnAt time.Time
	for {
		select {
		case <-s.quit:
			return
		case <-check.C:
			s.mu.Lock()
			v, paused := s.states, s.paused
			s.mu.Unlock()
			var vis bool
			if v != nil {
				done := make(chan bool, 1)
				uiDo(func() { done <- visible(v.root) })
				select {
				case vis = <-done:
				case <-s.quit:
					return
				}
			}
			want := vis && !paused
			if want && !s.sampler.Running() {
				s.sampler.Start()
			} else if !want && s.sampler.Running() {
				s.sampler.Stop()
			}
			if vis != shown {
				shown = vis
				drawn = ^uint64(0)
			}
		case <-draw.C:
			if !shown {
				continue
			}
			// Redraw on a change, and once a second anyway: the running
			// "for N s so far" and connections expiring from the list.
			if ver := s.sampler.Version(); ver != drawn || time.Since(drawnAt) >= time.Second {
				drawn, drawnAt = ver, time.Now()
				s.mu.Lock()
				v := s.states
				s.mu.Unlock()
				if v != nil {
					conns := s.sampler.Conns()
					err := s.sampler.Err()
					uiDo(func() { v.show(conns, err) })
				}
			}
		}
	}
}

func build(ctx *app.Context) fyne.CanvasObject {
	s := getState(ctx)
	sv := newStatesView(s)
	rv := newRaceView(s)
	s.mu.Lock()
	s.states = sv
	s.mu.Unlock()
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Connection states"), theme.ListIcon(), sv.root),
		container.NewTabItemWithIcon(lang.L("Engine race"), theme.MediaFastForwardIcon(), rv.root),
	)
	idx := ctx.Prefs().IntWithFallback("lab.tab", 0)
	if idx >= 0 && idx < len(tabs.Items) {
		tabs.SelectIndex(idx)
	}
	tabs.OnSelected = func(ti *container.TabItem) {
		ctx.Prefs().SetInt("lab.tab", tabs.SelectedIndex())
	}
	return tabs
}

// modelName is a model's name in the user's language.
func modelName(m string) string {
	switch m {
	case servermodels.Blocking:
		return lang.L("Blocking")
	case servermodels.Polling:
		return lang.L("Polling")
	case servermodels.Thread:
		return lang.L("Threads")
	case servermodels.Process:
		return lang.L("Processes")
	case servermodels.Goroutine:
		return lang.L("Goroutines")
	case servermodels.Epoll:
		return lang.L("epoll")
	}
	return m
}

// modelExplanation is the one-line lesson of each model.
func modelExplanation(m string) string {
	switch m {
	case servermodels.Blocking:
		return lang.L("One client at a time: the others wait in the accept queue, a silent client blocks everyone, and every request pays for a new handshake and close.")
	case servermodels.Polling:
		return lang.L("One loop asks every non-blocking socket in turn: it keeps a CPU core busy and each client waits for its turn.")
	case servermodels.Thread:
		return lang.L("One OS thread per connection: a blocked read holds its thread, and every thread costs a stack and a place in the scheduler.")
	case servermodels.Process:
		return lang.L("One process per connection: the accepted socket is handed to a new NetLab process; safe isolation, but each process costs megabytes and a start-up.")
	case servermodels.Goroutine:
		return lang.L("One goroutine (coroutine) per connection: simple code; each connection costs a small stack, and Go waits for the sockets with epoll underneath.")
	case servermodels.Epoll:
		return lang.L("Event notification: the kernel says which sockets are ready, so one loop in one thread serves every client without asking in turn.")
	}
	return ""
}
