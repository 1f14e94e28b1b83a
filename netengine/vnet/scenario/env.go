package scenario

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// env is one run's state: the network, the capture position the script has
// reached, the notes it writes and what to undo at the end.
type env struct {
	ctx     context.Context
	n       *vnet.Network
	mark    uint64 // the last frame a wait consumed
	notes   []Text
	cleanup []func()
}

func (e *env) host(name string) *vnet.Host { return e.n.Host(name) }

func (e *env) note(en, zh string, args ...any) {
	e.notes = append(e.notes, Text{EN: fmt.Sprintf(en, args...), ZH: fmt.Sprintf(zh, args...)})
}

func (e *env) defer_(f func()) { e.cleanup = append(e.cleanup, f) }

// match is a frame predicate over the frame and its decoded headers.
type match func(f vnet.Frame, b *packet.Brief) bool

// wait blocks until a frame after the mark satisfies m, moves the mark to
// it and returns it.
func (e *env) wait(what string, m match) (vnet.Frame, error) {
	sig, stop := e.n.Subscribe()
	defer stop()
	for {
		for _, f := range e.n.Frames(e.mark, 0) {
			e.mark = f.Seq
			b := packet.Parse(f.Data)
			if m(f, &b) {
				return f, nil
			}
		}
		select {
		case <-sig:
		case <-e.ctx.Done():
			return vnet.Frame{}, fmt.Errorf("waiting for %s: %w", what, e.ctx.Err())
		}
	}
}

// step is one frame a script waits for: what it is (for the error) and
// how to recognise it.
type step struct {
	what string
	m    match
}

// expect waits for each step in turn, in capture order.
func (e *env) expect(steps ...step) error {
	for _, s := range steps {
		if _, err := e.wait(s.what, s.m); err != nil {
			return err
		}
	}
	return nil
}

// quiet waits until no frame has been captured for d (bounded by the run's
// context), so trailing segments are in the capture before the script moves
// on or ends.
func (e *env) quiet(d time.Duration) {
	last := e.n.LastSeq()
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if now := e.n.LastSeq(); now != last {
				last = now
				t.Reset(d)
				continue
			}
			return
		case <-e.ctx.Done():
			return
		}
	}
}

// tcpOn matches a TCP segment on link from src with exactly flags (0: any).
func tcpOn(link string, src netip.Addr, flags packet.TCPFlags) match {
	return func(f vnet.Frame, b *packet.Brief) bool {
		return f.Link == link && b.Transport == packet.TransportTCP && b.Src == src && (flags == 0 || b.Flags == flags)
	}
}

// dataOn matches a TCP segment with payload on link from src.
func dataOn(link string, src netip.Addr) match {
	return func(f vnet.Frame, b *packet.Brief) bool {
		return f.Link == link && b.Transport == packet.TransportTCP && b.Src == src && b.PayloadLen > 0
	}
}

// finOn matches a segment with FIN on link from src.
func finOn(link string, src netip.Addr) match {
	return func(f vnet.Frame, b *packet.Brief) bool {
		return f.Link == link && b.Transport == packet.TransportTCP && b.Src == src && b.Flags&packet.FlagFIN != 0
	}
}

// tcpState reports the state names of h's TCP endpoints with local port
// lport (e.g. "TIME-WAIT").
func tcpStates(h *vnet.Host, lport uint16) []string {
	var out []string
	for _, ep := range h.Stack().RegisteredEndpoints() {
		t, ok := ep.(*tcp.Endpoint)
		if !ok {
			continue
		}
		if id := t.Info().(*stack.TransportEndpointInfo).ID; id.LocalPort == lport {
			out = append(out, tcp.EndpointState(t.State()).String())
		}
	}
	return out
}

func hasState(states []string, s string) bool {
	for _, x := range states {
		if x == s {
			return true
		}
	}
	return false
}

// waitState polls (every 10 ms) until pred(states of h's port) holds.
func (e *env) waitState(h *vnet.Host, lport uint16, what string, pred func([]string) bool) error {
	tk := time.NewTicker(10 * time.Millisecond)
	defer tk.Stop()
	for !pred(tcpStates(h, lport)) {
		select {
		case <-tk.C:
		case <-e.ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, e.ctx.Err())
		}
	}
	return nil
}
