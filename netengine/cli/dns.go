package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
)

var (
	dnsCmd = Command{
		Name:    "dns",
		Summary: "look names up (like dig), trace them from the root, or run the classroom DNS server",
		Usage:   "dns query NAME [TYPE] [--server HOST:PORT] [--tcp] [--trace] [--json] | dns serve [--zone FILE]... [--addr 127.0.0.1:5353]",
	}
	dnsQueryCmd = Command{
		Name:    "dns query",
		Summary: "Look NAME up (an IP address becomes a reverse PTR lookup). Without --server the system's resolvers are asked.\nWith --trace NAME is resolved step by step from the root: against --server (e.g. the classroom server)\neach zone is asked in turn through that one address; without --server the real root servers are asked.",
		Usage:   "dns query NAME [TYPE] [--server HOST:PORT] [--tcp] [--trace] [--json]",
	}
	dnsServeCmd = Command{
		Name:    "dns serve",
		Summary: "Run the authoritative classroom DNS server (UDP and TCP). Without --zone it serves the built-in\nhierarchy: the root zone, lab., classroom.lab. and 2.0.192.in-addr.arpa. Names it does not serve get REFUSED.\nEach query is logged to stdout.",
		Usage:   "dns serve [--zone FILE]... [--addr 127.0.0.1:5353]",
	}
)

func init() {
	dnsCmd.Run = runDNS
	Register(dnsCmd)
}

func runDNS(env *Env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := env.Stdout
		if len(args) == 0 {
			w = env.Stderr
		}
		fmt.Fprintf(w, "Usage:\n  netlab %s\n  netlab %s\n\n%s\n\nRun 'netlab dns query --help' or 'netlab dns serve --help' for the options.\n",
			dnsQueryCmd.Usage, dnsServeCmd.Usage, dnsCmd.Summary)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	switch args[0] {
	case "query":
		return dnsQuery(env, args[1:])
	case "serve":
		return dnsServe(env, args[1:])
	}
	return env.UsageError(dnsCmd, "unknown dns command %q (query or serve)", args[0])
}

func dnsQuery(env *Env, args []string) int {
	c := dnsQueryCmd
	fs := env.Flags(c)
	server := fs.String("server", "", "ask this server (HOST or HOST:PORT) instead of the system's resolvers")
	tcp := fs.Bool("tcp", false, "ask over TCP instead of UDP")
	trace := fs.Bool("trace", false, "resolve iteratively from the root, showing each step")
	asJSON := fs.Bool("json", false, "print one JSON object")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for each answer")
	hints := fs.String("hints", "", "root hints file for --trace without --server (default: the shipped named.root)")
	norec := fs.Bool("norecurse", false, "clear the RD flag (ask the server only what it knows itself)")
	pos, done, code := env.Parse(fs, args)
	if done {
		return code
	}
	if len(pos) == 0 || len(pos) > 2 {
		return env.UsageError(c, "give a NAME and optionally a TYPE")
	}
	typ := ""
	if len(pos) == 2 {
		typ = pos[1]
	}
	if _, _, _, err := dnsx.QuestionFor(pos[0], typ); err != nil {
		return env.UsageError(c, "%v", err)
	}
	ctx := env.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if *trace {
		return dnsTrace(env, ctx, dnsx.TraceOptions{Name: pos[0], Type: typ, Via: dnsx.WithPort(*server), TCP: *tcp, Timeout: *timeout}, *hints, *asJSON)
	}
	res, err := dnsx.Query(ctx, dnsx.QueryOptions{Name: pos[0], Type: typ, Server: *server, TCP: *tcp, Timeout: *timeout, NoRecursion: *norec})
	if err != nil {
		return env.Fail("dns query", "%v", err)
	}
	var hostsRes *dnsx.HostsResult
	if !res.Reverse || typ == "" || strings.EqualFold(typ, "PTR") {
		hostsRes, _ = dnsx.LookupHosts(dnsx.HostsPath(runtime.GOOS), pos[0])
	}
	if *asJSON {
		out := struct {
			*dnsx.Result
			Hosts *dnsx.HostsResult `json:"hosts,omitempty"`
		}{res, hostsRes}
		return env.writeJSON(out)
	}
	w := env.Stdout
	tr := ""
	if res.TCPRetry {
		tr = ", retried over TCP after a truncated (TC) UDP answer"
	}
	fmt.Fprintf(w, ";; server %s (%s%s), %.2f ms, %d bytes\n", res.Server, res.Transport, tr, res.RTTms, res.Size)
	if hostsRes != nil {
		for _, m := range hostsRes.Matches {
			fmt.Fprintf(w, ";; hosts file %s line %d: %s %s\n", hostsRes.Path, m.Line, m.Addr, strings.Join(m.Names, " "))
		}
	}
	for _, s := range dnsx.Sections(res.Msg) {
		if s.Text == "" && s.Title != "Header" {
			continue
		}
		fmt.Fprintf(w, "\n;; %s\n", strings.ToUpper(s.Title))
		if s.Title == "Header" {
			for _, l := range strings.Split(s.Text, "\n") {
				fmt.Fprintf(w, ";; %s\n", l)
			}
			continue
		}
		fmt.Fprintln(w, s.Text)
	}
	return 0
}

func dnsTrace(env *Env, ctx context.Context, o dnsx.TraceOptions, hints string, asJSON bool) int {
	if hints != "" {
		h, err := dnsx.LoadHints(hints)
		if err != nil {
			return env.Fail("dns query", "%v", err)
		}
		o.Hints = h
	}
	var each func(dnsx.TraceStep)
	if !asJSON {
		each = func(s dnsx.TraceStep) { fmt.Fprintln(env.Stdout, TraceStepLine(s)) }
	}
	res, err := dnsx.Trace(ctx, o, each)
	if asJSON && res != nil {
		if err != nil {
			out := struct {
				*dnsx.TraceResult
				Error string `json:"error"`
			}{res, err.Error()}
			env.writeJSON(out)
			return env.Fail("dns query", "%v", err)
		}
		return env.writeJSON(res)
	}
	if err != nil {
		return env.Fail("dns query", "trace: %v", err)
	}
	fmt.Fprintf(env.Stdout, "\n;; %s %s: %s\n", res.Name, res.Type, res.Rcode)
	for _, r := range res.Answer {
		fmt.Fprintf(env.Stdout, "%s\t%d\tIN\t%s\t%s\n", r.Name, r.TTL, r.Type, r.Data)
	}
	return 0
}

// TraceStepLine is one trace step as one line of text.
func TraceStepLine(s dnsx.TraceStep) string {
	head := fmt.Sprintf("%2d. asked %s (zone %s) at %s: %s", s.N, s.Server, s.Zone, s.Addr, s.Question)
	switch s.Kind {
	case dnsx.StepError:
		return head + " -> no answer: " + s.Error
	case dnsx.StepPriming:
		return fmt.Sprintf("%s -> root servers: %s (%.2f ms)", head, strings.Join(s.NS, ", "), s.RTTms)
	case dnsx.StepReferral:
		return fmt.Sprintf("%s -> referral to %s: %s (%.2f ms)", head, s.Referral, strings.Join(s.NS, ", "), s.RTTms)
	case dnsx.StepCNAME:
		return fmt.Sprintf("%s -> alias (CNAME) %s, start again from the root (%.2f ms)", head, s.Answer[0].Data, s.RTTms)
	}
	var data []string
	for _, r := range s.Answer {
		data = append(data, r.Type+" "+r.Data)
	}
	return fmt.Sprintf("%s -> %s %s [%s] (%.2f ms)", head, s.Kind, s.Rcode, strings.Join(data, ", "), s.RTTms)
}

func (env *Env) writeJSON(v any) int {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(env.Stderr, "netlab:", err)
		return 1
	}
	return 0
}

type zoneFlags []string

func (z *zoneFlags) String() string     { return strings.Join(*z, ",") }
func (z *zoneFlags) Set(v string) error { *z = append(*z, v); return nil }

func dnsServe(env *Env, args []string) int {
	c := dnsServeCmd
	fs := env.Flags(c)
	var zoneFiles zoneFlags
	fs.Var(&zoneFiles, "zone", "serve this RFC 1035 master file (repeat for more zones; default: the built-in hierarchy)")
	addr := fs.String("addr", dnsx.DefaultAddr, "listen address (UDP and TCP); 0.0.0.0:5353 opens it to the LAN")
	rate := fs.Float64("rate", dnsx.DefaultRate, "queries per second allowed per client (0 or less: no limit)")
	pos, done, code := env.Parse(fs, args)
	if done {
		return code
	}
	if len(pos) > 0 {
		return env.UsageError(c, "unexpected argument %q", pos[0])
	}
	zones := dnsx.BuiltinZones()
	if len(zoneFiles) > 0 {
		zones = nil
		for _, f := range zoneFiles {
			z, err := dnsx.LoadZoneFile(f)
			if err != nil {
				return env.Fail("dns serve", "%v", err)
			}
			zones = append(zones, z)
		}
	}
	if *rate <= 0 {
		*rate = -1
	}
	srv, err := dnsx.NewServer(zones, dnsx.ServerOptions{Rate: *rate})
	if err != nil {
		return env.Fail("dns serve", "%v", err)
	}
	logs := make(chan dnsx.LogEntry, 1024)
	srv.OnQuery(func(e dnsx.LogEntry) {
		select {
		case logs <- e:
		default: // the terminal is slower than the queries: skip
		}
	})
	bound, err := srv.Start(*addr)
	if err != nil {
		return env.Fail("dns serve", "%v", err)
	}
	defer srv.Stop()
	var names []string
	for _, z := range srv.Zones() {
		names = append(names, z.Origin)
	}
	fmt.Fprintf(env.Stderr, "netlab dns serve: authoritative for %s on %s (UDP and TCP); try: dig @%s -p %s www.classroom.lab\n",
		strings.Join(names, " "), bound, hostOf(bound), portOf(bound))
	if !dnsx.IsLoopback(bound) {
		fmt.Fprintf(env.Stderr, "netlab dns serve: listening beyond this computer: other machines on the network can query it\n")
	}
	ctx := env.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(env.Stderr, "netlab dns serve: stopped")
			return 0
		case e := <-logs:
			fmt.Fprintln(env.Stdout, LogLine(e))
		}
	}
}

// LogLine is one query log entry as one line of text.
func LogLine(e dnsx.LogEntry) string {
	s := fmt.Sprintf("%s %s %s %s %s -> %s [%s] %d answers %d bytes", e.Time.Format("15:04:05.000"), e.Proto, e.Client,
		e.Name, e.Type, e.Rcode, strings.Join(e.Flags, " "), e.Answers, e.Size)
	if e.Note != "" {
		s += " (" + e.Note + ")"
	}
	return s
}

func hostOf(hp string) string {
	i := strings.LastIndexByte(hp, ':')
	if i < 0 {
		return hp
	}
	return strings.Trim(hp[:i], "[]")
}

func portOf(hp string) string { return hp[strings.LastIndexByte(hp, ':')+1:] }
