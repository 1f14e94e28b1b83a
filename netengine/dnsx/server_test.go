package dnsx

import (
	"context"
	"errors"
	"net/netip"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// startServer runs the built-in hierarchy on a free loopback port.
func startServer(t *testing.T, opt ServerOptions) (*Server, string) {
	t.Helper()
	s, err := NewServer(BuiltinZones(), opt)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	return s, addr
}

func ask(t *testing.T, addr, proto, name string, qtype uint16, edns int) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	if edns > 0 {
		m.SetEdns0(uint16(edns), false)
	}
	c := &dns.Client{Net: proto, Timeout: 3 * time.Second}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s %s over %s: %v", name, TypeName(qtype), proto, err)
	}
	return r
}

func hasRR(rrs []dns.RR, typ uint16, data string) bool {
	for _, rr := range rrs {
		if rr.Header().Rrtype == typ && strings.Contains(rr.String(), data) {
			return true
		}
	}
	return false
}

func TestServerAnswersWithMiekgClient(t *testing.T) {
	_, addr := startServer(t, ServerOptions{})
	for _, proto := range []string{"udp", "tcp"} {
		r := ask(t, addr, proto, "www.classroom.lab.", dns.TypeA, 0)
		if r.Rcode != dns.RcodeSuccess || !r.Authoritative || r.RecursionAvailable || !hasRR(r.Answer, dns.TypeA, "192.0.2.80") {
			t.Errorf("%s: www A: %v", proto, r)
		}
	}
	r := ask(t, addr, "udp", "WWW.Classroom.LAB.", dns.TypeAAAA, 1232)
	if !hasRR(r.Answer, dns.TypeAAAA, "2001:db8::80") || r.IsEdns0() == nil {
		t.Errorf("mixed-case AAAA with EDNS: %v", r)
	}
	r = ask(t, addr, "udp", "web.classroom.lab.", dns.TypeA, 0)
	if !hasRR(r.Answer, dns.TypeCNAME, "www.classroom.lab.") || !hasRR(r.Answer, dns.TypeA, "192.0.2.80") {
		t.Errorf("CNAME is not followed: %v", r)
	}
	r = ask(t, addr, "udp", "classroom.lab.", dns.TypeMX, 0)
	if !hasRR(r.Answer, dns.TypeMX, "mail.classroom.lab.") || !hasRR(r.Extra, dns.TypeA, "192.0.2.25") {
		t.Errorf("MX with the mail server's address in additional: %v", r)
	}
	r = ask(t, addr, "udp", "nobody.classroom.lab.", dns.TypeA, 0)
	if r.Rcode != dns.RcodeNameError || !hasRR(r.Ns, dns.TypeSOA, "ns1.classroom.lab.") {
		t.Errorf("NXDOMAIN with SOA: %v", r)
	}
	r = ask(t, addr, "udp", "www.classroom.lab.", dns.TypeMX, 0)
	if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 0 || !hasRR(r.Ns, dns.TypeSOA, "") {
		t.Errorf("NODATA: %v", r)
	}
	r = ask(t, addr, "udp", "_tcp.classroom.lab.", dns.TypeA, 0)
	if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 0 {
		t.Errorf("empty non-terminal must be NODATA, not NXDOMAIN: %v", r)
	}
	r = ask(t, addr, "udp", "80.2.0.192.in-addr.arpa.", dns.TypePTR, 0)
	if !hasRR(r.Answer, dns.TypePTR, "www.classroom.lab.") {
		t.Errorf("reverse zone: %v", r)
	}
	r = ask(t, addr, "udp", ".", dns.TypeNS, 0)
	if !hasRR(r.Answer, dns.TypeNS, "a.root-servers.lab.") || !hasRR(r.Extra, dns.TypeA, "192.0.2.1") {
		t.Errorf("priming query: %v", r)
	}
}

func TestServerRefusesWhatItDoesNotServe(t *testing.T) {
	_, addr := startServer(t, ServerOptions{})
	for _, name := range []string{"example.com.", "www.google.com.", "com.", "1.1.168.192.in-addr.arpa."} {
		r := ask(t, addr, "udp", name, dns.TypeA, 0) // RD is set: a recursive query
		if r.Rcode != dns.RcodeRefused || r.RecursionAvailable || len(r.Answer) != 0 {
			t.Errorf("%s: want REFUSED without RA, got %v", name, r)
		}
	}
	m := new(dns.Msg)
	m.SetAxfr("classroom.lab.")
	r, _, err := (&dns.Client{Net: "tcp", Timeout: 3 * time.Second}).Exchange(m, addr)
	if err != nil || r.Rcode != dns.RcodeRefused {
		t.Errorf("zone transfer: %v %v", r, err)
	}
}

func TestTruncationAndTCPRetry(t *testing.T) {
	_, addr := startServer(t, ServerOptions{})
	r := ask(t, addr, "udp", "big.classroom.lab.", dns.TypeTXT, 0)
	if !r.Truncated {
		t.Fatalf("a >512-byte answer over plain UDP must set TC: %d answers", len(r.Answer))
	}
	r = ask(t, addr, "udp", "big.classroom.lab.", dns.TypeTXT, 4096)
	if r.Truncated || len(r.Answer) != 6 {
		t.Errorf("with EDNS 4096 the answer fits: tc=%v answers=%d", r.Truncated, len(r.Answer))
	}
	r = ask(t, addr, "tcp", "big.classroom.lab.", dns.TypeTXT, 0)
	if r.Truncated || len(r.Answer) != 6 {
		t.Errorf("over TCP: tc=%v answers=%d", r.Truncated, len(r.Answer))
	}
	res, err := Query(context.Background(), QueryOptions{Name: "big.classroom.lab", Type: "TXT", Server: addr, UDPSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !res.TCPRetry || res.Transport != "tcp" || len(res.Answer) != 6 {
		t.Errorf("Query must retry over TCP: %+v", res)
	}
	res, err = Query(context.Background(), QueryOptions{Name: "big.classroom.lab", Type: "TXT", Server: addr, UDPSize: -1, NoTCPRetry: true})
	if err != nil || !slices.Contains(res.Flags, "tc") || res.TCPRetry {
		t.Errorf("without retry the TC answer is kept: %+v %v", res, err)
	}
}

func TestQueryResult(t *testing.T) {
	_, addr := startServer(t, ServerOptions{})
	res, err := Query(context.Background(), QueryOptions{Name: "192.0.2.80", Server: addr})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Reverse || res.Type != "PTR" || res.Name != "80.2.0.192.in-addr.arpa." || len(res.Answer) != 1 || res.Answer[0].Data != "www.classroom.lab." {
		t.Errorf("an IP becomes a PTR lookup: %+v", res)
	}
	res, err = Query(context.Background(), QueryOptions{Name: "www.classroom.lab", Type: "a", Server: addr, TCP: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rcode != "NOERROR" || res.Server != addr || res.Transport != "tcp" || res.Size <= 12 || res.RTTms < 0 ||
		!slices.Contains(res.Flags, "aa") || !slices.Contains(res.Flags, "qr") || slices.Contains(res.Flags, "ra") {
		t.Errorf("result: %+v", res)
	}
	if got := res.Answer[0]; got != (Record{Name: "www.classroom.lab.", Type: "A", TTL: 300, Data: "192.0.2.80"}) {
		t.Errorf("record: %+v", got)
	}
	secs := Sections(res.Msg)
	if len(secs) != 5 || !strings.Contains(secs[0].Text, "ANCOUNT: 1") || !strings.Contains(secs[2].Text, "192.0.2.80") {
		t.Errorf("sections: %+v", secs)
	}
	if _, err := Query(context.Background(), QueryOptions{Name: "bad..name", Server: addr}); err == nil {
		t.Error("a bad name must be an error")
	}
	if _, err := Query(context.Background(), QueryOptions{Name: "x.lab", Type: "NOPE", Server: addr}); err == nil {
		t.Error("a bad type must be an error")
	}
}

func TestQueryTimeout(t *testing.T) {
	s, addr := startServer(t, ServerOptions{})
	s.Stop() // nothing listens there now: UDP gets no answer
	_, err := Query(context.Background(), QueryOptions{Name: "www.classroom.lab", Server: addr, Timeout: 200 * time.Millisecond})
	if err == nil {
		t.Fatal("a stopped server cannot answer")
	}
}

func TestTraceThroughClassroomHierarchy(t *testing.T) {
	_, addr := startServer(t, ServerOptions{})
	var seen []TraceStep
	res, err := Trace(context.Background(), TraceOptions{Name: "www.classroom.lab", Via: addr}, func(s TraceStep) { seen = append(seen, s) })
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ kind, zone, referral string }{
		{StepPriming, ".", ""}, {StepReferral, ".", "lab."}, {StepReferral, "lab.", "classroom.lab."}, {StepAnswer, "classroom.lab.", ""},
	}
	if len(res.Steps) != len(want) || len(seen) != len(want) {
		t.Fatalf("steps: %+v", res.Steps)
	}
	for i, w := range want {
		s := res.Steps[i]
		if s.Kind != w.kind || s.Zone != w.zone || s.Referral != w.referral || s.Addr != addr || s.N != i+1 {
			t.Errorf("step %d: %+v, want %+v", i+1, s, w)
		}
	}
	if res.Steps[1].Server != "a.root-servers.lab." || res.Steps[2].Server != "ns1.lab." || res.Steps[3].Server != "ns1.classroom.lab." {
		t.Errorf("servers asked: %s, %s, %s", res.Steps[1].Server, res.Steps[2].Server, res.Steps[3].Server)
	}
	if slices.Contains(res.Steps[1].Flags, "aa") || !slices.Contains(res.Steps[3].Flags, "aa") {
		t.Error("a referral is not authoritative, the final answer is")
	}
	if len(res.Answer) != 1 || res.Answer[0].Data != "192.0.2.80" || res.Rcode != "NOERROR" {
		t.Errorf("answer: %+v", res)
	}

	res, err = Trace(context.Background(), TraceOptions{Name: "web.classroom.lab", Via: addr}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for _, s := range res.Steps {
		kinds = append(kinds, s.Kind)
	}
	if strings.Join(kinds, ",") != "priming,referral,referral,cname,referral,referral,answer" || len(res.Answer) != 2 {
		t.Errorf("CNAME restarts from the root: %v %+v", kinds, res.Answer)
	}

	res, err = Trace(context.Background(), TraceOptions{Name: "192.0.2.25", Via: addr}, nil)
	if err != nil || res.Steps[len(res.Steps)-1].Kind != StepAnswer || res.Answer[0].Data != "mail.classroom.lab." {
		t.Errorf("reverse trace: %+v %v", res, err)
	}
	// A wildcard's answer carries the name asked for.
	res, err = Trace(context.Background(), TraceOptions{Name: "alice.students.classroom.lab", Via: addr}, nil)
	if err != nil || res.Rcode != "NOERROR" || len(res.Steps) != 4 || res.Steps[3].Kind != StepAnswer ||
		len(res.Answer) != 1 || res.Answer[0].Name != "alice.students.classroom.lab." || res.Answer[0].Data != "192.0.2.200" {
		t.Errorf("wildcard trace: %+v %v", res, err)
	}
	res, err = Trace(context.Background(), TraceOptions{Name: "nobody.classroom.lab", Via: addr}, nil)
	if err != nil || res.Rcode != "NXDOMAIN" {
		t.Errorf("NXDOMAIN trace: %+v %v", res, err)
	}
}

func TestTraceWithHintsFile(t *testing.T) {
	_, addr := startServer(t, ServerOptions{})
	ap := netip.MustParseAddrPort(addr)
	hints, err := ParseHints(strings.NewReader(". 3600 NS a.root-servers.lab.\na.root-servers.lab. 3600 A 127.0.0.1\n"), "test.root")
	if err != nil {
		t.Fatal(err)
	}
	// Without the view option the server answers from its most specific zone.
	res, err := Trace(context.Background(), TraceOptions{Name: "www.classroom.lab", Hints: hints, Port: itoa(ap.Port())}, nil)
	if err != nil || len(res.Steps) != 1 || res.Steps[0].Kind != StepAnswer || res.Steps[0].Addr != "127.0.0.1:"+itoa(ap.Port()) {
		t.Errorf("trace with hints: %+v %v", res, err)
	}
	if h := RootHints(); len(h) != 13 || h[0].Name != "a.root-servers.net." || pickAddr(h[0].Addrs) != "198.41.0.4" {
		t.Errorf("shipped named.root: %+v", h[0])
	}
	if _, err := ParseHints(strings.NewReader("x. 1 A 1.2.3.4\n"), "h"); err == nil {
		t.Error("hints without root NS must fail")
	}
}

func itoa(p uint16) string {
	return strings.TrimPrefix(netip.AddrPortFrom(netip.IPv4Unspecified(), p).String(), "0.0.0.0:")
}

func TestQueryLogAndLiveZoneChange(t *testing.T) {
	s, addr := startServer(t, ServerOptions{})
	var mu sync.Mutex
	var log []LogEntry
	s.OnQuery(func(e LogEntry) { mu.Lock(); log = append(log, e); mu.Unlock() })
	ask(t, addr, "udp", "printer.classroom.lab.", dns.TypeA, 0)
	ask(t, addr, "tcp", "example.org.", dns.TypeA, 0)
	mu.Lock()
	if len(log) != 2 || log[0].Name != "printer.classroom.lab." || log[0].Proto != "udp" || log[0].Rcode != "NOERROR" ||
		log[0].Zone != "classroom.lab." || log[0].Answers != 1 || log[0].Size == 0 ||
		log[1].Proto != "tcp" || log[1].Rcode != "REFUSED" || log[1].Note != NoteRefused {
		t.Errorf("log: %+v", log)
	}
	mu.Unlock()

	zones := s.Zones()
	for _, z := range zones {
		if z.Origin == "classroom.lab." {
			rr, err := ParseRecord(z.Origin, RecordLine("lab42", 60, "A", "192.0.2.42"))
			if err != nil {
				t.Fatal(err)
			}
			z.Records = append(z.Records, rr)
		}
	}
	if err := s.SetZones(zones); err != nil {
		t.Fatal(err)
	}
	r := ask(t, addr, "udp", "lab42.classroom.lab.", dns.TypeA, 0)
	if !hasRR(r.Answer, dns.TypeA, "192.0.2.42") {
		t.Errorf("an added record must resolve at once: %v", r)
	}
	bad := s.Zones()
	bad[0].Records = bad[0].Records[1:] // drop the root's SOA
	if err := s.SetZones(bad); err == nil {
		t.Error("an invalid zone set must be rejected")
	}
	r = ask(t, addr, "udp", "lab42.classroom.lab.", dns.TypeA, 0)
	if !hasRR(r.Answer, dns.TypeA, "192.0.2.42") {
		t.Error("a rejected change must leave the served zones alone")
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Unix(1000, 0)
	s, err := NewServer(BuiltinZones(), ServerOptions{Rate: 1, Burst: 3, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	q := new(dns.Msg)
	q.SetQuestion("www.classroom.lab.", dns.TypeA)
	pkt, _ := q.Pack()
	a := netip.MustParseAddrPort("127.0.0.1:4000")
	b := netip.MustParseAddrPort("127.0.0.2:4000")
	answered := 0
	for i := 0; i < 10; i++ {
		if s.HandlePacket(pkt, a, "udp") != nil {
			answered++
		}
	}
	if answered != 3 {
		t.Errorf("burst 3: answered %d of 10", answered)
	}
	if s.HandlePacket(pkt, b, "udp") == nil {
		t.Error("another client has its own bucket")
	}
	now = now.Add(2 * time.Second)
	answered = 0
	for i := 0; i < 5; i++ {
		if s.HandlePacket(pkt, a, "udp") != nil {
			answered++
		}
	}
	if answered != 2 {
		t.Errorf("after 2 s at 1/s: answered %d", answered)
	}
	if q, d := s.Counters(); q != 16 || d != 10 {
		t.Errorf("counters: %d queries, %d dropped", q, d)
	}
}

func TestHandlePacketMalformed(t *testing.T) {
	s, err := NewServer(BuiltinZones(), ServerOptions{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	c := netip.MustParseAddrPort("127.0.0.1:5000")
	reply := func(pkt []byte) *dns.Msg {
		out := s.HandlePacket(pkt, c, "udp")
		if out == nil {
			return nil
		}
		m := new(dns.Msg)
		if err := m.Unpack(out); err != nil {
			t.Fatalf("reply does not unpack: %v", err)
		}
		return m
	}
	q := new(dns.Msg)
	q.SetQuestion("www.classroom.lab.", dns.TypeA)
	good, _ := q.Pack()
	if r := reply(good[:5]); r != nil {
		t.Error("shorter than a header: no reply")
	}
	if r := reply(good[:len(good)-3]); r == nil || r.Rcode != dns.RcodeFormatError || r.Id != q.Id {
		t.Errorf("cut question: want FORMERR, got %v", r)
	}
	two := append([]byte(nil), good...)
	two[5] = 2 // QDCOUNT 2
	if r := reply(two); r == nil || r.Rcode != dns.RcodeFormatError {
		t.Errorf("two questions: want FORMERR, got %v", r)
	}
	upd := append([]byte(nil), good...)
	upd[2] |= 5 << 3 // opcode UPDATE
	if r := reply(upd); r == nil || r.Rcode != dns.RcodeNotImplemented {
		t.Errorf("UPDATE: want NOTIMP, got %v", r)
	}
	resp := append([]byte(nil), good...)
	resp[2] |= 0x80 // QR: a response, not a question
	if r := reply(resp); r != nil {
		t.Error("responses are ignored")
	}
	if r := reply(good); r == nil || r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
		t.Errorf("good query: %v", r)
	}
	q.SetEdns0(1232, false)
	q.IsEdns0().SetVersion(1)
	v1, _ := q.Pack()
	if r := reply(v1); r == nil || r.Rcode != dns.RcodeBadVers {
		t.Errorf("EDNS version 1: want BADVERS, got %v", r)
	}
}

func TestStartErrors(t *testing.T) {
	s, addr := startServer(t, ServerOptions{})
	if _, err := s.Start(addr); err == nil {
		t.Error("starting twice must fail")
	}
	s2, _ := NewServer(BuiltinZones(), ServerOptions{})
	if _, err := s2.Start(addr); err == nil {
		s2.Stop()
		t.Error("a port in use must fail")
	}
	if _, err := s2.Start("nonsense"); err == nil {
		t.Error("a bad address must fail")
	}
	if !IsLoopback("127.0.0.1:5353") || !IsLoopback("[::1]:53") || IsLoopback("0.0.0.0:5353") || IsLoopback("192.168.1.2:53") {
		t.Error("IsLoopback")
	}
	if err := listenError(errors.New("x")); errors.Is(err, ErrPrivilegedPort) {
		t.Error("listenError")
	}
}

// TestDig runs the real dig (bind9-dnsutils) against the server.
func TestDig(t *testing.T) {
	dig, err := exec.LookPath("dig")
	if err != nil {
		t.Skip("dig is not installed (Debian: apt-get install bind9-dnsutils); skipping the end-to-end test with a real client")
	}
	_, addr := startServer(t, ServerOptions{})
	ap := netip.MustParseAddrPort(addr)
	run := func(args ...string) string {
		t.Helper()
		base := []string{"@127.0.0.1", "-p", itoa(ap.Port()), "+time=3", "+tries=1"}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, dig, append(base, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("dig %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	out := run("www.classroom.lab", "A")
	if !strings.Contains(out, "status: NOERROR") || !strings.Contains(out, "flags: qr aa rd;") || !strings.Contains(out, "192.0.2.80") {
		t.Errorf("dig www A:\n%s", out)
	}
	if out := run("+short", "web.classroom.lab"); out != "www.classroom.lab.\n192.0.2.80\n" {
		t.Errorf("dig +short web:\n%q", out)
	}
	if out := run("-x", "192.0.2.53", "+short"); out != "ns1.classroom.lab.\n" {
		t.Errorf("dig -x:\n%q", out)
	}
	out = run("example.com", "A")
	if !strings.Contains(out, "status: REFUSED") || strings.Contains(out, " ra;") || strings.Contains(out, " ra ") {
		t.Errorf("dig example.com must be REFUSED without RA:\n%s", out)
	}
	out = run("+bufsize=512", "big.classroom.lab", "TXT")
	if !strings.Contains(out, "Truncated, retrying in TCP mode") || !strings.Contains(out, "ANSWER: 6") {
		t.Errorf("dig must see TC and retry over TCP:\n%s", out)
	}
	out = run("+ignore", "+bufsize=512", "big.classroom.lab", "TXT")
	if !strings.Contains(out, " tc ") && !strings.Contains(out, " tc;") {
		t.Errorf("dig +ignore must show the tc flag:\n%s", out)
	}
	if out := run("+tcp", "+short", "classroom.lab", "MX"); out != "10 mail.classroom.lab.\n" {
		t.Errorf("dig +tcp MX:\n%q", out)
	}
	out = run("+norecurse", "www.classroom.lab", "A", "+ednsopt=65053:6c61622e") // view "lab."
	if !strings.Contains(out, "AUTHORITY: 1") || !strings.Contains(out, "ns1.classroom.lab.") || strings.Contains(out, "flags: qr aa") {
		t.Errorf("dig with the view option for lab. must get a referral:\n%s", out)
	}
}
