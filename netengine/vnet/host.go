package vnet

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
)

// TCPOptions are the per-host TCP knobs (netstack sets them per stack).
type TCPOptions struct {
	// TimeWait is how long a closed connection stays in TIME-WAIT (2MSL);
	// 0 means DefaultTimeWait, shortened from netstack's 60 s so a class
	// can watch it end.
	TimeWait time.Duration
	// Nagle turns Nagle's algorithm on (netstack's default is off, like
	// TCP_NODELAY).
	Nagle bool
	// RecvBuf fixes the receive buffer in bytes (≥ 4096) and turns
	// receive-buffer auto-tuning off; 0 keeps netstack's default (1 MiB,
	// auto-tuned).
	RecvBuf int
}

// DefaultTimeWait is the teaching TIME-WAIT: long enough to see, short
// enough to wait for.
const DefaultTimeWait = 2 * time.Second

// HostConfig describes a host.
type HostConfig struct {
	Name    string
	MAC     net.HardwareAddr // nil: derived from Name (locally administered 02:…)
	Addr    netip.Prefix     // IPv4 address and prefix, e.g. 192.168.1.10/24
	Addr6   netip.Prefix     // optional IPv6 address and prefix
	Gateway netip.Addr       // IPv4 default gateway (invalid: none)
	DNS     netip.Addr       // the host's DNS server (informational; apps use it)
	TCP     TCPOptions
}

// Host is a computer on the virtual network: one netstack stack with one
// network card.
type Host struct {
	net   *Network
	name  string
	stack *stack.Stack
	nic   *Iface
	tcp   TCPOptions

	mu    sync.Mutex
	addr  netip.Prefix
	addr6 netip.Prefix
	gw    netip.Addr
	dns   netip.Addr
}

// MACFor derives a stable, locally administered MAC address from a name.
func MACFor(name string) net.HardwareAddr {
	h := sha256.Sum256([]byte(name))
	return net.HardwareAddr{0x02, h[0], h[1], h[2], h[3], h[4]}
}

func newStack() *stack.Stack {
	return stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{arp.NewProtocol, ipv4.NewProtocol, ipv6.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4, icmp.NewProtocol6},
		HandleLocal:        true,
	})
}

// addIface makes an Iface named name and plugs it into s as NIC id.
func addIface(s *stack.Stack, id tcpip.NICID, name string, mac net.HardwareAddr) (*Iface, error) {
	i := newIface(name, mac)
	i.nicID = id
	if err := s.CreateNICWithOptions(id, i, stack.NICOptions{Name: name}); err != nil {
		i.close()
		return nil, fmt.Errorf("vnet: %s: create NIC: %s", name, err)
	}
	return i, nil
}

func tcpipAddr(a netip.Addr) tcpip.Address {
	if a.Is4() {
		return tcpip.AddrFrom4(a.As4())
	}
	return tcpip.AddrFrom16(a.As16())
}

func netipAddr(a tcpip.Address) netip.Addr {
	ip, _ := netip.AddrFromSlice(a.AsSlice())
	return ip
}

func protoOf(a netip.Addr) tcpip.NetworkProtocolNumber {
	if a.Is4() {
		return ipv4.ProtocolNumber
	}
	return ipv6.ProtocolNumber
}

func subnetOf(p netip.Prefix) tcpip.Subnet {
	m := p.Masked()
	return tcpip.AddressWithPrefix{Address: tcpipAddr(m.Addr()), PrefixLen: m.Bits()}.Subnet()
}

func setTCPOptions(s *stack.Stack, o TCPOptions) error {
	tw := o.TimeWait
	if tw <= 0 {
		tw = DefaultTimeWait
	}
	twOpt := tcpip.TCPTimeWaitTimeoutOption(tw)
	if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, &twOpt); err != nil {
		return fmt.Errorf("TIME-WAIT: %s", err)
	}
	delay := tcpip.TCPDelayEnabled(o.Nagle)
	if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, &delay); err != nil {
		return fmt.Errorf("Nagle: %s", err)
	}
	rb := tcpip.TCPReceiveBufferSizeRangeOption{Min: tcp.MinBufferSize, Default: tcp.DefaultReceiveBufferSize, Max: tcp.MaxBufferSize}
	if o.RecvBuf > 0 {
		if o.RecvBuf < tcp.MinBufferSize {
			return fmt.Errorf("receive buffer %d is below netstack's minimum of %d bytes", o.RecvBuf, tcp.MinBufferSize)
		}
		rb.Default, rb.Max = o.RecvBuf, o.RecvBuf
	}
	mod := tcpip.TCPModerateReceiveBufferOption(o.RecvBuf == 0)
	if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, &mod); err != nil {
		return fmt.Errorf("receive buffer: %s", err)
	}
	if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, &rb); err != nil {
		return fmt.Errorf("receive buffer: %s", err)
	}
	return nil
}

// AddHost adds a host with one network card. Plug it in with Link(h.Port(), …).
func (n *Network) AddHost(cfg HostConfig) (*Host, error) {
	if cfg.Name == "" {
		return nil, errors.New("vnet: a host needs a name")
	}
	if n.closed.Load() {
		return nil, errClosed
	}
	if cfg.MAC == nil {
		cfg.MAC = MACFor(cfg.Name)
	}
	if len(cfg.MAC) != 6 {
		return nil, fmt.Errorf("vnet: host %s: MAC %v is not 6 bytes", cfg.Name, cfg.MAC)
	}
	s := newStack()
	nic, err := addIface(s, 1, cfg.Name, cfg.MAC)
	if err != nil {
		s.Close()
		return nil, err
	}
	h := &Host{net: n, name: cfg.Name, stack: s, nic: nic, tcp: cfg.TCP, dns: cfg.DNS}
	if err := setTCPOptions(s, cfg.TCP); err != nil {
		h.close()
		return nil, fmt.Errorf("vnet: host %s: %v", cfg.Name, err)
	}
	if cfg.Addr6.IsValid() {
		if !cfg.Addr6.Addr().Is6() {
			h.close()
			return nil, fmt.Errorf("vnet: host %s: %s is not an IPv6 prefix", cfg.Name, cfg.Addr6)
		}
		h.addr6 = cfg.Addr6
		if err := s.AddProtocolAddress(1, tcpip.ProtocolAddress{Protocol: ipv6.ProtocolNumber,
			AddressWithPrefix: tcpip.AddressWithPrefix{Address: tcpipAddr(cfg.Addr6.Addr()), PrefixLen: cfg.Addr6.Bits()}},
			stack.AddressProperties{}); err != nil {
			h.close()
			return nil, fmt.Errorf("vnet: host %s: %s", cfg.Name, err)
		}
	}
	if cfg.Addr.IsValid() {
		if err := h.SetAddr(cfg.Addr, cfg.Gateway); err != nil {
			h.close()
			return nil, err
		}
	}
	n.mu.Lock()
	n.hosts = append(n.hosts, h)
	n.mu.Unlock()
	return h, nil
}

// Name is the host's name.
func (h *Host) Name() string { return h.name }

// MAC is the host's MAC address.
func (h *Host) MAC() net.HardwareAddr { return h.nic.MAC() }

// Port is the host's network card, to plug a link into.
func (h *Host) Port() Port { return h.nic }

// Iface is the host's network card.
func (h *Host) Iface() *Iface { return h.nic }

// Stack is the host's netstack stack (vengine runs apps on it).
func (h *Host) Stack() *stack.Stack { return h.stack }

// NIC is the host's NIC number in its stack.
func (h *Host) NIC() tcpip.NICID { return h.nic.nicID }

// TCP returns the host's TCP knobs.
func (h *Host) TCP() TCPOptions { h.mu.Lock(); defer h.mu.Unlock(); return h.tcp }

// Addr is the host's IPv4 address and prefix.
func (h *Host) Addr() netip.Prefix { h.mu.Lock(); defer h.mu.Unlock(); return h.addr }

// Addr6 is the host's IPv6 address and prefix (invalid: none).
func (h *Host) Addr6() netip.Prefix { h.mu.Lock(); defer h.mu.Unlock(); return h.addr6 }

// Gateway is the host's IPv4 default gateway (invalid: none).
func (h *Host) Gateway() netip.Addr { h.mu.Lock(); defer h.mu.Unlock(); return h.gw }

// DNS is the host's DNS server.
func (h *Host) DNS() netip.Addr { h.mu.Lock(); defer h.mu.Unlock(); return h.dns }

// SetAddr changes the host's IPv4 address, prefix (mask) and default gateway
// while it runs, as a student edits them: the on-link route follows the
// prefix, the default route the gateway (an invalid gw removes it), and the
// ARP cache is cleared. Open connections keep their old address and break.
// A gateway outside the subnet is accepted (that is a lesson) but, as on
// Linux and Windows, gives no default route: HasDefaultRoute reports it.
// An address that is the network or broadcast address is refused.
func (h *Host) SetAddr(p netip.Prefix, gw netip.Addr) error {
	if !p.IsValid() || !p.Addr().Is4() {
		return fmt.Errorf("vnet: host %s: %v is not an IPv4 address/prefix", h.name, p)
	}
	if gw.IsValid() && !gw.Is4() {
		return fmt.Errorf("vnet: host %s: gateway %v is not an IPv4 address", h.name, gw)
	}
	if p.Bits() < 31 && (p.Addr() == p.Masked().Addr() || p.Addr() == broadcastOf(p)) {
		return fmt.Errorf("vnet: host %s: %s is the network or broadcast address of %s, not a host address", h.name, p.Addr(), p.Masked())
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.addr.IsValid() {
		h.stack.RemoveAddress(1, tcpipAddr(h.addr.Addr()))
	}
	if err := h.stack.AddProtocolAddress(1, tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber,
		AddressWithPrefix: tcpip.AddressWithPrefix{Address: tcpipAddr(p.Addr()), PrefixLen: p.Bits()}},
		stack.AddressProperties{}); err != nil {
		return fmt.Errorf("vnet: host %s: %s", h.name, err)
	}
	h.addr, h.gw = p, gw
	h.setRoutesLocked()
	h.stack.ClearNeighbors(1, ipv4.ProtocolNumber)
	return nil
}

func (h *Host) setRoutesLocked() {
	var rt []tcpip.Route
	if h.addr.IsValid() {
		rt = append(rt, tcpip.Route{Destination: subnetOf(h.addr), NIC: 1})
	}
	if h.addr6.IsValid() {
		rt = append(rt, tcpip.Route{Destination: subnetOf(h.addr6), NIC: 1})
	}
	// Like Linux and Windows, a gateway must be on the host's own subnet:
	// one outside it gives no default route (see SetAddr).
	if h.gw.IsValid() && h.addr.IsValid() && h.addr.Masked().Contains(h.gw) {
		rt = append(rt, tcpip.Route{Destination: header.IPv4EmptySubnet, Gateway: tcpipAddr(h.gw), NIC: 1})
	}
	h.stack.SetRouteTable(rt)
}

// HasDefaultRoute reports whether the host has a usable default route: a
// gateway inside its own subnet.
func (h *Host) HasDefaultRoute() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.gw.IsValid() && h.addr.IsValid() && h.addr.Masked().Contains(h.gw)
}

// SetTCP changes the host's TCP knobs; new connections use them.
func (h *Host) SetTCP(o TCPOptions) error {
	if err := setTCPOptions(h.stack, o); err != nil {
		return fmt.Errorf("vnet: host %s: %v", h.name, err)
	}
	h.mu.Lock()
	h.tcp = o
	h.mu.Unlock()
	return nil
}

func broadcastOf(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	bits := p.Bits()
	for i := 0; i < 4; i++ {
		for b := 0; b < 8; b++ {
			if i*8+b >= bits {
				a[i] |= 0x80 >> b
			}
		}
	}
	return netip.AddrFrom4(a)
}

// ARP is the host's ARP cache: IPv4 address → MAC, as netstack holds it.
func (h *Host) ARP() map[netip.Addr]net.HardwareAddr {
	ents, err := h.stack.Neighbors(1, ipv4.ProtocolNumber)
	out := map[netip.Addr]net.HardwareAddr{}
	if err != nil {
		return out
	}
	for _, e := range ents {
		if len(e.LinkAddr) == 6 {
			out[netipAddr(e.Addr)] = net.HardwareAddr(e.LinkAddr)
		}
	}
	return out
}

func fullAddr(ap netip.AddrPort) tcpip.FullAddress {
	return tcpip.FullAddress{NIC: 1, Addr: tcpipAddr(ap.Addr().Unmap()), Port: ap.Port()}
}

// DialTCP opens a TCP connection from the host to addr.
func (h *Host) DialTCP(ctx context.Context, addr netip.AddrPort) (*gonet.TCPConn, error) {
	a := addr.Addr().Unmap()
	return gonet.DialContextTCP(ctx, h.stack, fullAddr(addr), protoOf(a))
}

// ListenTCP listens on the host's port (all its addresses, IPv4).
func (h *Host) ListenTCP(port uint16) (*gonet.TCPListener, error) {
	return gonet.ListenTCP(h.stack, tcpip.FullAddress{NIC: 1, Port: port}, ipv4.ProtocolNumber)
}

// ListenTCP6 listens on the host's port, IPv6.
func (h *Host) ListenTCP6(port uint16) (*gonet.TCPListener, error) {
	return gonet.ListenTCP(h.stack, tcpip.FullAddress{NIC: 1, Port: port}, ipv6.ProtocolNumber)
}

// ListenUDP opens a UDP socket on the host's port (IPv4).
func (h *Host) ListenUDP(port uint16) (*gonet.UDPConn, error) {
	return gonet.DialUDP(h.stack, &tcpip.FullAddress{NIC: 1, Port: port}, nil, ipv4.ProtocolNumber)
}

// DialUDP opens a UDP socket on the host connected to addr.
func (h *Host) DialUDP(addr netip.AddrPort) (*gonet.UDPConn, error) {
	ra := fullAddr(addr)
	return gonet.DialUDP(h.stack, nil, &ra, protoOf(addr.Addr().Unmap()))
}

func (h *Host) close() {
	h.nic.close()
	h.stack.Close()
	h.stack.Wait()
}
