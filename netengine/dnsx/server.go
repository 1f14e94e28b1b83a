package dnsx

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/miekg/dns"
)

// DefaultAddr is where the classroom server listens unless told otherwise:
// loopback only, on the port mDNS-free classrooms leave unused by DNS.
const DefaultAddr = "127.0.0.1:5353"

// ViewOption is the EDNS0 local option (RFC 6891 §6.1.2 reserves
// 65001–65534 for local use) a trace sends to ask the classroom server to
// answer from one zone only, as the separate server of that zone would.
// Its data is the zone name in presentation form ("lab.").
const ViewOption = 65053

// Notes the query log uses (English; the UI translates them).
const (
	NoteRefused     = "not served here: REFUSED"
	NoteRateLimited = "rate limit: dropped"
	NoteTruncated   = "truncated (TC): retry over TCP"
	NoteMalformed   = "malformed packet: FORMERR"
	NoteNotImpl     = "opcode not implemented: NOTIMP"
)

// ErrPrivilegedPort says the port needs administrator rights (port 53).
var ErrPrivilegedPort = errors.New("ports below 1024 (such as 53) need administrator rights; use a port such as 5353")

// LogEntry is one query the server saw, for the live query log.
type LogEntry struct {
	Time    time.Time `json:"time"`
	Client  string    `json:"client"`
	Proto   string    `json:"proto"` // "udp" or "tcp"
	Name    string    `json:"name"`
	Type    string    `json:"type"`
	Zone    string    `json:"zone,omitempty"` // the zone that answered, or the view asked for
	Rcode   string    `json:"rcode"`
	Flags   []string  `json:"flags"`
	Answers int       `json:"answers"`
	Size    int       `json:"size"` // bytes sent, 0 when dropped
	Note    string    `json:"note,omitempty"`
}

// ServerOptions tune the classroom server.
type ServerOptions struct {
	// Rate and Burst limit queries per client address (token bucket).
	// Rate 0 means DefaultRate; a negative Rate turns the limit off.
	Rate  float64
	Burst int
	// Now is the clock (tests inject one).
	Now func() time.Time
}

// Default per-client limit: plenty for a student, too little for a flood.
const (
	DefaultRate  = 50
	DefaultBurst = 100
)

// Server is the embedded authoritative classroom DNS server.
type Server struct {
	zmu   sync.RWMutex
	zones []*zoneIndex // most labels first

	onQuery atomic.Pointer[func(LogEntry)]
	limiter *rateLimiter
	dropped atomic.Int64
	queries atomic.Int64

	smu  sync.Mutex
	udp  *dns.Server
	tcp  *dns.Server
	addr string
}

// NewServer makes a server for zones (validated; see SetZones).
func NewServer(zones []*Zone, opt ServerOptions) (*Server, error) {
	rate, burst := opt.Rate, opt.Burst
	if rate == 0 {
		rate = DefaultRate
	}
	if burst <= 0 {
		burst = DefaultBurst
	}
	s := &Server{limiter: newRateLimiter(rate, burst, opt.Now)}
	if err := s.SetZones(zones); err != nil {
		return nil, err
	}
	return s, nil
}

// SetZones replaces the served zones at once (running or not). Each zone
// must be valid and each origin unique.
func (s *Server) SetZones(zones []*Zone) error {
	idx := make([]*zoneIndex, 0, len(zones))
	seen := map[string]bool{}
	var errs []error
	for _, z := range zones {
		if err := z.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[z.Origin] {
			errs = append(errs, fmt.Errorf("zone %s is given twice", z.Origin))
			continue
		}
		seen[z.Origin] = true
		idx = append(idx, indexZone(z.Clone()))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	sort.SliceStable(idx, func(i, j int) bool {
		return dns.CountLabel(idx[i].zone.Origin) > dns.CountLabel(idx[j].zone.Origin)
	})
	s.zmu.Lock()
	s.zones = idx
	s.zmu.Unlock()
	return nil
}

// Zones returns copies of the served zones, root first.
func (s *Server) Zones() []*Zone {
	s.zmu.RLock()
	defer s.zmu.RUnlock()
	out := make([]*Zone, len(s.zones))
	for i, zi := range s.zones {
		out[i] = zi.zone.Clone()
	}
	sortZones(out)
	return out
}

// OnQuery sets the function called for every query (nil: none). It runs
// on the server's goroutines: it must be quick and must not touch widgets.
func (s *Server) OnQuery(f func(LogEntry)) {
	if f == nil {
		s.onQuery.Store(nil)
		return
	}
	s.onQuery.Store(&f)
}

// Counters: queries seen and queries dropped by the rate limit.
func (s *Server) Counters() (queries, dropped int64) { return s.queries.Load(), s.dropped.Load() }

// Addr is the address the server listens on, or "" when stopped.
func (s *Server) Addr() string {
	s.smu.Lock()
	defer s.smu.Unlock()
	return s.addr
}

// Running reports whether the server listens.
func (s *Server) Running() bool { return s.Addr() != "" }

// Start listens on addr ("127.0.0.1:5353"; port 0 picks a free port) for
// UDP and TCP on the same port and returns the address in use.
func (s *Server) Start(addr string) (string, error) {
	s.smu.Lock()
	defer s.smu.Unlock()
	if s.addr != "" {
		return "", fmt.Errorf("already listening on %s", s.addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	var pc net.PacketConn
	var ln net.Listener
	for try := 0; ; try++ {
		pc, err = net.ListenPacket("udp", net.JoinHostPort(host, port))
		if err != nil {
			return "", listenError(err)
		}
		p := strconv.Itoa(pc.LocalAddr().(*net.UDPAddr).Port)
		ln, err = net.Listen("tcp", net.JoinHostPort(host, p))
		if err == nil {
			break
		}
		pc.Close()
		if port != "0" || try >= 5 {
			return "", listenError(err)
		}
	}
	started := make(chan struct{}, 2)
	notify := func() { started <- struct{}{} }
	s.udp = &dns.Server{PacketConn: pc, Handler: s, NotifyStartedFunc: notify, MsgInvalidFunc: s.invalid}
	s.tcp = &dns.Server{Listener: ln, Handler: s, NotifyStartedFunc: notify, MsgInvalidFunc: s.invalid,
		ReadTimeout: 5 * time.Second, IdleTimeout: func() time.Duration { return 10 * time.Second }}
	go s.udp.ActivateAndServe()
	go s.tcp.ActivateAndServe()
	for i := 0; i < 2; i++ {
		select {
		case <-started:
		case <-time.After(5 * time.Second):
			s.udp.Shutdown()
			s.tcp.Shutdown()
			return "", errors.New("the DNS server did not start")
		}
	}
	s.addr = pc.LocalAddr().String()
	return s.addr, nil
}

func listenError(err error) error {
	if errors.Is(err, syscall.EACCES) || errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("%w (%v)", ErrPrivilegedPort, err)
	}
	return err
}

// Stop closes both listeners. Stopping a stopped server does nothing.
func (s *Server) Stop() error {
	s.smu.Lock()
	defer s.smu.Unlock()
	if s.addr == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err1 := s.udp.ShutdownContext(ctx)
	err2 := s.tcp.ShutdownContext(ctx)
	s.udp, s.tcp, s.addr = nil, nil, ""
	return errors.Join(err1, err2)
}

// IsLoopback reports whether addr ("host:port") listens on loopback only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// ServeDNS answers one query; miekg/dns calls it for UDP and TCP.
func (s *Server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	proto := "udp"
	if _, ok := w.RemoteAddr().(*net.TCPAddr); ok {
		proto = "tcp"
	}
	client := addrPortOf(w.RemoteAddr())
	if out := s.handle(req, client, proto); out != nil {
		_, _ = w.Write(out)
	}
}

func addrPortOf(a net.Addr) netip.AddrPort {
	switch a := a.(type) {
	case *net.UDPAddr:
		return a.AddrPort()
	case *net.TCPAddr:
		return a.AddrPort()
	}
	return netip.AddrPort{}
}

func (s *Server) invalid(m []byte, err error) {
	s.log(LogEntry{Time: time.Now(), Client: "?", Proto: "?", Rcode: "FORMERR", Note: NoteMalformed + ": " + err.Error()})
}

func (s *Server) log(e LogEntry) {
	if f := s.onQuery.Load(); f != nil {
		(*f)(e)
	}
}

// HandlePacket is the server's whole answer path for one raw packet, as
// miekg/dns's server runs it (header check, accept rules, unpack, then
// ServeDNS): the bytes to send back, or nil for none. The fuzz target
// drives it.
func (s *Server) HandlePacket(pkt []byte, client netip.AddrPort, proto string) []byte {
	if len(pkt) < 12 {
		return nil // no header: the client is sending junk; say nothing
	}
	h := dns.Header{
		Id: binary.BigEndian.Uint16(pkt), Bits: binary.BigEndian.Uint16(pkt[2:]),
		Qdcount: binary.BigEndian.Uint16(pkt[4:]), Ancount: binary.BigEndian.Uint16(pkt[6:]),
		Nscount: binary.BigEndian.Uint16(pkt[8:]), Arcount: binary.BigEndian.Uint16(pkt[10:]),
	}
	action := dns.DefaultMsgAcceptFunc(h)
	switch action {
	case dns.MsgIgnore:
		return nil
	case dns.MsgAccept:
		req := new(dns.Msg)
		if err := req.Unpack(pkt); err == nil {
			return s.handle(req, client, proto)
		}
	}
	m := new(dns.Msg)
	m.Id = h.Id
	m.Response = true
	m.Opcode = dns.OpcodeQuery
	m.RecursionDesired = h.Bits&(1<<8) != 0
	m.Rcode = dns.RcodeFormatError
	note := NoteMalformed
	if action == dns.MsgRejectNotImplemented {
		m.Opcode = int(h.Bits>>11) & 0xF
		m.Rcode = dns.RcodeNotImplemented
		note = NoteNotImpl
	}
	out, err := m.Pack()
	if err != nil {
		return nil
	}
	s.log(LogEntry{Time: time.Now(), Client: client.String(), Proto: proto, Rcode: RcodeName(m.Rcode), Flags: SetFlags(m), Size: len(out), Note: note})
	return out
}

// handle answers req from client and returns the packed reply (nil when
// the rate limit drops it), truncated to what the client can take on UDP.
func (s *Server) handle(req *dns.Msg, client netip.AddrPort, proto string) []byte {
	s.queries.Add(1)
	e := LogEntry{Time: time.Now(), Client: client.String(), Proto: proto}
	if len(req.Question) > 0 {
		e.Name, e.Type = req.Question[0].Name, TypeName(req.Question[0].Qtype)
	}
	if !s.limiter.allow(client.Addr()) {
		s.dropped.Add(1)
		e.Rcode, e.Note = "-", NoteRateLimited
		s.log(e)
		return nil
	}
	m, zone := s.Answer(req)
	e.Zone = zone
	if m.Rcode == dns.RcodeRefused {
		e.Note = NoteRefused
	}
	if proto == "udp" {
		size := dns.MinMsgSize
		if opt := req.IsEdns0(); opt != nil && int(opt.UDPSize()) > size {
			size = int(opt.UDPSize())
		}
		m.Truncate(size)
		if m.Truncated {
			e.Note = NoteTruncated
		}
	} else {
		m.Truncate(dns.MaxMsgSize)
	}
	out, err := m.Pack()
	if err != nil {
		m = new(dns.Msg)
		m.SetRcode(req, dns.RcodeServerFailure)
		out, _ = m.Pack()
	}
	e.Rcode, e.Flags, e.Answers, e.Size = RcodeName(m.Rcode), SetFlags(m), len(m.Answer), len(out)
	s.log(e)
	return out
}
