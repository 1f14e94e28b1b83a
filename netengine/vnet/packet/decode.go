package packet

import (
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
)

// Field is one header field (or a group of them) tied to its bytes.
type Field struct {
	Name  string // Wireshark's name, e.g. "Sequence Number"
	Value string // the display value, e.g. "1000000", "0x012 (SYN, ACK)"
	// Start and End delimit the bytes in the frame: [Start, End).
	Start, End int
	// BitOff and BitLen name the bits of a bit field inside [Start, End),
	// counted from the most significant bit of frame[Start]; BitLen 0
	// means the whole bytes.
	BitOff, BitLen int
	Children       []Field
}

// Layer is one protocol's header (and for the top layer its data).
type Layer struct {
	Name       string // "Ethernet II", "ARP", "IPv4", "IPv6", "ICMP", "ICMPv6", "TCP", "UDP", "HTTP", "DNS", "Data", "Padding"
	Start, End int    // the layer's own bytes (its header; all of it for the top layer)
	// PayloadEnd is where the bytes this layer carries end (Ethernet: the
	// frame; IPv4/IPv6: the packet by its length field; TCP/UDP: the
	// segment), clamped to the frame; End for layers that carry nothing.
	// An encapsulation drawing nests layer j inside layer i when
	// i < j and Layers[j].Start < Layers[i].PayloadEnd.
	PayloadEnd int
	// Summary is the one-line heading Wireshark shows for the layer,
	// e.g. "Transmission Control Protocol, Src Port: 49152, Dst Port: 80, Seq: 1000000, Len: 0".
	Summary string
	Fields  []Field
	// Problem says why decoding stopped in (or after) this layer; "" when
	// it did not.
	Problem string
}

// Packet is a decoded frame: its layers from Ethernet up.
type Packet struct {
	Len    int // frame length
	Layers []Layer
}

// Problems lists what is wrong with the frame, one entry per layer that
// had trouble, as "TCP: truncated TCP header".
func (p *Packet) Problems() []string {
	var out []string
	for _, l := range p.Layers {
		if l.Problem != "" {
			out = append(out, l.Name+": "+l.Problem)
		}
	}
	return out
}

// Layer returns the layer with that name, or nil.
func (p *Packet) Layer(name string) *Layer {
	for i := range p.Layers {
		if p.Layers[i].Name == name {
			return &p.Layers[i]
		}
	}
	return nil
}

// decoder builds a Packet; every read is bounds-checked through have.
type decoder struct {
	f []byte
	p *Packet
	b Brief
}

// Decode decodes frame into its layers and fields. It never panics: a
// malformed or truncated frame decodes as far as it goes and the layer
// where it stops carries a Problem.
func Decode(frame []byte) *Packet {
	d := &decoder{f: frame, p: &Packet{Len: len(frame)}, b: Parse(frame)}
	d.ethernet()
	return d.p
}

func (d *decoder) add(l Layer) *Layer {
	if l.PayloadEnd < l.End {
		l.PayloadEnd = l.End
	}
	d.p.Layers = append(d.p.Layers, l)
	return &d.p.Layers[len(d.p.Layers)-1]
}

func fld(name string, start, end int, value string) Field {
	return Field{Name: name, Value: value, Start: start, End: end}
}

func bitFld(name string, start, end, bitOff, bitLen int, value string) Field {
	return Field{Name: name, Value: value, Start: start, End: end, BitOff: bitOff, BitLen: bitLen}
}

func (d *decoder) u16(o int) uint16 { return binary.BigEndian.Uint16(d.f[o:]) }
func (d *decoder) u32(o int) uint32 { return binary.BigEndian.Uint32(d.f[o:]) }

func itoa(v int) string { return strconv.Itoa(v) }
func utoa(v uint64) string {
	return strconv.FormatUint(v, 10)
}

func hex16(v uint16) string { return "0x" + string(appendHex16(nil, v)) }

func setNot(v bool) string {
	if v {
		return "Set"
	}
	return "Not set"
}

func named(name string, v int) string { return name + " (" + itoa(v) + ")" }

var etherTypes = map[uint16]string{0x0800: "IPv4", 0x0806: "ARP", 0x86dd: "IPv6", 0x8100: "802.1Q Virtual LAN"}

func (d *decoder) ethernet() {
	f := d.f
	l := Layer{Name: "Ethernet II", Start: 0, End: min(14, len(f))}
	if len(f) < 14 {
		l.Problem = ProblemShortEthernet.String()
		if len(f) > 0 {
			l.Fields = append(l.Fields, fld("Truncated header", 0, len(f), hex.EncodeToString(f)))
		}
		d.add(l)
		return
	}
	b := &d.b
	dst, src := macString(b.DstMAC), macString(b.SrcMAC)
	dstV := dst
	if b.DstMAC == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		dstV += " (broadcast)"
	}
	et := etherTypes[b.EtherType]
	if et == "" {
		et = "Unknown"
	}
	l.Summary = "Ethernet II, Src: " + src + ", Dst: " + dst
	l.Fields = []Field{fld("Destination", 0, 6, dstV), fld("Source", 6, 12, src), fld("Type", 12, 14, et+" ("+hex16(b.EtherType)+")")}
	l.PayloadEnd = len(f)
	d.add(l)
	end := len(f)
	switch b.Proto {
	case ProtoARP:
		end = d.arp()
	case ProtoIPv4:
		end = d.ipv4()
	case ProtoIPv6:
		end = d.ipv6()
	default:
		d.data("Data", 14, len(f))
	}
	if end < len(f) {
		d.add(Layer{Name: "Padding", Start: end, End: len(f), Summary: "Padding (" + itoa(len(f)-end) + " bytes)",
			Fields: []Field{fld("Padding", end, len(f), hex.EncodeToString(f[end:]))}})
	}
}

// data adds a layer with the remaining bytes.
func (d *decoder) data(name string, start, end int) {
	if end > len(d.f) {
		end = len(d.f)
	}
	if start >= end {
		return
	}
	n := end - start
	preview := d.f[start:end]
	if len(preview) > 32 {
		preview = preview[:32]
	}
	v := hex.EncodeToString(preview)
	if n > 32 {
		v += "…"
	}
	d.add(Layer{Name: name, Start: start, End: end, Summary: name + " (" + itoa(n) + " bytes)",
		Fields: []Field{fld("Data", start, end, v)}})
}

// fragment shows a later IP fragment's bytes [start, end); want is where
// they should end by the IP header.
func (d *decoder) fragment(start, end, want int) {
	d.data("Fragment data", start, end)
	if want > len(d.f) {
		if l := &d.p.Layers[len(d.p.Layers)-1]; l.Problem == "" {
			l.Problem = ProblemTruncatedPayload.String()
		}
	}
}

func (d *decoder) arp() int {
	f, b := d.f, &d.b
	end := min(len(f), 14+28)
	l := Layer{Name: "ARP", Start: 14, End: end}
	if len(f) < 14+8 {
		l.Problem = ProblemShortARP.String()
		l.End = len(f)
		d.add(l)
		return len(f)
	}
	op := "request"
	switch b.ARPOp {
	case 2:
		op = "reply"
	case 1:
	default:
		op = "unknown"
	}
	l.Fields = []Field{
		fld("Hardware type", 14, 16, named("Ethernet", int(d.u16(14)))),
		fld("Protocol type", 16, 18, "IPv4 ("+hex16(d.u16(16))+")"),
		fld("Hardware size", 18, 19, itoa(int(f[18]))),
		fld("Protocol size", 19, 20, itoa(int(f[19]))),
		fld("Opcode", 20, 22, named(op, int(b.ARPOp))),
	}
	l.Summary = "Address Resolution Protocol (" + op + ")"
	if b.Problem == ProblemShortARP {
		l.Problem = b.Problem.String()
		l.End = len(f)
		d.add(l)
		return len(f)
	}
	l.Fields = append(l.Fields,
		fld("Sender MAC address", 22, 28, macString(b.ARPSenderMAC)),
		fld("Sender IP address", 28, 32, b.Src.String()),
		fld("Target MAC address", 32, 38, macString(b.ARPTargetMAC)),
		fld("Target IP address", 38, 42, b.Dst.String()))
	d.add(l)
	return 42
}

var ipProtos = map[uint8]string{1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6", 0: "IPv6 Hop-by-Hop Option", 43: "Routing Header for IPv6", 44: "Fragment Header for IPv6", 60: "Destination Options for IPv6", 59: "No Next Header for IPv6"}

func protoName(p uint8) string {
	n := ipProtos[p]
	if n == "" {
		n = "Unknown"
	}
	return named(n, int(p))
}

// ipChecksum is the Internet checksum (RFC 1071) of b added to sum.
func ipChecksum(sum uint32, b []byte) uint16 {
	for len(b) >= 2 {
		sum += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

func checksumValue(got uint16, computed uint16, verified bool) string {
	if !verified {
		return hex16(got) + " [unverified]"
	}
	// Summing the data with the checksum in place gives 0 when it is right.
	if computed == 0 {
		return hex16(got) + " [correct]"
	}
	return hex16(got) + " [incorrect]"
}

func (d *decoder) ipv4() int {
	f, b := d.f, &d.b
	l := Layer{Name: "IPv4", Start: 14, End: len(f)}
	if len(f) < 14+20 {
		l.Problem = ProblemShortIPv4.String()
		d.add(l)
		return len(f)
	}
	ihl := int(f[14]&15) * 4
	total := int(d.u16(16))
	frag := d.u16(20)
	flagNames := []string{}
	if frag&0x4000 != 0 {
		flagNames = append(flagNames, "Don't fragment")
	}
	if frag&0x2000 != 0 {
		flagNames = append(flagNames, "More fragments")
	}
	if frag&0x8000 != 0 {
		flagNames = append(flagNames, "Reserved bit")
	}
	fv := "0x" + strconv.FormatUint(uint64(frag>>13), 16)
	if len(flagNames) > 0 {
		fv += ", " + strings.Join(flagNames, ", ")
	}
	hdrEnd := 14 + ihl
	verified := ihl >= 20 && hdrEnd <= len(f)
	var sum uint16
	if verified {
		sum = ipChecksum(0, f[14:hdrEnd])
	}
	l.Fields = []Field{
		bitFld("Version", 14, 15, 0, 4, itoa(int(f[14]>>4))),
		bitFld("Header Length", 14, 15, 4, 4, itoa(ihl)+" bytes ("+itoa(ihl/4)+")"),
		{Name: "Differentiated Services Field", Start: 15, End: 16, Value: "0x" + hex.EncodeToString(f[15:16]), Children: []Field{
			bitFld("Differentiated Services Codepoint", 15, 16, 0, 6, itoa(int(f[15]>>2))),
			bitFld("Explicit Congestion Notification", 15, 16, 6, 2, itoa(int(f[15]&3))),
		}},
		fld("Total Length", 16, 18, itoa(total)),
		fld("Identification", 18, 20, hex16(d.u16(18))+" ("+itoa(int(d.u16(18)))+")"),
		{Name: "Flags", Start: 20, End: 22, BitOff: 0, BitLen: 3, Value: fv, Children: []Field{
			bitFld("Reserved bit", 20, 22, 0, 1, setNot(frag&0x8000 != 0)),
			bitFld("Don't fragment", 20, 22, 1, 1, setNot(frag&0x4000 != 0)),
			bitFld("More fragments", 20, 22, 2, 1, setNot(frag&0x2000 != 0)),
		}},
		bitFld("Fragment Offset", 20, 22, 3, 13, itoa(int(frag&0x1fff)*8)),
		fld("Time to Live", 22, 23, itoa(int(f[22]))),
		fld("Protocol", 23, 24, protoName(f[23])),
		fld("Header Checksum", 24, 26, checksumValue(d.u16(24), sum, verified)),
		fld("Source Address", 26, 30, b.Src.String()),
		fld("Destination Address", 30, 34, b.Dst.String()),
	}
	l.Summary = "Internet Protocol Version 4, Src: " + b.Src.String() + ", Dst: " + b.Dst.String()
	switch b.Problem {
	case ProblemBadIPv4Version, ProblemBadIPv4HeaderLen, ProblemBadIPv4TotalLen:
		l.Problem = b.Problem.String()
		d.add(l)
		return len(f)
	}
	if ihl > 20 {
		l.Fields = append(l.Fields, fld("Options", 34, hdrEnd, itoa(ihl-20)+" bytes"))
	}
	end := 14 + total
	if end > len(f) {
		end = len(f)
	}
	l.End, l.PayloadEnd = hdrEnd, end
	d.add(l)
	if b.Fragment {
		d.fragment(hdrEnd, end, 14+total)
		return end
	}
	d.transport(hdrEnd, end)
	return end
}

func (d *decoder) ipv6() int {
	f, b := d.f, &d.b
	l := Layer{Name: "IPv6", Start: 14, End: len(f)}
	if len(f) < 14+40 {
		l.Problem = ProblemShortIPv6.String()
		d.add(l)
		return len(f)
	}
	w := d.u32(14)
	plen := int(d.u16(18))
	l.Fields = []Field{
		bitFld("Version", 14, 15, 0, 4, itoa(int(w>>28))),
		bitFld("Traffic Class", 14, 16, 4, 8, "0x"+hex.EncodeToString([]byte{byte(w >> 20)})),
		bitFld("Flow Label", 15, 18, 4, 20, "0x"+strconv.FormatUint(uint64(w&0xfffff), 16)),
		fld("Payload Length", 18, 20, itoa(plen)),
		fld("Next Header", 20, 21, protoName(f[20])),
		fld("Hop Limit", 21, 22, itoa(int(f[21]))),
		fld("Source Address", 22, 38, b.Src.String()),
		fld("Destination Address", 38, 54, b.Dst.String()),
	}
	l.Summary = "Internet Protocol Version 6, Src: " + b.Src.String() + ", Dst: " + b.Dst.String()
	if b.Problem == ProblemBadIPv6Version {
		l.Problem = b.Problem.String()
		d.add(l)
		return len(f)
	}
	// extension headers, as far as they are whole
	off, nh := 54, f[20]
	for isExtHeader(nh) && off+8 <= len(f) {
		n := 8
		if nh != 44 {
			n = (int(f[off+1]) + 1) * 8
		}
		if off+n > len(f) {
			break
		}
		l.Fields = append(l.Fields, Field{Name: protoName(nh), Start: off, End: off + n, Value: itoa(n) + " bytes",
			Children: []Field{fld("Next Header", off, off+1, protoName(f[off]))}})
		nh = f[off]
		off += n
	}
	l.End = off
	end := min(54+plen, len(f))
	l.PayloadEnd = max(end, off)
	if b.Problem == ProblemShortExtHeader {
		l.Problem = b.Problem.String()
		d.add(l)
		return end
	}
	d.add(l)
	if b.Fragment {
		d.fragment(off, end, 54+plen)
		return end
	}
	d.transport(off, end)
	return end
}

// transport decodes the layer above IP in f[off:end] (end: the end of the
// IP packet, clamped to the frame).
func (d *decoder) transport(off, end int) {
	switch d.b.Transport {
	case TransportTCP:
		d.tcp(off, end)
	case TransportUDP:
		d.udp(off, end)
	case TransportICMP, TransportICMPv6:
		d.icmp(off, end)
	default:
		d.data("Data", off, end)
	}
}

// pseudoSum is the IPv4/IPv6 pseudo-header sum for a transport checksum.
func (d *decoder) pseudoSum(proto uint8, n int) uint32 {
	var sum uint32
	for _, a := range []netip.Addr{d.b.Src, d.b.Dst} {
		s := a.AsSlice()
		for i := 0; i+1 < len(s); i += 2 {
			sum += uint32(s[i])<<8 | uint32(s[i+1])
		}
	}
	return sum + uint32(proto) + uint32(n)
}

// l4Checksum verifies the checksum of the transport segment f[off:off+n].
func (d *decoder) l4Checksum(ckOff, off, n int, proto uint8, pseudo bool) string {
	got := d.u16(ckOff)
	if off+n > len(d.f) {
		return checksumValue(got, 0, false)
	}
	var sum uint32
	if pseudo {
		sum = d.pseudoSum(proto, n)
	}
	return checksumValue(got, ipChecksum(sum, d.f[off:off+n]), true)
}

var tcpFlagBits = []struct {
	name string
	flag TCPFlags
}{{"Accurate ECN", FlagAE}, {"Congestion Window Reduced", FlagCWR}, {"ECN-Echo", FlagECE}, {"Urgent", FlagURG},
	{"Acknowledgment", FlagACK}, {"Push", FlagPSH}, {"Reset", FlagRST}, {"Syn", FlagSYN}, {"Fin", FlagFIN}}

func (d *decoder) tcp(off, end int) {
	f, b := d.f, &d.b
	l := Layer{Name: "TCP", Start: off, End: end}
	if b.Problem == ProblemShortTCP {
		l.Problem = b.Problem.String()
		d.add(l)
		return
	}
	hl := b.TCPHdr
	fv := "0x" + strconv.FormatUint(uint64(b.Flags), 16)
	for len(fv) < 5 {
		fv = fv[:2] + "0" + fv[2:]
	}
	if b.Flags != 0 {
		fv += " (" + string(b.Flags.appendNames(nil, ", ")) + ")"
	}
	flags := Field{Name: "Flags", Start: off + 12, End: off + 14, BitOff: 4, BitLen: 12, Value: fv}
	flags.Children = append(flags.Children, bitFld("Reserved", off+12, off+14, 4, 3, setNot(d.u16(off+12)&0x0e00 != 0)))
	for i, x := range tcpFlagBits {
		flags.Children = append(flags.Children, bitFld(x.name, off+12, off+14, 7+i, 1, setNot(b.Flags&x.flag != 0)))
	}
	segLen := b.IPLen - (off - 14) // the whole segment, by the IP header
	l.Fields = []Field{
		fld("Source Port", off, off+2, utoa(uint64(b.SrcPort))),
		fld("Destination Port", off+2, off+4, utoa(uint64(b.DstPort))),
		fld("Sequence Number", off+4, off+8, utoa(uint64(b.Seq))),
		fld("Acknowledgment Number", off+8, off+12, utoa(uint64(b.Ack))),
		bitFld("Header Length", off+12, off+13, 0, 4, itoa(hl)+" bytes ("+itoa(hl/4)+")"),
		flags,
		fld("Window", off+14, off+16, utoa(uint64(b.RawWin))),
		fld("Checksum", off+16, off+18, d.l4Checksum(off+16, off, segLen, 6, true)),
		fld("Urgent Pointer", off+18, off+20, utoa(uint64(d.u16(off+18)))),
	}
	l.Summary = "Transmission Control Protocol, Src Port: " + utoa(uint64(b.SrcPort)) + ", Dst Port: " + utoa(uint64(b.DstPort)) +
		", Seq: " + utoa(uint64(b.Seq)) + ", Len: " + itoa(b.PayloadLen)
	if b.Problem == ProblemBadTCPDataOffset {
		l.Problem = b.Problem.String()
		d.add(l)
		return
	}
	if hl > 20 {
		opts := Field{Name: "Options", Start: off + 20, End: off + hl, Value: itoa(hl-20) + " bytes"}
		ok := tcpOptions(b, f, func(kind byte, opt []byte, at int) bool {
			opts.Children = append(opts.Children, tcpOptionField(kind, opt, at))
			return true
		})
		l.Fields = append(l.Fields, opts)
		if !ok {
			l.Problem = ProblemBadTCPOption.String()
		}
	}
	l.End, l.PayloadEnd = off+hl, end
	d.add(l)
	d.payload(off+hl, end, b.PayloadLen)
}

func tcpOptionField(kind byte, opt []byte, at int) Field {
	o := Field{Start: at, End: at + len(opt)}
	kl := func(name string) []Field {
		c := []Field{fld("Kind", at, at+1, named(name, int(kind)))}
		if len(opt) > 1 {
			c = append(c, fld("Length", at+1, at+2, itoa(int(opt[1]))))
		}
		return c
	}
	switch {
	case kind == 0:
		o.Name, o.Value = "End of Option List (EOL)", ""
	case kind == 1:
		o.Name, o.Value = "No-Operation (NOP)", ""
	case kind == 2 && len(opt) == 4:
		v := binary.BigEndian.Uint16(opt[2:])
		o.Name, o.Value = "Maximum segment size", utoa(uint64(v))+" bytes"
		o.Children = append(kl("Maximum Segment Size"), fld("MSS Value", at+2, at+4, utoa(uint64(v))))
	case kind == 3 && len(opt) == 3:
		o.Name, o.Value = "Window scale", itoa(int(opt[2]))+" (multiply by "+utoa(1<<min(opt[2], 14))+")"
		o.Children = append(kl("Window Scale"), fld("Shift count", at+2, at+3, itoa(int(opt[2]))))
	case kind == 4 && len(opt) == 2:
		o.Name, o.Value = "SACK permitted", ""
		o.Children = kl("SACK Permitted")
	case kind == 5:
		o.Name = "SACK"
		o.Children = kl("SACK")
		var parts []string
		for i := 2; i+8 <= len(opt); i += 8 {
			l, r := binary.BigEndian.Uint32(opt[i:]), binary.BigEndian.Uint32(opt[i+4:])
			parts = append(parts, utoa(uint64(l))+"-"+utoa(uint64(r)))
			o.Children = append(o.Children, fld("left edge", at+i, at+i+4, utoa(uint64(l))), fld("right edge", at+i+4, at+i+8, utoa(uint64(r))))
		}
		o.Value = strings.Join(parts, " ")
	case kind == 8 && len(opt) == 10:
		v, e := binary.BigEndian.Uint32(opt[2:]), binary.BigEndian.Uint32(opt[6:])
		o.Name, o.Value = "Timestamps", "TSval "+utoa(uint64(v))+", TSecr "+utoa(uint64(e))
		o.Children = append(kl("Time Stamp Option"), fld("Timestamp value", at+2, at+6, utoa(uint64(v))), fld("Timestamp echo reply", at+6, at+10, utoa(uint64(e))))
	default:
		o.Name, o.Value = "Unknown option", named("kind", int(kind))
		o.Children = kl("Unknown")
	}
	return o
}

// payload adds the application layer (HTTP, DNS) or Data for the
// transport payload f[start:end], n bytes long by the headers.
func (d *decoder) payload(start, end, n int) {
	b := &d.b
	if n <= 0 {
		return
	}
	if start >= len(d.f) {
		if l := &d.p.Layers[len(d.p.Layers)-1]; l.Problem == "" {
			l.Problem = ProblemTruncatedPayload.String()
		}
		return
	}
	capEnd := min(start+n, end, len(d.f))
	switch {
	case b.isDNS() && d.dns(start, capEnd):
	case b.Transport == TransportTCP && isHTTP(d.f[start:capEnd]):
		d.http(start, capEnd)
	default:
		d.data("Data", start, capEnd)
	}
	if l := &d.p.Layers[len(d.p.Layers)-1]; capEnd < start+n && l.Problem == "" {
		l.Problem = ProblemTruncatedPayload.String()
	}
}

func isHTTP(p []byte) bool {
	_, ok := httpFirstLine(p)
	return ok
}

func (d *decoder) udp(off, end int) {
	b := &d.b
	l := Layer{Name: "UDP", Start: off, End: min(off+8, len(d.f)), PayloadEnd: end}
	if b.Problem == ProblemShortUDP {
		l.Problem = b.Problem.String()
		d.add(l)
		return
	}
	ul := int(d.u16(off + 4))
	ck := d.u16(off + 6)
	ckv := "0x0000 [zero-value ignored]"
	if ck != 0 || b.Proto == ProtoIPv6 {
		ckv = d.l4Checksum(off+6, off, ul, 17, true)
	}
	l.Fields = []Field{
		fld("Source Port", off, off+2, utoa(uint64(b.SrcPort))),
		fld("Destination Port", off+2, off+4, utoa(uint64(b.DstPort))),
		fld("Length", off+4, off+6, itoa(ul)),
		fld("Checksum", off+6, off+8, ckv),
	}
	l.Summary = "User Datagram Protocol, Src Port: " + utoa(uint64(b.SrcPort)) + ", Dst Port: " + utoa(uint64(b.DstPort))
	if b.Problem == ProblemBadUDPLen {
		l.Problem = b.Problem.String()
	}
	d.add(l)
	d.payload(off+8, end, b.PayloadLen)
}

var icmpTypes = map[uint8]string{0: "Echo (ping) reply", 3: "Destination unreachable", 5: "Redirect", 8: "Echo (ping) request", 11: "Time-to-live exceeded"}
var icmp6Types = map[uint8]string{1: "Destination Unreachable", 3: "Time Exceeded", 128: "Echo (ping) request", 129: "Echo (ping) reply",
	133: "Router Solicitation", 134: "Router Advertisement", 135: "Neighbor Solicitation", 136: "Neighbor Advertisement"}

func (d *decoder) icmp(off, end int) {
	f, b := d.f, &d.b
	name, types, proto := "ICMP", icmpTypes, uint8(1)
	if b.Transport == TransportICMPv6 {
		name, types, proto = "ICMPv6", icmp6Types, 58
	}
	l := Layer{Name: name, Start: off, End: end}
	if b.Problem == ProblemShortICMP {
		l.Problem = b.Problem.String()
		d.add(l)
		return
	}
	tn := types[b.ICMPType]
	if tn == "" {
		tn = "Unknown"
	}
	l.Summary = "Internet Control Message Protocol"
	if proto == 58 {
		l.Summary += " v6"
	}
	l.Fields = []Field{
		fld("Type", off, off+1, named(tn, int(b.ICMPType))),
		fld("Code", off+1, off+2, itoa(int(b.ICMPCode))),
		fld("Checksum", off+2, off+4, d.l4Checksum(off+2, off, b.PayloadLen, proto, proto == 58)),
	}
	if b.Problem == ProblemTruncatedPayload {
		l.Problem = b.Problem.String()
	}
	rest := off + 8
	switch {
	case off+8 > end:
		rest = off + 4
	case isEcho(b.Transport, b.ICMPType):
		l.Fields = append(l.Fields, fld("Identifier", off+4, off+6, hex16(b.ICMPID)+" ("+itoa(int(b.ICMPID))+")"),
			fld("Sequence Number", off+6, off+8, itoa(int(b.ICMPSeq))))
	case proto == 58 && (b.ICMPType == 135 || b.ICMPType == 136) && off+24 <= end:
		l.Fields = append(l.Fields, fld("Reserved / flags", off+4, off+8, "0x"+hex.EncodeToString(f[off+4:off+8])),
			fld("Target Address", off+8, off+24, netip.AddrFrom16([16]byte(f[off+8:off+24])).String()))
		rest = off + 24
		for rest+8 <= end && f[rest+1] != 0 && rest+int(f[rest+1])*8 <= end {
			n := int(f[rest+1]) * 8
			on := "Source link-layer address"
			if f[rest] == 2 {
				on = "Target link-layer address"
			}
			v := hex.EncodeToString(f[rest+2 : rest+n])
			if n == 8 {
				v = macString([6]byte(f[rest+2 : rest+8]))
			}
			l.Fields = append(l.Fields, Field{Name: "Option: " + on, Start: rest, End: rest + n, Value: v})
			rest += n
		}
	case (proto == 1 && (b.ICMPType == 3 || b.ICMPType == 11)) || (proto == 58 && (b.ICMPType == 1 || b.ICMPType == 3)):
		l.Fields = append(l.Fields, fld("Unused", off+4, off+8, "0x"+hex.EncodeToString(f[off+4:off+8])))
		if rest < end {
			l.Fields = append(l.Fields, d.quoted(rest, end))
			rest = end
		}
	default:
		l.Fields = append(l.Fields, fld("Rest of header", off+4, off+8, "0x"+hex.EncodeToString(f[off+4:off+8])))
	}
	if rest < end {
		l.Fields = append(l.Fields, fld("Data", rest, end, itoa(end-rest)+" bytes"))
	}
	l.Summary += ", " + tn
	d.add(l)
}

// quoted decodes the IP header and first 8 bytes an ICMP error carries.
func (d *decoder) quoted(start, end int) Field {
	f := d.f
	q := Field{Name: "Original datagram", Start: start, End: end, Value: itoa(end-start) + " bytes"}
	if start+20 > end || f[start]>>4 != 4 {
		return q
	}
	src := netip.AddrFrom4([4]byte(f[start+12 : start+16]))
	dst := netip.AddrFrom4([4]byte(f[start+16 : start+20]))
	q.Value = src.String() + " → " + dst.String()
	q.Children = []Field{
		fld("Protocol", start+9, start+10, protoName(f[start+9])),
		fld("Source Address", start+12, start+16, src.String()),
		fld("Destination Address", start+16, start+20, dst.String()),
	}
	ihl := int(f[start]&15) * 4
	if p := f[start+9]; (p == 6 || p == 17) && ihl >= 20 && start+ihl+4 <= end {
		t := start + ihl
		q.Children = append(q.Children, fld("Source Port", t, t+2, utoa(uint64(d.u16(t)))), fld("Destination Port", t+2, t+4, utoa(uint64(d.u16(t+2)))))
		q.Value += ", port " + utoa(uint64(d.u16(t+2)))
	}
	return q
}

// Annotate adds what only the Analyzer knows to the TCP layer of p, as
// Wireshark shows it: the conversation, relative sequence and
// acknowledgment numbers (the raw ones stay as "(raw)" fields), the
// calculated window and the analysis labels. b must be the Analyzer's
// Brief for the same frame; p without a TCP layer is left as it is.
func (p *Packet) Annotate(b *Brief) {
	l := p.Layer("TCP")
	if l == nil || b.Transport != TransportTCP || len(l.Fields) < 7 {
		return
	}
	off := b.TransOff
	var out []Field
	for _, f := range l.Fields {
		switch f.Name {
		case "Sequence Number":
			out = append(out, fld("[Stream index]", off, off+4, utoa(uint64(b.Conv))),
				fld("[TCP Segment Len]", off+12, off+13, itoa(b.PayloadLen)))
			raw := f
			f.Value = utoa(uint64(b.RelSeq)) + "    (relative sequence number)"
			raw.Name = "Sequence Number (raw)"
			out = append(out, f, raw)
			if b.PayloadLen > 0 || b.Flags&(FlagSYN|FlagFIN) != 0 {
				n := uint64(b.RelSeq) + uint64(b.PayloadLen)
				if b.Flags&(FlagSYN|FlagFIN) != 0 {
					n++
				}
				out = append(out, fld("[Next Sequence Number]", f.Start, f.End, utoa(n)+"    (relative sequence number)"))
			}
			continue
		case "Acknowledgment Number":
			if b.Flags&FlagACK != 0 {
				raw := f
				f.Value = utoa(uint64(b.RelAck)) + "    (relative ack number)"
				raw.Name = "Acknowledgment number (raw)"
				out = append(out, f, raw)
				continue
			}
		case "Window":
			out = append(out, f, fld("[Calculated window size]", f.Start, f.End, utoa(uint64(b.Win))))
			switch {
			case b.Flags&FlagSYN != 0:
			case b.WinScale >= 0:
				out = append(out, fld("[Window size scaling factor]", f.Start, f.End, utoa(1<<uint(b.WinScale))))
			case b.WinScale == -1:
				out = append(out, fld("[Window size scaling factor]", f.Start, f.End, "-1 (no window scaling used)"))
			default:
				out = append(out, fld("[Window size scaling factor]", f.Start, f.End, "-2 (unknown: the SYN was not seen)"))
			}
			continue
		}
		out = append(out, f)
	}
	if b.Analysis != 0 {
		a := Field{Name: "[SEQ/ACK analysis]", Start: l.Start, End: l.End, Value: strings.Join(b.Analysis.Labels(), ", ")}
		for _, lab := range b.Analysis.Labels() {
			v := ""
			if lab == "TCP Dup ACK" {
				v = itoa(b.DupAckOf) + "#" + itoa(b.DupAckNum)
			}
			a.Children = append(a.Children, fld("["+lab+"]", l.Start, l.End, v))
		}
		out = append(out, a)
	}
	l.Fields = out
}
