package packetpanel

import (
	"net/netip"
	"sync"
	"time"

	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
)

// maxRows bounds the rows the page keeps (a frame is at most 1514 bytes,
// so about 24 MB at worst); older rows are trimmed and counted. The full
// capture can always be exported losslessly as pcap.
const maxRows = 16000

// row is one captured frame as the page shows it.
type row struct {
	seq     uint64
	t       time.Duration // since the capture started
	link    string
	from    string // sending port, e.g. "pc1" or "sw1/2"
	data    []byte
	dropped bool
	b       packet.Brief
}

// node is the drawing's node of a port name: "sw1/2" → "sw1".
func node(port string) string {
	for i := 0; i < len(port); i++ {
		if port[i] == '/' {
			return port[:i]
		}
	}
	return port
}

// capture reads the network's frames into decoded rows. Its drain runs on
// its own goroutine; the view reads rows under mu.
type capture struct {
	mu  sync.Mutex
	net *vnet.Network
	// Each link is a capture point of its own, as an interface is for
	// tcpdump: a frame that crosses pc1-sw1 and then web-sw1 is one
	// segment seen twice, not a retransmission. perLink analyzers give the
	// relative numbers and labels; conv numbers connections over the whole
	// network, for the connection filter.
	perLink map[string]*packet.Analyzer
	conv    *packet.Analyzer
	rows    []row
	trimmed int    // rows dropped from the front (maxRows)
	lost    uint64 // frames the ring lost before we read them
	last    uint64 // Seq of the newest frame read
	start   time.Time
	gen     int // bumps when rows are reset (a new network or Clear)
}

func newCapture() *capture {
	return &capture{perLink: map[string]*packet.Analyzer{}, conv: packet.NewAnalyzer()}
}

// attach starts reading n (nil: stop reading). Rows are reset.
func (c *capture) attach(n *vnet.Network) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.net = n
	c.resetLocked()
	// a network another page started may have frames already: show them
	c.last, c.lost = 0, 0
}

func (c *capture) resetLocked() {
	c.rows, c.trimmed, c.lost = nil, 0, 0
	clear(c.perLink)
	c.conv.Reset()
	c.start = time.Time{}
	if c.net != nil {
		c.last = c.net.LastSeq()
		c.lost = c.net.LostFromView()
	}
	c.gen++
}

// clear forgets the rows read so far; new frames keep coming.
func (c *capture) clearRows() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resetLocked()
}

// poll reads every new frame; it reports whether any arrived.
func (c *capture) poll() bool {
	c.mu.Lock()
	n := c.net
	after := c.last
	gen := c.gen
	c.mu.Unlock()
	if n == nil {
		return false
	}
	frames := n.Frames(after, 4096)
	if len(frames) == 0 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.net != n {
		return false // reset meanwhile
	}
	c.lost = n.LostFromView()
	for _, f := range frames {
		if f.Seq <= c.last {
			continue
		}
		c.last = f.Seq
		if c.start.IsZero() {
			c.start = f.Time
		}
		r := row{seq: f.Seq, t: f.Time.Sub(c.start), link: f.Link, from: f.From, data: f.Data, dropped: f.Dropped}
		an := c.perLink[f.Link]
		if an == nil {
			an = packet.NewAnalyzer()
			c.perLink[f.Link] = an
		}
		r.b = an.Next(f.Data)
		g := c.conv.Next(f.Data)
		r.b.Conv, r.b.FromClient = g.Conv, g.FromClient
		c.rows = append(c.rows, r)
	}
	if over := len(c.rows) - maxRows; over > 0 {
		// keep a contiguous tail; copy so the old array can be freed
		c.rows = append([]row(nil), c.rows[over:]...)
		c.trimmed += over
	}
	return true
}

// snapshot is what the view draws from: the rows (shared, read-only: rows
// are only appended or replaced wholesale) and the counters.
type snapshot struct {
	rows    []row
	trimmed int
	lost    uint64
	gen     int
}

func (c *capture) snapshot() snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return snapshot{rows: c.rows[:len(c.rows):len(c.rows)], trimmed: c.trimmed, lost: c.lost, gen: c.gen}
}

// proto is the packet list's protocol filter.
type proto int

const (
	protoAll proto = iota
	protoTCP
	protoUDP
	protoARP
	protoICMP
	protoHTTP
	protoDNS
)

// protoOf classifies a row for the protocol filter and colouring.
func protoOf(r *row) proto {
	switch {
	case r.b.Proto == packet.ProtoARP:
		return protoARP
	case r.b.Transport == packet.TransportTCP:
		if r.b.StartsHTTP(r.data) {
			return protoHTTP
		}
		return protoTCP
	case r.b.Transport == packet.TransportUDP:
		if r.b.SrcPort == 53 || r.b.DstPort == 53 {
			return protoDNS
		}
		return protoUDP
	case r.b.Transport == packet.TransportICMP, r.b.Transport == packet.TransportICMPv6:
		return protoICMP
	}
	return protoAll
}

// filter is what the packet list shows.
type filter struct {
	proto proto
	conv  uint32 // 0: every connection
	link  string // "": every link
}

// matches reports whether r passes the filter.
func (f filter) matches(r *row) bool {
	if f.conv != 0 && r.b.Conv != f.conv || f.link != "" && r.link != f.link {
		return false
	}
	p := f.proto
	switch p {
	case protoAll:
		return true
	case protoTCP:
		return r.b.Transport == packet.TransportTCP
	case protoUDP:
		return r.b.Transport == packet.TransportUDP
	}
	return protoOf(r) == p
}

// endpoint is one side of a conversation.
func endpoint(a netip.Addr, port uint16) string {
	return netip.AddrPortFrom(a, port).String()
}
