package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/netlab-classroom/netlab/netengine/loadgen"
)

// loadJSON is the --json object of `netlab load` (keys are part of the CLI
// contract; durations in milliseconds as floats).
type loadJSON struct {
	Target       string             `json:"target"`
	Mode         string             `json:"mode"`
	Conns        int                `json:"conns"`
	DurationSec  float64            `json:"duration_s"`
	Requests     int64              `json:"requests"`
	Errors       int64              `json:"errors"`
	ErrorKinds   map[string]int64   `json:"error_kinds"`
	Status       map[string]int64   `json:"status"`
	Connects     int64              `json:"connects"`
	BytesRead    int64              `json:"bytes_read"`
	BytesWritten int64              `json:"bytes_written"`
	ReqPerSec    float64            `json:"requests_per_sec"`
	ReadPerSec   float64            `json:"bytes_read_per_sec"`
	LatencyMs    map[string]float64 `json:"latency_ms"`
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func init() {
	var c Command
	c = Command{
		Name:    "load",
		Summary: "load-test a local HTTP server (keep-alive GET) or tcp:// echo server, like wrk (loopback only)",
		Usage:   "load URL|tcp://ADDR [--conns N] [--duration D] [--timeout D] [--json]",
		Run: func(env *Env, args []string) int {
			fs := env.Flags(c)
			conns := fs.Int("conns", 10, fmt.Sprintf("connections kept open, 1..%d", loadgen.MaxConns))
			dur := fs.Duration("duration", 10*time.Second, "how long to run, e.g. 10s or 1m")
			timeout := fs.Duration("timeout", 2*time.Second, "time limit of one request")
			asJSON := fs.Bool("json", false, "print one JSON object")
			pos, done, code := env.Parse(fs, args)
			if done {
				return code
			}
			if len(pos) != 1 {
				return env.UsageError(c, "want exactly one target, e.g. http://127.0.0.1:8080/")
			}
			if *conns < 1 || *conns > loadgen.MaxConns {
				return env.UsageError(c, "--conns must be between 1 and %d", loadgen.MaxConns)
			}
			if *dur <= 0 || *dur > loadgen.MaxDuration {
				return env.UsageError(c, "--duration must be between 0 and %v", loadgen.MaxDuration)
			}
			if _, err := loadgen.ParseTarget(pos[0]); err != nil {
				return env.Fail(c.Name, "%v", err)
			}
			if !*asJSON {
				fmt.Fprintf(env.Stderr, "Running %v test @ %s with %d connections\n", *dur, pos[0], *conns)
			}
			res, err := loadgen.Run(env.Ctx, loadgen.Config{Target: pos[0], Conns: *conns, Duration: *dur, Timeout: *timeout})
			if err != nil {
				return env.Fail(c.Name, "%v", err)
			}
			if *asJSON {
				writeLoadJSON(env, res)
			} else {
				writeLoadText(env, res)
			}
			if res.Requests == 0 {
				return env.Fail(c.Name, "no request succeeded (%s)", errorSummary(res.ErrorKinds))
			}
			return 0
		},
	}
	Register(c)
}

func errorSummary(kinds map[string]int64) string {
	if len(kinds) == 0 {
		return "no errors"
	}
	keys := make([]string, 0, len(kinds))
	for k := range kinds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, kinds[k])
	}
	return strings.Join(parts, ", ")
}

func writeLoadText(env *Env, r loadgen.Result) {
	w := env.Stdout
	l := r.Latency
	fd := loadgen.FormatDuration
	fmt.Fprintf(w, "Target        %s (%s), %d connections, %.2fs\n", r.Target, r.Mode, r.Conns, r.Duration.Seconds())
	fmt.Fprintf(w, "Latency       min %s  mean %s  max %s\n", fd(l.Min), fd(l.Mean), fd(l.Max))
	fmt.Fprintf(w, "Percentiles   50%% %s  90%% %s  99%% %s  99.9%% %s\n", fd(l.P50), fd(l.P90), fd(l.P99), fd(l.P999))
	fmt.Fprintf(w, "Requests      %d in %.2fs, %s read, %d connections opened\n", r.Requests, r.Duration.Seconds(), formatSize(r.BytesRead), r.Connects)
	if r.Errors > 0 {
		fmt.Fprintf(w, "Errors        %d (%s)\n", r.Errors, errorSummary(r.ErrorKinds))
	}
	fmt.Fprintf(w, "Requests/sec: %.2f\n", r.ReqPerSec)
	fmt.Fprintf(w, "Transfer/sec: %s\n", formatSize(int64(r.ReadPerSec)))
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2fGiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2fMiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.2fKiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%dB", n)
}

func writeLoadJSON(env *Env, r loadgen.Result) {
	j := loadJSON{
		Target: r.Target, Mode: r.Mode, Conns: r.Conns, DurationSec: r.Duration.Seconds(),
		Requests: r.Requests, Errors: r.Errors, ErrorKinds: map[string]int64{}, Status: map[string]int64{},
		Connects: r.Connects, BytesRead: r.BytesRead, BytesWritten: r.BytesWritten,
		ReqPerSec: r.ReqPerSec, ReadPerSec: r.ReadPerSec,
		LatencyMs: map[string]float64{
			"min": ms(r.Latency.Min), "mean": ms(r.Latency.Mean), "p50": ms(r.Latency.P50), "p90": ms(r.Latency.P90),
			"p99": ms(r.Latency.P99), "p99.9": ms(r.Latency.P999), "max": ms(r.Latency.Max),
		},
	}
	for k, v := range r.ErrorKinds {
		j.ErrorKinds[k] = v
	}
	for k, v := range r.Status {
		j.Status[fmt.Sprint(k)] = v
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(j)
}
