package cli

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/netlab-classroom/netlab/netengine/servermodels"
)

// `netlab race`: the engine race of the lab page (E5) without a window.

var raceCmd Command

func init() {
	raceCmd = Command{
		Name:    "race",
		Summary: "race the server models (blocking, polling, thread, process, goroutine, epoll) under the same load",
		Usage:   "race [--models LIST] [--conns N] [--idle N] [--duration D] [--json]",
		Run:     runRace,
	}
	Register(raceCmd)
	// The process model's worker: started by the race with an accepted
	// socket on fd 3.
	workerCmd = Command{
		Name:    "__worker",
		Summary: "the process model's worker: serves one connection on fd 3 (started by netlab race, not by hand)",
		Usage:   "__worker",
		Run: func(env *Env, args []string) int {
			if _, done, code := env.Parse(env.Flags(workerCmd), args); done {
				return code
			}
			if os.Getenv(servermodels.WorkerEnv) != "1" {
				return env.Fail("__worker", "this mode is started by the process model of `netlab race`, not by hand")
			}
			return servermodels.RunWorker()
		},
	}
	Register(workerCmd)
}

var workerCmd Command

// raceRow is one model in --json output.
type raceRow struct {
	Model          string  `json:"model"`
	ReqPerSec      float64 `json:"requests_per_sec"`
	P99ms          float64 `json:"p99_ms"`
	PeakRSS        uint64  `json:"peak_rss_bytes"`
	RSSPerConn     uint64  `json:"rss_per_conn_bytes"`
	CPUPercentCore float64 `json:"cpu_percent_of_one_core"`
	Errors         int64   `json:"errors"`
	Note           string  `json:"note"`
}

func runRace(env *Env, args []string) int {
	fs := env.Flags(raceCmd)
	list := fs.String("models", strings.Join(servermodels.Names, ","), "comma-separated models to race, in order")
	conns := fs.Int("conns", 50, "client connections sending requests")
	idle := fs.Int("idle", 0, "extra connections that stay silent (like idle browsers)")
	dur := fs.Duration("duration", 5*time.Second, "how long each model runs")
	asJSON := fs.Bool("json", false, `print {"models": [{"model", "requests_per_sec", "p99_ms", ...}]}`)
	pos, done, code := env.Parse(fs, args)
	if done {
		return code
	}
	if len(pos) > 0 {
		return env.UsageError(raceCmd, "unexpected argument %q", pos[0])
	}
	var models []string
	for _, m := range strings.Split(*list, ",") {
		m = strings.TrimSpace(m)
		if m == "" {
			continue
		}
		if !slices.Contains(servermodels.Names, m) {
			return env.UsageError(raceCmd, "unknown model %q (models: %s)", m, strings.Join(servermodels.Names, ", "))
		}
		models = append(models, m)
	}
	switch {
	case len(models) == 0:
		return env.UsageError(raceCmd, "no model given")
	case *conns < 1 || *conns > 10000:
		return env.UsageError(raceCmd, "--conns must be between 1 and 10000")
	case *idle < 0 || *idle > 10000:
		return env.UsageError(raceCmd, "--idle must be between 0 and 10000")
	case *dur < 100*time.Millisecond || *dur > 10*time.Minute:
		return env.UsageError(raceCmd, "--duration must be between 100ms and 10m")
	}
	cfg := servermodels.RaceConfig{Models: models, Conns: *conns, Idle: *idle, Duration: *dur}
	if !*asJSON {
		cfg.OnStart = func(m string) { fmt.Fprintf(env.Stderr, "netlab race: %s…\n", m) }
	}
	results := servermodels.Race(env.Ctx, cfg)
	rows := make([]raceRow, 0, len(results))
	for _, r := range results {
		row := raceRow{Model: r.Model, PeakRSS: r.PeakRSS, RSSPerConn: r.RSSPerConn, CPUPercentCore: -1, Errors: r.Load.Errors, Note: r.Note()}
		if r.Err == nil || r.Load.Requests > 0 {
			row.ReqPerSec = round1(r.Load.ReqPerSec)
			row.P99ms = round1(float64(r.Load.Latency.P99) / 1e6)
		}
		if r.CPU >= 0 {
			row.CPUPercentCore = round1(r.CPU)
		}
		rows = append(rows, row)
	}
	if *asJSON {
		return env.writeJSON(struct {
			Models []raceRow `json:"models"`
		}{rows})
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\treq/s\tp99 ms\tpeak RSS MiB\tRSS/conn KiB\tCPU % of one core\terrors\t")
	for _, r := range rows {
		cpu := "-"
		if r.CPUPercentCore >= 0 {
			cpu = fmt.Sprintf("%.0f", r.CPUPercentCore)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.1f\t%.1f\t%.1f\t%s\t%d\t\n", r.Model, r.ReqPerSec, r.P99ms,
			float64(r.PeakRSS)/(1<<20), float64(r.RSSPerConn)/1024, cpu, r.Errors)
	}
	tw.Flush()
	for _, r := range rows {
		if r.Note != "" {
			fmt.Fprintf(env.Stdout, "%s: %s\n", r.Model, r.Note)
		}
	}
	fmt.Fprintf(env.Stdout, "%d connections sending, %d silent; CPU includes the load generator, which runs in the same process for every model.\n", *conns, *idle)
	return 0
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }
