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
//   - Router: one stack and one Iface per subnet; vnet forwards between
//     them (TTL, MACs, ARP through the stack);
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
//   - Classroom: the standard topology: pc1 192.168.1.10, pc2 .11 and web
//     .20 on switch sw1 with router r1 (lan 192.168.1.1, wan 10.0.0.1, NAT
//     on wan), server 10.0.0.2 and dns 10.0.0.53 on switch sw2; links are
//     named after their ends ("pc1-sw1", "r1-sw2" …).
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
//     Claiming receive-checksum offload made no measurable difference in
//     throughput, so stacks still verify.
//   - A gateway outside the host's subnet is accepted by netstack and
//     resolved with ARP anyway (Linux and Windows refuse it); Host builds
//     no default route in that case, as they do.
//   - gVisor's TCP uses RACK with tail-loss probes: when an ACK is late (a
//     loaded machine) a stack may retransmit its last segment after a few
//     milliseconds; captures then show a spurious retransmission and a
//     duplicate ACK. Zero-window probes are sent as one byte below the
//     window edge (Wireshark calls them keep-alives).
//   - Closing a stack aborts its sockets with RST (TIME-WAIT ones too);
//     Network.Close stops the links first so these never reach a capture.
//   - netstack's IPv4 forwarding has a use-after-free (seen under -race
//     about once in 16 runs of the NAT scenario): forwardPacketWithRoute
//     takes the header slice, then DeepCopyForForwarding's PullUp does a
//     copy-on-write of the shared chunk and releases the copy the slice
//     points into, and the TTL is read from it afterwards (newer gVisor
//     has the same code). Router therefore forwards in vnet (routing.go):
//     connected subnets only, TTL−1, header checksum, MACs rewritten, next
//     hop's MAC from the router stack's ARP cache via GetLinkAddress (which
//     sends the ARP request itself). The stack keeps forwarding off.
//
// # Cost
//
// Measured on the shared 2-core machine (BenchmarkTransfer, 100 MB between
// two hosts through a switch, MTU 1500, capture on, ring full): 117–363 MB/s
// and 85,000–259,000 frames/s on the wire (170,000–518,000 captured, each
// frame on both its links) depending on the load from other work; real
// loopback moves 2.3–3.1 GB/s in the same runs. Heap in use stays at 25–32
// MiB with the ring full (16 MiB arena + 65,536 slots). Each host or router
// costs one stack (GOMAXPROCS TCP goroutines) plus one receive goroutine per
// interface.
package vnet
