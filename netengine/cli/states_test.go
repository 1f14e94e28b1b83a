package cli

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine/internal/wine"
	"github.com/netlab-classroom/netlab/netengine/tcpstate"
)

// strictTable: the system's table is complete (Linux, Windows, macOS);
// wine leaves out TIME_WAIT rows and gives PID 0 for listening and
// accepted sockets.
var strictTable = !wine.Detected()

// runStates runs `netlab tcp states ARGS` in-process.
func runStates(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb}
	code := env.run(append([]string{"tcp", "states"}, args...))
	return out.String(), errb.String(), code
}

type statesJSON struct {
	Sockets []stateRow `json:"sockets"`
}

func statesOf(t *testing.T, args ...string) map[string]stateRow {
	t.Helper()
	out, errs, code := runStates(t, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var j statesJSON
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	m := map[string]stateRow{}
	for _, r := range j.Sockets {
		m[r.Local+" "+r.Remote] = r
	}
	return m
}

// ssNames are ss's spellings of the lab's state names.
var ssNames = map[string]string{
	"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV", "FIN-WAIT-1": "FIN_WAIT1",
	"FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT", "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK",
	"LISTEN": "LISTEN", "CLOSING": "CLOSING",
}

// ssStates runs `ss -tan` (the reference) and returns local+" "+peer → state.
func ssStates(t *testing.T) map[string]string {
	t.Helper()
	out, err := exec.Command("ss", "-tan").Output()
	if err != nil {
		t.Fatalf("ss -tan: %v", err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(out), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		m[f[3]+" "+f[4]] = ssNames[f[0]]
	}
	return m
}

// Sockets this test opens in five states: `netlab tcp states` lists them
// as ss -tan does (by default, as this process's; TIME_WAIT, which no
// process holds, because it is on this process's listening port).
func TestTCPStatesLikeSS(t *testing.T) {
	if !tcpstate.Available() {
		t.Skip("no TCP table here")
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dial := func() (net.Conn, net.Conn) {
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		s, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(); s.Close() })
		return c, s
	}
	est, _ := dial()
	half, _ := dial()
	half.(*net.TCPConn).CloseWrite() // FIN_WAIT2 here, CLOSE_WAIT on the server end
	tw, twSrv := dial()
	tw.Close()
	twSrv.Close() // the client end goes to TIME_WAIT
	key := func(l, r net.Addr) string { return l.String() + " " + r.String() }
	want := map[string]string{
		ln.Addr().String() + " 0.0.0.0:0":        "LISTEN",
		key(est.LocalAddr(), est.RemoteAddr()):   "ESTABLISHED",
		key(half.LocalAddr(), half.RemoteAddr()): "FIN_WAIT2",
		key(half.RemoteAddr(), half.LocalAddr()): "CLOSE_WAIT",
		key(tw.LocalAddr(), tw.RemoteAddr()):     "TIME_WAIT",
	}
	var own, all map[string]stateRow
	for range 200 { // the closings take a few round trips on loopback
		own, all = statesOf(t), statesOf(t, "--all")
		twk, hk := key(tw.LocalAddr(), tw.RemoteAddr()), key(half.LocalAddr(), half.RemoteAddr())
		if (!strictTable || (all[twk].State == "TIME_WAIT" && own[twk].State == "TIME_WAIT")) && all[hk].State == "FIN_WAIT2" && own[hk].State == "FIN_WAIT2" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	var ss map[string]string
	if runtime.GOOS == "linux" {
		ss = ssStates(t)
	}
	for k, st := range want {
		for name, m := range map[string]map[string]stateRow{"default": own, "--all": all} {
			r, ok := m[k]
			if !strictTable && (!ok || r.PID == 0) {
				// wine: no TIME_WAIT rows, PID 0 for listening and accepted sockets
				continue
			}
			if !ok || r.State != st {
				t.Errorf("%s: %s is %+v (found %v), want %s", name, k, r, ok, st)
				continue
			}
			if st != "TIME_WAIT" && r.PID != os.Getpid() {
				t.Errorf("%s: %s pid %d, want %d", name, k, r.PID, os.Getpid())
			}
		}
		if ss == nil {
			continue
		}
		ssKey := strings.Replace(k, " 0.0.0.0:0", " 0.0.0.0:*", 1)
		if got := ss[ssKey]; got != st {
			t.Errorf("ss -tan says %s is %q, netlab %q", k, got, st)
		}
	}
	if len(all) < len(own) {
		t.Errorf("--all lists %d sockets, fewer than the %d of NetLab's", len(all), len(own))
	}
	if r := own[key(est.LocalAddr(), est.RemoteAddr())]; r.State != "ESTABLISHED" {
		t.Errorf("the client end, which every system attributes to this process, is missing: %+v", r)
	}
	// The text table has a header and a line per socket: state, local,
	// peer, PID. Other sockets of this test process may open or close
	// between the two calls, so the test's own sockets are looked up
	// rather than the lines counted.
	out, _, code := runStates(t)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || !strings.HasPrefix(lines[0], "State") {
		t.Fatalf("text output (exit %d):\n%s", code, out)
	}
	rows := map[string]string{}
	for _, l := range lines[1:] {
		if f := strings.Fields(l); len(f) >= 3 {
			rows[f[1]+" "+f[2]] = f[0]
		}
	}
	for k, st := range want {
		if r, ok := own[k]; !ok || (!strictTable && r.PID == 0) {
			continue // not listed on this system (wine), as checked above
		}
		if got := rows[k]; got != st {
			t.Errorf("text output lists %s as %q, want %s:\n%s", k, got, st, out)
		}
	}
}

func TestTCPStatesUsage(t *testing.T) {
	if _, errs, code := runStates(t, "extra"); code != 2 || !strings.Contains(errs, "Usage: netlab tcp states") {
		t.Errorf("extra argument: exit %d, %q", code, errs)
	}
	if out, _, code := runStates(t, "--help"); code != 0 || !strings.Contains(out, "--all") {
		t.Errorf("--help: exit %d, %q", code, out)
	}
}
