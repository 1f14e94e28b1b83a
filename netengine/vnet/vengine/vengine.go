// Package vengine is a netengine.Engine over one gVisor netstack
// *stack.Stack: a virtual host of netengine/vnet. The TCP workbench, the
// classroom DNS server and the static web server run on it unchanged, and
// their segments cross the virtual network where the packet view sees them.
//
// The engine is the portable engine (a goroutine per connection, the whole
// contract of netengine, see ENGINES.md) over a Transport whose sockets are
// netstack TCP endpoints, driven directly through their waiter queues
// (conn.go). So the contract is kept by the same code on every engine that
// has no event loop of its own, and the conformance suite
// (netengine/enginetest) checks it here against a second netstack host.
//
// Addresses are the virtual host's: Listen("tcp", "10.0.0.2:80"),
// Listen("tcp", ":80") (every address of the host), Dial("tcp",
// "[fd00::2]:80"). There is no resolver: host names are refused with a
// clear error. Nothing is registered globally (an engine needs a stack), so
// netengine.Names and the app's engine menu stay as they are.
//
// The engine does not force TCP_NODELAY as the host engines do: Nagle on
// or off is a per-host teaching knob of the virtual network, and the
// stack's setting applies.
package vengine

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// New makes an engine called name whose sockets live in s. nic is the NIC
// a wildcard listener (":80") serves; 0 serves every NIC of s. Sockets on
// a given address use the NIC that has it, dialed ones the routes' choice.
func New(s *stack.Stack, nic tcpip.NICID, name string) netengine.Engine {
	return netengine.NewPortable(name, &Transport{Stack: s, NIC: nic})
}

// Transport is a netengine.Transport on a netstack stack; New uses it.
// Its Dial and Listen are also the plain blocking sockets of the virtual
// host (the port forward and tests use them directly).
type Transport struct {
	Stack *stack.Stack
	NIC   tcpip.NICID
}

// Listen opens a listening TCP socket on addr ("10.0.0.2:80", ":0",
// "[fd00::2]:0"). network is "tcp", "tcp4" or "tcp6".
func (t *Transport) Listen(network, addr string) (net.Listener, error) {
	fa, proto, err := t.resolve(network, addr, true)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: network, Err: err}
	}
	return listen(t.Stack, fa, proto)
}

// Dial connects to addr and returns once the handshake is done, refused,
// or timed out (timeout 0: no limit other than TCP's own).
func (t *Transport) Dial(network, addr string, timeout time.Duration) (net.Conn, error) {
	return t.DialTCP(network, addr, timeout)
}

// DialTCP is Dial with the concrete type, which has CloseWrite and
// SetLinger like *net.TCPConn.
func (t *Transport) DialTCP(network, addr string, timeout time.Duration) (*Conn, error) {
	fa, proto, err := t.resolve(network, addr, false)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	return dial(t.Stack, fa, proto, timeout)
}

var errNoHost = errors.New("an address is needed to dial")

// resolve turns "host:port" into a netstack address. An empty host means
// every address of the stack (listen only).
func (t *Transport) resolve(network, addr string, listening bool) (tcpip.FullAddress, tcpip.NetworkProtocolNumber, error) {
	var fa tcpip.FullAddress
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return fa, 0, fmt.Errorf("network %q: the virtual engine speaks tcp, tcp4 and tcp6", network)
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return fa, 0, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return fa, 0, fmt.Errorf("port %q: a number from 0 to 65535 is needed", portStr)
	}
	fa.Port = uint16(port)
	if host == "" {
		if !listening {
			return fa, 0, errNoHost
		}
		// A wildcard listens on every address of the host's NIC (of every
		// NIC with NIC 0).
		fa.NIC = t.NIC
		has6 := t.Stack.CheckNetworkProtocol(ipv6.ProtocolNumber)
		if network == "tcp6" && !has6 {
			return fa, 0, errors.New("this host has no IPv6")
		}
		if network == "tcp4" || !has6 {
			return fa, ipv4.ProtocolNumber, nil
		}
		// An IPv6 wildcard socket is dual-stack: it accepts IPv4 too.
		return fa, ipv6.ProtocolNumber, nil
	}
	// A given address picks its NIC itself (netstack would accept any IPv4
	// address on a named NIC, so an address the host lacks would not be
	// refused); a dial goes where the routes say.
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fa, 0, fmt.Errorf("%q is not an IP address (the virtual network has no resolver here)", host)
	}
	ip = ip.Unmap()
	if ip.Zone() != "" {
		return fa, 0, fmt.Errorf("%q: zones are not supported", host)
	}
	fa.Addr = tcpip.AddrFromSlice(ip.AsSlice())
	proto := tcpip.NetworkProtocolNumber(ipv4.ProtocolNumber)
	if ip.Is6() {
		proto = ipv6.ProtocolNumber
	}
	if (network == "tcp4" && ip.Is6()) || (network == "tcp6" && ip.Is4()) {
		return fa, 0, fmt.Errorf("%s is not an address of network %s", ip, network)
	}
	return fa, proto, nil
}
