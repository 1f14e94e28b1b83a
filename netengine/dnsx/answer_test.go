package dnsx

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// testdataServer serves the zones of testdata/bind (not started: the
// tests call Answer).
func testdataServer(t *testing.T) *Server {
	t.Helper()
	var zones []*Zone
	for _, f := range []string{"class.lab.zone", "other.lab.zone", "example.zone"} {
		z, err := LoadZoneFile(filepath.Join("testdata/bind", f))
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, z)
	}
	s, err := NewServer(zones, ServerOptions{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// answerCase is one question and the answer RFC 1034/2308/4592 give for it.
type answerCase struct {
	name  string
	typ   uint16
	rcode int
	aa    bool
	// answer: "owner TYPE data" lines, sorted
	answer []string
	// ns: "owner TYPE ttl" of the authority section (SOA TTL checked)
	ns []string
	// extra: owners and types of the additional section, sorted
	extra []string
}

func checkAnswers(t *testing.T, s *Server, cases []answerCase) {
	t.Helper()
	for _, c := range cases {
		label := c.name + " " + TypeName(c.typ)
		req := new(dns.Msg)
		req.SetQuestion(c.name, c.typ)
		m, _ := s.Answer(req)
		if m.Rcode != c.rcode || m.Authoritative != c.aa {
			t.Errorf("%s: rcode %s aa %v, want %s aa %v", label, RcodeName(m.Rcode), m.Authoritative, RcodeName(c.rcode), c.aa)
		}
		var ans, ns, extra []string
		for _, rr := range m.Answer {
			r := RecordOf(rr)
			ans = append(ans, r.Name+" "+r.Type+" "+r.Data)
		}
		for _, rr := range m.Ns {
			r := RecordOf(rr)
			ns = append(ns, r.Name+" "+r.Type+" "+itoa(uint16(r.TTL)))
		}
		for _, rr := range m.Extra {
			r := RecordOf(rr)
			extra = append(extra, r.Name+" "+r.Type)
		}
		slices.Sort(ans)
		slices.Sort(ns)
		slices.Sort(extra)
		if strings.Join(ans, "|") != strings.Join(c.answer, "|") {
			t.Errorf("%s: answer\n  %q\nwant\n  %q", label, ans, c.answer)
		}
		if strings.Join(ns, "|") != strings.Join(c.ns, "|") {
			t.Errorf("%s: authority %q, want %q", label, ns, c.ns)
		}
		if strings.Join(extra, "|") != strings.Join(c.extra, "|") {
			t.Errorf("%s: additional %q, want %q", label, extra, c.extra)
		}
	}
}

const (
	ok    = dns.RcodeSuccess
	nx    = dns.RcodeNameError
	soaCL = "class.lab. SOA 60" // SOA TTL 300, minimum 60: negative TTL 60
)

// RFC 4592's own example zone and the answers its §2.2.1 lists.
func TestWildcardsRFC4592Example(t *testing.T) {
	soa := "example. SOA 120"
	checkAnswers(t, testdataServer(t), []answerCase{
		// synthesized from *.example. (owner = the query name)
		{"host3.example.", dns.TypeMX, ok, true, []string{"host3.example. MX 10 host1.example."}, nil, []string{"host1.example. A"}},
		{"foo.bar.example.", dns.TypeTXT, ok, true, []string{`foo.bar.example. TXT "this is a wildcard"`}, nil, nil},
		// the wildcard matches, without the type: NODATA
		{"host3.example.", dns.TypeA, ok, true, nil, []string{soa}, nil},
		// host1.example. exists: it blocks the wildcard
		{"host1.example.", dns.TypeMX, ok, true, nil, []string{soa}, nil},
		// sub.*.example. exists (the "*" is a plain label there)
		{"sub.*.example.", dns.TypeMX, ok, true, nil, []string{soa}, nil},
		// the closest encloser _tcp.host1.example. has no wildcard
		{"_telnet._tcp.host1.example.", dns.TypeSRV, nx, true, nil, []string{soa}, nil},
		// below a zone cut: a referral, never a wildcard
		{"host.subdel.example.", dns.TypeA, ok, false, nil, []string{"subdel.example. NS 3600", "subdel.example. NS 3600"}, nil},
		// the closest encloser is *.example. itself, which has no "*" child
		{"ghost.*.example.", dns.TypeMX, nx, true, nil, []string{soa}, nil},
		// the wildcard asked for by name: its records as they are
		{"*.example.", dns.TypeTXT, ok, true, []string{`*.example. TXT "this is a wildcard"`}, nil, nil},
		// host2.example. is an empty non-terminal, so it is the closest
		// encloser of _udp.host2.example.; *.host2.example. does not exist
		{"_dns._udp.host2.example.", dns.TypeSRV, nx, true, nil, []string{soa}, nil},
		{"host2.example.", dns.TypeA, ok, true, nil, []string{soa}, nil},
		{"_tcp.host2.example.", dns.TypeSRV, ok, true, nil, []string{soa}, nil},
	})
}

// The classroom's wildcard cases.
func TestWildcards(t *testing.T) {
	checkAnswers(t, testdataServer(t), []answerCase{
		{"foo.wild.class.lab.", dns.TypeA, ok, true, []string{"foo.wild.class.lab. A 192.0.2.100"}, nil, nil},
		{"foo.wild.class.lab.", dns.TypeTXT, ok, true, []string{`foo.wild.class.lab. TXT "any name under wild.class.lab."`}, nil, nil},
		{"foo.wild.class.lab.", dns.TypeANY, ok, true, []string{"foo.wild.class.lab. A 192.0.2.100", `foo.wild.class.lab. TXT "any name under wild.class.lab."`}, nil, nil},
		// NODATA for a type the wildcard does not have
		{"foo.wild.class.lab.", dns.TypeAAAA, ok, true, nil, []string{soaCL}, nil},
		// more than one label below the wildcard
		{"a.b.c.wild.class.lab.", dns.TypeA, ok, true, []string{"a.b.c.wild.class.lab. A 192.0.2.100"}, nil, nil},
		// an explicit name beside the wildcard blocks it: NODATA for A…
		{"explicit.wild.class.lab.", dns.TypeA, ok, true, nil, []string{soaCL}, nil},
		{"explicit.wild.class.lab.", dns.TypeAAAA, ok, true, []string{"explicit.wild.class.lab. AAAA 2001:db8::1"}, nil, nil},
		// …but not the names below it, whose closest encloser it is
		{"x.explicit.wild.class.lab.", dns.TypeA, nx, true, nil, []string{soaCL}, nil},
		// an empty non-terminal beside the wildcard blocks it too
		{"ent.wild.class.lab.", dns.TypeA, ok, true, nil, []string{soaCL}, nil},
		{"x.ent.wild.class.lab.", dns.TypeA, nx, true, nil, []string{soaCL}, nil},
		// the wildcard's parent is an empty non-terminal
		{"wild.class.lab.", dns.TypeA, ok, true, nil, []string{soaCL}, nil},
		// a wildcard CNAME: synthesized, then followed
		{"foo.cw.class.lab.", dns.TypeA, ok, true, []string{"foo.cw.class.lab. CNAME www.class.lab.", "www.class.lab. A 192.0.2.80"}, nil, nil},
		{"foo.cw.class.lab.", dns.TypeCNAME, ok, true, []string{"foo.cw.class.lab. CNAME www.class.lab."}, nil, nil},
		{"foo.cw.class.lab.", dns.TypeTXT, ok, true, []string{"foo.cw.class.lab. CNAME www.class.lab."}, []string{soaCL}, nil},
		// a wildcard MX gets its additional addresses
		{"x.mxw.class.lab.", dns.TypeMX, ok, true, []string{"x.mxw.class.lab. MX 10 mail.class.lab."}, nil, []string{"mail.class.lab. A", "mail.class.lab. AAAA"}},
		// a CNAME into the wildcard
		{"towild.class.lab.", dns.TypeA, ok, true, []string{"towild.class.lab. CNAME x.wild.class.lab.", "x.wild.class.lab. A 192.0.2.100"}, nil, nil},
	})
}

// Empty non-terminals, delegations and CNAME chains.
func TestNonTerminalsDelegationsCNAMEs(t *testing.T) {
	soaOther := "other.lab. SOA 30" // SOA TTL 30 below its minimum 900
	checkAnswers(t, testdataServer(t), []answerCase{
		{"b.ent.class.lab.", dns.TypeA, ok, true, nil, []string{soaCL}, nil},
		{"ent.class.lab.", dns.TypeA, ok, true, nil, []string{soaCL}, nil},
		{"x.b.ent.class.lab.", dns.TypeA, nx, true, nil, []string{soaCL}, nil},
		{"nosuch.class.lab.", dns.TypeA, nx, true, nil, []string{soaCL}, nil},
		{"nx.other.lab.", dns.TypeA, nx, true, nil, []string{soaOther}, nil},
		// referral with glue; for the cut itself, a name below it and the glue's name
		{"sub.class.lab.", dns.TypeNS, ok, false, nil, []string{"sub.class.lab. NS 300", "sub.class.lab. NS 300"},
			[]string{"ns.sub.class.lab. A", "ns2.sub.class.lab. A", "ns2.sub.class.lab. AAAA"}},
		{"www.sub.class.lab.", dns.TypeA, ok, false, nil, []string{"sub.class.lab. NS 300", "sub.class.lab. NS 300"},
			[]string{"ns.sub.class.lab. A", "ns2.sub.class.lab. A", "ns2.sub.class.lab. AAAA"}},
		{"ns.sub.class.lab.", dns.TypeA, ok, false, nil, []string{"sub.class.lab. NS 300", "sub.class.lab. NS 300"},
			[]string{"ns.sub.class.lab. A", "ns2.sub.class.lab. A", "ns2.sub.class.lab. AAAA"}},
		// DS belongs to the parent side of the cut: NODATA here
		{"sub.class.lab.", dns.TypeDS, ok, true, nil, []string{soaCL}, nil},
		// referral without glue (server outside the zone)
		{"x.nog.class.lab.", dns.TypeA, ok, false, nil, []string{"nog.class.lab. NS 300"}, nil},
		// the server is the zone's own name: no glue (BIND gives none)
		{"sib.class.lab.", dns.TypeA, ok, false, nil, []string{"sib.class.lab. NS 300"}, nil},
		// the server is below a sibling cut: its glue
		{"sib2.class.lab.", dns.TypeA, ok, false, nil, []string{"sib2.class.lab. NS 300"}, []string{"ns.sub.class.lab. A"}},
		// CNAME chains inside the zone
		{"c1.class.lab.", dns.TypeA, ok, true, []string{"c1.class.lab. CNAME c2.class.lab.", "c2.class.lab. CNAME www.class.lab.", "www.class.lab. A 192.0.2.80"}, nil, nil},
		{"c1.class.lab.", dns.TypeCNAME, ok, true, []string{"c1.class.lab. CNAME c2.class.lab."}, nil, nil},
		{"dangling.class.lab.", dns.TypeA, nx, true, []string{"dangling.class.lab. CNAME missing.class.lab."}, []string{soaCL}, nil},
		// out of the zone: the CNAME alone, even into a zone served here
		{"toother.class.lab.", dns.TypeA, ok, true, []string{"toother.class.lab. CNAME www.other.lab."}, nil, nil},
		{"tonx.class.lab.", dns.TypeA, ok, true, []string{"tonx.class.lab. CNAME nothing.other.lab."}, nil, nil},
		{"outside.class.lab.", dns.TypeA, ok, true, []string{"outside.class.lab. CNAME www.example.com."}, nil, nil},
		// into a delegation: the CNAME (authoritative), then the referral
		{"todeleg.class.lab.", dns.TypeA, ok, true, []string{"todeleg.class.lab. CNAME host.sub.class.lab."}, []string{"sub.class.lab. NS 300", "sub.class.lab. NS 300"},
			[]string{"ns.sub.class.lab. A", "ns2.sub.class.lab. A", "ns2.sub.class.lab. AAAA"}},
		// the apex NS: the addresses of the servers it holds
		{"class.lab.", dns.TypeNS, ok, true, []string{"class.lab. NS ns.other.lab.", "class.lab. NS ns1.class.lab."}, nil, []string{"ns1.class.lab. A"}},
		// not served
		{"www.example.com.", dns.TypeA, dns.RcodeRefused, false, nil, nil, nil},
	})
}
