package packet

import (
	"encoding/binary"
	"net/netip"
)

// Proto is the network layer of a frame (the "proto" of the CLI record).
type Proto uint8

// Network layers.
const (
	ProtoOther Proto = iota // an EtherType this package does not decode
	ProtoARP
	ProtoIPv4
	ProtoIPv6
)

// String is "ARP", "IPv4", "IPv6" or "" (other).
func (p Proto) String() string {
	switch p {
	case ProtoARP:
		return "ARP"
	case ProtoIPv4:
		return "IPv4"
	case ProtoIPv6:
		return "IPv6"
	}
	return ""
}

// Transport is the layer above IP.
type Transport uint8

// Transports.
const (
	TransportNone Transport = iota
	TransportTCP
	TransportUDP
	TransportICMP   // ICMP for IPv4
	TransportICMPv6 // ICMPv6
	TransportOther  // another IP protocol (Brief.IPProto says which)
)

// String is "TCP", "UDP", "ICMP" (both ICMP and ICMPv6, as the CLI contract
// has it) or "".
func (t Transport) String() string {
	switch t {
	case TransportTCP:
		return "TCP"
	case TransportUDP:
		return "UDP"
	case TransportICMP, TransportICMPv6:
		return "ICMP"
	}
	return ""
}

// Problem says what is wrong with a frame that could not be decoded whole.
// The zero value means nothing is wrong.
type Problem uint8

// Problems, in the order a decoder meets them.
const (
	ProblemNone Problem = iota
	ProblemShortEthernet
	ProblemShortARP
	ProblemShortIPv4
	ProblemBadIPv4Version
	ProblemBadIPv4HeaderLen
	ProblemBadIPv4TotalLen
	ProblemShortIPv6
	ProblemBadIPv6Version
	ProblemShortExtHeader
	ProblemShortTCP
	ProblemBadTCPDataOffset
	ProblemShortUDP
	ProblemBadUDPLen
	ProblemShortICMP
	ProblemTruncatedPayload
	ProblemBadTCPOption
	ProblemBadDNS
)

var problemText = [...]string{
	ProblemNone:             "",
	ProblemShortEthernet:    "frame shorter than an Ethernet header (14 bytes)",
	ProblemShortARP:         "truncated ARP packet",
	ProblemShortIPv4:        "truncated IPv4 header",
	ProblemBadIPv4Version:   "IPv4 EtherType but IP version is not 4",
	ProblemBadIPv4HeaderLen: "IPv4 header length below 20 bytes or beyond the frame",
	ProblemBadIPv4TotalLen:  "IPv4 total length smaller than its header",
	ProblemShortIPv6:        "truncated IPv6 header",
	ProblemBadIPv6Version:   "IPv6 EtherType but IP version is not 6",
	ProblemShortExtHeader:   "truncated IPv6 extension header",
	ProblemShortTCP:         "truncated TCP header",
	ProblemBadTCPDataOffset: "TCP data offset below 20 bytes or beyond the segment",
	ProblemShortUDP:         "truncated UDP header",
	ProblemBadUDPLen:        "UDP length field disagrees with the IP payload",
	ProblemShortICMP:        "truncated ICMP header",
	ProblemTruncatedPayload: "payload truncated (frame shorter than the IP length says)",
	ProblemBadTCPOption:     "malformed TCP option",
	ProblemBadDNS:           "malformed DNS message",
}

// String says in plain English what is wrong ("" for ProblemNone).
func (p Problem) String() string {
	if int(p) < len(problemText) {
		return problemText[p]
	}
	return "unknown problem"
}

// TCPFlags are the TCP header flag bits (FIN is bit 0, AE bit 8).
type TCPFlags uint16

// TCP flag bits.
const (
	FlagFIN TCPFlags = 1 << iota
	FlagSYN
	FlagRST
	FlagPSH
	FlagACK
	FlagURG
	FlagECE
	FlagCWR
	FlagAE
)

var flagNames = [...]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"}

// String joins the set flags with commas in Wireshark's order (FIN, SYN,
// RST, PSH, ACK, URG, ECE, CWR, AE): "SYN", "SYN,ACK", "PSH,ACK",
// "FIN,ACK", "RST,ACK"; "" when none is set.
func (f TCPFlags) String() string {
	switch f { // the common cases without allocating
	case FlagSYN:
		return "SYN"
	case FlagSYN | FlagACK:
		return "SYN,ACK"
	case FlagACK:
		return "ACK"
	case FlagPSH | FlagACK:
		return "PSH,ACK"
	case FlagFIN | FlagACK:
		return "FIN,ACK"
	case FlagRST:
		return "RST"
	case FlagRST | FlagACK:
		return "RST,ACK"
	case 0:
		return ""
	}
	return string(f.appendNames(nil, ","))
}

func (f TCPFlags) appendNames(b []byte, sep string) []byte {
	first := true
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			if !first {
				b = append(b, sep...)
			}
			b = append(b, n...)
			first = false
		}
	}
	return b
}

// appendTcpdump appends tcpdump's flag letters: S F P R U W E e, '.' for
// ACK, "none" when none is set.
func (f TCPFlags) appendTcpdump(b []byte) []byte {
	start := len(b)
	for _, x := range []struct {
		f TCPFlags
		c byte
	}{{FlagSYN, 'S'}, {FlagFIN, 'F'}, {FlagPSH, 'P'}, {FlagRST, 'R'}, {FlagURG, 'U'}, {FlagCWR, 'W'}, {FlagECE, 'E'}, {FlagAE, 'e'}, {FlagACK, '.'}} {
		if f&x.f != 0 {
			b = append(b, x.c)
		}
	}
	if len(b) == start {
		b = append(b, "none"...)
	}
	return b
}

// Analysis is a set of Wireshark-style TCP analysis labels, set by the
// Analyzer.
type Analysis uint16

// Analysis labels (Wireshark's names in the comments).
const (
	Retransmission     Analysis = 1 << iota // "TCP Retransmission"
	FastRetransmission                      // "TCP Fast Retransmission"
	SpuriousRetrans                         // "TCP Spurious Retransmission"
	DupAck                                  // "TCP Dup ACK n#m"
	ZeroWindow                              // "TCP ZeroWindow"
	ZeroWindowProbe                         // "TCP ZeroWindowProbe"
	ZeroWindowProbeAck                      // "TCP ZeroWindowProbeAck"
	WindowUpdate                            // "TCP Window Update"
	KeepAlive                               // "TCP Keep-Alive"
	KeepAliveAck                            // "TCP Keep-Alive ACK"
	PrevNotCaptured                         // "TCP Previous segment not captured"
)

var analysisNames = [...]string{"TCP Retransmission", "TCP Fast Retransmission", "TCP Spurious Retransmission",
	"TCP Dup ACK", "TCP ZeroWindow", "TCP ZeroWindowProbe", "TCP ZeroWindowProbeAck", "TCP Window Update",
	"TCP Keep-Alive", "TCP Keep-Alive ACK", "TCP Previous segment not captured"}

// Labels lists the set labels with Wireshark's names, most important first.
func (a Analysis) Labels() []string {
	var out []string
	for i, n := range analysisNames {
		if a&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// Bad reports labels Wireshark colours as "Bad TCP" (retransmissions,
// duplicate ACKs, zero window, lost segments).
func (a Analysis) Bad() bool {
	return a&(Retransmission|FastRetransmission|SpuriousRetrans|DupAck|ZeroWindow|ZeroWindowProbe|ZeroWindowProbeAck|PrevNotCaptured) != 0
}

// Brief is the compact, allocation-free decode of one frame: the header
// values a packet list needs, plus (when it comes from an Analyzer) the
// conversation state. Parse and Analyzer.Next fill it; Summary, Info and
// Tcpdump turn it into text when a row is actually shown.
type Brief struct {
	N        int // frame number given by the Analyzer (1, 2, 3 ...); 0 from Parse
	FrameLen int // captured bytes

	DstMAC, SrcMAC [6]byte
	EtherType      uint16
	Proto          Proto
	// Src and Dst are the IP addresses; for ARP the sender and target
	// protocol addresses.
	Src, Dst netip.Addr
	NetOff   int   // offset of the ARP/IP header in the frame
	TTL      uint8 // IPv4 TTL or IPv6 hop limit
	IPProto  uint8 // IPv4 protocol / IPv6 next header after extension headers
	IPLen    int   // IPv4 total length or IPv6 40+payload length, as the header says
	Fragment bool  // an IPv4 fragment that is not the first (no transport header)
	MoreFrag bool  // IPv4 MF flag

	ARPOp                      uint16
	ARPSenderMAC, ARPTargetMAC [6]byte

	Transport        Transport
	TransOff         int // offset of the transport header
	SrcPort, DstPort uint16
	ICMPType         uint8
	ICMPCode         uint8
	ICMPID, ICMPSeq  uint16

	Flags    TCPFlags
	Seq, Ack uint32 // absolute
	RawWin   uint16 // the window field as sent
	TCPHdr   int    // TCP header length (data offset × 4)

	// PayloadOff and PayloadLen delimit the TCP or UDP payload (for ICMP
	// and other IP protocols: the IP payload). PayloadLen is what the IP
	// header says; fewer bytes may be in the frame (see Problem).
	PayloadOff, PayloadLen int

	Problem Problem // the first thing found wrong; ProblemNone if all is well

	// Set by Analyzer.Next (zero from Parse):
	Conv           uint32   // conversation (TCP or UDP 4-tuple) number, 1, 2, ...; 0 for none
	FromClient     bool     // sent by the side that sent the first SYN (or the first packet seen)
	RelSeq, RelAck uint32   // Wireshark's relative numbers (RelAck 0 without ACK)
	Win            uint32   // window with the scale factor applied (Wireshark's calculated window)
	WinScale       int8     // scale factor used for Win: -1 none, -2 unknown (SYN not seen)
	Analysis       Analysis // Wireshark-style labels
	DupAckOf       int      // for DupAck: the frame number of the ACK being duplicated
	DupAckNum      int      // for DupAck: 1 for the first duplicate, 2 ...
	// tcpdump's printed numbers: absolute on a conversation's first
	// ACK-bearing packet (and on packets without ACK), else relative.
	DumpSeq, DumpAck uint32
	dumpAckBase      uint32 // subtracted from SACK block edges by tcpdump
	dumpRel          bool
}

// Parse decodes the headers of an Ethernet frame into a Brief without
// allocating. It never panics; a malformed frame is decoded as far as
// possible and Problem says what is wrong.
func Parse(frame []byte) Brief {
	var b Brief
	parseInto(&b, frame)
	return b
}

func parseInto(b *Brief, f []byte) {
	b.FrameLen = len(f)
	b.WinScale = -2
	if len(f) < 14 {
		b.Problem = ProblemShortEthernet
		return
	}
	copy(b.DstMAC[:], f[0:6])
	copy(b.SrcMAC[:], f[6:12])
	b.EtherType = binary.BigEndian.Uint16(f[12:14])
	b.NetOff = 14
	switch b.EtherType {
	case 0x0806:
		b.Proto = ProtoARP
		parseARP(b, f)
	case 0x0800:
		b.Proto = ProtoIPv4
		parseIPv4(b, f)
	case 0x86dd:
		b.Proto = ProtoIPv6
		parseIPv6(b, f)
	}
}

func parseARP(b *Brief, f []byte) {
	a := f[14:]
	if len(a) < 8 {
		b.Problem = ProblemShortARP
		return
	}
	b.ARPOp = binary.BigEndian.Uint16(a[6:8])
	// Ethernet + IPv4 only (hlen 6, plen 4), the only kind on the network.
	if a[4] != 6 || a[5] != 4 || len(a) < 28 {
		b.Problem = ProblemShortARP
		return
	}
	copy(b.ARPSenderMAC[:], a[8:14])
	b.Src = netip.AddrFrom4([4]byte(a[14:18]))
	copy(b.ARPTargetMAC[:], a[18:24])
	b.Dst = netip.AddrFrom4([4]byte(a[24:28]))
}

func parseIPv4(b *Brief, f []byte) {
	ip := f[14:]
	if len(ip) < 20 {
		b.Problem = ProblemShortIPv4
		return
	}
	if ip[0]>>4 != 4 {
		b.Problem = ProblemBadIPv4Version
		return
	}
	b.Src = netip.AddrFrom4([4]byte(ip[12:16]))
	b.Dst = netip.AddrFrom4([4]byte(ip[16:20]))
	b.TTL = ip[8]
	b.IPProto = ip[9]
	ihl := int(ip[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(ip[2:4]))
	b.IPLen = total
	if ihl < 20 || ihl > len(ip) {
		b.Problem = ProblemBadIPv4HeaderLen
		return
	}
	if total < ihl {
		b.Problem = ProblemBadIPv4TotalLen
		return
	}
	frag := binary.BigEndian.Uint16(ip[6:8])
	b.MoreFrag = frag&0x2000 != 0
	off := 14 + ihl
	if frag&0x1fff != 0 {
		b.Fragment = true
		b.Transport = TransportOther
		b.PayloadOff, b.PayloadLen = off, total-ihl
		checkTrunc(b, f)
		return
	}
	parseTransport(b, f, off, total-ihl)
}

// IPv6 extension headers this package walks over.
func isExtHeader(nh uint8) bool {
	switch nh {
	case 0, 43, 44, 60:
		return true
	}
	return false
}

func parseIPv6(b *Brief, f []byte) {
	ip := f[14:]
	if len(ip) < 40 {
		b.Problem = ProblemShortIPv6
		return
	}
	if ip[0]>>4 != 6 {
		b.Problem = ProblemBadIPv6Version
		return
	}
	b.Src = netip.AddrFrom16([16]byte(ip[8:24]))
	b.Dst = netip.AddrFrom16([16]byte(ip[24:40]))
	b.TTL = ip[7]
	plen := int(binary.BigEndian.Uint16(ip[4:6]))
	b.IPLen = 40 + plen
	nh := ip[6]
	off := 14 + 40
	for isExtHeader(nh) {
		if off+8 > len(f) || off+8 > 14+40+plen {
			b.IPProto = nh
			b.Problem = ProblemShortExtHeader
			return
		}
		n := 8
		if nh == 44 {
			if binary.BigEndian.Uint16(f[off+2:off+4])&0xfff8 != 0 {
				b.Fragment = true
			}
		} else {
			n = (int(f[off+1]) + 1) * 8
		}
		nh = f[off]
		plen -= n
		off += n
		if plen < 0 {
			b.IPProto = nh
			b.Problem = ProblemShortExtHeader
			return
		}
	}
	b.IPProto = nh
	if b.Fragment {
		b.Transport = TransportOther
		b.PayloadOff, b.PayloadLen = off, plen
		checkTrunc(b, f)
		return
	}
	parseTransport(b, f, off, plen)
}

func checkTrunc(b *Brief, f []byte) {
	if b.Problem == ProblemNone && b.PayloadOff+b.PayloadLen > len(f) {
		b.Problem = ProblemTruncatedPayload
	}
}

// parseTransport decodes the header at f[off:], whose IP payload is n
// bytes long by the IP header.
func parseTransport(b *Brief, f []byte, off, n int) {
	b.TransOff = off
	avail := len(f) - off
	if avail < 0 {
		avail = 0
	}
	switch b.IPProto {
	case 6:
		b.Transport = TransportTCP
		if avail < 20 || n < 20 {
			b.Problem = ProblemShortTCP
			return
		}
		t := f[off:]
		b.SrcPort = binary.BigEndian.Uint16(t[0:2])
		b.DstPort = binary.BigEndian.Uint16(t[2:4])
		b.Seq = binary.BigEndian.Uint32(t[4:8])
		b.Ack = binary.BigEndian.Uint32(t[8:12])
		b.Flags = TCPFlags(binary.BigEndian.Uint16(t[12:14]) & 0x1ff)
		b.RawWin = binary.BigEndian.Uint16(t[14:16])
		b.DumpSeq, b.DumpAck = b.Seq, b.Ack
		b.Win = uint32(b.RawWin)
		hl := int(t[12]>>4) * 4
		b.TCPHdr = hl
		if hl < 20 || hl > n || hl > avail {
			b.Problem = ProblemBadTCPDataOffset
			b.PayloadOff = off + 20
			return
		}
		b.PayloadOff, b.PayloadLen = off+hl, n-hl
	case 17:
		b.Transport = TransportUDP
		if avail < 8 || n < 8 {
			b.Problem = ProblemShortUDP
			return
		}
		u := f[off:]
		b.SrcPort = binary.BigEndian.Uint16(u[0:2])
		b.DstPort = binary.BigEndian.Uint16(u[2:4])
		ul := int(binary.BigEndian.Uint16(u[4:6]))
		b.PayloadOff, b.PayloadLen = off+8, n-8
		if ul < 8 || ul > n {
			b.Problem = ProblemBadUDPLen
		} else {
			b.PayloadLen = ul - 8
		}
	case 1, 58:
		b.Transport = TransportICMP
		if b.IPProto == 58 {
			b.Transport = TransportICMPv6
		}
		b.PayloadOff, b.PayloadLen = off, n
		if avail < 4 || n < 4 {
			b.Problem = ProblemShortICMP
			return
		}
		b.ICMPType, b.ICMPCode = f[off], f[off+1]
		if avail >= 8 && isEcho(b.Transport, b.ICMPType) {
			b.ICMPID = binary.BigEndian.Uint16(f[off+4 : off+6])
			b.ICMPSeq = binary.BigEndian.Uint16(f[off+6 : off+8])
		}
	default:
		b.Transport = TransportOther
		b.PayloadOff, b.PayloadLen = off, n
	}
	checkTrunc(b, f)
}

func isEcho(t Transport, typ uint8) bool {
	if t == TransportICMPv6 {
		return typ == 128 || typ == 129
	}
	return typ == 0 || typ == 8
}

// tcpOptions walks the TCP options of b (a TCP Brief) in f, calling fn for
// each option with its kind and its bytes (kind and length included). It
// stops at EOL or at a malformed option and reports whether the options
// were well formed.
func tcpOptions(b *Brief, f []byte, fn func(kind byte, opt []byte, off int) bool) bool {
	if b.Transport != TransportTCP || b.TCPHdr <= 20 || b.TransOff+b.TCPHdr > len(f) {
		return true
	}
	o := f[b.TransOff+20 : b.TransOff+b.TCPHdr]
	base := b.TransOff + 20
	for i := 0; i < len(o); {
		k := o[i]
		if k == 0 || k == 1 {
			if !fn(k, o[i:i+1], base+i) {
				return true
			}
			if k == 0 {
				return true
			}
			i++
			continue
		}
		if i+1 >= len(o) || o[i+1] < 2 || i+int(o[i+1]) > len(o) {
			return false
		}
		l := int(o[i+1])
		if !fn(k, o[i:i+l], base+i) {
			return true
		}
		i += l
	}
	return true
}

// wscaleOption returns the window-scale shift carried in b's options, or -1.
func wscaleOption(b *Brief, f []byte) int8 {
	ws := int8(-1)
	tcpOptions(b, f, func(kind byte, opt []byte, _ int) bool {
		if kind == 3 && len(opt) == 3 {
			s := opt[2]
			if s > 14 {
				s = 14
			}
			ws = int8(s)
			return false
		}
		return true
	})
	return ws
}
