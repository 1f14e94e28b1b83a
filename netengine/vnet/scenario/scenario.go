// Package scenario is the virtual classroom network's one-click lessons:
// each builds a fresh vnet.Classroom network, runs a short, scripted
// exchange between real stacks, and finishes by itself, leaving every frame
// in the capture. Titles, explanations and "what to look for" are data in
// English and 简体中文 (netengine cannot use Fyne's translations; the GUI
// shows these strings as they are).
//
// Scripts are deterministic in what goes on the wire: each step waits for
// the frame that ends the previous one (for example the ACK of a FIN) before
// the next starts, so the order of segments does not depend on scheduling.
package scenario

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/netlab-classroom/netlab/netengine/vnet"
)

// Text is a string in both of NetLab's languages.
type Text struct {
	EN string `json:"en"`
	ZH string `json:"zh"`
}

// In returns the text for a language tag ("zh…" gives Chinese, anything
// else English).
func (t Text) In(lang string) string {
	if len(lang) >= 2 && lang[:2] == "zh" {
		return t.ZH
	}
	return t.EN
}

// Scenario is one lesson.
type Scenario struct {
	Name    string // the CLI name: "handshake", "http-short", …
	Title   Text
	About   Text   // what happens and why it matters
	LookFor []Text // what to look for in the frames, in order
	// Card names the course-notes topic (reference card) this belongs to:
	// "tcp-handshake", "tcp-close", "http", "ip-mask", "nat", "dns", "arp".
	Card string
	// Hosts names the hosts the exchange runs between (client first), for
	// the ladder diagram.
	Hosts []string
	run   func(e *env) error
}

// Result is what a run leaves behind.
type Result struct {
	Scenario string
	Net      *vnet.Network // closed after Run; its frames stay readable
	Frames   []vnet.Frame  // every frame captured, in order
	Notes    []Text        // what the run found, in plain sentences (e.g. why nothing passed)
	NAT      []vnet.NATEntry
	Elapsed  time.Duration
}

// All returns the scenarios in teaching order.
func All() []Scenario { return append([]Scenario(nil), all...) }

// Get returns the scenario called name.
func Get(name string) (Scenario, bool) {
	for _, s := range all {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// Names lists the scenario names.
func Names() []string {
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = s.Name
	}
	return out
}

// Timeout bounds one run; a run that takes longer is an error.
const Timeout = 30 * time.Second

// Run builds a fresh classroom network (NAT on), runs the scenario on it and
// closes it. The frames stay in Result.Frames and Result.Net.
func (s Scenario) Run(ctx context.Context) (*Result, error) {
	n, err := vnet.Classroom()
	if err != nil {
		return nil, err
	}
	defer n.Close()
	start := time.Now()
	notes, err := s.RunOn(ctx, n)
	res := &Result{Scenario: s.Name, Net: n, Notes: notes, Elapsed: time.Since(start)}
	if r := n.Router(vnet.RouterR1); r != nil {
		res.NAT = r.NATTable()
	}
	n.Close()
	res.Frames = n.Frames(0, 0)
	return res, err
}

// RunOn runs the scenario on n, which must be a fresh vnet.Classroom
// network (the GUI builds it, subscribes to its frames, then calls RunOn).
// It returns the run's notes. n is not closed.
func (s Scenario) RunOn(ctx context.Context, n *vnet.Network) ([]Text, error) {
	if s.run == nil {
		return nil, errors.New("scenario: no such scenario")
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	e := &env{ctx: ctx, n: n}
	for _, name := range []string{"pc1", "pc2", "web", "server", "dns"} {
		if n.Host(name) == nil {
			return nil, fmt.Errorf("scenario %s: the network has no host %q (not a classroom network)", s.Name, name)
		}
	}
	err := s.run(e)
	for _, c := range e.cleanup {
		c()
	}
	if err != nil {
		return e.notes, fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	return e.notes, nil
}

var (
	pc1Addr = netip.MustParseAddr("192.168.1.10")
	pc2Addr = netip.MustParseAddr("192.168.1.11")
	webHTTP = netip.AddrPortFrom(vnet.ClassroomWeb, 80)
)
