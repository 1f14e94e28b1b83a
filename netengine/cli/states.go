package cli

import (
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/netlab-classroom/netlab/netengine/tcpstate"
)

// `netlab tcp states`: the TCP table like ss -tan / netstat -an, NetLab's
// own sockets by default (E4 from a terminal, or for a teacher's script).

var tcpStates Command

func init() {
	tcpStates = Command{
		Name:    "tcp states",
		Summary: "list TCP sockets and their states like ss -tan (NetLab's own; --all: every socket)",
		Usage:   "tcp states [--all] [--json]",
		Run:     runTCPStates,
	}
	RegisterTCP("states", tcpStates)
}

// stateRow is one socket in --json output.
type stateRow struct {
	Local  string `json:"local"`
	Remote string `json:"remote"`
	State  string `json:"state"`
	PID    int    `json:"pid"`
}

func runTCPStates(env *Env, args []string) int {
	fs := env.Flags(tcpStates)
	all := fs.Bool("all", false, "every TCP socket of the machine, not only NetLab's")
	asJSON := fs.Bool("json", false, `print {"sockets": [{"local", "remote", "state", "pid"}...]}`)
	pos, done, code := env.Parse(fs, args)
	if done {
		return code
	}
	if len(pos) > 0 {
		return env.UsageError(tcpStates, "unexpected argument %q", pos[0])
	}
	if !tcpstate.Available() {
		return env.Fail("tcp states", "TCP states cannot be read on this system")
	}
	socks, err := tcpstate.Owned()
	if err != nil {
		return env.Fail("tcp states", "cannot read the TCP table: %v", err)
	}
	if !*all {
		socks = netlabSockets(socks, tcpstate.NetLabPIDs(), tcpstate.Own())
	}
	sortSockets(socks)
	rows := make([]stateRow, 0, len(socks))
	for _, s := range socks {
		rows = append(rows, stateRow{Local: s.Local.String(), Remote: s.Remote.String(), State: s.State.String(), PID: s.PID})
	}
	if *asJSON {
		return env.writeJSON(struct {
			Sockets []stateRow `json:"sockets"`
		}{rows})
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "State\tLocal Address:Port\tPeer Address:Port\tPID")
	for _, r := range rows {
		pid := "-"
		if r.PID != 0 {
			pid = fmt.Sprint(r.PID)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.State, r.Local, r.Remote, pid)
	}
	tw.Flush()
	if len(rows) == 0 && !*all {
		fmt.Fprintln(env.Stderr, "netlab tcp states: NetLab has no TCP sockets open (--all lists every socket)")
	}
	return 0
}

// netlabSockets keeps the sockets of NetLab's processes (pids), the
// connections this process reported (reg), and the sockets no process
// holds any more (TIME_WAIT, FIN_WAIT2 after close) on a port where NetLab
// listens or that NetLab reported: those are what NetLab's closings left.
func netlabSockets(socks []tcpstate.Socket, pids map[int]bool, reg *tcpstate.Registry) []tcpstate.Socket {
	ports := map[uint16]bool{}
	known := map[tcpstate.Key]bool{}
	for _, c := range reg.Conns() {
		known[c.Key] = true
	}
	for _, s := range socks {
		if s.State == tcpstate.Listen && pids[s.PID] {
			ports[s.Local.Port()] = true
		}
	}
	var out []tcpstate.Socket
	for _, s := range socks {
		orphan := s.PID == 0 && (s.State == tcpstate.TimeWait || s.State == tcpstate.FinWait2 || s.State == tcpstate.FinWait1 || s.State == tcpstate.LastAck || s.State == tcpstate.Closing)
		if pids[s.PID] || known[s.Key()] || (orphan && (ports[s.Local.Port()] || ports[s.Remote.Port()])) {
			out = append(out, s)
		}
	}
	return out
}

// sortSockets orders like ss: listeners first, then by local and remote address.
func sortSockets(socks []tcpstate.Socket) {
	sort.SliceStable(socks, func(i, j int) bool {
		li, lj := socks[i].State == tcpstate.Listen, socks[j].State == tcpstate.Listen
		if li != lj {
			return li
		}
		if c := socks[i].Local.Compare(socks[j].Local); c != 0 {
			return c < 0
		}
		return socks[i].Remote.Compare(socks[j].Remote) < 0
	})
}
