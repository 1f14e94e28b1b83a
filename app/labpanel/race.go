package labpanel

import (
	"context"
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

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/loadgen"
	"github.com/netlab-classroom/netlab/netengine/servermodels"
	"github.com/netlab-classroom/netlab/widgets/chart"
)

// Race defaults: four models × 8 s finish in well under a minute.
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
	return []string{lang.L("Requests/s"), lang.L("p50 latency (ms)"), lang.L("p99 latency (ms)"), lang.L("CPU %"), lang.L("Memory (MiB)")}
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
		widget.NewLabel(lang.L("Connections")), sized(v.conns, 70),
		widget.NewLabel(lang.L("Idle connections")), sized(v.idle, 80),
		widget.NewLabel(lang.L("Seconds per model")), sized(v.seconds, 60))
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
	v.status = widget.NewLabel("")
	v.status.Truncation = fyne.TextTruncateEllipsis
	chartBox := container.NewBorder(container.NewBorder(nil, nil, widget.NewLabel(lang.L("Chart")), nil, container.NewBorder(nil, nil, v.metric, nil, v.status)), nil, nil, nil, v.chart)

	v.table = container.NewGridWithColumns(7)
	v.lessons = container.NewVBox()
	results := container.NewVBox(v.table, widget.NewSeparator(), v.lessons)
	split := container.NewVSplit(chartBox, container.NewVScroll(results))
	split.Offset = 0.55
	v.root = container.NewBorder(top, nil, nil, nil, split)

	s.race.mu.Lock()
	s.race.view = v
	s.race.mu.Unlock()
	v.refreshAll()
	return v
}

// sized gives an entry a fixed minimum width inside an HBox.
func sized(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}

// parseInputs checks the two fields; the error names the field.
func (v *raceView) parseInputs() (conns, idle int, d time.Duration, err error) {
	conns, err = strconv.Atoi(strings.TrimSpace(v.conns.Text))
	if err != nil || conns < 1 || conns > loadgen.MaxConns {
		return 0, 0, 0, fmt.Errorf("%s", lang.L("Connections must be a whole number from 1 to {{.Max}}.", map[string]any{"Max": loadgen.MaxConns}))
	}
	idle, err = strconv.Atoi(strings.TrimSpace(v.idle.Text))
	if err != nil || idle < 0 || idle > maxIdle {
		return 0, 0, 0, fmt.Errorf("%s", lang.L("Idle connections must be a whole number from 0 to {{.Max}}.", map[string]any{"Max": maxIdle}))
	}
	sec, err := strconv.ParseFloat(strings.TrimSpace(v.seconds.Text), 64)
	if err != nil || sec < 0.1 || sec > maxSeconds {
		return 0, 0, 0, fmt.Errorf("%s", lang.L("Seconds per model must be a number from 0.1 to {{.Max}}.", map[string]any{"Max": maxSeconds}))
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
	if err != nil {
		v.errText.SetText(err.Error())
		v.errText.Show()
		v.s.ctx.Status.Error(err.Error())
		return
	}
	v.errText.Hide()
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
		v.status.SetText(lang.L("Running: {{.Model}} ({{.N}} of {{.Total}})", map[string]any{"Model": modelName(current), "N": len(results) + 1, "Total": len(servermodels.All())}))
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

// verdict names the fastest model.
func verdict(results []servermodels.RaceResult) string {
	best := -1
	for i, r := range results {
		if r.Err == nil && (best < 0 || r.Load.ReqPerSec > results[best].Load.ReqPerSec) {
			best = i
		}
	}
	if best < 0 {
		return lang.L("No model could run.")
	}
	return lang.L("Fastest: {{.Model}} with {{.RPS}} requests/s.", map[string]any{"Model": modelName(results[best].Model), "RPS": fmt.Sprintf("%.0f", results[best].Load.ReqPerSec)})
}

func metricValue(m int, s servermodels.Sample) (float64, bool) {
	switch m {
	case metricRPS:
		return s.ReqPerSec, true
	case metricP50:
		return float64(s.P50) / 1e6, s.ReqPerSec > 0
	case metricP99:
		return float64(s.P99) / 1e6, s.ReqPerSec > 0
	case metricCPU:
		return s.CPU, s.CPU >= 0
	}
	return float64(s.Mem) / (1 << 20), true
}

func (v *raceView) redrawChart() {
	if v.chart == nil {
		return
	}
	r := &v.s.race
	r.mu.Lock()
	var series []chart.Series
	for i, m := range r.order {
		s := chart.Series{Name: modelName(m), Color: chart.Palette[i%len(chart.Palette)]}
		for _, smp := range r.samples[m] {
			if y, ok := metricValue(v.metricIdx, smp); ok {
				s.Points = append(s.Points, chart.Point{X: smp.Elapsed.Seconds(), Y: y})
			}
		}
		series = append(series, s)
	}
	r.mu.Unlock()
	v.chart.SetSeries(series)
}

// tableHeader and the cells of the results table.
func (v *raceView) fillTable(results []servermodels.RaceResult) {
	head := []string{lang.L("Model"), lang.L("Requests/s"), lang.L("p50"), lang.L("p99"), lang.L("Errors"), lang.L("CPU %"), lang.L("Peak memory")}
	var cells []fyne.CanvasObject
	for _, h := range head {
		cells = append(cells, widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	v.lessons.Objects = nil
	for _, res := range results {
		row := []string{modelName(res.Model), "—", "—", "—", "—", "—", "—"}
		if res.Err == nil {
			row[1] = fmt.Sprintf("%.0f", res.Load.ReqPerSec)
			if res.Load.Requests > 0 {
				row[2] = loadgen.FormatDuration(res.Load.Latency.P50)
				row[3] = loadgen.FormatDuration(res.Load.Latency.P99)
			}
			row[4] = strconv.FormatInt(res.Load.Errors, 10)
			if res.CPU >= 0 {
				row[5] = fmt.Sprintf("%.0f", res.CPU)
			}
			row[6] = app.FormatBytes(int64(res.PeakMem))
		}
		for i, t := range row {
			l := widget.NewLabel(t)
			l.Truncation = fyne.TextTruncateEllipsis
			if i > 0 {
				l.TextStyle.Monospace = true
			}
			cells = append(cells, l)
		}
		text := modelName(res.Model) + ": " + modelExplanation(res.Model)
		if res.Err != nil {
			text = modelName(res.Model) + ": " + lang.L("could not run: {{.Err}}", map[string]any{"Err": res.Err.Error()})
		} else if res.Load.Errors > 0 {
			text += " " + lang.L("({{.N}} requests failed or were still waiting at the end.)", map[string]any{"N": res.Load.Errors})
		}
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		v.lessons.Objects = append(v.lessons.Objects, l)
	}
	if len(results) == 0 {
		for _, m := range servermodels.All() {
			l := widget.NewLabel(modelName(m.Name) + ": " + modelExplanation(m.Name))
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.LowImportance
			v.lessons.Objects = append(v.lessons.Objects, l)
		}
	}
	v.table.Objects = cells
	v.table.Refresh()
	v.lessons.Refresh()
}
