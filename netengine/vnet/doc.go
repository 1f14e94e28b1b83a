// Package vnet is NetLab's virtual classroom network: hosts, switches and a
// router made of real TCP/IP stacks (gVisor's netstack, one stack per host
// and router), joined by links whose every frame is captured.
//
// # Pieces
//
//   - Host: one stack, one network card (Iface), IPv4 address/prefix,
//     optional IPv6, default gateway, DNS server, TCP knobs (TIME-WAIT,
//     Nagle, receive buffer). SetAddr edits address, mask and gateway live.
//   - Switch: learns source MACs per port, forwards known unicast, floods
//     broadcast and unknown destinations. It switches on the delivering
//     goroutine (no goroutine, no queue of its own).
//   - Router: one stack with forwarding on and one Iface per subnet;
//     optional source NAT with port mapping (NAT) on its outside interface,
//     a frame rewrite at the wire, so captures show the connection on both
//     sides and NATTable lists the translations.
//   - Link: a cable between two ports; impairments (drop next N, drop %,
//     delay, duplicate, drop a chosen frame) for teaching loss.
//   - Capture: every frame on every link, in one numbered order, into a
//     bounded ring (Frames, LostFromView, Subscribe) and, on request,
//     losslessly into a classic pcap file (WritePcap).
//   - Forward: a real 127.0.0.1 port forwarded to a virtual host:port, so
//     a real browser reaches a server inside.
//   - Classroom: the standard topology (see its doc).
//
// # Data path
//
// A stack writes a packet through Iface.WritePackets on its own goroutine:
// the bytes are copied once into a pooled 1514-byte frame, the link
// captures it (a copy into the ring's preallocated arena under one short
// lock) and hands it to the far port. A switch port forwards at once on the
// same goroutine; an Iface queues the frame (bounded at 2048, overflow
// dropped and counted) and its receive goroutine delivers the queued batch
// to its stack. Nothing on this path allocates per frame (frames, packet
// buffers and their chunks are pooled) and nothing waits for a reader of the
// capture.
//
// # netstack facts learned here (gvisor v0.0.0-20250205023644-9414b50a5633)
//
//   - channel.Endpoint carries no Ethernet header and needs no ARP; this
//     package's Iface is its own LinkEndpoint that adds and parses the
//     Ethernet header and reports CapabilityResolutionRequired, so ARP is
//     real. Frames are not padded to 60 bytes (ARP frames are 42).
//   - IPv4 processes frames marked PacketOtherHost: a NIC must filter
//     unicast frames for other MACs itself, or a flooded frame is taken (and
//     a router forwards it). Iface drops them like a real card.
//   - Delivering a frame into a stack synchronously from another stack's
//     WritePackets can re-enter locks (an ARP reply while the neighbour
//     entry is being written); delivery therefore goes through a queue and
//     a goroutine per stack interface.
//   - Adding an address adds no route: the on-link route follows the prefix
//     (SetRouteTable), which is how a wrong mask is taught.
//   - TIME-WAIT, Nagle and buffer sizes are per stack (per host), not per
//     socket; TIME-WAIT defaults to 60 s and is shortened here to 2 s.
//   - Each stack starts GOMAXPROCS TCP processor goroutines; a stack costs
//     little memory when idle.
//   - netstack's own NAT (iptables) keeps its mappings in unexported
//     conntrack state, so it cannot show a table: NAT here is hand-written.
//   - Checksums are computed and verified in software (no offload
//     capability), so a NAT rewrite must update them; tcpdump -v confirms.
package vnet
