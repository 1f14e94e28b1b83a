package labpanel

import (
	"context"
	"encoding/json"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/servermodels"
	"github.com/netlab-classroom/netlab/netengine/tcpstate"
)

func TestTranslationsComplete(t *testing.T) {
	keys := map[string]bool{"Classroom lab": true,
		"Watch the TCP states of NetLab's connections, and race the server models against each other.": true}
	re := regexp.MustCompile(`lang\.L\(("(?:[^"\\]|\\.)*")`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			s, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatal(err)
			}
			keys[s] = true
		}
	}
	for _, l := range []string{"en", "zh_Hans"} {
		var m map[string]string
		b, err := os.ReadFile("i18n/" + l + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for k := range keys {
			if m[k] == "" {
				t.Errorf("%s: missing %q", l, k)
			}
		}
		for k := range m {
			if !keys[k] {
				t.Errorf("%s: unused key %q", l, k)
			}
		}
		if l == "zh_Hans" {
			for k, v := range m {
				if strings.Count(k, "{{") != strings.Count(v, "{{") {
					t.Errorf("placeholders differ: %q / %q", k, v)
				}
			}
		}
	}
	// The merged tables accept our keys (no clash with another package).
	if app.TranslationTable("zh_Hans")["Connection states"] != "连接状态" {
		t.Error("labpanel translations not registered")
	}
}

// uiQueue collects the work the panel hands to the UI goroutine; the test
// runs it on its own goroutine, as the real app's main loop would.
type uiQueue struct {
	mu sync.Mutex
	fs []func()
}

func (q *uiQueue) do(f func()) {
	q.mu.Lock()
	q.fs = append(q.fs, f)
	q.mu.Unlock()
}

func (q *uiQueue) drain() {
	q.mu.Lock()
	fs := q.fs
	q.fs = nil
	q.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

var ui = &uiQueue{}

func init() { uiDo = ui.do }

func newPage(t *testing.T) (*app.Context, fyne.Window, *container.AppTabs) {
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	ctx := app.NewContext(a, w, runtime.GOOS)
	tabs := build(ctx).(*container.AppTabs)
	w.SetContent(tabs)
	w.Resize(fyne.NewSize(1024, 700))
	t.Cleanup(ctx.Close) // runs the stop KeepRunning registered, once
	return ctx, w, tabs
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for ui.drain(); !cond(); ui.drain() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRaceFillsTable(t *testing.T) {
	ctx, _, tabs := newPage(t)
	tabs.SelectIndex(1)
	s := getState(ctx)
	v := s.race.currentView()
	v.conns.SetText("3")
	v.idle.SetText("0")
	v.seconds.SetText("0.3")
	test.Tap(v.start)
	waitFor(t, "the race to start", func() bool {
		s.race.mu.Lock()
		defer s.race.mu.Unlock()
		return s.race.running || len(s.race.results) > 0
	})
	waitFor(t, "the race to finish", func() bool { s.race.mu.Lock(); defer s.race.mu.Unlock(); return !s.race.running })

	all := servermodels.All()
	s.race.mu.Lock()
	results := s.race.results
	s.race.mu.Unlock()
	if len(results) != len(all) {
		t.Fatalf("%d results for %d models", len(results), len(all))
	}
	var cells []string
	ui.drain()
	for _, o := range v.table.Objects {
		cells = append(cells, o.(*widget.Label).Text)
	}
	if len(cells) != tableColumns*(len(all)+1) || cells[0] != "Model" || len(all) != 6 {
		t.Fatalf("table cells %v", cells)
	}
	for i, m := range all {
		row := cells[tableColumns*(i+1) : tableColumns*(i+2)]
		if row[0] != modelName(m.Name) {
			t.Errorf("row %d: %v", i, row)
		}
		if m.Available {
			if rps, err := strconv.ParseFloat(row[1], 64); err != nil || rps <= 0 {
				t.Errorf("%s: requests/s %q", m.Name, row[1])
			}
			if results[i].Served != results[i].Load.Requests {
				t.Errorf("%s: server %d vs load %d", m.Name, results[i].Served, results[i].Load.Requests)
			}
			if row[4] == "—" && runtime.GOOS != "windows" || row[6] == "—" {
				t.Errorf("%s: no CPU or memory figure: %v", m.Name, row)
			}
		} else if row[1] != "—" {
			t.Errorf("%s unavailable but row %v", m.Name, row)
		}
	}
	if len(v.lessons.Objects) != len(all) || !strings.Contains(v.status.Text, "Fastest") {
		t.Errorf("lessons %d, status %q", len(v.lessons.Objects), v.status.Text)
	}
	if n := len(v.chart.Series()); n == 0 {
		t.Error("chart empty")
	}
	// Switching the metric redraws the chart from the kept samples.
	v.metric.SetSelectedIndex(metricMem)
	if v.chart.YLabel != "Resident memory (MiB)" || len(v.chart.Series()[0].Points) == 0 {
		t.Errorf("memory chart: %q %+v", v.chart.YLabel, v.chart.Series())
	}
	if ctx.Prefs().String("lab.race.seconds") != "0.3" {
		t.Error("inputs not remembered")
	}
}

// With silent clients the blocking model stalls: the table says "stalled"
// and the lesson says why in a sentence, instead of "0 requests/s".
func TestRaceStallSentence(t *testing.T) {
	test.NewTempApp(t)
	res := servermodels.Race(context.Background(), servermodels.RaceConfig{Models: []string{servermodels.Blocking}, Conns: 2, Idle: 2, Duration: 200 * time.Millisecond})
	if len(res) != 1 || res[0].Stall != servermodels.StallBlocking {
		t.Fatalf("%+v", res)
	}
	l := lesson(res[0])
	if !strings.Contains(l, "Stalled: the blocking server waited on 2 silent clients") || strings.Contains(l, "{{") {
		t.Errorf("lesson %q", l)
	}
	if !strings.Contains(verdict(res), "No model") {
		t.Errorf("a stalled model declared fastest: %q", verdict(res))
	}
	if notOffered(servermodels.Process) == "" || !strings.Contains(lesson(servermodels.RaceResult{Model: servermodels.Process, Err: servermodels.ErrUnavailable}), "Not offered on Windows") {
		t.Error("process model on Windows not explained")
	}
}

func TestRaceRejectsBadInput(t *testing.T) {
	ctx, _, _ := newPage(t)
	v := getState(ctx).race.currentView()
	for _, in := range [][3]string{{"0", "1", "0"}, {"x", "1", "0"}, {"5000", "1", "0"}, {"5", "0", "0"}, {"5", "999", "0"}, {"5", "abc", "0"}, {"5", "1", "-1"}, {"5", "1", "x"}, {"5", "1", "99999"}} {
		v.conns.SetText(in[0])
		v.seconds.SetText(in[1])
		v.idle.SetText(in[2])
		test.Tap(v.start)
		if !v.errText.Visible() || v.errText.Text == "" {
			t.Errorf("%v accepted", in)
		}
		if getState(ctx).race.running {
			t.Fatalf("%v started a race", in)
		}
	}
}

func TestStatesTabSamplesOnlyWhenVisible(t *testing.T) {
	if !tcpstate.Available() {
		t.Skip("no TCP states here")
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, _, tabs := newPage(t)
	s := getState(ctx)
	tabs.SelectIndex(0)
	waitFor(t, "the sampler to start", s.sampler.Running)
	want := netip.MustParseAddrPort(ln.Addr().String())
	waitFor(t, "the listener in the list", func() bool {
		for _, c := range s.states.conns {
			if c.Key.Local == want && c.State() == tcpstate.Listen {
				return true
			}
		}
		return false
	})
	// Select it: the timeline shows LISTEN with its explanation.
	for i, c := range s.states.conns {
		if c.Key.Local == want {
			s.states.list.Select(i)
		}
	}
	if !strings.HasPrefix(s.states.explain.Text, "LISTEN") || len(s.states.detail.Objects) < 2 {
		t.Errorf("detail %q %d", s.states.explain.Text, len(s.states.detail.Objects))
	}
	tabs.SelectIndex(1)
	waitFor(t, "the sampler to stop when hidden", func() bool { return !s.sampler.Running() })
	tabs.SelectIndex(0)
	waitFor(t, "the sampler to restart", s.sampler.Running)
	test.Tap(s.states.pause)
	waitFor(t, "pause to stop sampling", func() bool { return !s.sampler.Running() })
}

func TestTimelineRows(t *testing.T) {
	t0 := time.Unix(100, 0)
	c := tcpstate.Conn{Timeline: []tcpstate.Change{{At: t0, State: tcpstate.Established}, {At: t0.Add(20 * time.Millisecond), State: tcpstate.FinWait2}, {At: t0.Add(50 * time.Millisecond), State: tcpstate.TimeWait}}}
	test.NewTempApp(t)
	rows := timelineRows(c, t0.Add(3*time.Second))
	if len(rows) != 4 { // three steps and a spacer
		t.Fatalf("%d rows", len(rows))
	}
	var texts []string
	for _, r := range rows[:3] {
		box := r.(*fyne.Container) // Border: meta in the centre, name and bar on the left
		left := box.Objects[1].(*fyne.Container)
		texts = append(texts, left.Objects[0].(*widget.Label).Text+" "+box.Objects[0].(*widget.Label).Text)
	}
	want := []string{"ESTABLISHED at +0 ms  lasted 20 ms", "FIN_WAIT2 at +20 ms  lasted 30 ms", "TIME_WAIT at +50 ms  for 3.0 s so far"}
	for i := range want {
		if texts[i] != want[i] {
			t.Errorf("row %d: %q, want %q", i, texts[i], want[i])
		}
	}
	if barWidth(time.Microsecond) != 8 || barWidth(time.Hour) != 240 || barWidth(10*time.Millisecond) <= barWidth(time.Millisecond) {
		t.Error("bar widths")
	}
}
