package packet

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/miekg/dns"
)

// Tcpdump is what `tcpdump -nn` (4.99) prints for the frame after the
// timestamp, e.g.
//
//	IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000000, win 65535, options [mss 1460], length 0
//	ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28
//
// Sequence numbers follow tcpdump: absolute in a conversation's first
// packet with ACK and in packets without ACK, else relative (b must come
// from an Analyzer for that; from Parse they are absolute). The window is
// the raw field, as tcpdump prints it.
func (b *Brief) Tcpdump(f []byte) string {
	var buf [192]byte
	return string(b.appendTcpdump(buf[:0], f))
}

func (b *Brief) appendTcpdump(out []byte, f []byte) []byte {
	switch b.Proto {
	case ProtoARP:
		return b.appendARPDump(out, f)
	case ProtoOther:
		if b.FrameLen < 14 {
			return append(out, "[|ether]"...)
		}
		out = append(out, "ethertype Unknown (0x"...)
		out = appendHex16(out, b.EtherType)
		out = append(out, "), length "...)
		return strconv.AppendInt(out, int64(b.FrameLen), 10)
	case ProtoIPv4:
		out = append(out, "IP "...)
	case ProtoIPv6:
		out = append(out, "IP6 "...)
	}
	if !b.Src.IsValid() {
		return append(out, "[|ip] ("+b.Problem.String()+")"...)
	}
	ports := (b.Transport == TransportTCP || b.Transport == TransportUDP) && b.Problem != ProblemShortTCP && b.Problem != ProblemShortUDP
	out = b.Src.AppendTo(out)
	if ports {
		out = append(out, '.')
		out = strconv.AppendUint(out, uint64(b.SrcPort), 10)
	}
	out = append(out, " > "...)
	out = b.Dst.AppendTo(out)
	if ports {
		out = append(out, '.')
		out = strconv.AppendUint(out, uint64(b.DstPort), 10)
	}
	out = append(out, ": "...)
	if b.Fragment {
		out = append(out, "ip-proto-"...)
		return strconv.AppendUint(out, uint64(b.IPProto), 10)
	}
	switch b.Transport {
	case TransportTCP:
		if !ports {
			return append(out, "tcp [|tcp]"...)
		}
		return b.appendTCPDump(out, f)
	case TransportUDP:
		if !ports {
			return append(out, "udp [|udp]"...)
		}
		if b.isDNS() {
			if m := b.dnsMessage(f); m != nil {
				return appendDNSDump(out, m, b.PayloadLen)
			}
		}
		out = append(out, "UDP, length "...)
		return strconv.AppendInt(out, int64(b.PayloadLen), 10)
	case TransportICMP:
		return b.appendICMPDump(out, f)
	case TransportICMPv6:
		return b.appendICMP6Dump(out, f)
	}
	out = append(out, "ip-proto-"...)
	out = strconv.AppendUint(out, uint64(b.IPProto), 10)
	out = append(out, ' ')
	return strconv.AppendInt(out, int64(b.PayloadLen), 10)
}

func (b *Brief) appendARPDump(out []byte, f []byte) []byte {
	out = append(out, "ARP, "...)
	if !b.Src.IsValid() {
		return append(out, "[|arp]"...)
	}
	switch b.ARPOp {
	case 1:
		out = append(out, "Request who-has "...)
		out = b.Dst.AppendTo(out)
		if b.ARPTargetMAC != [6]byte{} {
			out = append(out, " ("...)
			out = appendMAC(out, b.ARPTargetMAC)
			out = append(out, ')')
		}
		out = append(out, " tell "...)
		out = b.Src.AppendTo(out)
	case 2:
		out = append(out, "Reply "...)
		out = b.Src.AppendTo(out)
		out = append(out, " is-at "...)
		out = appendMAC(out, b.ARPSenderMAC)
	default:
		out = append(out, "Unknown opcode ("...)
		out = strconv.AppendUint(out, uint64(b.ARPOp), 10)
		out = append(out, ')')
	}
	out = append(out, ", length "...)
	return strconv.AppendInt(out, int64(len(f)-14), 10)
}

func (b *Brief) appendTCPDump(out []byte, f []byte) []byte {
	out = append(out, "Flags ["...)
	out = b.Flags.appendTcpdump(out)
	out = append(out, ']')
	if b.Problem == ProblemBadTCPDataOffset {
		return append(out, " [bad hdr length]"...)
	}
	n := uint32(b.PayloadLen)
	if n > 0 || b.Flags&(FlagSYN|FlagFIN|FlagRST) != 0 {
		out = append(out, ", seq "...)
		out = strconv.AppendUint(out, uint64(b.DumpSeq), 10)
		if n > 0 {
			out = append(out, ':')
			out = strconv.AppendUint(out, uint64(b.DumpSeq+n), 10)
		}
	}
	if b.Flags&FlagACK != 0 {
		out = append(out, ", ack "...)
		out = strconv.AppendUint(out, uint64(b.DumpAck), 10)
	}
	out = append(out, ", win "...)
	out = strconv.AppendUint(out, uint64(b.RawWin), 10)
	if b.Flags&FlagURG != 0 && b.TransOff+20 <= len(f) {
		out = append(out, ", urg "...)
		out = strconv.AppendUint(out, uint64(binary.BigEndian.Uint16(f[b.TransOff+18:])), 10)
	}
	if b.TCPHdr > 20 {
		out = append(out, ", options ["...)
		first := true
		ok := tcpOptions(b, f, func(kind byte, opt []byte, _ int) bool {
			if !first {
				out = append(out, ',')
			}
			first = false
			out = appendTCPOptionDump(out, b, kind, opt)
			return true
		})
		if !ok {
			if !first {
				out = append(out, ',')
			}
			out = append(out, "bad opt"...)
		}
		out = append(out, ']')
	}
	out = append(out, ", length "...)
	out = strconv.AppendInt(out, int64(n), 10)
	if p := b.payload(f); len(p) > 0 {
		switch {
		case b.isDNS():
			if m := b.dnsMessage(f); m != nil {
				out = append(out, ' ') // tcpdump 4.99 writes no colon before DNS over TCP
				out = appendDNSDump(out, m, len(p)-2)
			}
		case isHTTPPort(b.SrcPort) || isHTTPPort(b.DstPort):
			out = append(out, ": HTTP"...)
			if line, ok := httpFirstLine(p); ok {
				out = append(out, ": "...)
				out = append(out, line...)
			}
		}
	}
	return out
}

// isHTTPPort: the ports tcpdump hands to its HTTP printer.
func isHTTPPort(p uint16) bool { return p == 80 || p == 8080 }

func appendTCPOptionDump(out []byte, b *Brief, kind byte, opt []byte) []byte {
	switch {
	case kind == 0:
		return append(out, "eol"...)
	case kind == 1:
		return append(out, "nop"...)
	case kind == 2 && len(opt) == 4:
		out = append(out, "mss "...)
		return strconv.AppendUint(out, uint64(binary.BigEndian.Uint16(opt[2:])), 10)
	case kind == 3 && len(opt) == 3:
		out = append(out, "wscale "...)
		return strconv.AppendUint(out, uint64(opt[2]), 10)
	case kind == 4 && len(opt) == 2:
		return append(out, "sackOK"...)
	case kind == 5:
		out = append(out, "sack"...)
		d := len(opt) - 2
		if d%8 != 0 {
			return append(out, " invalid sack"...)
		}
		out = append(out, ' ')
		out = strconv.AppendInt(out, int64(d/8), 10)
		out = append(out, ' ')
		for i := 2; i+8 <= len(opt); i += 8 {
			s, e := binary.BigEndian.Uint32(opt[i:]), binary.BigEndian.Uint32(opt[i+4:])
			if b.dumpRel {
				s, e = s-b.dumpAckBase, e-b.dumpAckBase
			}
			out = append(out, '{')
			out = strconv.AppendUint(out, uint64(s), 10)
			out = append(out, ':')
			out = strconv.AppendUint(out, uint64(e), 10)
			out = append(out, '}')
		}
		return out
	case kind == 8 && len(opt) == 10:
		out = append(out, "TS val "...)
		out = strconv.AppendUint(out, uint64(binary.BigEndian.Uint32(opt[2:])), 10)
		out = append(out, " ecr "...)
		return strconv.AppendUint(out, uint64(binary.BigEndian.Uint32(opt[6:])), 10)
	}
	out = append(out, "unknown-"...)
	return strconv.AppendUint(out, uint64(kind), 10)
}

// appendDNSDump is tcpdump's short DNS form (print-domain.c without -v):
// "4660+ A? www.class.lab. (31)", "4660* 1/0/0 A 10.0.0.2 (47)".
func appendDNSDump(out []byte, m *dns.Msg, length int) []byte {
	out = strconv.AppendUint(out, uint64(m.Id), 10)
	if m.Opcode != dns.OpcodeQuery {
		out = append(out, ' ')
		out = append(out, dns.OpcodeToString[m.Opcode]...)
	}
	if m.Response {
		switch m.Rcode {
		case 0:
		case 1:
			out = append(out, " FormErr"...)
		case 2:
			out = append(out, " ServFail"...)
		case 3:
			out = append(out, " NXDomain"...)
		case 4:
			out = append(out, " NotImp"...)
		case 5:
			out = append(out, " Refused"...)
		default:
			out = append(out, " Resp"...)
			out = strconv.AppendInt(out, int64(m.Rcode), 10)
		}
		if m.Authoritative {
			out = append(out, '*')
		}
		if !m.RecursionAvailable {
			out = append(out, '-')
		}
		if m.Truncated {
			out = append(out, '|')
		}
		if len(m.Question) != 1 {
			out = appendCount(out, len(m.Question), "q")
		}
		out = append(out, ' ')
		out = strconv.AppendInt(out, int64(len(m.Answer)), 10)
		out = append(out, '/')
		out = strconv.AppendInt(out, int64(len(m.Ns)), 10)
		out = append(out, '/')
		out = strconv.AppendInt(out, int64(len(m.Extra)), 10)
		for i, rr := range m.Answer {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, ' ')
			out = append(out, rrShort(rr, true)...)
		}
	} else {
		if m.RecursionDesired {
			out = append(out, '+')
		}
		if m.CheckingDisabled {
			out = append(out, '%')
		}
		if len(m.Question) != 1 {
			out = appendCount(out, len(m.Question), "q")
		}
		if len(m.Answer) != 0 {
			out = appendCount(out, len(m.Answer), "a")
		}
		if len(m.Ns) != 0 {
			out = appendCount(out, len(m.Ns), "n")
		}
		if len(m.Extra) != 0 {
			out = appendCount(out, len(m.Extra), "au")
		}
		if len(m.Question) > 0 {
			q := m.Question[0]
			out = append(out, ' ')
			out = append(out, dns.Type(q.Qtype).String()...)
			if q.Qclass != dns.ClassINET {
				out = append(out, ' ')
				out = append(out, dns.Class(q.Qclass).String()...)
			}
			out = append(out, "? "...)
			out = append(out, q.Name...)
		}
	}
	out = append(out, " ("...)
	out = strconv.AppendInt(out, int64(length), 10)
	return append(out, ')')
}

func (b *Brief) appendICMPDump(out []byte, f []byte) []byte {
	out = append(out, "ICMP "...)
	switch b.ICMPType {
	case 8, 0:
		out = b.appendEchoDump(out, b.ICMPType == 8)
	case 3:
		out = b.appendUnreachDump(out, f)
	case 11:
		out = append(out, "time exceeded in-transit"...)
	default:
		out = append(out, "type-#"...)
		out = strconv.AppendUint(out, uint64(b.ICMPType), 10)
	}
	out = append(out, ", length "...)
	return strconv.AppendInt(out, int64(b.PayloadLen), 10)
}

func (b *Brief) appendICMP6Dump(out []byte, f []byte) []byte {
	out = append(out, "ICMP6, "...)
	switch b.ICMPType {
	case 128, 129:
		out = b.appendEchoDump(out, b.ICMPType == 128)
	case 135, 136:
		if b.ICMPType == 135 {
			out = append(out, "neighbor solicitation, who has "...)
		} else {
			out = append(out, "neighbor advertisement, tgt is "...)
		}
		if b.TransOff+24 <= len(f) {
			out = netip.AddrFrom16([16]byte(f[b.TransOff+8 : b.TransOff+24])).AppendTo(out)
		}
	case 133:
		out = append(out, "router solicitation"...)
	case 134:
		out = append(out, "router advertisement"...)
	case 1:
		out = append(out, "destination unreachable"...)
	case 3:
		out = append(out, "time exceeded in-transit"...)
	default:
		out = append(out, "type "...)
		out = strconv.AppendUint(out, uint64(b.ICMPType), 10)
	}
	out = append(out, ", length "...)
	return strconv.AppendInt(out, int64(b.PayloadLen), 10)
}

// appendUnreachDump names the destination of the quoted datagram as
// tcpdump does: "net 10.9.0.0 unreachable", "host 10.0.0.9 unreachable",
// "10.0.0.2 udp port 53 unreachable".
func (b *Brief) appendUnreachDump(out []byte, f []byte) []byte {
	in := b.TransOff + 8
	if in+20 > len(f) || f[in]>>4 != 4 {
		return append(out, "unreachable"...)
	}
	dst := netip.AddrFrom4([4]byte(f[in+16 : in+20]))
	proto := f[in+9]
	ihl := int(f[in]&15) * 4
	switch b.ICMPCode {
	case 0:
		out = append(out, "net "...)
		out = dst.AppendTo(out)
	case 1:
		out = append(out, "host "...)
		out = dst.AppendTo(out)
	case 2:
		out = dst.AppendTo(out)
		out = append(out, " protocol "...)
		out = strconv.AppendUint(out, uint64(proto), 10)
	case 3:
		out = dst.AppendTo(out)
		switch proto {
		case 6:
			out = append(out, " tcp"...)
		case 17:
			out = append(out, " udp"...)
		default:
			out = append(out, " protocol "...)
			out = strconv.AppendUint(out, uint64(proto), 10)
		}
		if (proto == 6 || proto == 17) && in+ihl+4 <= len(f) {
			out = append(out, " port "...)
			out = strconv.AppendUint(out, uint64(binary.BigEndian.Uint16(f[in+ihl+2:])), 10)
		}
	default:
		out = dst.AppendTo(out)
		out = append(out, " unreachable - code "...)
		return strconv.AppendUint(out, uint64(b.ICMPCode), 10)
	}
	return append(out, " unreachable"...)
}

func (b *Brief) appendEchoDump(out []byte, request bool) []byte {
	if request {
		out = append(out, "echo request"...)
	} else {
		out = append(out, "echo reply"...)
	}
	out = append(out, ", id "...)
	out = strconv.AppendUint(out, uint64(b.ICMPID), 10)
	out = append(out, ", seq "...)
	return strconv.AppendUint(out, uint64(b.ICMPSeq), 10)
}

// appendCount appends tcpdump's " [3q]" style count.
func appendCount(out []byte, n int, suffix string) []byte {
	out = append(out, " ["...)
	out = strconv.AppendInt(out, int64(n), 10)
	out = append(out, suffix...)
	return append(out, ']')
}
