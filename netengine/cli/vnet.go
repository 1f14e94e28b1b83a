package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
	"github.com/netlab-classroom/netlab/netengine/vnet/scenario"
)

// `netlab vnet scenarios|run|serve`: the virtual classroom network without a
// window. Frames are printed one per line, tcpdump-like (packet.Summary);
// --json prints one object.

func init() {
	var c Command
	c = Command{
		Name:    "vnet",
		Summary: "the virtual classroom network: list and run scenarios (every frame printed), or serve it with a forward from 127.0.0.1",
		Usage: "vnet scenarios [--json]\n" +
			"       netlab vnet run SCENARIO [--pcap FILE] [--json]\n" +
			"       netlab vnet serve [--forward 127.0.0.1:PORT[=HOST:PORT]] [--pcap FILE] [--dir DIR]",
		Run: func(env *Env, args []string) int {
			if len(args) == 0 {
				return env.UsageError(c, "want scenarios, run or serve")
			}
			switch args[0] {
			case "scenarios":
				return vnetScenarios(env, c, args[1:])
			case "run":
				return vnetRun(env, c, args[1:])
			case "serve":
				return vnetServe(env, c, args[1:])
			case "-h", "--help", "-help":
				fs := env.Flags(c)
				_, _, code := env.Parse(fs, args)
				return code
			}
			return env.UsageError(c, "unknown vnet command %q: want scenarios, run or serve", args[0])
		},
	}
	Register(c)
}

// scenarioJSON is one scenario in `vnet scenarios --json`.
type scenarioJSON struct {
	Name    string          `json:"name"`
	Title   scenario.Text   `json:"title"`
	About   scenario.Text   `json:"about"`
	LookFor []scenario.Text `json:"look_for"`
	Card    string          `json:"card"`
	Hosts   []string        `json:"hosts"`
}

func vnetScenarios(env *Env, c Command, args []string) int {
	fs := env.Flags(c)
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, done, code := env.Parse(fs, args)
	if done {
		return code
	}
	if len(pos) > 0 {
		return env.UsageError(c, "vnet scenarios takes no argument (got %q)", pos[0])
	}
	all := scenario.All()
	if *asJSON {
		out := struct {
			Scenarios []scenarioJSON `json:"scenarios"`
		}{}
		for _, s := range all {
			out.Scenarios = append(out.Scenarios, scenarioJSON{s.Name, s.Title, s.About, s.LookFor, s.Card, s.Hosts})
		}
		return writeJSON(env, out)
	}
	for _, s := range all {
		fmt.Fprintf(env.Stdout, "%-15s %s\n", s.Name, s.Title.EN)
	}
	return 0
}

// hostJSON is one host in `vnet run --json`.
type hostJSON struct {
	Name    string `json:"name"`
	MAC     string `json:"mac"`
	Addr    string `json:"addr"`
	Gateway string `json:"gateway"`
	DNS     string `json:"dns"`
}

func hostsJSON(n *vnet.Network) []hostJSON {
	var out []hostJSON
	str := func(a netip.Addr) string {
		if a.IsValid() {
			return a.String()
		}
		return ""
	}
	for _, h := range n.Hosts() {
		out = append(out, hostJSON{h.Name(), h.MAC().String(), h.Addr().String(), str(h.Gateway()), str(h.DNS())})
	}
	return out
}

// framePrinter turns captured frames into packet summaries, with one
// conversation analyser per link (the same segment crosses two links:
// analysed together, its second copy would look like a retransmission).
type framePrinter struct {
	start time.Time
	an    map[string]*packet.Analyzer
}

func (p *framePrinter) summary(f vnet.Frame) packet.Summary {
	if p.an == nil {
		p.an = map[string]*packet.Analyzer{}
		p.start = f.Time
	}
	a := p.an[f.Link]
	if a == nil {
		a = packet.NewAnalyzer()
		p.an[f.Link] = a
	}
	return a.Add(f.Data, packet.Meta{T: f.Time.Sub(p.start), Link: f.Link, Dropped: f.Dropped})
}

// openPcap creates file and starts n's lossless pcap writer into it.
func openPcap(n *vnet.Network, file string) (stop func() error, err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	stopW, err := n.WritePcap(w)
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		err := stopW()
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}, nil
}

func vnetRun(env *Env, c Command, args []string) int {
	fs := env.Flags(c)
	asJSON := fs.Bool("json", false, `print one JSON object {"scenario","hosts","frames","notes"}`)
	pcap := fs.String("pcap", "", "also write every frame to this pcap file (tcpdump -r / Wireshark)")
	pos, done, code := env.Parse(fs, args)
	if done {
		return code
	}
	if len(pos) != 1 {
		return env.UsageError(c, "vnet run needs one scenario name: %s", strings.Join(scenario.Names(), ", "))
	}
	s, ok := scenario.Get(pos[0])
	if !ok {
		return env.UsageError(c, "no scenario %q; the scenarios are: %s", pos[0], strings.Join(scenario.Names(), ", "))
	}
	n, err := vnet.Classroom()
	if err != nil {
		return env.Fail("vnet", "%v", err)
	}
	defer n.Close()
	var stopPcap func() error
	if *pcap != "" {
		if stopPcap, err = openPcap(n, *pcap); err != nil {
			return env.Fail("vnet", "%v", err)
		}
	}
	notes, runErr := s.RunOn(env.Ctx, n)
	n.Close()
	if stopPcap != nil {
		if err := stopPcap(); err != nil {
			return env.Fail("vnet", "pcap %s: %v", *pcap, err)
		}
	}
	var p framePrinter
	frames := n.Frames(0, 0)
	if *asJSON {
		out := struct {
			Scenario string           `json:"scenario"`
			Hosts    []hostJSON       `json:"hosts"`
			Frames   []packet.Summary `json:"frames"`
			Notes    []scenario.Text  `json:"notes"`
			NAT      []vnet.NATEntry  `json:"nat"`
			Error    string           `json:"error,omitempty"`
		}{Scenario: s.Name, Hosts: hostsJSON(n), Frames: []packet.Summary{}, Notes: notes}
		if r := n.Router(vnet.RouterR1); r != nil {
			out.NAT = r.NATTable()
		}
		for _, f := range frames {
			out.Frames = append(out.Frames, p.summary(f))
		}
		if runErr != nil {
			out.Error = runErr.Error()
		}
		if code := writeJSON(env, out); code != 0 {
			return code
		}
	} else {
		w := bufio.NewWriter(env.Stdout)
		for _, f := range frames {
			fmt.Fprintln(w, p.summary(f).String())
		}
		w.Flush()
		for _, t := range notes {
			fmt.Fprintf(env.Stderr, "note: %s\n", t.EN)
		}
	}
	if runErr != nil {
		return env.Fail("vnet", "%v", runErr)
	}
	return 0
}

// forwardFlag is one --forward 127.0.0.1:PORT[=HOST:PORT].
type forwardFlag struct {
	listen string
	to     netip.AddrPort
}

func parseForward(s string) (forwardFlag, error) {
	listen, to, hasTo := strings.Cut(s, "=")
	ap, err := netip.ParseAddrPort(listen)
	if err != nil {
		return forwardFlag{}, fmt.Errorf("--forward %q: want 127.0.0.1:PORT[=HOST:PORT]", s)
	}
	if !ap.Addr().IsLoopback() {
		return forwardFlag{}, fmt.Errorf("--forward %q: only a loopback address (127.0.0.1) can be forwarded into the virtual network", s)
	}
	f := forwardFlag{listen: listen, to: netip.AddrPortFrom(vnet.ClassroomWeb, 80)}
	if hasTo {
		if f.to, err = netip.ParseAddrPort(to); err != nil {
			return forwardFlag{}, fmt.Errorf("--forward %q: the virtual destination %q is not HOST:PORT (e.g. 192.168.1.20:80)", s, to)
		}
	}
	return f, nil
}

func vnetServe(env *Env, c Command, args []string) int {
	fs := env.Flags(c)
	var fwds []forwardFlag
	fs.Func("forward", "forward a real 127.0.0.1:PORT to a virtual HOST:PORT (default: the web server 192.168.1.20:80); repeatable (default 127.0.0.1:8080)", func(s string) error {
		f, err := parseForward(s)
		if err == nil {
			fwds = append(fwds, f)
		}
		return err
	})
	pcap := fs.String("pcap", "", "also write every frame to this pcap file")
	dir := fs.String("dir", "", "the folder the virtual web server serves (default: a built-in page)")
	pos, done, code := env.Parse(fs, args)
	if done {
		return code
	}
	if len(pos) > 0 {
		return env.UsageError(c, "vnet serve takes no argument (got %q)", pos[0])
	}
	if len(fwds) == 0 {
		f, _ := parseForward("127.0.0.1:8080")
		fwds = append(fwds, f)
	}
	n, err := vnet.Classroom()
	if err != nil {
		return env.Fail("vnet", "%v", err)
	}
	defer n.Close()
	stopWeb, err := scenario.StartWeb(n.Host("web"), 80, true, *dir)
	if err != nil {
		return env.Fail("vnet", "%v", err)
	}
	defer stopWeb()
	stopDNS, err := scenario.StartDNS(n.Host("dns"), nil)
	if err != nil {
		return env.Fail("vnet", "%v", err)
	}
	defer stopDNS()
	var stopPcap func() error
	if *pcap != "" {
		if stopPcap, err = openPcap(n, *pcap); err != nil {
			return env.Fail("vnet", "%v", err)
		}
	}
	for _, f := range fwds {
		fw, err := n.AddForward(vnet.ForwardConfig{Listen: f.listen, To: f.to})
		if err != nil {
			if stopPcap != nil {
				stopPcap()
			}
			return env.Fail("vnet", "%v", err)
		}
		fmt.Fprintf(env.Stderr, "netlab vnet: forwarding %s; open http://%s/\n", fw, fw.Listen())
	}
	fmt.Fprintf(env.Stderr, "netlab vnet: classroom network up: web 192.168.1.20:80, DNS 10.0.0.53:53; frames follow (Ctrl-C stops)\n")
	err = printLive(env.Ctx, env.Stdout, n)
	n.Close()
	if stopPcap != nil {
		if perr := stopPcap(); perr != nil && err == nil {
			err = fmt.Errorf("pcap %s: %v", *pcap, perr)
		}
	}
	if err != nil {
		return env.Fail("vnet", "%v", err)
	}
	if lost := n.LostFromView(); lost > 0 {
		fmt.Fprintf(env.Stderr, "netlab vnet: %d frames were not printed (the capture ring overflowed); the pcap file has them all\n", lost)
	}
	return 0
}

// printLive prints frames as they are captured until ctx ends.
func printLive(ctx context.Context, out io.Writer, n *vnet.Network) error {
	sig, stop := n.Subscribe()
	defer stop()
	w := bufio.NewWriter(out)
	var p framePrinter
	var last uint64
	for {
		for {
			fr := n.Frames(last, 4096)
			if len(fr) == 0 {
				break
			}
			for _, f := range fr {
				fmt.Fprintln(w, p.summary(f).String())
				last = f.Seq
			}
		}
		if err := w.Flush(); err != nil {
			return err
		}
		select {
		case <-sig:
		case <-ctx.Done():
			return nil
		}
	}
}
