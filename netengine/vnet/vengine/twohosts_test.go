package vengine_test

import (
	"context"
	"sync"
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/link/ethernet"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// A two-host network for the tests: two netstack stacks with one Ethernet
// NIC each (a channel endpoint of the given MTU), joined by a cable that is one
// goroutine per direction moving frames out of one NIC and into the other.
// The server host is 10.0.0.2 / fd00::2, the client host 10.0.0.1 / fd00::1,
// on one subnet (ARP and NDP are real). Their TCP buffers have Linux's
// default limits (net.ipv4.tcp_wmem max 4 MiB, tcp_rmem max 6 MiB, receive
// auto-tuning on) instead of netstack's 1 MiB: the suite's DialEcho pushes
// 3 MiB through an echo peer while the engine, above its 1 MiB high-water
// mark, reads nothing, which needs about 2.75 MiB of buffering between the
// two, as the host's loopback provides.

const nic tcpip.NICID = 1

type twoHosts struct {
	server, client *stack.Stack
}

// Two kinds of cable: real Ethernet's MTU with checksums computed and
// checked, and one like Linux's loopback, over which the host engines run
// the conformance suite: MTU 65,536 and no checksums (lo marks its packets
// CHECKSUM_UNNECESSARY; here the NICs offer checksum offload).
const (
	ethernetMTU = 1500
	loopbackMTU = 65536
)

func newTwoHosts(tb testing.TB, mtu uint32) *twoHosts {
	tb.Helper()
	srv, srvLink := newHost(tb, "\x02\x00\x00\x00\x00\x02", [4]byte{10, 0, 0, 2}, 2, mtu)
	cli, cliLink := newHost(tb, "\x02\x00\x00\x00\x00\x01", [4]byte{10, 0, 0, 1}, 1, mtu)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { cable(ctx, srvLink, cliLink) })
	wg.Go(func() { cable(ctx, cliLink, srvLink) })
	tb.Cleanup(func() {
		cancel()
		wg.Wait()
		for _, s := range []*stack.Stack{srv, cli} {
			s.Close()
			s.Wait()
		}
	})
	return &twoHosts{server: srv, client: cli}
}

func newHost(tb testing.TB, mac tcpip.LinkAddress, v4 [4]byte, v6last byte, mtu uint32) (*stack.Stack, *channel.Endpoint) {
	tb.Helper()
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{arp.NewProtocol, ipv4.NewProtocol, ipv6.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
	})
	for _, opt := range []tcpip.SettableTransportProtocolOption{
		&tcpip.TCPSendBufferSizeRangeOption{Min: 4 << 10, Default: 4 << 20, Max: 4 << 20},
		&tcpip.TCPReceiveBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 6 << 20},
		func() *tcpip.TCPModerateReceiveBufferOption {
			v := tcpip.TCPModerateReceiveBufferOption(true)
			return &v
		}(),
	} {
		if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, opt); err != nil {
			tb.Fatal(err)
		}
	}
	link := channel.New(4096, mtu, mac)
	if mtu == loopbackMTU {
		link.LinkEPCapabilities = stack.CapabilityRXChecksumOffload | stack.CapabilityTXChecksumOffload
	}
	if err := s.CreateNIC(nic, ethernet.New(link)); err != nil {
		tb.Fatal(err)
	}
	a4 := tcpip.AddressWithPrefix{Address: tcpip.AddrFrom4(v4), PrefixLen: 24}
	var ip6 [16]byte
	ip6[0], ip6[1], ip6[15] = 0xfd, 0x00, v6last
	a6 := tcpip.AddressWithPrefix{Address: tcpip.AddrFrom16(ip6), PrefixLen: 64}
	for _, pa := range []tcpip.ProtocolAddress{
		{Protocol: ipv4.ProtocolNumber, AddressWithPrefix: a4},
		{Protocol: ipv6.ProtocolNumber, AddressWithPrefix: a6},
	} {
		if err := s.AddProtocolAddress(nic, pa, stack.AddressProperties{}); err != nil {
			tb.Fatal(err)
		}
	}
	s.SetRouteTable([]tcpip.Route{{Destination: a4.Subnet(), NIC: nic}, {Destination: a6.Subnet(), NIC: nic}})
	return s, link
}

// cable carries every frame from one NIC to the other until ctx ends.
func cable(ctx context.Context, from, to *channel.Endpoint) {
	for {
		pkt := from.ReadContext(ctx)
		if pkt == nil {
			return
		}
		// The frame's bytes are shared, not copied, as gVisor's own pipe
		// link does: the sender's chunks are reference-counted.
		in := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: pkt.ToBuffer()})
		pkt.DecRef()
		to.InjectInbound(0, in) // the Ethernet header says which protocol
		in.DecRef()
	}
}
