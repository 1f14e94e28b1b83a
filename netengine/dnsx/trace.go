package dnsx

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// namedRoot is IANA's root hints file for the real internet.
//
//go:embed named.root
var namedRoot string

// Hint is a name server and its addresses.
type Hint struct {
	Name  string   `json:"name"`
	Addrs []string `json:"addrs"`
}

// RootHints are the shipped root servers (named.root).
func RootHints() []Hint {
	h, err := ParseHints(strings.NewReader(namedRoot), "named.root")
	if err != nil {
		panic(err)
	}
	return h
}

// LoadHints reads a root hints file (the format of named.root).
func LoadHints(path string) ([]Hint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseHints(f, path)
}

// ParseHints reads root hints: NS records of "." and the servers' A/AAAA.
func ParseHints(r io.Reader, file string) ([]Hint, error) {
	zp := dns.NewZoneParser(r, ".", file)
	var names []string
	addrs := map[string][]string{}
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		n := dns.CanonicalName(rr.Header().Name)
		switch r := rr.(type) {
		case *dns.NS:
			if n == "." && r.Ns != "" {
				names = append(names, dns.CanonicalName(r.Ns))
			}
		case *dns.A:
			addrs[n] = append(addrs[n], r.A.String())
		case *dns.AAAA:
			addrs[n] = append(addrs[n], r.AAAA.String())
		}
	}
	if err := zp.Err(); err != nil {
		return nil, zoneErrorOf(file, err)
	}
	if len(names) == 0 {
		return nil, &ZoneError{File: file, Msg: "no NS records for the root (.)"}
	}
	out := make([]Hint, len(names))
	for i, n := range names {
		out[i] = Hint{Name: n, Addrs: addrs[n]}
	}
	return out, nil
}

// TraceOptions describe an iterative resolution from the root.
type TraceOptions struct {
	Name string
	Type string
	// Hints are the root servers to start from; nil means RootHints().
	Hints []Hint
	// Via sends every query to this "host:port" (the classroom server),
	// naming the zone asked with the ViewOption, so one server plays the
	// root, lab. and classroom.lab. servers in turn. The first step is then
	// a priming query for the root's NS records. "" asks the real servers.
	Via string
	// Port of the real servers ("53" if empty).
	Port    string
	TCP     bool
	Timeout time.Duration // per query; 0 means 3 s
	// MaxSteps bounds the walk (0 means 20).
	MaxSteps int
}

// Step kinds.
const (
	StepPriming  = "priming"  // asked for the root servers' names
	StepReferral = "referral" // "ask these servers of a zone closer to the name"
	StepAnswer   = "answer"
	StepCNAME    = "cname" // the name is an alias: start again for the target
	StepNoData   = "nodata"
	StepError    = "error" // this server failed: the next one is tried
	StepNXDomain = "nxdomain"
	StepRcode    = "rcode" // another response code (REFUSED, SERVFAIL …)
)

// PrimingServer names the server of the priming step of a trace through
// the classroom server (Via); the UI translates it.
const PrimingServer = "classroom server"

// TraceStep is one question to one server.
type TraceStep struct {
	N          int      `json:"n"`
	Zone       string   `json:"zone"`   // the zone this server was asked as
	Server     string   `json:"server"` // its name
	Addr       string   `json:"addr"`   // where the query went
	Question   string   `json:"question"`
	Kind       string   `json:"kind"`
	Referral   string   `json:"referral,omitempty"` // the zone delegated to
	NS         []string `json:"ns,omitempty"`       // its servers
	Rcode      string   `json:"rcode,omitempty"`
	Flags      []string `json:"flags,omitempty"`
	RTTms      float64  `json:"rtt_ms"`
	Size       int      `json:"size,omitempty"`
	Answer     []Record `json:"answer,omitempty"`
	Authority  []Record `json:"authority,omitempty"`
	Additional []Record `json:"additional,omitempty"`
	Error      string   `json:"error,omitempty"`
	Msg        *dns.Msg `json:"-"`
}

// TraceResult is the whole walk.
type TraceResult struct {
	Name   string      `json:"name"`
	Type   string      `json:"type"`
	Via    string      `json:"via,omitempty"`
	Steps  []TraceStep `json:"steps"`
	Rcode  string      `json:"rcode"`
	Answer []Record    `json:"answer"`
}

// Trace resolves Name iteratively like a resolver would: ask a root server,
// follow each referral to the servers of the next zone down, restart from
// the root for a CNAME target. each (may be nil) sees every step as it
// happens; the result holds them all. The error is non-nil when the walk
// could not finish (every server of a zone failed, a loop, too many steps).
func Trace(ctx context.Context, o TraceOptions, each func(TraceStep)) (*TraceResult, error) {
	qname, qtype, _, err := QuestionFor(o.Name, o.Type)
	if err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = 3 * time.Second
	}
	if o.MaxSteps <= 0 {
		o.MaxSteps = 20
	}
	if o.Port == "" {
		o.Port = "53"
	}
	res := &TraceResult{Name: qname, Type: TypeName(qtype), Via: o.Via, Answer: []Record{}}
	t := &tracer{o: o, res: res, each: each}
	roots := o.Hints
	if o.Via != "" && roots == nil {
		if roots, err = t.prime(ctx); err != nil {
			return res, err
		}
	} else if roots == nil {
		roots = RootHints()
	}
	zone, servers := ".", roots
	for cnames := 0; ; {
		if len(res.Steps) >= o.MaxSteps {
			return res, fmt.Errorf("gave up after %d steps", o.MaxSteps)
		}
		st, err := t.askAny(ctx, zone, servers, qname, qtype)
		if err != nil {
			return res, err
		}
		r := st.Msg
		ans := answersFor(r.Answer, qname, qtype)
		switch {
		case r.Rcode == dns.RcodeNameError:
			st.Kind = StepNXDomain
		case r.Rcode != dns.RcodeSuccess:
			st.Kind = StepRcode
		case len(ans) > 0:
			st.Kind = StepAnswer
			res.Answer = append(res.Answer, Records(ans)...)
		case cnameFor(r.Answer, qname) != "":
			st.Kind = StepCNAME
		default:
			if cut, ns := referral(r, zone, qname); cut != "" {
				st.Kind, st.Referral = StepReferral, cut
				for _, h := range ns {
					st.NS = append(st.NS, h.Name)
				}
				t.add(st)
				zone, servers = cut, ns
				continue
			}
			st.Kind = StepNoData
		}
		t.add(st)
		res.Rcode = st.Rcode
		if st.Kind != StepCNAME {
			return res, nil
		}
		res.Answer = append(res.Answer, RecordOf(cnameRR(r.Answer, qname)))
		if cnames++; cnames > 8 {
			return res, errors.New("more than 8 CNAMEs in a row")
		}
		qname, zone, servers = cnameFor(r.Answer, qname), ".", roots
	}
}

type tracer struct {
	o    TraceOptions
	res  *TraceResult
	each func(TraceStep)
}

func (t *tracer) add(st TraceStep) {
	st.N = len(t.res.Steps) + 1
	t.res.Steps = append(t.res.Steps, st)
	if t.each != nil {
		t.each(st)
	}
}

// prime asks the classroom server which servers the root zone has.
func (t *tracer) prime(ctx context.Context) ([]Hint, error) {
	st := t.ask(ctx, ".", Hint{Name: PrimingServer}, t.o.Via, ".", dns.TypeNS)
	if st.Error != "" {
		t.add(st)
		return nil, errors.New(st.Error)
	}
	st.Kind = StepPriming
	var hints []Hint
	for _, rr := range st.Msg.Answer {
		if ns, ok := rr.(*dns.NS); ok {
			hints = append(hints, Hint{Name: dns.CanonicalName(ns.Ns), Addrs: addrsOf(st.Msg.Extra, ns.Ns)})
			st.NS = append(st.NS, dns.CanonicalName(ns.Ns))
		}
	}
	t.add(st)
	if len(hints) == 0 {
		return nil, fmt.Errorf("%s serves no root zone (rcode %s)", t.o.Via, st.Rcode)
	}
	return hints, nil
}

// askAny asks the servers of zone in turn until one answers.
func (t *tracer) askAny(ctx context.Context, zone string, servers []Hint, qname string, qtype uint16) (TraceStep, error) {
	tried := 0
	for _, h := range servers {
		if ctx.Err() != nil {
			return TraceStep{}, ctx.Err()
		}
		addr := t.o.Via
		if addr == "" {
			ip := pickAddr(h.Addrs)
			if ip == "" {
				continue // no glue: a full resolver would look the name up first
			}
			addr = net.JoinHostPort(ip, t.o.Port)
		}
		st := t.ask(ctx, zone, h, addr, qname, qtype)
		if st.Error == "" {
			return st, nil
		}
		t.add(st)
		if tried++; tried >= 3 {
			break
		}
	}
	if tried == 0 {
		return TraceStep{}, fmt.Errorf("no address known for the servers of %s", zone)
	}
	return TraceStep{}, fmt.Errorf("no server of %s answered", zone)
}

// pickAddr prefers IPv4 (it works on more classroom networks).
func pickAddr(addrs []string) string {
	for _, a := range addrs {
		if ip, err := netip.ParseAddr(a); err == nil && ip.Is4() {
			return a
		}
	}
	if len(addrs) > 0 {
		return addrs[0]
	}
	return ""
}

func (t *tracer) ask(ctx context.Context, zone string, h Hint, addr, qname string, qtype uint16) TraceStep {
	st := TraceStep{Zone: zone, Server: h.Name, Addr: addr, Question: qname + " " + TypeName(qtype)}
	m := new(dns.Msg)
	m.SetQuestion(qname, qtype)
	m.RecursionDesired = false
	m.SetEdns0(1232, false)
	if t.o.Via != "" {
		opt := m.IsEdns0()
		opt.Option = append(opt.Option, &dns.EDNS0_LOCAL{Code: ViewOption, Data: []byte(zone)})
	}
	r, err := exchange(ctx, m, addr, t.o.TCP, t.o.Timeout, true)
	if err != nil {
		st.Kind, st.Error = StepError, err.Error()
		return st
	}
	st.Rcode, st.Flags, st.RTTms, st.Size = r.Rcode, r.Flags, r.RTTms, r.Size
	st.Answer, st.Authority, st.Additional, st.Msg = r.Answer, r.Authority, r.Additional, r.Msg
	return st
}

func answersFor(rrs []dns.RR, qname string, qtype uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		h := rr.Header()
		if strings.EqualFold(h.Name, qname) && (h.Rrtype == qtype || qtype == dns.TypeANY) {
			out = append(out, rr)
		}
	}
	return out
}

func cnameRR(rrs []dns.RR, qname string) dns.RR {
	for _, rr := range rrs {
		if c, ok := rr.(*dns.CNAME); ok && strings.EqualFold(c.Hdr.Name, qname) {
			return c
		}
	}
	return nil
}

func cnameFor(rrs []dns.RR, qname string) string {
	if c := cnameRR(rrs, qname); c != nil {
		return dns.CanonicalName(c.(*dns.CNAME).Target)
	}
	return ""
}

// referral finds a delegation in r's authority section to a zone strictly
// below zone that contains qname, with its servers and their glue.
func referral(r *dns.Msg, zone, qname string) (string, []Hint) {
	var cut string
	var hints []Hint
	for _, rr := range r.Ns {
		ns, ok := rr.(*dns.NS)
		if !ok {
			continue
		}
		owner := dns.CanonicalName(ns.Hdr.Name)
		if owner == dns.CanonicalName(zone) || !dns.IsSubDomain(zone, owner) || !dns.IsSubDomain(owner, qname) {
			continue
		}
		if cut != "" && owner != cut {
			continue
		}
		cut = owner
		hints = append(hints, Hint{Name: dns.CanonicalName(ns.Ns), Addrs: addrsOf(r.Extra, ns.Ns)})
	}
	return cut, hints
}

func addrsOf(extra []dns.RR, name string) []string {
	var out []string
	for _, rr := range extra {
		if !strings.EqualFold(rr.Header().Name, name) {
			continue
		}
		switch a := rr.(type) {
		case *dns.A:
			out = append(out, a.A.String())
		case *dns.AAAA:
			out = append(out, a.AAAA.String())
		}
	}
	return out
}
