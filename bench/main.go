// Command bench compares NetLab's engines with gnet v2 and a plain
// goroutine-per-connection server on loopback: a TCP echo benchmark
// (messages/s and latency for 1, 100 and 1,000 connections, 64 B and
// 16 KiB messages) and a C10K run (RSS per idle connection). Every server
// runs in its own process; every run checks that no byte was lost or
// reordered. See README.md for the measured numbers.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	serveName := flag.String("serve", "", "internal: run one echo server in this process")
	dur := flag.Duration("dur", 1200*time.Millisecond, "measured time per echo run")
	warm := flag.Duration("warm", 300*time.Millisecond, "warm-up per echo run (not measured)")
	rounds := flag.Int("rounds", 3, "runs per server and cell; the best is reported")
	client := flag.String("client", "epoll", "load generator: epoll or portable (NetLab engine, event-driven) or goroutine (one goroutine per connection)")
	connsFlag := flag.String("conns", "1,100,1000", "connection counts")
	sizesFlag := flag.String("sizes", "64,16384", "message sizes in bytes")
	serversFlag := flag.String("servers", strings.Join(serverNames, ","), "servers to compare")
	c10k := flag.Int("c10k", 10000, "idle connections for the memory test (0: skip)")
	sources := flag.Int("sources", 4, "loopback source addresses 127.0.0.1… for the C10K clients")
	pin := flag.String("pin", "", `run servers and load generator on separate CPUs, "SERVER/CLIENT" in taskset -c syntax, e.g. "0/1"`)
	flag.Parse()
	if *pin != "" && *serveName == "" {
		srv, cli, ok := strings.Cut(*pin, "/")
		if !ok || srv == "" || cli == "" {
			fmt.Fprintln(os.Stderr, `bench: -pin wants SERVER/CLIENT CPUs, e.g. "0/1"`)
			os.Exit(2)
		}
		serverCPUs = srv
		if os.Getenv("NETLAB_BENCH_PINNED") == "" {
			// Re-run this process on the client CPUs, so that its Go
			// runtime and engine loops size themselves to them.
			os.Exit(repin(cli))
		}
	}
	if *serveName != "" {
		if err := serve(*serveName); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	conns, err1 := ints(*connsFlag)
	sizes, err2 := ints(*sizesFlag)
	if err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "bench: bad --conns or --sizes")
		os.Exit(2)
	}
	servers := strings.Split(*serversFlag, ",")
	placement := "servers and client share all CPUs"
	if serverCPUs != "" {
		placement = fmt.Sprintf("servers pinned to CPU %s, client to CPU %s", serverCPUs, strings.SplitN(*pin, "/", 2)[1])
	}
	fmt.Printf("# NetLab echo benchmark — %s, %s/%s, %d CPUs; best of %d runs of %s (after %s warm-up) per cell; client: %s; %s\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), *rounds, *dur, *warm, *client, placement)
	failed := false
	// All servers run at once (an idle server costs nothing) and every cell
	// is measured in rounds that rotate the servers' order, keeping each
	// server's best round: on a shared machine, load from elsewhere then
	// hurts all servers alike instead of whichever ran at the wrong moment.
	results := map[string]map[[2]int]echoResult{}
	running := map[string]*server{}
	for _, name := range servers {
		results[name] = map[[2]int]echoResult{}
		s, err := startServer(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			failed = true
			continue
		}
		running[name] = s
	}
	for _, n := range conns {
		for _, size := range sizes {
			key := [2]int{n, size}
			for round := range *rounds {
				for k := range servers {
					name := servers[(k+round)%len(servers)]
					s := running[name]
					if s == nil {
						continue
					}
					var r echoResult
					var err error
					var (
						cpuMu sync.Mutex
						cpu   [2][2]time.Duration // user, sys
						marks int
					)
					mark := func() {
						cpuMu.Lock()
						defer cpuMu.Unlock()
						if marks < 2 {
							cpu[marks][0], cpu[marks][1], _ = s.cpuTime()
						}
						marks++
					}
					if *client == "goroutine" {
						r, err = runEcho(s.addr, n, size, *warm, *dur, mark)
					} else {
						r, err = runEchoEngine(*client, s.addr, n, size, *warm, *dur, mark)
					}
					cpuMu.Lock()
					if r.msgs > 0 && marks >= 2 {
						user, sys := cpu[1][0]-cpu[0][0], cpu[1][1]-cpu[0][1]
						r.cpuPerMsg = (user + sys) / time.Duration(r.msgs)
						if user+sys > 0 {
							r.sysShare = float64(sys) / float64(user+sys)
						}
					}
					cpuMu.Unlock()
					if err != nil {
						fmt.Fprintf(os.Stderr, "bench: %s %d conns %d B: %v\n", name, n, size, err)
						failed = true
						continue
					}
					fmt.Fprintf(os.Stderr, "  round %d %-16s %5d conns %6d B  %10.0f msg/s  p50 %-10v p99 %-10v server CPU %v/msg (%.0f%% kernel)\n",
						round+1, name, n, size, r.perSec, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.cpuPerMsg, 100*r.sysShare)
					if best, ok := results[name][key]; !ok || r.perSec > best.perSec {
						results[name][key] = r
					}
				}
			}
		}
	}
	for _, s := range running {
		s.stop()
	}
	printEcho(servers, conns, sizes, results)

	if *c10k > 0 {
		fmt.Printf("\n## C10K: %d idle connections (sources 127.0.0.1–127.0.0.%d)\n\n", *c10k, *sources)
		fmt.Println("| server | RSS before | RSS with conns | RSS per conn | connect time | all echo after |")
		fmt.Println("|---|---:|---:|---:|---:|---|")
		for _, name := range servers {
			s, err := startServer(name)
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench:", err)
				failed = true
				continue
			}
			r, err := runC10K(s, *c10k, *sources)
			s.stop()
			ok := "yes"
			if err != nil {
				fmt.Fprintf(os.Stderr, "bench: C10K %s: %v\n", name, err)
				ok = "NO: " + err.Error()
				failed = true
			}
			fmt.Printf("| %s | %.1f MiB | %.1f MiB | %.2f KiB | %.1f s | %s |\n",
				name, float64(r.before)/1024, float64(r.after)/1024, r.perConnBytes/1024, r.establishSeconds, ok)
		}
	}
	if failed {
		fmt.Println("\nSOME RUNS FAILED (see stderr)")
		os.Exit(1)
	}
	fmt.Println("\nEvery run: zero bytes lost or reordered.")
}

func printEcho(servers []string, conns, sizes []int, res map[string]map[[2]int]echoResult) {
	printTable("## Echo: round trips per second (p50 / p99 latency)", servers, conns, sizes, res,
		func(other string) string { return "epoll ÷ " + other },
		func(r echoResult) (string, bool) {
			return fmt.Sprintf("%s (%s / %s)", count(r.perSec), dur(r.p50), dur(r.p99)), true
		},
		func(e, o echoResult) (float64, bool) { return e.perSec / o.perSec, o.perSec > 0 })
	// The same runs seen from the server side: CPU time per round trip.
	// On a machine where client and servers share the cores, this is the
	// fairer measure of a server's efficiency than its throughput.
	fmt.Println()
	printTable("## Server CPU time per round trip (user + kernel, measured window; kernel share in brackets)", servers, conns, sizes, res,
		func(other string) string { return other + " ÷ epoll" },
		func(r echoResult) (string, bool) {
			return fmt.Sprintf("%.1f µs (%.0f%%)", float64(r.cpuPerMsg)/float64(time.Microsecond), 100*r.sysShare), r.cpuPerMsg > 0
		},
		func(e, o echoResult) (float64, bool) {
			return float64(o.cpuPerMsg) / float64(e.cpuPerMsg), e.cpuPerMsg > 0 && o.cpuPerMsg > 0
		})
}

// printTable prints one Markdown table: a row per cell, a column per
// server (cell formats a result; false prints "–"), then NetLab epoll
// against each peer (ratio; false prints "–").
func printTable(title string, servers []string, conns, sizes []int, res map[string]map[[2]int]echoResult,
	ratioHead func(other string) string, cell func(echoResult) (string, bool), ratio func(e, o echoResult) (float64, bool)) {
	fmt.Println(title)
	fmt.Println()
	head := "| conns | size |"
	sep := "|---:|---:|"
	for _, s := range servers {
		head += " " + s + " |"
		sep += "---:|"
	}
	peers := []string{"gnet", "goroutine", "netlab-portable"}
	for _, p := range peers {
		head += " " + ratioHead(p) + " |"
		sep += "---:|"
	}
	fmt.Println(head)
	fmt.Println(sep)
	for _, n := range conns {
		for _, size := range sizes {
			key := [2]int{n, size}
			row := fmt.Sprintf("| %d | %s |", n, sizeName(size))
			for _, s := range servers {
				r, ok := res[s][key]
				if !ok {
					row += " failed |"
					continue
				}
				text, ok := cell(r)
				if !ok {
					text = "–"
				}
				row += " " + text + " |"
			}
			e, eok := res["netlab-epoll"][key]
			for _, p := range peers {
				o, ok := res[p][key]
				x, ok2 := ratio(e, o)
				if !eok || !ok || !ok2 {
					row += " – |"
					continue
				}
				row += fmt.Sprintf(" %.2f× |", x)
			}
			fmt.Println(row)
		}
	}
}

// repin re-runs this command under taskset on cpus and returns its exit code.
func repin(cpus string) int {
	cmd := exec.Command("taskset", append([]string{"-c", cpus}, os.Args...)...)
	cmd.Env = append(os.Environ(), "NETLAB_BENCH_PINNED=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "bench: -pin needs taskset (util-linux):", err)
		return 2
	}
	return 0
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad number %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func sizeName(n int) string {
	if n >= 1024 && n%1024 == 0 {
		return fmt.Sprintf("%d KiB", n/1024)
	}
	return fmt.Sprintf("%d B", n)
}

func count(f float64) string {
	if f >= 10000 {
		return fmt.Sprintf("%.0fk", f/1000)
	}
	return fmt.Sprintf("%.0f", f)
}

func dur(d time.Duration) string {
	switch {
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%d µs", d.Microseconds())
	}
}
