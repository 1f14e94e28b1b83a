package vnet

import (
	"sync"
	"time"
)

// Frame is one captured frame: what crossed a link, in one direction.
type Frame struct {
	Seq     uint64    // 1, 2, 3 … over the whole network, in capture order
	Time    time.Time // when the sending end put it on the link
	Link    string    // the link's name
	From    string    // the sending end (port) name, e.g. "pc1" or "sw1/2" or "r1/lan"
	Data    []byte    // the frame, Ethernet header first (no FCS)
	OrigLen int       // length on the wire (Data is never truncated today; kept for pcap)
	Dropped bool      // an impairment dropped it: it never arrived
}

// slot is one ring entry; the bytes live in the arena at off.
type slot struct {
	seq     uint64
	t       int64
	link    string
	from    string
	off     uint64
	n       uint32
	dropped bool
}

// capture is the network's frame ring plus its live pcap writers. Everything
// runs under mu, held only for a copy of the frame's bytes: the stacks never
// wait for a reader.
type capture struct {
	mu      sync.Mutex
	now     func() time.Time
	arena   []byte // frame bytes, used as a circle
	wpos    uint64 // bytes ever placed in the arena (virtual position)
	slots   []slot
	first   uint64 // oldest seq still in the ring (== next when empty)
	next    uint64 // seq the next frame gets
	read    uint64 // highest seq handed to a reader by Frames
	lost    uint64 // frames evicted before a reader saw them
	subs    map[chan struct{}]struct{}
	writers []*pcapWriter
}

func newCapture(frames, bytes int, now func() time.Time) *capture {
	if frames <= 0 {
		frames = DefaultCaptureFrames
	}
	if bytes <= 0 {
		bytes = DefaultCaptureBytes
	}
	if bytes < 2*maxFrame {
		bytes = 2 * maxFrame
	}
	if now == nil {
		now = captureClock
	}
	return &capture{now: now, arena: make([]byte, bytes), slots: make([]slot, frames),
		first: 1, next: 1, subs: map[chan struct{}]struct{}{}}
}

// add records b as crossing link from the port named from. It copies b.
func (c *capture) add(link, from string, b []byte, dropped bool) {
	c.mu.Lock()
	t := c.now()
	n := uint64(len(b))
	size := uint64(len(c.arena))
	if n > size {
		n = size
	}
	at := c.wpos % size
	if at+n > size { // does not fit before the end: start at the beginning
		c.wpos += size - at
		at = 0
	}
	end := c.wpos + n
	// Evict the oldest frames whose slot or bytes the new frame takes.
	for c.first < c.next {
		s := &c.slots[c.first%uint64(len(c.slots))]
		if c.next-c.first < uint64(len(c.slots)) && s.off+size >= end {
			break
		}
		if c.first > c.read {
			c.lost++
		}
		c.first++
	}
	copy(c.arena[at:at+n], b)
	seq := c.next
	c.next++
	c.slots[seq%uint64(len(c.slots))] = slot{seq: seq, t: t.UnixNano(), link: link, from: from, off: c.wpos, n: uint32(n), dropped: dropped}
	c.wpos = end
	for _, w := range c.writers {
		w.record(t, b)
	}
	for ch := range c.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	c.mu.Unlock()
}

// frames copies out up to max frames with Seq > after.
func (c *capture) frames(after uint64, max int) []Frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	from := after + 1
	if from < c.first {
		from = c.first
	}
	if from >= c.next {
		return nil
	}
	count := c.next - from
	if max > 0 && count > uint64(max) {
		count = uint64(max)
	}
	out := make([]Frame, 0, count)
	size := uint64(len(c.arena))
	for seq := from; seq < from+count; seq++ {
		s := &c.slots[seq%uint64(len(c.slots))]
		at := s.off % size
		out = append(out, Frame{Seq: s.seq, Time: time.Unix(0, s.t), Link: s.link, From: s.from,
			Data: append([]byte(nil), c.arena[at:at+uint64(s.n)]...), OrigLen: int(s.n), Dropped: s.dropped})
	}
	if last := from + count - 1; last > c.read {
		c.read = last
	}
	return out
}

// Frames copies out up to max frames (max ≤ 0: all there are) captured after
// the frame numbered after, oldest first. Readers poll it with the Seq of the
// last frame they have; frames evicted from the ring meanwhile are counted by
// LostFromView.
func (n *Network) Frames(after uint64, max int) []Frame { return n.cap.frames(after, max) }

// LastSeq is the number of the newest captured frame (0: none yet).
func (n *Network) LastSeq() uint64 {
	n.cap.mu.Lock()
	defer n.cap.mu.Unlock()
	return n.cap.next - 1
}

// LostFromView counts frames that fell out of the ring before any reader
// copied them out with Frames. The pcap writer never loses any.
func (n *Network) LostFromView() uint64 {
	n.cap.mu.Lock()
	defer n.cap.mu.Unlock()
	return n.cap.lost
}

// Subscribe returns a channel that gets a (coalesced) signal whenever frames
// were captured, and a function that ends the subscription. The signal never
// blocks the network: a reader that is busy gets one signal for many frames.
func (n *Network) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	n.cap.mu.Lock()
	n.cap.subs[ch] = struct{}{}
	n.cap.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			n.cap.mu.Lock()
			delete(n.cap.subs, ch)
			n.cap.mu.Unlock()
		})
	}
}
