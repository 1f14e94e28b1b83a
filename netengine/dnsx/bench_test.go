package dnsx

import (
	"net/netip"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// BenchmarkHandlePacket: one query through the whole answer path (accept,
// unpack, lookup, truncate, pack), without sockets.
func BenchmarkHandlePacket(b *testing.B) {
	s, err := NewServer(BuiltinZones(), ServerOptions{Rate: -1})
	if err != nil {
		b.Fatal(err)
	}
	q := new(dns.Msg)
	q.SetQuestion("web.classroom.lab.", dns.TypeA)
	pkt, _ := q.Pack()
	c := netip.MustParseAddrPort("127.0.0.1:5000")
	b.ReportAllocs()
	for b.Loop() {
		if s.HandlePacket(pkt, c, "udp") == nil {
			b.Fatal("no answer")
		}
	}
}

// BenchmarkUDPRoundTrip: a miekg/dns client asking the running server over loopback UDP.
func BenchmarkUDPRoundTrip(b *testing.B) {
	s, err := NewServer(BuiltinZones(), ServerOptions{Rate: -1})
	if err != nil {
		b.Fatal(err)
	}
	addr, err := s.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Stop()
	c := &dns.Client{Timeout: 2 * time.Second}
	q := new(dns.Msg)
	q.SetQuestion("www.classroom.lab.", dns.TypeA)
	for b.Loop() {
		if _, _, err := c.Exchange(q, addr); err != nil {
			b.Fatal(err)
		}
	}
}
