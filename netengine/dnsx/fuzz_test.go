package dnsx

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

var fuzzServer *Server

// FuzzHandlePacket throws random and malformed packets at the server's
// handler: it must never panic; every reply must be a well-formed response
// to the same ID; a query with a bad header or body gets FORMERR (or
// NOTIMP for an opcode it does not do), and a response gets no reply.
func FuzzHandlePacket(f *testing.F) {
	if fuzzServer == nil {
		s, err := NewServer(BuiltinZones(), ServerOptions{Rate: -1})
		if err != nil {
			f.Fatal(err)
		}
		fuzzServer = s
	}
	for _, q := range []struct {
		name string
		t    uint16
	}{{"www.classroom.lab.", dns.TypeA}, {"big.classroom.lab.", dns.TypeTXT}, {"example.com.", dns.TypeA},
		{"web.classroom.lab.", dns.TypeANY}, {".", dns.TypeNS}, {"80.2.0.192.in-addr.arpa.", dns.TypePTR},
		{"x.students.classroom.lab.", dns.TypeA}, {"a.*.students.classroom.lab.", dns.TypeANY}} {
		m := new(dns.Msg)
		m.SetQuestion(q.name, q.t)
		b, _ := m.Pack()
		f.Add(b, false)
		m.SetEdns0(512, false)
		m.IsEdns0().Option = append(m.IsEdns0().Option, &dns.EDNS0_LOCAL{Code: ViewOption, Data: []byte("lab.")})
		b, _ = m.Pack()
		f.Add(b, true)
	}
	f.Add([]byte{}, false)
	f.Add(make([]byte, 12), false)
	f.Add([]byte("\x00\x01\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\xc0\x0c\x00\x01\x00\x01"), false) // compression loop
	f.Fuzz(func(t *testing.T, pkt []byte, tcp bool) {
		proto := "udp"
		if tcp {
			proto = "tcp"
		}
		out := fuzzServer.HandlePacket(pkt, netip.MustParseAddrPort("127.0.0.1:9"), proto)
		if len(pkt) < 12 {
			if out != nil {
				t.Fatal("reply to a packet without a header")
			}
			return
		}
		bits := binary.BigEndian.Uint16(pkt[2:])
		if bits&0x8000 != 0 {
			if out != nil {
				t.Fatal("reply to a response")
			}
			return
		}
		if out == nil {
			t.Fatal("no reply to a query")
		}
		if proto == "udp" && len(out) > 65535 {
			t.Fatalf("UDP reply of %d bytes", len(out))
		}
		r := new(dns.Msg)
		if err := r.Unpack(out); err != nil {
			t.Fatalf("reply does not unpack: %v", err)
		}
		if !r.Response || r.Id != binary.BigEndian.Uint16(pkt) || r.RecursionAvailable {
			t.Fatalf("bad reply header: %v", r.MsgHdr)
		}
		req := new(dns.Msg)
		opcode := int(bits>>11) & 0xF
		qd := binary.BigEndian.Uint16(pkt[4:])
		switch {
		case opcode != dns.OpcodeQuery && opcode != dns.OpcodeNotify:
			if r.Rcode != dns.RcodeNotImplemented {
				t.Fatalf("opcode %d: rcode %s", opcode, RcodeName(r.Rcode))
			}
		case qd != 1 || req.Unpack(pkt) != nil:
			if r.Rcode != dns.RcodeFormatError {
				t.Fatalf("malformed query: rcode %s", RcodeName(r.Rcode))
			}
		case proto == "udp":
			limit := dns.MinMsgSize
			if opt := req.IsEdns0(); opt != nil && int(opt.UDPSize()) > limit {
				limit = int(opt.UDPSize())
			}
			if len(out) > limit && !r.Truncated {
				t.Fatalf("%d-byte UDP reply over the %d-byte limit without TC", len(out), limit)
			}
		}
		if r.Rcode == dns.RcodeSuccess && len(r.Answer) > 0 && len(req.Question) == 1 &&
			!strings.HasSuffix(dns.CanonicalName(r.Answer[0].Header().Name), "lab.") &&
			!strings.HasSuffix(dns.CanonicalName(r.Answer[0].Header().Name), "in-addr.arpa.") && r.Answer[0].Header().Name != "." {
			t.Fatalf("answered a name it does not serve: %v", r.Answer[0])
		}
	})
}
