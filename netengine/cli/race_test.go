package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/netlab-classroom/netlab/netengine/servermodels"
)

// TestMain lets the process model start this test binary as its worker:
// the model runs `PROGRAM __worker` with WorkerEnv set, which goes through
// the command line as in netlab.
func TestMain(m *testing.M) {
	if os.Getenv(servermodels.WorkerEnv) == "1" {
		os.Exit(Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, "", ""))
	}
	os.Exit(m.Run())
}

func runRaceCmd(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Ctx: context.Background()}
	code := env.run(append([]string{"race"}, args...))
	return out.String(), errb.String(), code
}

// A short race of the models that need no worker program, in JSON: every
// field of the contract, figures that make sense, and the blocking model's
// stall told in a sentence rather than as "0 req/s".
func TestRaceJSON(t *testing.T) {
	models := "blocking,goroutine,thread,process"
	out, errs, code := runRaceCmd("--models", models, "--conns", "4", "--idle", "2", "--duration", "300ms", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var raw struct {
		Models []map[string]any `json:"models"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(raw.Models) != 4 {
		t.Fatalf("%d models: %s", len(raw.Models), out)
	}
	for _, m := range raw.Models {
		for _, k := range []string{"model", "requests_per_sec", "p99_ms", "peak_rss_bytes", "rss_per_conn_bytes", "cpu_percent_of_one_core", "errors", "note"} {
			if _, ok := m[k]; !ok {
				t.Errorf("%v: no %q", m["model"], k)
			}
		}
	}
	var j struct {
		Models []raceRow `json:"models"`
	}
	json.Unmarshal([]byte(out), &j)
	b, g, th, pr := j.Models[0], j.Models[1], j.Models[2], j.Models[3]
	if b.Model != "blocking" || b.ReqPerSec != 0 || !strings.Contains(b.Note, "Stalled: the blocking server waited on 2 silent clients") {
		t.Errorf("blocking: %+v", b)
	}
	ok := []raceRow{g, th}
	if servermodels.MaxProcesses > 0 {
		ok = append(ok, pr)
		if pr.RSSPerConn < 1<<20 {
			t.Errorf("process per connection costs %d bytes per connection, less than a process", pr.RSSPerConn)
		}
	} else if !strings.Contains(pr.Note, "not offered on Windows") {
		t.Errorf("process model on Windows: %+v", pr)
	}
	for _, r := range ok {
		if r.ReqPerSec <= 0 || r.P99ms <= 0 || r.PeakRSS == 0 || r.Errors != 0 || r.Note != "" {
			t.Errorf("%s: %+v", r.Model, r)
		}
	}
}

func TestRaceText(t *testing.T) {
	out, _, code := runRaceCmd("--models", "goroutine", "--conns", "2", "--duration", "200ms")
	if code != 0 || !strings.Contains(out, "CPU % of one core") || !strings.Contains(out, "goroutine") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestRaceUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--models", "fork"}, {"--models", ","}, {"--conns", "0"}, {"--idle", "-1"}, {"--duration", "1ms"}, {"extra"},
	} {
		if _, errs, code := runRaceCmd(args...); code != 2 || !strings.Contains(errs, "Usage: netlab race") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
	// The worker mode refuses to run by hand.
	var errb bytes.Buffer
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &errb}
	if os.Getenv(servermodels.WorkerEnv) == "" {
		if code := env.run([]string{"__worker"}); code != 1 || !strings.Contains(errb.String(), "not by hand") {
			t.Errorf("__worker by hand: exit %d %q", code, errb.String())
		}
	}
}
