//go:build linux

package servermodels

import (
	"bytes"
	"os"
	"strconv"
)

var pageSize = uint64(os.Getpagesize())

// rssOf is the resident memory of process pid ("self" for this one) in
// bytes, from /proc/PID/statm, or 0.
func rssOf(pid string) uint64 {
	b, err := os.ReadFile("/proc/" + pid + "/statm")
	if err != nil {
		return 0
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.ParseUint(string(f[1]), 10, 64)
	return n * pageSize
}

// pssOf is the proportional set size of process pid (its private pages
// plus its share of the pages it shares, e.g. the program's code with its
// sibling workers), from /proc/PID/smaps_rollup; else its resident size.
// Measured: a worker of the process model has 29 MB resident but 7 MB
// proportional, most of the rest being the program shared by all workers.
func pssOf(pid string) uint64 {
	b, err := os.ReadFile("/proc/" + pid + "/smaps_rollup")
	if err != nil {
		return rssOf(pid)
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("Pss:")); ok {
			kb, err := strconv.ParseUint(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return rssOf(pid)
}

// rss is this process's resident memory plus the proportional memory of
// the child processes pids, in bytes; exact is false where only Go's own
// figure is known.
func rss(pids []int) (bytes uint64, exact bool) {
	total := rssOf("self")
	if total == 0 {
		return goMemory(), false
	}
	for _, p := range pids {
		total += pssOf(strconv.Itoa(p))
	}
	return total, true
}

// osThreads is the number of OS threads of this process, or -1.
func osThreads() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("Threads:")); ok {
			n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
			if err == nil {
				return n
			}
		}
	}
	return -1
}
