package labpanel

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/loadgen"
	"github.com/netlab-classroom/netlab/netengine/servermodels"
	"github.com/netlab-classroom/netlab/widgets/chart"
)

// The race's results: the table, its legend and one lesson per model.

const tableColumns = 7

// verdict names the fastest model.
func verdict(results []servermodels.RaceResult) string {
	best := -1
	for i, r := range results {
		if r.Err == nil && r.Stall == "" && (best < 0 || r.Load.ReqPerSec > results[best].Load.ReqPerSec) {
			best = i
		}
	}
	if best < 0 || results[best].Load.Requests == 0 {
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
	return float64(s.RSS) / (1 << 20), s.RSS > 0
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

// fillTable writes one row per model and one lesson per model: what the
// model is, its threads or processes, and, when it stalled or could not
// run, one plain sentence saying so instead of "0 requests/s".
func (v *raceView) fillTable(results []servermodels.RaceResult) {
	head := []string{lang.L("Model"), lang.L("Requests/s"), lang.L("p99"), lang.L("Errors"), lang.L("CPU (% of one core)"), lang.L("Memory per connection"), lang.L("Peak memory")}
	var cells []fyne.CanvasObject
	for _, h := range head {
		l := widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		cells = append(cells, l)
	}
	v.lessons.Objects = nil
	for _, res := range results {
		row := []string{modelName(res.Model), "—", "—", "—", "—", "—", "—"}
		if res.Err == nil {
			row[1] = fmt.Sprintf("%.0f", res.Load.ReqPerSec)
			if res.Stall != "" {
				row[1] = lang.L("stalled")
			}
			if res.Load.Requests > 0 {
				row[2] = loadgen.FormatDuration(res.Load.Latency.P99)
			}
			row[3] = strconv.FormatInt(res.Load.Errors, 10)
			if res.CPU >= 0 {
				row[4] = fmt.Sprintf("%.0f", res.CPU)
			}
			if res.RSSPerConn > 0 {
				row[5] = app.FormatBytes(int64(res.RSSPerConn))
			}
			row[6] = app.FormatBytes(int64(res.PeakRSS))
		}
		for i, t := range row {
			l := widget.NewLabel(t)
			l.Truncation = fyne.TextTruncateEllipsis
			if i > 0 {
				l.TextStyle.Monospace = true
			}
			if res.Stall != "" || res.Err != nil {
				l.Importance = widget.WarningImportance
			}
			cells = append(cells, l)
		}
		l := widget.NewLabel(lesson(res))
		l.Wrapping = fyne.TextWrapWord
		if res.Stall != "" || res.Err != nil {
			l.Importance = widget.WarningImportance
		}
		v.lessons.Objects = append(v.lessons.Objects, l)
	}
	if len(results) == 0 {
		for _, m := range servermodels.All() {
			text := modelName(m.Name) + ": " + modelExplanation(m.Name)
			if !m.Available {
				text += " " + notOffered(m.Name)
			}
			l := widget.NewLabel(text)
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.LowImportance
			v.lessons.Objects = append(v.lessons.Objects, l)
		}
	}
	v.table.Objects = cells
	v.table.Refresh()
	v.lessons.Refresh()
}

// lesson is a model's line under the table.
func lesson(res servermodels.RaceResult) string {
	text := modelName(res.Model) + ": " + modelExplanation(res.Model)
	if res.Err != nil && res.Load.Requests == 0 {
		if n := notOffered(res.Model); n != "" && errorsIsUnavailable(res.Err) {
			return text + " " + n
		}
		return modelName(res.Model) + ": " + lang.L("could not run: {{.Err}}", map[string]any{"Err": res.Err.Error()})
	}
	switch res.Model {
	case servermodels.Thread:
		if res.PeakThreads > 0 {
			text += " " + lang.L("NetLab had up to {{.N}} OS threads during the run.", map[string]any{"N": res.PeakThreads})
		}
	case servermodels.Process:
		text += " " + lang.L("Up to {{.N}} worker processes ran at once (at most {{.Max}}).", map[string]any{"N": res.PeakProcs, "Max": servermodels.MaxProcesses})
	}
	if note := stallSentence(res); note != "" {
		return text + " " + note
	}
	if res.Load.Errors > 0 {
		text += " " + lang.L("({{.N}} requests failed or were still waiting at the end.)", map[string]any{"N": res.Load.Errors})
	}
	return text
}

// stallSentence says in one plain sentence why a model stalled ("" if it
// did not); servermodels' Note says the same in English for the CLI.
func stallSentence(res servermodels.RaceResult) string {
	m := map[string]any{"Idle": res.Idle, "Max": servermodels.MaxProcesses, "N": res.Load.Requests,
		"T": res.Load.Duration.Round(100 * time.Millisecond).String(), "Errors": res.Load.Errors}
	switch res.Stall {
	case servermodels.StallBlocking:
		return lang.L("Stalled: the blocking server waited on {{.Idle}} silent clients one at a time (up to 2 s each), so the other clients queued; {{.N}} requests were answered in {{.T}}.", m)
	case servermodels.StallProcesses:
		return lang.L("Stalled: {{.Idle}} silent clients held all {{.Max}} worker processes, so the other clients waited to be accepted; {{.N}} requests were answered in {{.T}}.", m)
	case servermodels.StallOther:
		return lang.L("Stalled: {{.N}} requests were answered in {{.T}}, and {{.Errors}} attempts failed.", m)
	}
	return ""
}

// notOffered says why a model does not run on this system.
func notOffered(model string) string {
	switch model {
	case servermodels.Process:
		return lang.L("Not offered on Windows: NetLab hands each accepted socket to a new process with fork/exec, which Windows does not have.")
	case servermodels.Polling, servermodels.Epoll:
		return lang.L("Not offered on this system (Linux only).")
	}
	return ""
}

func errorsIsUnavailable(err error) bool { return errors.Is(err, servermodels.ErrUnavailable) }
