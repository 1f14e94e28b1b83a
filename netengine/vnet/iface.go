package vnet

import (
	"net"
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// rxQueueMax bounds the frames waiting for a stack, like a NIC's receive
// ring: when the stack falls behind, further frames are dropped and counted.
const rxQueueMax = 2048

// Iface is a network card of a netstack stack (a host's NIC or a router
// interface): a stack.LinkEndpoint that frames Ethernet itself, hands each
// outgoing frame straight to its link (on the stack's goroutine, copied into
// a pooled frame) and delivers incoming frames on its own goroutine, in
// batches.
type Iface struct {
	portBase
	mac   tcpip.LinkAddress
	hw    net.HardwareAddr
	nicID tcpip.NICID

	dispatcher atomic.Pointer[stack.NetworkDispatcher]

	// out may rewrite a frame leaving through the interface (the router's
	// NAT); it returns false to drop it. in sees each arrival before the
	// stack: it returns the frame to hand to the stack, or nil when it has
	// taken the frame (the router forwarding it, or dropping it).
	out func(f *frame) bool
	in  func(f *frame) *frame

	mu      sync.Mutex
	queue   []*frame
	spare   []*frame
	wake    chan struct{}
	done    chan struct{}
	closed  bool
	rxDrops atomic.Uint64
}

func newIface(name string, mac net.HardwareAddr) *Iface {
	i := &Iface{mac: tcpip.LinkAddress(mac), hw: append(net.HardwareAddr(nil), mac...),
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	i.name = name
	go i.rxLoop()
	return i
}

// MAC is the interface's MAC address.
func (i *Iface) MAC() net.HardwareAddr { return append(net.HardwareAddr(nil), i.hw...) }

// MACString implements Port.
func (i *Iface) MACString() string { return i.hw.String() }

// NIC is the interface's NIC number in its stack.
func (i *Iface) NIC() tcpip.NICID { return i.nicID }

// RxDrops counts frames dropped because the stack did not keep up.
func (i *Iface) RxDrops() uint64 { return i.rxDrops.Load() }

// deliver implements Port: queue f for the stack, unless it is unicast to
// another MAC (a real card filters those: a switch floods unknown
// destinations to every port, and netstack's IPv4 would otherwise process
// frames meant for someone else).
func (i *Iface) deliver(f *frame) {
	if len(f.b) < header.EthernetMinimumSize {
		putFrame(f)
		return
	}
	if f.b[0]&1 == 0 && string(f.b[:6]) != string(i.mac) {
		putFrame(f)
		return
	}
	i.mu.Lock()
	if i.closed || len(i.queue) >= rxQueueMax {
		i.mu.Unlock()
		i.rxDrops.Add(1)
		putFrame(f)
		return
	}
	i.queue = append(i.queue, f)
	i.mu.Unlock()
	select {
	case i.wake <- struct{}{}:
	default:
	}
}

func (i *Iface) rxLoop() {
	for {
		select {
		case <-i.wake:
		case <-i.done:
			return
		}
		i.mu.Lock()
		batch := i.queue
		i.queue = i.spare[:0]
		i.mu.Unlock()
		d := i.dispatcher.Load()
		for k, f := range batch {
			batch[k] = nil
			if i.in != nil {
				if f = i.in(f); f == nil {
					continue
				}
			}
			if d == nil {
				putFrame(f)
				continue
			}
			pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(f.b)})
			putFrame(f)
			hdr, ok := pkt.LinkHeader().Consume(header.EthernetMinimumSize)
			if !ok {
				pkt.DecRef()
				continue
			}
			eth := header.Ethernet(hdr)
			switch dst := eth.DestinationAddress(); {
			case dst == header.EthernetBroadcastAddress:
				pkt.PktType = tcpip.PacketBroadcast
			case header.IsMulticastEthernetAddress(dst):
				pkt.PktType = tcpip.PacketMulticast
			default:
				pkt.PktType = tcpip.PacketHost
			}
			(*d).DeliverNetworkPacket(eth.Type(), pkt)
			pkt.DecRef()
		}
		i.mu.Lock()
		i.spare = batch[:0]
		i.mu.Unlock()
	}
}

func (i *Iface) close() {
	i.mu.Lock()
	if i.closed {
		i.mu.Unlock()
		return
	}
	i.closed = true
	q := i.queue
	i.queue = nil
	i.mu.Unlock()
	close(i.done)
	for _, f := range q {
		putFrame(f)
	}
}

// --- stack.LinkEndpoint ---

// WritePackets implements stack.LinkWriter: each packet is copied into a
// pooled frame and sent over the link on the caller's goroutine.
func (i *Iface) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	n := 0
	for _, pkt := range pkts.AsSlice() {
		size := pkt.Size()
		if size > maxFrame {
			continue
		}
		f := getFrame(size)
		vl, off := pkt.AsViewList()
		w := 0
		for v := vl.Front(); v != nil && w < size; v = v.Next() {
			s := v.AsSlice()
			if off >= len(s) {
				off -= len(s)
				continue
			}
			w += copy(f.b[w:], s[off:])
			off = 0
		}
		n++
		i.transmit(f)
	}
	return n, nil
}

// transmit sends f out over the interface's link (through the out hook).
func (i *Iface) transmit(f *frame) {
	l := i.link.Load()
	if l == nil || (i.out != nil && !i.out(f)) {
		putFrame(f)
		return
	}
	l.send(i, f)
}

// MTU implements stack.LinkEndpoint.
func (i *Iface) MTU() uint32 { return MTU }

// SetMTU implements stack.LinkEndpoint (the MTU is fixed at 1500).
func (i *Iface) SetMTU(uint32) {}

// MaxHeaderLength implements stack.LinkEndpoint.
func (i *Iface) MaxHeaderLength() uint16 { return header.EthernetMinimumSize }

// LinkAddress implements stack.LinkEndpoint.
func (i *Iface) LinkAddress() tcpip.LinkAddress { return i.mac }

// SetLinkAddress implements stack.LinkEndpoint (the MAC is fixed).
func (i *Iface) SetLinkAddress(tcpip.LinkAddress) {}

// Capabilities implements stack.LinkEndpoint: link-address resolution
// (ARP) is required, checksums are computed and checked in software.
func (i *Iface) Capabilities() stack.LinkEndpointCapabilities {
	return stack.CapabilityResolutionRequired
}

// Attach implements stack.LinkEndpoint.
func (i *Iface) Attach(d stack.NetworkDispatcher) {
	if d == nil {
		i.dispatcher.Store(nil)
		return
	}
	i.dispatcher.Store(&d)
}

// IsAttached implements stack.LinkEndpoint.
func (i *Iface) IsAttached() bool { return i.dispatcher.Load() != nil }

// Wait implements stack.LinkEndpoint.
func (i *Iface) Wait() {}

// ARPHardwareType implements stack.LinkEndpoint.
func (i *Iface) ARPHardwareType() header.ARPHardwareType { return header.ARPHardwareEther }

// AddHeader implements stack.LinkEndpoint: the Ethernet header.
func (i *Iface) AddHeader(pkt *stack.PacketBuffer) {
	eth := header.Ethernet(pkt.LinkHeader().Push(header.EthernetMinimumSize))
	eth.Encode(&header.EthernetFields{
		SrcAddr: pkt.EgressRoute.LocalLinkAddress,
		DstAddr: pkt.EgressRoute.RemoteLinkAddress,
		Type:    pkt.NetworkProtocolNumber,
	})
}

// ParseHeader implements stack.LinkEndpoint.
func (i *Iface) ParseHeader(pkt *stack.PacketBuffer) bool {
	_, ok := pkt.LinkHeader().Consume(header.EthernetMinimumSize)
	return ok
}

// Close implements stack.LinkEndpoint.
func (i *Iface) Close() {}

// SetOnCloseAction implements stack.LinkEndpoint.
func (i *Iface) SetOnCloseAction(func()) {}

var _ stack.LinkEndpoint = (*Iface)(nil)
