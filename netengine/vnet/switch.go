package vnet

import (
	"fmt"
	"net"
	"sort"
	"sync"
	"time"
)

// Switch is a learning Ethernet switch: it learns which port each source MAC
// lives behind, sends a frame to the known port of its destination, and
// floods broadcasts and unknown destinations to every other port. It has no
// goroutine: a frame is switched on the goroutine that delivered it.
type Switch struct {
	net   *Network
	name  string
	mu    sync.RWMutex
	ports []*SwitchPort
	table map[[6]byte]macEntry
}

type macEntry struct {
	port *SwitchPort
	seen time.Time
}

// SwitchPort is one port of a switch.
type SwitchPort struct {
	portBase
	sw    *Switch
	index int
}

// MACEntry is one row of a switch's MAC table.
type MACEntry struct {
	MAC  net.HardwareAddr
	Port string // the port's name, e.g. "sw1/2"
	Seen time.Time
}

// AddSwitch adds a switch; its ports appear as they are used (sw.Port()).
func (n *Network) AddSwitch(name string) *Switch {
	s := &Switch{net: n, name: name, table: map[[6]byte]macEntry{}}
	n.mu.Lock()
	n.switches = append(n.switches, s)
	n.mu.Unlock()
	return s
}

// Name is the switch's name.
func (s *Switch) Name() string { return s.name }

// Port adds a new port to the switch and returns it ("sw1/1", "sw1/2", …).
func (s *Switch) Port() *SwitchPort {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &SwitchPort{sw: s, index: len(s.ports) + 1}
	p.name = fmt.Sprintf("%s/%d", s.name, p.index)
	s.ports = append(s.ports, p)
	return p
}

// Ports returns the switch's ports.
func (s *Switch) Ports() []*SwitchPort {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]*SwitchPort(nil), s.ports...)
}

// MACTable returns the learned MAC table, sorted by port then MAC.
func (s *Switch) MACTable() []MACEntry {
	s.mu.RLock()
	out := make([]MACEntry, 0, len(s.table))
	for mac, e := range s.table {
		out = append(out, MACEntry{MAC: net.HardwareAddr(append([]byte(nil), mac[:]...)), Port: e.port.name, Seen: e.seen})
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Port != out[j].Port {
			return out[i].Port < out[j].Port
		}
		return out[i].MAC.String() < out[j].MAC.String()
	})
	return out
}

// ClearMACTable forgets every learned address.
func (s *Switch) ClearMACTable() {
	s.mu.Lock()
	clear(s.table)
	s.mu.Unlock()
}

// MACString implements Port: a switch port has no address of its own.
func (p *SwitchPort) MACString() string { return "" }

// deliver implements Port: learn, then forward or flood.
func (p *SwitchPort) deliver(f *frame) {
	s := p.sw
	if len(f.b) < 14 {
		putFrame(f)
		return
	}
	var dst, src [6]byte
	copy(dst[:], f.b[0:6])
	copy(src[:], f.b[6:12])
	s.mu.RLock()
	learned, known := s.table[src]
	out, found := s.table[dst]
	s.mu.RUnlock()
	if src[0]&1 == 0 && (!known || learned.port != p || time.Since(learned.seen) > time.Second) {
		s.mu.Lock()
		s.table[src] = macEntry{port: p, seen: time.Now()}
		s.mu.Unlock()
	}
	if dst[0]&1 == 0 && found {
		if out.port == p { // the destination is behind the port it came in on
			putFrame(f)
			return
		}
		if l := out.port.link.Load(); l != nil {
			l.send(out.port, f)
			return
		}
	}
	// Flood: broadcast, multicast or unknown destination.
	s.mu.RLock()
	ports := s.ports
	s.mu.RUnlock()
	var last *SwitchPort
	for _, q := range ports {
		if q == p || q.link.Load() == nil {
			continue
		}
		if last != nil {
			last.link.Load().send(last, f.clone())
		}
		last = q
	}
	if last == nil {
		putFrame(f)
		return
	}
	last.link.Load().send(last, f)
}
