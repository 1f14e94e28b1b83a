package packet

import "net/netip"

// Analyzer follows TCP and UDP conversations across frames fed in capture
// order and fills the stateful parts of a Brief: conversation numbers,
// relative sequence numbers (Wireshark's and tcpdump's), the scaled window
// and the analysis labels. Not safe for concurrent use; one Analyzer per
// capture. Memory grows with the number of conversations, not frames.
type Analyzer struct {
	n     int
	convs map[convKey]*conv
	next  uint32
}

// NewAnalyzer returns an empty Analyzer.
func NewAnalyzer() *Analyzer {
	return &Analyzer{convs: make(map[convKey]*conv)}
}

// Reset forgets every conversation and restarts frame numbers at 1.
func (a *Analyzer) Reset() {
	a.n = 0
	a.next = 0
	clear(a.convs)
}

// Frames is how many frames the Analyzer has seen.
func (a *Analyzer) Frames() int { return a.n }

// Conversations is how many conversations it has numbered.
func (a *Analyzer) Conversations() int { return int(a.next) }

// convKey is a 4-tuple in a fixed order (lo < hi), so both directions of a
// conversation find the same entry.
type convKey struct {
	lo, hi netip.AddrPort
	proto  uint8
}

type dirState struct {
	baseSet    bool
	base       uint32 // Wireshark: rel = seq - base
	nextSet    bool
	nextSeq    uint32
	ackSet     bool
	lastAck    uint32
	lastAckN   int // frame of the last ACK that was not a duplicate
	dupAcks    int
	winSet     bool
	win        uint32
	wscale     int8 // -2 unknown, -1 none, else shift
	synSeen    bool
	isn        uint32
	lastLabels Analysis
}

type conv struct {
	id       uint32
	clientLo bool // the client (first SYN sender, or first sender) is lo
	d        [2]dirState
	closed   bool // RST seen, or FIN from both sides
	finSeen  [2]bool
	dumpSet  bool
	dumpBase [2]uint32 // tcpdump: base subtracted from seq of direction i
}

// Next decodes frame (as Parse does) and updates the conversation state.
// It does not allocate, except when a new conversation starts.
func (a *Analyzer) Next(frame []byte) Brief {
	var b Brief
	a.n++
	b.N = a.n
	parseInto(&b, frame)
	if b.Problem != ProblemNone && b.Transport != TransportTCP && b.Transport != TransportUDP {
		return b
	}
	switch b.Transport {
	case TransportTCP:
		if b.Problem == ProblemShortTCP {
			return b
		}
		a.tcp(&b, frame)
	case TransportUDP:
		if b.Problem == ProblemShortUDP {
			return b
		}
		c, dir, _ := a.lookup(&b, 17)
		b.Conv = c.id
		b.FromClient = (dir == 0) == c.clientLo
	}
	return b
}

// lookup finds or creates the conversation of b; dir is 0 when b travels
// lo→hi.
func (a *Analyzer) lookup(b *Brief, proto uint8) (c *conv, dir int, created bool) {
	s := netip.AddrPortFrom(b.Src, b.SrcPort)
	d := netip.AddrPortFrom(b.Dst, b.DstPort)
	k := convKey{lo: s, hi: d, proto: proto}
	if less(d, s) {
		k.lo, k.hi = d, s
		dir = 1
	}
	c = a.convs[k]
	if c == nil {
		c = a.newConv(k, dir)
		created = true
	}
	return c, dir, created
}

func (a *Analyzer) newConv(k convKey, dir int) *conv {
	a.next++
	c := &conv{id: a.next, clientLo: dir == 0}
	c.d[0].wscale, c.d[1].wscale = -2, -2
	a.convs[k] = c
	return c
}

func less(x, y netip.AddrPort) bool {
	if c := x.Addr().Compare(y.Addr()); c != 0 {
		return c < 0
	}
	return x.Port() < y.Port()
}

// seq arithmetic modulo 2^32
func seqGT(a, b uint32) bool { return int32(a-b) > 0 }
func seqLE(a, b uint32) bool { return int32(a-b) <= 0 }

func (a *Analyzer) tcp(b *Brief, frame []byte) {
	c, d, _ := a.lookup(b, 6)
	syn := b.Flags&FlagSYN != 0
	ack := b.Flags&FlagACK != 0
	// A new SYN on a tuple whose conversation is over, or with another ISN,
	// starts a new conversation (Wireshark starts a new tcp.stream).
	if syn && !ack && (c.closed || (c.d[d].synSeen && c.d[d].isn != b.Seq)) {
		s := netip.AddrPortFrom(b.Src, b.SrcPort)
		t := netip.AddrPortFrom(b.Dst, b.DstPort)
		k := convKey{lo: s, hi: t, proto: 6}
		if d == 1 {
			k.lo, k.hi = t, s
		}
		c = a.newConv(k, d)
	}
	if syn && !ack && !c.d[0].synSeen && !c.d[1].synSeen {
		c.clientLo = d == 0
	}
	b.Conv = c.id
	b.FromClient = (d == 0) == c.clientLo
	fw, rv := &c.d[d], &c.d[1-d]

	// tcpdump's relative numbers (print-tcp.c): one entry per conversation,
	// (re)made by any SYN or the first packet with ACK; only packets with
	// ACK are made relative.
	b.DumpSeq, b.DumpAck = b.Seq, b.Ack
	if ack {
		if !c.dumpSet || syn {
			c.dumpSet = true
			c.dumpBase[d] = b.Seq
			c.dumpBase[1-d] = b.Ack - 1
		} else {
			b.DumpSeq = b.Seq - c.dumpBase[d]
			b.DumpAck = b.Ack - c.dumpBase[1-d]
			b.dumpAckBase = c.dumpBase[1-d]
			b.dumpRel = true
		}
	}

	// Wireshark's relative numbers (packet-tcp.c): the base is the ISN,
	// or seq-1 when the SYN was not seen; the reverse base comes from the
	// first ACK (ack-1).
	if syn {
		fw.synSeen = true
		fw.isn = b.Seq
		fw.base, fw.baseSet = b.Seq, true
		fw.wscale = wscaleOption(b, frame)
		if ack && (fw.wscale == -1 || rv.wscale == -1) {
			fw.wscale, rv.wscale = -1, -1
		}
	} else if !fw.baseSet {
		fw.base, fw.baseSet = b.Seq-1, true
	}
	if ack && !rv.baseSet {
		rv.base, rv.baseSet = b.Ack-1, true
	}
	b.RelSeq = b.Seq - fw.base
	if ack {
		b.RelAck = b.Ack - rv.base
	}

	// The window: scaled once both SYNs carried the option, never in a SYN.
	b.Win = uint32(b.RawWin)
	b.WinScale = fw.wscale
	if !syn && fw.wscale >= 0 {
		b.Win <<= uint(fw.wscale)
	}
	if syn {
		b.WinScale = -1
	}

	a.analyze(b, c, fw, rv)

	if b.Flags&FlagRST != 0 {
		c.closed = true
	}
	if b.Flags&FlagFIN != 0 {
		c.finSeen[d] = true
		if c.finSeen[0] && c.finSeen[1] {
			c.closed = true
		}
	}
}

// analyze sets Wireshark's analysis labels (the order and conditions of
// packet-tcp.c's tcp_analyze_sequence_number, without the timing-based
// out-of-order test) and updates the direction state.
func (a *Analyzer) analyze(b *Brief, c *conv, fw, rv *dirState) {
	seglen := uint32(b.PayloadLen)
	fl := b.Flags
	if fl&(FlagSYN|FlagFIN) != 0 {
		seglen++
	}
	ctl := fl&(FlagSYN|FlagFIN|FlagRST) != 0
	win := b.Win
	var lab Analysis
	done := false

	if seglen == 1 && fw.nextSet && b.Seq == fw.nextSeq && rv.winSet && rv.win == 0 && !ctl {
		lab |= ZeroWindowProbe
		done = true
	}
	if !done && win == 0 && !ctl {
		lab |= ZeroWindow
	}
	if !done && fw.nextSet && seqGT(b.Seq, fw.nextSeq) && fl&FlagRST == 0 {
		lab |= PrevNotCaptured
	}
	if !done && seglen <= 1 && !ctl && fw.nextSet && fw.nextSeq-1 == b.Seq {
		lab |= KeepAlive
		done = true
	}
	same := seglen == 0 && !ctl && fw.nextSet && b.Seq == fw.nextSeq && fw.ackSet && b.Ack == fw.lastAck && fw.winSet
	if !done && same && win != fw.win && win != 0 {
		lab |= WindowUpdate
		done = true
	}
	if !done && same && win == fw.win && rv.lastLabels&KeepAlive != 0 {
		lab |= KeepAliveAck
		done = true
	}
	if !done && same && win == 0 && win == fw.win && rv.lastLabels&ZeroWindowProbe != 0 {
		lab |= ZeroWindowProbeAck
		done = true
	}
	if !done && same && win != 0 && win == fw.win && fl&FlagACK != 0 {
		fw.dupAcks++
		lab |= DupAck
		b.DupAckOf = fw.lastAckN
		b.DupAckNum = fw.dupAcks
	}
	if !done && (seglen > 0) && fw.nextSet && seqGT(fw.nextSeq, b.Seq) && fl&FlagRST == 0 {
		switch {
		case rv.ackSet && seqLE(b.Seq+seglen, rv.lastAck):
			lab |= SpuriousRetrans
		case rv.dupAcks >= 2 && rv.ackSet && rv.lastAck == b.Seq:
			lab |= FastRetransmission
		default:
			lab |= Retransmission
		}
	}

	// update the state of this direction
	end := b.Seq + seglen
	if fl&FlagRST == 0 && lab&ZeroWindowProbe == 0 && (!fw.nextSet || seqGT(end, fw.nextSeq)) {
		fw.nextSeq, fw.nextSet = end, true
	}
	fw.win, fw.winSet = win, true
	if fl&FlagACK != 0 {
		if !fw.ackSet || b.Ack != fw.lastAck {
			fw.dupAcks = 0
		}
		fw.lastAck, fw.ackSet = b.Ack, true
	}
	if lab&DupAck == 0 {
		fw.lastAckN = b.N
	}
	fw.lastLabels = lab
	b.Analysis = lab
}
