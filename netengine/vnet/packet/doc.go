// Package packet decodes the Ethernet frames of the virtual classroom
// network (netengine/vnet) for the packet list, the ladder diagram, the
// encapsulation view and the `netlab vnet` CLI. It depends on nothing in
// vnet: its input is the frame bytes, plus the capture's metadata (Meta)
// where a record needs it.
//
// Two paths, one per need:
//
//   - Every captured frame, in capture order, goes through one Analyzer:
//
//     a := packet.NewAnalyzer()
//     b := a.Next(frame) // Brief: headers + TCP/UDP conversation state, no allocation
//
//     A Brief holds addresses, ports, flags, absolute and relative seq/ack
//     (Wireshark's RelSeq/RelAck and tcpdump's DumpSeq/DumpAck), the
//     window with the scale factor applied (Win), the conversation number
//     (Conv, for "filter by connection"; TCP and UDP 4-tuples, a new SYN
//     after a close starts a new one), FromClient, Wireshark-style analysis
//     labels (Analysis: retransmission, fast and spurious retransmission,
//     duplicate ACK with DupAckOf/DupAckNum, zero window, zero-window
//     probe and its ACK, window update, keep-alive and its ACK, previous
//     segment not captured) and Problem for malformed or truncated frames.
//     Parse(frame) is the same without state. Keep the Briefs (they are
//     248 bytes of plain values) or recompute them from the frames.
//
//   - Text is made only for the rows shown, from the Brief and its frame:
//     b.Info(frame) is Wireshark's Info column ("49152 → 80 [SYN] Seq=0
//     Win=64240 Len=0 MSS=1460", "GET /index.html HTTP/1.1", "Standard query
//     0x1234 A www.class.lab", "Who has 192.168.1.1? Tell 192.168.1.10");
//     b.Tcpdump(frame) is exactly what `tcpdump -nn` prints after the time
//     (tested against tcpdump 4.99); b.Summary(frame, meta) is the CLI JSON
//     record (`netlab vnet run --json`, fields t link src_mac dst_mac proto
//     src dst transport sport dport flags seq ack rel_seq rel_ack win len
//     info dropped) and Summary.String its text line
//     "0.000123 lan1 IP 192.168.1.10.49152 > 10.0.0.2.80: Flags [S], ...".
//     Analyzer.Add(frame, meta) is Next followed by Summary. b.Textbook()
//     labels a TCP segment as the course notes draw it ("SYN=1, ACK=1,
//     seq=y, ack=x+1"), for the ladder diagram.
//
// For the selected frame, Decode(frame) builds the full tree: a Packet with
// Layers (Ethernet II, ARP, IPv4, IPv6, ICMP, ICMPv6, TCP, UDP, then HTTP or
// DNS, and any remaining payload), each Layer and Field with its byte range
// in the frame [Start, End) and, for bit fields (IP flags, fragment offset,
// TCP flags, DNS flags), the bits it covers (BitOff, BitLen, counted from
// the most significant bit of Start). Packet.Annotate(b) adds the
// Analyzer's relative numbers, calculated window, conversation and analysis
// labels to the TCP layer. A malformed frame decodes as far as it goes; the
// layer that stops says why (Layer.Problem) and nothing panics (fuzzed).
//
// Conventions: relative numbers follow Wireshark in Brief.RelSeq/RelAck,
// Summary and Info (SYN Seq=0, the next ACK Ack=1; base seq-1 when the SYN
// was not seen) and tcpdump in Tcpdump (absolute in a conversation's first
// packet with ACK, relative after). Summary.Win and Info's Win= are scaled;
// tcpdump's win is the raw field. Summary.Transport is "ICMP" for ICMPv6
// too (the CLI contract names TCP/UDP/ICMP). Field and layer names are
// English protocol terms as Wireshark writes them; a page may translate them.
package packet
