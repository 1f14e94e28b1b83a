package packet

// Frame builders for the tests: plain encoding/binary, checksums right, so
// that tcpdump -v and Wireshark would call them correct.

import (
	"encoding/binary"
	"net/netip"
	"time"
)

func macOf(a netip.Addr) [6]byte {
	b := a.As16()
	return [6]byte{0x02, 0x00, b[12], b[13], b[14], b[15]}
}

func csum(sum uint32, b []byte) uint32 {
	for len(b) >= 2 {
		sum += uint32(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	return sum
}

func fold(sum uint32) uint16 {
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

func ether(dst, src [6]byte, typ uint16, payload []byte) []byte {
	f := make([]byte, 14, 14+len(payload))
	copy(f[0:6], dst[:])
	copy(f[6:12], src[:])
	binary.BigEndian.PutUint16(f[12:14], typ)
	return append(f, payload...)
}

// ipPacket wraps an L4 segment (whose checksum field sits at ckOff, -1 for
// none) in IPv4 or IPv6 and Ethernet, computing all checksums.
func ipPacket(src, dst netip.Addr, proto uint8, l4 []byte, ckOff int) []byte {
	if ckOff >= 0 {
		var sum uint32
		if proto != 1 { // ICMPv4 has no pseudo-header
			sum = csum(sum, src.AsSlice())
			sum = csum(sum, dst.AsSlice())
			sum += uint32(proto) + uint32(len(l4))
		}
		binary.BigEndian.PutUint16(l4[ckOff:], 0)
		binary.BigEndian.PutUint16(l4[ckOff:], fold(csum(sum, l4)))
	}
	if src.Is4() {
		h := make([]byte, 20)
		h[0] = 0x45
		binary.BigEndian.PutUint16(h[2:], uint16(20+len(l4)))
		binary.BigEndian.PutUint16(h[4:], 0x1234)
		h[6] = 0x40 // DF
		h[8] = 64
		h[9] = proto
		copy(h[12:16], src.AsSlice())
		copy(h[16:20], dst.AsSlice())
		binary.BigEndian.PutUint16(h[10:], fold(csum(0, h)))
		return ether(macOf(dst), macOf(src), 0x0800, append(h, l4...))
	}
	h := make([]byte, 40)
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(l4)))
	h[6] = proto
	h[7] = 64
	copy(h[8:24], src.AsSlice())
	copy(h[24:40], dst.AsSlice())
	return ether(macOf(dst), macOf(src), 0x86dd, append(h, l4...))
}

type seg struct {
	src, dst string // "ip:port"
	flags    TCPFlags
	seq, ack uint32
	win      uint16
	opts     []byte
	data     string
}

func (s seg) frame() []byte {
	sa, da := netip.MustParseAddrPort(s.src), netip.MustParseAddrPort(s.dst)
	opts := s.opts
	for len(opts)%4 != 0 {
		opts = append(opts[:len(opts):len(opts)], 0)
	}
	t := make([]byte, 20+len(opts))
	binary.BigEndian.PutUint16(t[0:], sa.Port())
	binary.BigEndian.PutUint16(t[2:], da.Port())
	binary.BigEndian.PutUint32(t[4:], s.seq)
	binary.BigEndian.PutUint32(t[8:], s.ack)
	binary.BigEndian.PutUint16(t[12:], uint16(len(t)/4)<<12|uint16(s.flags))
	binary.BigEndian.PutUint16(t[14:], s.win)
	copy(t[20:], opts)
	t = append(t, s.data...)
	return ipPacket(sa.Addr(), da.Addr(), 6, t, 16)
}

func optMSS(v uint16) []byte { return []byte{2, 4, byte(v >> 8), byte(v)} }
func optWS(s byte) []byte    { return []byte{1, 3, 3, s} } // nop + wscale
func optSACKOK() []byte      { return []byte{4, 2} }
func optTS(val, ecr uint32) []byte {
	b := []byte{1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[4:], val)
	binary.BigEndian.PutUint32(b[8:], ecr)
	return b
}
func optSACK(edges ...uint32) []byte {
	b := []byte{1, 1, 5, byte(2 + 4*len(edges))}
	for _, e := range edges {
		b = binary.BigEndian.AppendUint32(b, e)
	}
	return b
}
func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

func udpFrame(src, dst string, payload []byte) []byte {
	sa, da := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
	u := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(u[0:], sa.Port())
	binary.BigEndian.PutUint16(u[2:], da.Port())
	binary.BigEndian.PutUint16(u[4:], uint16(8+len(payload)))
	u = append(u, payload...)
	return ipPacket(sa.Addr(), da.Addr(), 17, u, 6)
}

func icmpFrame(src, dst string, typ, code byte, rest []byte) []byte {
	sa, da := netip.MustParseAddr(src), netip.MustParseAddr(dst)
	m := append([]byte{typ, code, 0, 0}, rest...)
	proto := uint8(1)
	if sa.Is6() {
		proto = 58
	}
	return ipPacket(sa, da, proto, m, 2)
}

func echoRest(id, seq uint16, n int) []byte {
	b := binary.BigEndian.AppendUint16(nil, id)
	b = binary.BigEndian.AppendUint16(b, seq)
	for i := 0; i < n; i++ {
		b = append(b, byte(i))
	}
	return b
}

func arpFrame(op uint16, sender, target string, targetMAC [6]byte) []byte {
	s, t := netip.MustParseAddr(sender), netip.MustParseAddr(target)
	a := []byte{0, 1, 8, 0, 6, 4, 0, byte(op)}
	sm := macOf(s)
	a = append(a, sm[:]...)
	a = append(a, s.AsSlice()...)
	a = append(a, targetMAC[:]...)
	a = append(a, t.AsSlice()...)
	dst := [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	if op == 2 {
		dst = targetMAC
	}
	return ether(dst, sm, 0x0806, a)
}

// pcapFile is a classic pcap (pcap-savefile(5)): 24-byte global header,
// then 16-byte record headers, microsecond timestamps, LINKTYPE_ETHERNET.
func pcapFile(frames [][]byte, start time.Time) []byte {
	out := make([]byte, 24)
	binary.LittleEndian.PutUint32(out[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(out[4:], 2)
	binary.LittleEndian.PutUint16(out[6:], 4)
	binary.LittleEndian.PutUint32(out[16:], 65535)
	binary.LittleEndian.PutUint32(out[20:], 1)
	for i, f := range frames {
		ts := start.Add(time.Duration(i) * time.Millisecond)
		var h [16]byte
		binary.LittleEndian.PutUint32(h[0:], uint32(ts.Unix()))
		binary.LittleEndian.PutUint32(h[4:], uint32(ts.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(h[8:], uint32(len(f)))
		binary.LittleEndian.PutUint32(h[12:], uint32(len(f)))
		out = append(out, h[:]...)
		out = append(out, f...)
	}
	return out
}

func netip4(s string) netip.Addr { return netip.MustParseAddr(s) }
func netip6(s string) []byte     { return netip.MustParseAddr(s).AsSlice() }
