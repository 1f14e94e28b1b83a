package vnet

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Capture ring defaults: about 24 MiB at most, whatever the traffic.
const (
	DefaultCaptureFrames = 65536
	DefaultCaptureBytes  = 16 << 20
)

// Options tune a network.
type Options struct {
	// CaptureFrames and CaptureBytes bound the capture ring (frames kept for
	// Frames); 0 means the defaults. The ring's memory is allocated once.
	CaptureFrames int
	CaptureBytes  int
	// Clock stamps captured frames (nil: time.Now).
	Clock func() time.Time
}

// Network is a virtual network of hosts, switches and routers joined by
// links, with every frame captured.
type Network struct {
	cap    *capture
	closed atomic.Bool

	mu       sync.Mutex
	hosts    []*Host
	switches []*Switch
	routers  []*Router
	links    []*Link
	forwards []*Forward
	seed     uint64
}

// New makes an empty network.
func New(opt Options) *Network {
	return &Network{cap: newCapture(opt.CaptureFrames, opt.CaptureBytes, opt.Clock)}
}

// Link joins ports a and b with a cable named name ("" names it after its
// ends). A port takes one link.
func (n *Network) Link(a, b Port, name string) (*Link, error) {
	if a == nil || b == nil || a == b {
		return nil, errors.New("vnet: a link joins two different ports")
	}
	if name == "" {
		name = a.PortName() + "-" + b.PortName()
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, p := range []Port{a, b} {
		if p.base().link.Load() != nil {
			return nil, fmt.Errorf("vnet: port %s already has a link", p.PortName())
		}
	}
	for _, l := range n.links {
		if l.name == name {
			return nil, fmt.Errorf("vnet: there is already a link named %q", name)
		}
	}
	n.seed++
	l := &Link{net: n, name: name, a: a, b: b, rng: newRand(n.seed)}
	a.base().link.Store(l)
	b.base().link.Store(l)
	n.links = append(n.links, l)
	return l, nil
}

// Hosts returns the hosts in the order they were added.
func (n *Network) Hosts() []*Host {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Host(nil), n.hosts...)
}

// Host returns the host named name, or nil.
func (n *Network) Host(name string) *Host {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, h := range n.hosts {
		if h.name == name {
			return h
		}
	}
	return nil
}

// Switches returns the switches.
func (n *Network) Switches() []*Switch {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Switch(nil), n.switches...)
}

// Routers returns the routers.
func (n *Network) Routers() []*Router {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Router(nil), n.routers...)
}

// Router returns the router named name, or nil.
func (n *Network) Router(name string) *Router {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, r := range n.routers {
		if r.name == name {
			return r
		}
	}
	return nil
}

// Links returns the links.
func (n *Network) Links() []*Link {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Link(nil), n.links...)
}

// LinkNamed returns the link named name, or nil.
func (n *Network) LinkNamed(name string) *Link {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, l := range n.links {
		if l.name == name {
			return l
		}
	}
	return nil
}

// Forwards returns the port forwards from the real machine.
func (n *Network) Forwards() []*Forward {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Forward(nil), n.forwards...)
}

// Close stops forwards, stacks and delivery. Links stop carrying (and
// capturing) frames first, so the resets a closing stack sends to its open
// sockets never appear. Captured frames stay readable.
func (n *Network) Close() error {
	if n.closed.Swap(true) {
		return nil
	}
	n.mu.Lock()
	fw, hosts, routers := n.forwards, n.hosts, n.routers
	n.mu.Unlock()
	for _, f := range fw {
		f.Close()
	}
	for _, h := range hosts {
		h.close()
	}
	for _, r := range routers {
		r.close()
	}
	return nil
}
