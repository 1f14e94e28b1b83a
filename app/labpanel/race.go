package labpanel

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/loadgen"
	"github.com/netlab-classroom/netlab/netengine/servermodels"
	"github.com/netlab-classroom/netlab/widgets/chart"
	"github.com/netlab-classroom/netlab/widgets/sized"
)

// Race defaults: six models × 8 s finish in about a minute.
const (
	defaultConns   = 50
	defaultIdle    = 1000
	maxIdle        = 5000
	defaultSeconds = 8.0
	maxSeconds     = 60.0
)

// metrics the chart can show.
const (
	metricRPS = iota
	metricP50
	metricP99
	metricCPU
	metricMem
)

// raceState is the race's data; it survives view rebuilds.
type raceState struct {
	mu      sync.Mutex
	running bool
	cancel  context.CancelFunc
	current string
	samples map[string][]servermodels.Sample
	order   []string
	results []servermodels.RaceResult
	view    *raceView
	done    chan struct{}
}

func (r *raceState) stop() {
	r.mu.Lock()
	c, done := r.cancel, r.done
	r.mu.Unlock()
	if c != nil {
		c()
		<-done
	}
}

type raceView struct {
	s       *state
	root    fyne.CanvasObject
	conns   *widget.Entry
	idle    *widget.Entry
	seconds *widget.Entry
	errText *widget.Label
	start   *widget.Button
	metric  *widget.Select
	chart   *chart.Chart
	status  *widget.Label
	table   *fyne.Container
	lessons *fyne.Container

	metricIdx int
}

func metricNames() []string {
	return []string{lang.L("Requests/s"), lang.L("p50 latency (ms)"), lang.L("p99 latency (ms)"), lang.L("CPU (% of one core)"), lang.L("Resident memory (MiB)")}
}

func newRaceView(s *state) *raceView {
	v := &raceView{s: s}
	p := s.ctx.Prefs()
	v.conns = widget.NewEntry()
	v.conns.SetText(p.StringWithFallback("lab.race.conns", strconv.Itoa(defaultConns)))
	v.idle = widget.NewEntry()
	v.idle.SetText(p.StringWithFallback("lab.race.idle", strconv.Itoa(defaultIdle)))
	v.seconds = widget.NewEntry()
	v.seconds.SetText(p.StringWithFallback("lab.race.seconds", strconv.FormatFloat(defaultSeconds, 'f', -1, 64)))
	v.errText = widget.NewLabel("")
	v.errText.Importance = widget.DangerImportance
	v.errText.Hide()
	v.start = widget.NewButton("", v.toggle)
	v.start.Importance = widget.HighImportance
	form := container.NewHBox(
		widget.NewLabel(lang.L("Connections")), sized.Width(v.conns, 70),
		widget.NewLabel(lang.L("Idle connections")), sized.Width(v.idle, 80),
		widget.NewLabel(lang.L("Seconds per model")), sized.Width(v.seconds, 60))
	top := container.NewVBox(container.NewBorder(nil, nil, form, v.start), v.errText)

	names := metricNames()
	v.chart = chart.New(lang.L("seconds"), names[0])
	v.chart.MinXRange = defaultSeconds
	v.chart.XFromZero = true
	v.metric = widget.NewSelect(names, func(sel string) {
		for i, n := range metricNames() {
			if n == sel {
				v.metricIdx = i
			}
		}
		v.chart.YLabel = sel
		v.redrawChart()
	})
	v.metric.SetSelectedIndex(0)
	// The status line wraps on a row of its own, above the chart's
	// controls, so it is never cut off in either language.
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	top.Add(v.status)
	chartBox := container.NewBorder(container.NewHBox(widget.NewLabel(lang.L("Chart")), v.metric), nil, nil, nil, v.chart)

	v.table = container.NewGridWithColumns(tableColumns)
	v.lessons = container.NewVBox()
	legend := widget.NewLabel(lang.L("CPU: % of one core for NetLab as a whole (100 = one core fully busy; the load generator is included, the same for every model). Memory: resident memory of NetLab and its worker processes; per connection: its growth during the run divided by the connections held."))
	legend.Wrapping = fyne.TextWrapWord
	legend.Importance = widget.LowImportance
	results := container.NewVBox(v.table, legend, widget.NewSeparator(), v.lessons)
	split := container.NewVSplit(chartBox, container.NewVScroll(results))
	split.Offset = 0.45
	v.root = container.NewBorder(top, nil, nil, nil, split)

	s.race.mu.Lock()
	s.race.view = v
	s.race.mu.Unlock()
	v.refreshAll()
	return v
}

// inputError is a field out of range; the view translates it (Message).
type inputError struct {
	Field string // "conns", "idle" or "seconds"
	Max   any
}

func (e inputError) Error() string {
	return fmt.Sprintf("labpanel: %s out of range (max %v)", e.Field, e.Max)
}

// Message is the error in the user's language.
func (e inputError) Message() string {
	m := map[string]any{"Max": e.Max}
	switch e.Field {
	case "conns":
		return lang.L("Connections must be a whole number from 1 to {{.Max}}.", m)
	case "idle":
		return lang.L("Idle connections must be a whole number from 0 to {{.Max}}.", m)
	}
	return lang.L("Seconds per model must be a number from 0.1 to {{.Max}}.", m)
}

// parseInputs checks the three fields; the error names the field.
func (v *raceView) parseInputs() (conns, idle int, d time.Duration, err error) {
	conns, err = strconv.Atoi(strings.TrimSpace(v.conns.Text))
	if err != nil || conns < 1 || conns > loadgen.MaxConns {
		return 0, 0, 0, inputError{"conns", loadgen.MaxConns}
	}
	idle, err = strconv.Atoi(strings.TrimSpace(v.idle.Text))
	if err != nil || idle < 0 || idle > maxIdle {
		return 0, 0, 0, inputError{"idle", maxIdle}
	}
	sec, err := strconv.ParseFloat(strings.TrimSpace(v.seconds.Text), 64)
	if err != nil || sec < 0.1 || sec > maxSeconds {
		return 0, 0, 0, inputError{"seconds", maxSeconds}
	}
	return conns, idle, time.Duration(sec * float64(time.Second)), nil
}

func (v *raceView) toggle() {
	r := &v.s.race
	r.mu.Lock()
	running := r.running
	r.mu.Unlock()
	if running {
		go r.stop()
		return
	}
	n, idle, d, err := v.parseInputs()
	var ie inputError
	if errors.As(err, &ie) {
		v.errText.SetText(ie.Message())
		v.errText.Show()
		v.s.ctx.Status.Error(ie.Message())
		return
	}
	v.errText.Hide()
	v.s.ctx.Status.Clear()
	p := v.s.ctx.Prefs()
	p.SetString("lab.race.conns", strings.TrimSpace(v.conns.Text))
	p.SetString("lab.race.seconds", strings.TrimSpace(v.seconds.Text))
	p.SetString("lab.race.idle", strings.TrimSpace(v.idle.Text))
	v.startRace(n, idle, d)
}

// startRace runs every model in turn with the same load, in the background.
func (v *raceView) startRace(conns, idle int, d time.Duration) {
	r := &v.s.race
	ctx, cancel := context.WithCancel(context.Background())
	var names []string
	for _, m := range servermodels.All() {
		names = append(names, m.Name)
	}
	r.mu.Lock()
	r.running, r.cancel, r.done = true, cancel, make(chan struct{})
	r.samples = map[string][]servermodels.Sample{}
	r.order = nil
	r.results = nil
	r.current = ""
	done := r.done
	r.mu.Unlock()
	uiDo(func() {
		if cv := r.currentView(); cv != nil {
			cv.chart.MinXRange = d.Seconds()
			cv.refreshAll()
		}
	})

	// Samples arrive 4 times a second; the view is redrawn inside fyne.Do.
	redraw := func() {
		uiDo(func() {
			if cv := r.currentView(); cv != nil {
				cv.refreshAll()
			}
		})
	}
	go func() {
		defer close(done)
		defer cancel()
		servermodels.Race(ctx, servermodels.RaceConfig{
			Models: names, Conns: conns, Duration: d, Idle: idle,
			OnStart: func(m string) {
				r.mu.Lock()
				r.current = m
				r.order = append(r.order, m)
				r.mu.Unlock()
				redraw()
			},
			OnSample: func(smp servermodels.Sample) {
				r.mu.Lock()
				r.samples[smp.Model] = append(r.samples[smp.Model], smp)
				r.mu.Unlock()
				redraw()
			},
			OnResult: func(res servermodels.RaceResult) {
				r.mu.Lock()
				r.results = append(r.results, res)
				r.mu.Unlock()
				redraw()
			},
		})
		r.mu.Lock()
		r.running, r.cancel, r.current = false, nil, ""
		r.mu.Unlock()
		redraw()
		v.s.ctx.Status.Info(lang.L("Engine race finished."))
	}()
}

func (r *raceState) currentView() *raceView {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.view
}

// refreshAll redraws the button, status line, chart and table (UI goroutine).
func (v *raceView) refreshAll() {
	r := &v.s.race
	r.mu.Lock()
	running, current := r.running, r.current
	results := append([]servermodels.RaceResult(nil), r.results...)
	r.mu.Unlock()
	if running {
		v.start.SetText(lang.L("Stop race"))
		v.start.SetIcon(theme.MediaStopIcon())
		v.conns.Disable()
		v.idle.Disable()
		v.seconds.Disable()
	} else {
		v.start.SetText(lang.L("Start race"))
		v.start.SetIcon(theme.MediaPlayIcon())
		v.conns.Enable()
		v.idle.Enable()
		v.seconds.Enable()
	}
	switch {
	case running && current != "":
		v.status.SetText(lang.L("Running: {{.Model}} ({{.N}} of {{.Total}})", map[string]any{"Model": modelName(current), "N": len(results) + 1, "Total": len(servermodels.Names)}))
	case running:
		v.status.SetText(lang.L("Starting…"))
	case len(results) > 0:
		v.status.SetText(verdict(results))
	default:
		v.status.SetText(lang.L("Each model serves the same tiny HTTP page; the built-in load generator keeps the same connections busy on each, in turn, while the idle connections stay open and silent."))
	}
	v.redrawChart()
	v.fillTable(results)
}
