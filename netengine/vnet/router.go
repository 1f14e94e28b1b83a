package vnet

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// RouterIfaceConfig is one router interface.
type RouterIfaceConfig struct {
	Name string           // e.g. "lan", "wan"; the port is named "ROUTER/NAME"
	Addr netip.Prefix     // IPv4 address and prefix, e.g. 192.168.1.1/24
	MAC  net.HardwareAddr // nil: derived from the port name
}

// RouterConfig describes a router: two or more interfaces on different
// subnets, and optionally source NAT on one of them.
type RouterConfig struct {
	Name   string
	Ifaces []RouterIfaceConfig
	// NAT, when not empty, names the outside interface: connections from
	// the other interfaces leave it with the router's address there and a
	// port the NAT picks (see NAT).
	NAT string
}

// Router is a netstack stack with one NIC per interface. The stack answers
// ARP and carries the router's own traffic; forwarding between the
// interfaces is done here (see forward): decrement the TTL, look the next
// hop's MAC up in the router's ARP cache (asking with ARP when it is not
// there), rewrite the MAC addresses and send.
type Router struct {
	net    *Network
	name   string
	stack  *stack.Stack
	ifaces []*Iface
	addrs  []netip.Prefix
	nat    *NAT
}

// AddRouter adds a router.
func (n *Network) AddRouter(cfg RouterConfig) (*Router, error) {
	if cfg.Name == "" {
		return nil, errors.New("vnet: a router needs a name")
	}
	if len(cfg.Ifaces) < 2 {
		return nil, fmt.Errorf("vnet: router %s needs at least two interfaces", cfg.Name)
	}
	s := newStack()
	r := &Router{net: n, name: cfg.Name, stack: s}
	var rt []tcpip.Route
	for k, ic := range cfg.Ifaces {
		if !ic.Addr.IsValid() || !ic.Addr.Addr().Is4() {
			r.close()
			return nil, fmt.Errorf("vnet: router %s: interface %q needs an IPv4 address/prefix", cfg.Name, ic.Name)
		}
		for _, p := range r.addrs {
			if p.Masked().Overlaps(ic.Addr.Masked()) {
				r.close()
				return nil, fmt.Errorf("vnet: router %s: interfaces on %s and %s overlap: a router joins different subnets", cfg.Name, p.Masked(), ic.Addr.Masked())
			}
		}
		name := cfg.Name + "/" + ic.Name
		mac := ic.MAC
		if mac == nil {
			mac = MACFor(name)
		}
		i, err := addIface(s, tcpip.NICID(k+1), name, mac)
		if err != nil {
			r.close()
			return nil, err
		}
		r.ifaces = append(r.ifaces, i)
		r.addrs = append(r.addrs, ic.Addr)
		if err := s.AddProtocolAddress(i.nicID, tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber,
			AddressWithPrefix: tcpip.AddressWithPrefix{Address: tcpipAddr(ic.Addr.Addr()), PrefixLen: ic.Addr.Bits()}},
			stack.AddressProperties{}); err != nil {
			r.close()
			return nil, fmt.Errorf("vnet: router %s: %s", cfg.Name, err)
		}
		rt = append(rt, tcpip.Route{Destination: subnetOf(ic.Addr), NIC: i.nicID})
	}
	s.SetRouteTable(rt)
	// Forwarding is vnet's (forward.go), not netstack's: the stack only
	// answers ARP and carries the router's own traffic.
	if cfg.NAT != "" {
		k := -1
		for j, ic := range cfg.Ifaces {
			if ic.Name == cfg.NAT {
				k = j
			}
		}
		if k < 0 {
			r.close()
			return nil, fmt.Errorf("vnet: router %s: NAT names interface %q, which it does not have", cfg.Name, cfg.NAT)
		}
		r.nat = newNAT(r.addrs[k].Addr(), n.cap.now)
		r.ifaces[k].out = r.nat.outbound
	}
	for _, i := range r.ifaces {
		i := i
		outside := r.nat != nil && i.out != nil
		i.in = func(f *frame) *frame {
			if outside {
				r.nat.inbound(f)
			}
			return r.forward(i, f)
		}
	}
	n.mu.Lock()
	n.routers = append(n.routers, r)
	n.mu.Unlock()
	return r, nil
}

// Name is the router's name.
func (r *Router) Name() string { return r.name }

// Iface returns interface i (0-based, in RouterConfig order) as a port.
func (r *Router) Iface(i int) *Iface { return r.ifaces[i] }

// Ifaces returns the router's interfaces.
func (r *Router) Ifaces() []*Iface { return append([]*Iface(nil), r.ifaces...) }

// Addrs returns the interfaces' addresses, in the same order.
func (r *Router) Addrs() []netip.Prefix { return append([]netip.Prefix(nil), r.addrs...) }

// Stack is the router's stack.
func (r *Router) Stack() *stack.Stack { return r.stack }

// NAT is the router's NAT, or nil.
func (r *Router) NAT() *NAT { return r.nat }

// NATTable is the NAT's translation table (nil without NAT).
func (r *Router) NATTable() []NATEntry {
	if r.nat == nil {
		return nil
	}
	return r.nat.Table()
}

func (r *Router) close() {
	for _, i := range r.ifaces {
		i.close()
	}
	r.stack.Close()
	r.stack.Wait()
}
