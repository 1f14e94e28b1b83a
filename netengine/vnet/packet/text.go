package packet

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strconv"
	"time"

	"github.com/miekg/dns"
)

// Meta is what the capture knows about a frame besides its bytes.
type Meta struct {
	T       time.Duration // since the capture started
	Link    string        // the link's name
	Dropped bool          // an impairment dropped the frame after capture
}

// Summary is one frame as the CLI's JSON contract has it (docs/cli.md,
// issue 13): `netlab vnet run --json` prints a list of these. Seq, Ack,
// RelSeq, RelAck and Win are 0 unless Transport is TCP; RelAck is 0 without
// ACK. Win is the window with the scale factor applied (Wireshark's
// calculated window); Len is the TCP or UDP payload length (for ICMP and
// other IP protocols: the IP payload, for ARP: 0). Info is Wireshark's Info
// column. String gives the tcpdump-like line.
type Summary struct {
	T         float64 `json:"t"`
	Link      string  `json:"link"`
	SrcMAC    string  `json:"src_mac"`
	DstMAC    string  `json:"dst_mac"`
	Proto     string  `json:"proto"`
	Src       string  `json:"src"`
	Dst       string  `json:"dst"`
	Transport string  `json:"transport"`
	Sport     uint16  `json:"sport"`
	Dport     uint16  `json:"dport"`
	Flags     string  `json:"flags"`
	Seq       uint32  `json:"seq"`
	Ack       uint32  `json:"ack"`
	RelSeq    uint32  `json:"rel_seq"`
	RelAck    uint32  `json:"rel_ack"`
	Win       uint32  `json:"win"`
	Len       int     `json:"len"`
	Info      string  `json:"info"`
	Dropped   bool    `json:"dropped"`

	line string // tcpdump-like body (after time and link)
}

// String is the tcpdump-like line: time in seconds with 6 decimals, the
// link, then what `tcpdump -nn` prints for the frame, and " [dropped]"
// when an impairment dropped it:
//
//	0.000123 lan1 IP 192.168.1.10.49152 > 10.0.0.2.80: Flags [S], seq 1000, win 64240, options [mss 1460], length 0
func (s Summary) String() string {
	b := make([]byte, 0, 32+len(s.Link)+len(s.line))
	b = strconv.AppendFloat(b, s.T, 'f', 6, 64)
	b = append(b, ' ')
	if s.Link != "" {
		b = append(b, s.Link...)
		b = append(b, ' ')
	}
	b = append(b, s.line...)
	if s.Dropped {
		b = append(b, " [dropped]"...)
	}
	return string(b)
}

// Add is Next followed by Summary: the CLI's one call per frame.
func (a *Analyzer) Add(frame []byte, m Meta) Summary {
	b := a.Next(frame)
	return b.Summary(frame, m)
}

// Summary renders b (from Parse or Analyzer.Next on the same frame) as the
// CLI record. It allocates its strings; call it for the rows shown.
func (b *Brief) Summary(frame []byte, m Meta) Summary {
	s := Summary{
		T:         m.T.Seconds(),
		Link:      m.Link,
		Dropped:   m.Dropped,
		Proto:     b.Proto.String(),
		Transport: b.Transport.String(),
	}
	if b.FrameLen >= 14 {
		s.SrcMAC = macString(b.SrcMAC)
		s.DstMAC = macString(b.DstMAC)
	}
	if b.Src.IsValid() {
		s.Src = b.Src.String()
		s.Dst = b.Dst.String()
	}
	switch b.Transport {
	case TransportTCP:
		s.Sport, s.Dport = b.SrcPort, b.DstPort
		s.Flags = b.Flags.String()
		s.Seq, s.Ack = b.Seq, b.Ack
		s.RelSeq, s.RelAck = b.RelSeq, b.RelAck
		s.Win = b.Win
		s.Len = b.PayloadLen
	case TransportUDP:
		s.Sport, s.Dport = b.SrcPort, b.DstPort
		s.Len = b.PayloadLen
	case TransportICMP, TransportICMPv6, TransportOther:
		s.Len = b.PayloadLen
	}
	s.Info = b.Info(frame)
	s.line = b.Tcpdump(frame)
	return s
}

func macString(m [6]byte) string {
	var b [17]byte
	return string(appendMAC(b[:0], m))
}

func appendMAC(b []byte, m [6]byte) []byte {
	const hx = "0123456789abcdef"
	for i, x := range m {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hx[x>>4], hx[x&15])
	}
	return b
}

// payload returns the captured part of the transport payload.
func (b *Brief) payload(f []byte) []byte {
	if b.PayloadOff <= 0 || b.PayloadOff > len(f) || b.PayloadLen <= 0 {
		return nil
	}
	end := b.PayloadOff + b.PayloadLen
	if end > len(f) {
		end = len(f)
	}
	return f[b.PayloadOff:end]
}

var httpMethods = [...]string{"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}

// httpFirstLine returns the request or status line when p starts like an
// HTTP/1.x message, and whether it does.
func httpFirstLine(p []byte) ([]byte, bool) {
	ok := bytes.HasPrefix(p, []byte("HTTP/"))
	if !ok {
		for _, m := range httpMethods {
			if len(p) > len(m) && p[len(m)] == ' ' && string(p[:len(m)]) == m {
				ok = true
				break
			}
		}
	}
	if !ok {
		return nil, false
	}
	line := p
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		line = p[:i]
	}
	return bytes.TrimRight(line, "\r"), true
}

// isDNS reports whether b is DNS by port (53; tcpdump and Wireshark go by
// port too).
func (b *Brief) isDNS() bool {
	return (b.Transport == TransportUDP || b.Transport == TransportTCP) && (b.SrcPort == 53 || b.DstPort == 53)
}

// dnsMessage unpacks the DNS message in b's payload (over TCP: after the
// 2-byte length), or returns nil.
func (b *Brief) dnsMessage(f []byte) *dns.Msg {
	p := b.payload(f)
	if b.Transport == TransportTCP {
		if len(p) < 2 || int(binary.BigEndian.Uint16(p)) != len(p)-2 {
			return nil
		}
		p = p[2:]
	}
	if len(p) < 12 {
		return nil
	}
	m := new(dns.Msg)
	if err := m.Unpack(p); err != nil {
		return nil
	}
	return m
}

// Info is the frame's one-line description in the style of Wireshark's
// Info column: "49152 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460",
// "GET /index.html HTTP/1.1", "Standard query 0x1234 A www.class.lab",
// "Who has 192.168.1.1? Tell 192.168.1.10". Relative numbers and analysis
// labels come from the Analyzer (Parse gives RelSeq 0).
func (b *Brief) Info(f []byte) string {
	var buf [160]byte
	out := buf[:0]
	switch b.Proto {
	case ProtoARP:
		if !b.Src.IsValid() {
			return "ARP (" + b.Problem.String() + ")"
		}
		switch {
		case b.ARPOp == 1 && b.Src == b.Dst:
			out = append(out, "Gratuitous ARP for "...)
			out = b.Src.AppendTo(out)
			out = append(out, " (Request)"...)
		case b.ARPOp == 1:
			out = append(out, "Who has "...)
			out = b.Dst.AppendTo(out)
			out = append(out, "? Tell "...)
			out = b.Src.AppendTo(out)
		case b.ARPOp == 2:
			out = b.Src.AppendTo(out)
			out = append(out, " is at "...)
			out = appendMAC(out, b.ARPSenderMAC)
		default:
			out = append(out, "ARP opcode "...)
			out = strconv.AppendUint(out, uint64(b.ARPOp), 10)
		}
		return string(out)
	case ProtoOther:
		if b.FrameLen < 14 {
			return b.Problem.String()
		}
		out = append(out, "EtherType 0x"...)
		out = appendHex16(out, b.EtherType)
		return string(out)
	}
	if !b.Src.IsValid() || b.Transport == TransportNone {
		return b.Proto.String() + " (" + b.Problem.String() + ")"
	}
	if b.isDNS() {
		if m := b.dnsMessage(f); m != nil {
			return dnsInfo(m)
		}
	}
	switch b.Transport {
	case TransportTCP:
		if b.Problem == ProblemShortTCP {
			return "TCP (" + b.Problem.String() + ")"
		}
		if line, ok := httpFirstLine(b.payload(f)); ok {
			return httpInfo(line, b.payload(f))
		}
		return string(b.appendTCPInfo(out, f))
	case TransportUDP:
		if b.Problem == ProblemShortUDP {
			return "UDP (" + b.Problem.String() + ")"
		}
		out = strconv.AppendUint(out, uint64(b.SrcPort), 10)
		out = append(out, " → "...)
		out = strconv.AppendUint(out, uint64(b.DstPort), 10)
		out = append(out, " Len="...)
		out = strconv.AppendInt(out, int64(b.PayloadLen), 10)
		return string(out)
	case TransportICMP, TransportICMPv6:
		return icmpInfo(b, f)
	}
	if b.Fragment {
		// Wireshark: "Fragmented IP protocol (proto=UDP 17, off=1480, ID=1234)"
		s := "Fragmented IP protocol (proto="
		if n := ipProtos[b.IPProto]; n != "" {
			s += n + " "
		}
		s += strconv.Itoa(int(b.IPProto))
		if b.Proto == ProtoIPv4 && len(f) >= 34 {
			s += ", off=" + strconv.Itoa(int(binary.BigEndian.Uint16(f[20:])&0x1fff)*8) +
				", ID=" + string(appendHex16(nil, binary.BigEndian.Uint16(f[18:])))
		}
		return s + ")"
	}
	return "IP protocol " + strconv.Itoa(int(b.IPProto))
}

func appendHex16(b []byte, v uint16) []byte {
	const hx = "0123456789abcdef"
	return append(b, hx[v>>12], hx[v>>8&15], hx[v>>4&15], hx[v&15])
}

func (b *Brief) appendTCPInfo(out []byte, f []byte) []byte {
	for i, n := range analysisNames {
		bit := Analysis(1 << i)
		if b.Analysis&bit == 0 {
			continue
		}
		out = append(out, '[')
		out = append(out, n...)
		if bit == DupAck {
			out = append(out, ' ')
			out = strconv.AppendInt(out, int64(b.DupAckOf), 10)
			out = append(out, '#')
			out = strconv.AppendInt(out, int64(b.DupAckNum), 10)
		}
		out = append(out, "] "...)
	}
	out = strconv.AppendUint(out, uint64(b.SrcPort), 10)
	out = append(out, " → "...)
	out = strconv.AppendUint(out, uint64(b.DstPort), 10)
	out = append(out, " ["...)
	if b.Flags == 0 {
		out = append(out, "<None>"...)
	} else {
		out = b.Flags.appendNames(out, ", ")
	}
	out = append(out, "] Seq="...)
	out = strconv.AppendUint(out, uint64(b.RelSeq), 10)
	if b.Flags&FlagACK != 0 {
		out = append(out, " Ack="...)
		out = strconv.AppendUint(out, uint64(b.RelAck), 10)
	}
	out = append(out, " Win="...)
	out = strconv.AppendUint(out, uint64(b.Win), 10)
	out = append(out, " Len="...)
	out = strconv.AppendInt(out, int64(b.PayloadLen), 10)
	tcpOptions(b, f, func(kind byte, opt []byte, _ int) bool {
		switch {
		case kind == 2 && len(opt) == 4:
			out = append(out, " MSS="...)
			out = strconv.AppendUint(out, uint64(binary.BigEndian.Uint16(opt[2:])), 10)
		case kind == 3 && len(opt) == 3:
			s := opt[2]
			if s > 14 {
				s = 14
			}
			out = append(out, " WS="...)
			out = strconv.AppendUint(out, 1<<s, 10)
		case kind == 4 && len(opt) == 2:
			out = append(out, " SACK_PERM"...)
		case kind == 8 && len(opt) == 10:
			out = append(out, " TSval="...)
			out = strconv.AppendUint(out, uint64(binary.BigEndian.Uint32(opt[2:])), 10)
			out = append(out, " TSecr="...)
			out = strconv.AppendUint(out, uint64(binary.BigEndian.Uint32(opt[6:])), 10)
		case kind == 5 && (len(opt)-2)%8 == 0:
			base := b.Ack - b.RelAck // the peer's base, as Wireshark shows SACK edges
			for i := 2; i+8 <= len(opt); i += 8 {
				out = append(out, " SLE="...)
				out = strconv.AppendUint(out, uint64(binary.BigEndian.Uint32(opt[i:])-base), 10)
				out = append(out, " SRE="...)
				out = strconv.AppendUint(out, uint64(binary.BigEndian.Uint32(opt[i+4:])-base), 10)
			}
		}
		return true
	})
	return out
}

func httpInfo(line, p []byte) string {
	s := string(line)
	if bytes.HasPrefix(line, []byte("HTTP/")) {
		// Wireshark adds the media type of a response: "HTTP/1.1 200 OK  (text/html)".
		for _, h := range bytes.Split(p, []byte("\n"))[1:] {
			h = bytes.TrimRight(h, "\r")
			if len(h) == 0 {
				break
			}
			if i := bytes.IndexByte(h, ':'); i > 0 && bytes.EqualFold(h[:i], []byte("Content-Type")) {
				ct := bytes.TrimSpace(h[i+1:])
				if j := bytes.IndexByte(ct, ';'); j >= 0 {
					ct = bytes.TrimSpace(ct[:j])
				}
				s += "  (" + string(ct) + ")"
				break
			}
		}
	}
	return s
}

var dnsRcodeText = map[int]string{1: "Format error", 2: "Server failure", 3: "No such name", 4: "Not implemented", 5: "Refused"}

// dnsInfo is Wireshark's DNS Info: "Standard query 0x1234 A www.class.lab",
// "Standard query response 0x1234 A www.class.lab A 10.0.0.2".
func dnsInfo(m *dns.Msg) string {
	var out []byte
	switch m.Opcode {
	case dns.OpcodeQuery:
		out = append(out, "Standard query"...)
	default:
		out = append(out, dns.OpcodeToString[m.Opcode]...)
	}
	if m.Response {
		out = append(out, " response"...)
	}
	out = append(out, " 0x"...)
	out = appendHex16(out, m.Id)
	if m.Response && m.Rcode != 0 {
		out = append(out, ' ')
		if t, ok := dnsRcodeText[m.Rcode]; ok {
			out = append(out, t...)
		} else {
			out = append(out, dns.RcodeToString[m.Rcode]...)
		}
	}
	for _, q := range m.Question {
		out = append(out, ' ')
		out = append(out, dns.Type(q.Qtype).String()...)
		out = append(out, ' ')
		out = append(out, trimDot(q.Name)...)
	}
	for _, sec := range [][]dns.RR{m.Answer, m.Ns} {
		for _, rr := range sec {
			out = append(out, ' ')
			out = append(out, rrShort(rr, false)...)
		}
	}
	return string(out)
}

func trimDot(s string) string {
	if len(s) > 1 && s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
}

// rrShort is a record's type and data: "A 10.0.0.2", "CNAME www.class.lab"
// (tcpdump keeps the trailing dot of names: dot true).
func rrShort(rr dns.RR, dot bool) string {
	name := func(s string) string {
		if dot {
			return s
		}
		return trimDot(s)
	}
	t := dns.Type(rr.Header().Rrtype).String()
	switch r := rr.(type) {
	case *dns.A:
		return t + " " + r.A.String()
	case *dns.AAAA:
		return t + " " + r.AAAA.String()
	case *dns.CNAME:
		return t + " " + name(r.Target)
	case *dns.NS:
		return t + " " + name(r.Ns)
	case *dns.PTR:
		return t + " " + name(r.Ptr)
	case *dns.MX:
		if dot {
			return t + " " + r.Mx + " " + strconv.Itoa(int(r.Preference))
		}
		return t + " " + strconv.Itoa(int(r.Preference)) + " " + name(r.Mx)
	case *dns.SOA:
		return t + " " + name(r.Ns)
	}
	return t
}

func icmpInfo(b *Brief, f []byte) string {
	if b.Problem == ProblemShortICMP {
		return "ICMP (" + b.Problem.String() + ")"
	}
	if b.Transport == TransportICMPv6 {
		switch b.ICMPType {
		case 128, 129:
			s := "Echo (ping) request"
			if b.ICMPType == 129 {
				s = "Echo (ping) reply"
			}
			return s + " id=0x" + string(appendHex16(nil, b.ICMPID)) + ", seq=" + strconv.Itoa(int(b.ICMPSeq)) + ", hop limit=" + strconv.Itoa(int(b.TTL))
		case 135, 136:
			s := "Neighbor Solicitation for "
			if b.ICMPType == 136 {
				s = "Neighbor Advertisement "
			}
			if b.TransOff+24 <= len(f) {
				return s + netip.AddrFrom16([16]byte(f[b.TransOff+8:b.TransOff+24])).String()
			}
			return s
		case 133:
			return "Router Solicitation"
		case 134:
			return "Router Advertisement"
		case 1:
			return "Destination Unreachable (" + pick(icmp6Unreach, b.ICMPCode) + ")"
		case 3:
			return "Time Exceeded (" + pick([]string{"hop limit exceeded in transit", "fragment reassembly time exceeded"}, b.ICMPCode) + ")"
		}
		return "ICMPv6 type " + strconv.Itoa(int(b.ICMPType)) + " code " + strconv.Itoa(int(b.ICMPCode))
	}
	switch b.ICMPType {
	case 8, 0:
		s := "Echo (ping) request  id=0x"
		if b.ICMPType == 0 {
			s = "Echo (ping) reply    id=0x"
		}
		return s + string(appendHex16(nil, b.ICMPID)) + ", seq=" + strconv.Itoa(int(b.ICMPSeq)) + "/" +
			strconv.Itoa(int(b.ICMPSeq>>8|b.ICMPSeq<<8)) + ", ttl=" + strconv.Itoa(int(b.TTL))
	case 3:
		return "Destination unreachable (" + pick(icmpUnreach, b.ICMPCode) + ")"
	case 11:
		return "Time-to-live exceeded (" + pick([]string{"Time to live exceeded in transit", "Fragment reassembly time exceeded"}, b.ICMPCode) + ")"
	case 5:
		return "Redirect"
	}
	return "ICMP type " + strconv.Itoa(int(b.ICMPType)) + " code " + strconv.Itoa(int(b.ICMPCode))
}

var icmpUnreach = []string{"Network unreachable", "Host unreachable", "Protocol unreachable", "Port unreachable",
	"Fragmentation needed", "Source route failed", "Destination network unknown", "Destination host unknown",
	"Source host isolated", "Network administratively prohibited", "Host administratively prohibited",
	"Network unreachable for TOS", "Host unreachable for TOS", "Communication administratively filtered"}

var icmp6Unreach = []string{"no route to destination", "communication with destination administratively prohibited",
	"beyond scope of source address", "address unreachable", "port unreachable"}

func pick(names []string, code uint8) string {
	if int(code) < len(names) {
		return names[code]
	}
	return "code " + strconv.Itoa(int(code))
}

// Textbook labels a TCP segment the way the course notes draw the
// handshake and the close: the client's initial sequence number is x, the
// server's y, and numbers are written from them, e.g. "SYN=1, seq=x",
// "SYN=1, ACK=1, seq=y, ack=x+1", "ACK=1, seq=x+1, ack=y+1",
// "FIN=1, ACK=1, seq=x+68, ack=y+164" (plus ", len=N" with data). It needs
// the Analyzer's Brief (FromClient, RelSeq, RelAck); "" for non-TCP.
func (b *Brief) Textbook() string {
	if b.Transport != TransportTCP {
		return ""
	}
	own, peer := "x", "y"
	if !b.FromClient {
		own, peer = "y", "x"
	}
	var out []byte
	for _, x := range []struct {
		f TCPFlags
		n string
	}{{FlagSYN, "SYN"}, {FlagFIN, "FIN"}, {FlagRST, "RST"}, {FlagPSH, "PSH"}, {FlagACK, "ACK"}} {
		if b.Flags&x.f != 0 {
			out = append(out, x.n...)
			out = append(out, "=1, "...)
		}
	}
	sym := func(s string, rel uint32) {
		out = append(out, s...)
		if rel != 0 {
			out = append(out, '+')
			out = strconv.AppendUint(out, uint64(rel), 10)
		}
	}
	out = append(out, "seq="...)
	sym(own, b.RelSeq)
	if b.Flags&FlagACK != 0 {
		out = append(out, ", ack="...)
		sym(peer, b.RelAck)
	}
	if b.PayloadLen > 0 {
		out = append(out, ", len="...)
		out = strconv.AppendInt(out, int64(b.PayloadLen), 10)
	}
	return string(out)
}

// StartsHTTP reports whether the frame's TCP payload starts an HTTP/1.x
// message (a request line or a status line), whatever the ports: plain
// text on port 8080 is not HTTP, a request on port 9000 is.
func (b *Brief) StartsHTTP(f []byte) bool {
	if b.Transport != TransportTCP {
		return false
	}
	_, ok := httpFirstLine(b.payload(f))
	return ok
}
