package subnet

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"go4.org/netipx"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		kind Kind
		addr string
		bits int
		mask string
		code Code
	}{
		{in: "192.168.1.10/24", addr: "192.168.1.10", bits: 24},
		{in: "  192.168.1.10 / 24 ", addr: "192.168.1.10", bits: 24},
		{in: "192.168.1.10 255.255.255.0", addr: "192.168.1.10", bits: 24, mask: "255.255.255.0"},
		{in: "192.168.1.10/255.255.255.192", addr: "192.168.1.10", bits: 26, mask: "255.255.255.192"},
		{in: "192.168.1.10 26", addr: "192.168.1.10", bits: 26},
		{in: "１９２．１６８．１．１０／２４", addr: "192.168.1.10", bits: 24},
		{in: "192。168。1。10/24", addr: "192.168.1.10", bits: 24},
		{in: "2001:db8::1/64", addr: "2001:db8::1", bits: 64},
		{in: "fe80::1%eth0/64", addr: "fe80::1", bits: 64},
		{in: "0.0.0.0/0", addr: "0.0.0.0", bits: 0},
		{in: "::/0", addr: "::", bits: 0},
		{in: "10.0.0.1 - 10.0.0.20", kind: KindRange, addr: "10.0.0.1"},
		{in: "10.0.0.1–10.0.0.20", kind: KindRange, addr: "10.0.0.1"},
		{in: "2001:db8::1-2001:db8::ff", kind: KindRange, addr: "2001:db8::1"},
		{in: "", code: CodeEmpty},
		{in: "   ", code: CodeEmpty},
		{in: "192.168.1.300/24", code: CodeBadAddress},
		{in: "hello/24", code: CodeBadAddress},
		{in: "192.168.1.1/33", code: CodePrefixRange},
		{in: "2001:db8::1/129", code: CodePrefixRange},
		{in: "192.168.1.1/-1", code: CodePrefixRange},
		{in: "192.168.1.1/abc", code: CodeBadPrefix},
		{in: "192.168.1.1/", code: CodeBadPrefix},
		{in: "192.168.1.1", code: CodeMissingPrefix},
		{in: "192.168.1.1 255.0.255.0", code: CodeNonContiguous},
		{in: "192.168.1.1 255.255.255.1", code: CodeNonContiguous},
		{in: "192.168.1.1 255.255.256.0", code: CodeBadMask},
		{in: "192.168.1.1 ffff::", code: CodeMaskFamily},
		{in: "192.168.1.1 255.255.255.0 x", code: CodeTooManyParts},
		{in: "192.168.1.1/24/8", code: CodeTooManyParts},
		{in: "10.0.0.9-10.0.0.1", code: CodeRangeReversed},
		{in: "10.0.0.1-::1", code: CodeRangeFamily},
		{in: "10.0.0.1-10.0.0.2-10.0.0.3", code: CodeTooManyParts},
	}
	for _, tt := range tests {
		in, err := Parse(tt.in)
		if tt.code != "" {
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Errorf("Parse(%q) error = %v, want code %s", tt.in, err, tt.code)
				continue
			}
			if m := missingArg(e); m != "" || strings.Contains(e.Error(), "{{.") {
				t.Errorf("Parse(%q): unexpanded message %q", tt.in, e.Error())
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if in.Kind != tt.kind || in.Addr.String() != tt.addr || (tt.kind == KindPrefix && in.Bits != tt.bits) {
			t.Errorf("Parse(%q) = kind %d %s/%d, want kind %d %s/%d", tt.in, in.Kind, in.Addr, in.Bits, tt.kind, tt.addr, tt.bits)
		}
		if tt.mask != "" && in.Mask.String() != tt.mask {
			t.Errorf("Parse(%q) mask %s, want %s", tt.in, in.Mask, tt.mask)
		}
	}
}

func TestNonContiguousExplained(t *testing.T) {
	_, err := Parse("10.1.2.3 255.0.255.0")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	if e.Args["Bit"] != "17" || e.Args["Shorter"] != "8" || e.Args["Binary"] != "11111111.00000000.11111111.00000000" {
		t.Errorf("args = %v", e.Args)
	}
}

func mustCalc(t *testing.T, s string) *Result {
	t.Helper()
	in, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	r, err := CalculateInput(in)
	if err != nil {
		t.Fatalf("Calculate(%q): %v", s, err)
	}
	return r
}

func TestCalculate(t *testing.T) {
	tests := []struct {
		in                                          string
		network, broadcast, first, last, mask, wild string
		total, usable                               string
		class, scope, rev                           string
		note                                        string
	}{
		{"192.168.1.10/24", "192.168.1.0", "192.168.1.255", "192.168.1.1", "192.168.1.254", "255.255.255.0", "0.0.0.255", "256", "254", "C", "private", "1.168.192.in-addr.arpa", NoteHostBits},
		{"192.168.1.130 255.255.255.192", "192.168.1.128", "192.168.1.191", "192.168.1.129", "192.168.1.190", "255.255.255.192", "0.0.0.63", "64", "62", "C", "private", "1.168.192.in-addr.arpa", NoteReverse2317},
		{"10.0.0.0/31", "10.0.0.0", "invalid IP", "10.0.0.0", "10.0.0.1", "255.255.255.254", "0.0.0.1", "2", "2", "A", "private", "0.0.10.in-addr.arpa", NoteRFC3021},
		{"10.1.2.3/32", "10.1.2.3", "invalid IP", "10.1.2.3", "10.1.2.3", "255.255.255.255", "0.0.0.0", "1", "1", "A", "private", "3.2.1.10.in-addr.arpa", NoteHostRoute},
		{"0.0.0.0/0", "0.0.0.0", "255.255.255.255", "0.0.0.1", "255.255.255.254", "0.0.0.0", "255.255.255.255", "4294967296", "4294967294", "A", "this-network", "in-addr.arpa", NoteWholeSpace},
		{"172.20.5.9/12", "172.16.0.0", "172.31.255.255", "172.16.0.1", "172.31.255.254", "255.240.0.0", "0.15.255.255", "1048576", "1048574", "B", "private", "172.in-addr.arpa", NoteHostBits},
		{"100.64.1.1/10", "100.64.0.0", "100.127.255.255", "100.64.0.1", "100.127.255.254", "255.192.0.0", "0.63.255.255", "4194304", "4194302", "A", "shared", "100.in-addr.arpa", ""},
		{"8.8.8.8/8", "8.0.0.0", "8.255.255.255", "8.0.0.1", "8.255.255.254", "255.0.0.0", "0.255.255.255", "16777216", "16777214", "A", "public", "8.in-addr.arpa", ""},
		{"224.0.0.251/24", "224.0.0.0", "224.0.0.255", "224.0.0.1", "224.0.0.254", "255.255.255.0", "0.0.0.255", "256", "254", "D", "multicast", "0.0.224.in-addr.arpa", ""},
		{"255.255.255.255/32", "255.255.255.255", "invalid IP", "255.255.255.255", "255.255.255.255", "255.255.255.255", "0.0.0.0", "1", "1", "E", "limited-broadcast", "255.255.255.255.in-addr.arpa", ""},
		{"198.51.100.7/24", "198.51.100.0", "198.51.100.255", "198.51.100.1", "198.51.100.254", "255.255.255.0", "0.0.0.255", "256", "254", "C", "documentation", "100.51.198.in-addr.arpa", ""},
		{"198.18.0.1/15", "198.18.0.0", "198.19.255.255", "198.18.0.1", "198.19.255.254", "255.254.0.0", "0.1.255.255", "131072", "131070", "C", "benchmarking", "198.in-addr.arpa", ""},
		{"192.168.1.0/24", "192.168.1.0", "192.168.1.255", "192.168.1.1", "192.168.1.254", "255.255.255.0", "0.0.0.255", "256", "254", "C", "private", "1.168.192.in-addr.arpa", NoteNetworkAddr},
		{"192.168.1.255/24", "192.168.1.0", "192.168.1.255", "192.168.1.1", "192.168.1.254", "255.255.255.0", "0.0.0.255", "256", "254", "C", "private", "1.168.192.in-addr.arpa", NoteBroadcast},
		{"2001:db8::1/64", "2001:db8::", "invalid IP", "2001:db8::1", "2001:db8::ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff::", "::ffff:ffff:ffff:ffff", "18446744073709551616", "18446744073709551615", "", "documentation", "0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", NoteNoBroadcast},
		{"2001:db8::/127", "2001:db8::", "invalid IP", "2001:db8::", "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "::1", "2", "2", "", "documentation", "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", NoteRFC6164},
		{"::1/128", "::1", "invalid IP", "::1", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::", "1", "1", "", "loopback", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa", NoteHostRoute},
		{"::/0", "::", "invalid IP", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "340282366920938463463374607431768211456", "340282366920938463463374607431768211455", "", "unspecified", "ip6.arpa", NoteWholeSpace},
		{"fd12:3456:789a:1::5/64", "fd12:3456:789a:1::", "invalid IP", "fd12:3456:789a:1::1", "fd12:3456:789a:1:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff::", "::ffff:ffff:ffff:ffff", "18446744073709551616", "18446744073709551615", "", "ula", "1.0.0.0.a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa", ""},
		{"fe80::1%eth0/64", "fe80::", "invalid IP", "fe80::1", "fe80::ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff::", "::ffff:ffff:ffff:ffff", "18446744073709551616", "18446744073709551615", "", "link-local", "0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa", ""},
		{"2400:cb00::1/32", "2400:cb00::", "invalid IP", "2400:cb00::1", "2400:cb00:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff::", "::ffff:ffff:ffff:ffff:ffff:ffff", "79228162514264337593543950336", "79228162514264337593543950335", "", "global-unicast", "0.0.b.c.0.0.4.2.ip6.arpa", ""},
		{"ff02::1/16", "ff02::", "invalid IP", "ff02::1", "ff02:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff::", "0:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "5192296858534827628530496329220096", "5192296858534827628530496329220095", "", "multicast", "2.0.f.f.ip6.arpa", ""},
	}
	for _, tt := range tests {
		r := mustCalc(t, tt.in)
		got := []string{r.Network.String(), r.Broadcast.String(), r.FirstHost.String(), r.LastHost.String(), r.Mask.String(), r.Wildcard.String(),
			r.Total.String(), r.Usable.String(), r.Class, r.Scope.Kind, r.ReverseZone}
		want := []string{tt.network, tt.broadcast, tt.first, tt.last, tt.mask, tt.wild, tt.total, tt.usable, tt.class, tt.scope, tt.rev}
		names := []string{"network", "broadcast", "first", "last", "mask", "wildcard", "total", "usable", "class", "scope", "reverse"}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: %s = %q, want %q", tt.in, names[i], got[i], want[i])
			}
		}
		if tt.note != "" && !hasNote(r, tt.note) {
			t.Errorf("%s: notes %v lack %s", tt.in, r.Notes, tt.note)
		}
	}
}

func hasNote(r *Result, n string) bool {
	for _, x := range r.Notes {
		if x == n {
			return true
		}
	}
	return false
}

func TestBinaryAndSteps(t *testing.T) {
	r := mustCalc(t, "192.168.1.130/26")
	if got := Binary(r.Address, 8); got != "11000000.10101000.00000001.10000010" {
		t.Errorf("binary = %s", got)
	}
	st := Steps(r)
	if len(st) != 4 || st[3].Addr != 130 || st[3].Mask != 192 || st[3].Network != 128 || st[3].Last != 191 || st[3].NetBits != 2 || st[2].NetBits != 8 {
		t.Errorf("steps = %+v", st)
	}
	for _, s := range st {
		if s.Addr&s.Mask != s.Network || s.Addr|s.Wildcard != s.Last {
			t.Errorf("step %d: AND/OR wrong: %+v", s.Index, s)
		}
	}
	b, ok := BlockOf(r)
	if !ok || b.Index != 4 || b.Size != 64 || b.Start != 128 || b.End != 191 {
		t.Errorf("block = %+v %v", b, ok)
	}
	b, ok = BlockOf(mustCalc(t, "10.20.30.40/16"))
	if !ok || b.Index != 3 || b.Size != 256 || b.Start != 0 || b.End != 255 {
		t.Errorf("block /16 = %+v", b)
	}
	b, ok = BlockOf(mustCalc(t, "172.20.5.9/12"))
	if !ok || b.Index != 2 || b.Size != 16 || b.Start != 16 || b.End != 31 {
		t.Errorf("block /12 = %+v", b)
	}
	if _, ok := BlockOf(mustCalc(t, "1.2.3.4/32")); ok {
		t.Error("block for /32")
	}
	st6 := Steps(mustCalc(t, "2001:db8:abcd:12::1/60"))
	if len(st6) != 8 || st6[3].Width != 16 || st6[3].NetBits != 12 || st6[3].Network != 0x10 || st6[3].Last != 0x1f {
		t.Errorf("v6 steps = %+v", st6[3])
	}
}

// randPrefix makes a random address and prefix length (both families).
func randPrefix(r *rand.Rand) (netip.Addr, int) {
	if r.IntN(2) == 0 {
		var b [4]byte
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		return netip.AddrFrom4(b), r.IntN(33)
	}
	var b [16]byte
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return netip.AddrFrom16(b), r.IntN(129)
}

func TestProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		a, n := randPrefix(rng)
		r, err := Calculate(a, n)
		if err != nil {
			t.Fatal(err)
		}
		if r.Address.Less(r.Network) || r.Last.Less(r.Address) {
			t.Fatalf("%s/%d: network %s ≤ addr ≤ last %s violated", a, n, r.Network, r.Last)
		}
		if r.LastHost.Less(r.FirstHost) || r.FirstHost.Less(r.Network) || r.Last.Less(r.LastHost) {
			t.Fatalf("%s/%d: host range %s-%s outside block", a, n, r.FirstHost, r.LastHost)
		}
		if new(big.Int).Add(r.Usable, r.Reserved).Cmp(r.Total) != 0 || r.Usable.Sign() <= 0 {
			t.Fatalf("%s/%d: counts do not add up", a, n)
		}
		if got := RangeSize(r.Network, r.Last); got.Cmp(r.Total) != 0 {
			t.Fatalf("%s/%d: total %s, block holds %s", a, n, r.Total, got)
		}
		hosts := RangeSize(r.FirstHost, r.LastHost)
		if hosts.Cmp(r.Usable) != 0 {
			t.Fatalf("%s/%d: usable %s, host range holds %s", a, n, r.Usable, hosts)
		}
		for _, s := range Steps(r) {
			if s.Addr&s.Mask != s.Network || s.Addr|s.Wildcard != s.Last {
				t.Fatalf("%s/%d step %d wrong", a, n, s.Index)
			}
		}
		// the text round-trips through the parser
		in, err := Parse(r.Input)
		if err != nil || in.Addr != a || in.Bits != n {
			t.Fatalf("round trip %q: %v %v", r.Input, in, err)
		}
		if a.Is4() {
			in, err := Parse(a.String() + " " + r.Mask.String())
			if err != nil || in.Bits != n {
				t.Fatalf("mask form of %s/%d: %v", a, n, err)
			}
		}
	}
}

// checkCover fails unless subs cover parent exactly, in order, without overlap.
func checkCover(t *testing.T, parent netip.Prefix, subs []Subnet) {
	t.Helper()
	next := parent.Masked().Addr()
	total := new(big.Int)
	for i, s := range subs {
		if s.Prefix.Addr() != next {
			t.Fatalf("%s: subnet %d %s does not start at %s (gap or overlap)", parent, i, s.Prefix, next)
		}
		if !parent.Contains(s.Prefix.Addr()) || !parent.Contains(netipx.PrefixLastIP(s.Prefix)) {
			t.Fatalf("%s: subnet %s outside", parent, s.Prefix)
		}
		total.Add(total, RangeSize(s.Prefix.Addr(), netipx.PrefixLastIP(s.Prefix)))
		next = netipx.PrefixLastIP(s.Prefix).Next()
	}
	if want := RangeSize(parent.Masked().Addr(), netipx.PrefixLastIP(parent)); total.Cmp(want) != 0 {
		t.Fatalf("%s: subnets hold %s addresses, parent %s", parent, total, want)
	}
}

func TestSplitCoversParent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 500; i++ {
		a, n := randPrefix(rng)
		parent := netip.PrefixFrom(a, n).Masked()
		k := 1 + rng.IntN(300)
		subs, err := SplitN(parent, k)
		if err != nil {
			var e *Error
			if errors.As(err, &e) && e.Code == CodeTooSmall {
				continue
			}
			t.Fatalf("SplitN(%s, %d): %v", parent, k, err)
		}
		if len(subs) < k || len(subs) >= 2*k && k > 1 {
			t.Fatalf("SplitN(%s, %d) gave %d", parent, k, len(subs))
		}
		checkCover(t, parent, subs)
	}
	subs, err := SplitHosts(netip.MustParsePrefix("192.168.0.0/24"), 50)
	if err != nil || len(subs) != 4 || subs[0].Prefix.Bits() != 26 || subs[0].Usable.String() != "62" {
		t.Fatalf("SplitHosts 50 = %v %v", subs, err)
	}
	checkCover(t, netip.MustParsePrefix("192.168.0.0/24"), subs)
	if _, err := SplitN(netip.MustParsePrefix("10.0.0.0/8"), 100000); err == nil {
		t.Error("100000 subnets listed")
	}
	if _, err := SplitN(netip.MustParsePrefix("::/0"), math.MaxInt); err == nil {
		t.Error("MaxInt subnets listed")
	}
	if _, err := SplitHosts(netip.MustParsePrefix("::/0"), math.MaxInt); err == nil {
		t.Error("MaxInt hosts per subnet listed")
	}
	if _, err := SplitN(netip.MustParsePrefix("10.0.0.0/31"), 4); err == nil {
		t.Error("split /31 in 4")
	}
	if _, err := SplitHosts(netip.MustParsePrefix("10.0.0.0/24"), 300); err == nil {
		t.Error("300 hosts in /24")
	}
}

func TestVLSM(t *testing.T) {
	needs, err := ParseNeeds("Sales 50, IT: 20\n10；Lab 2")
	if err != nil || len(needs) != 4 || needs[1].Name != "IT" || needs[2].Name != "" {
		t.Fatalf("needs = %v %v", needs, err)
	}
	subs, err := VLSM(netip.MustParsePrefix("192.168.10.0/24"), needs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Sales 192.168.10.0/26 62", "IT 192.168.10.64/27 30", "#3 192.168.10.96/28 14", "Lab 192.168.10.112/30 2"}
	for i, s := range subs {
		got := s.Name + " " + s.Prefix.String() + " " + s.Usable.String()
		if got != want[i] {
			t.Errorf("row %d = %q, want %q", i, got, want[i])
		}
		if s.Reason == nil || strings.Contains(s.Reason.Text(), "{{") {
			t.Errorf("row %d reason %v", i, s.Reason)
		}
	}
	if r := subs[0].Reason.Text(); r != "50 hosts + 2 reserved = 52 addresses → block of 64 = /26 (62 usable); /27 would hold only 30." {
		t.Errorf("reason = %q", r)
	}
	if _, err := VLSM(netip.MustParsePrefix("192.168.10.0/26"), []Need{{"a", 30}, {"b", 30}, {"c", 2}}); err == nil {
		t.Error("overfull plan accepted")
	}
	if _, err := ParseNeeds("Sales fifty"); err == nil {
		t.Error("bad count accepted")
	}
}

func TestSummariseAndRanges(t *testing.T) {
	rs, err := ParsePrefixes("192.168.0.0/24, 192.168.1.0/24\n192.168.2.0 255.255.255.0; 192.168.3.0/24")
	if err != nil {
		t.Fatal(err)
	}
	s := Summarise(rs)
	if len(s.Exact) != 1 || s.Exact[0].String() != "192.168.0.0/22" || s.Supernets[0].String() != "192.168.0.0/22" || s.Extra.Sign() != 0 {
		t.Errorf("summary = %+v", s)
	}
	rs, _ = ParsePrefixes("10.0.0.0/24, 10.0.2.0/24, 2001:db8::/64")
	s = Summarise(rs)
	if len(s.Exact) != 3 || len(s.Supernets) != 2 || s.Supernets[0].String() != "10.0.0.0/22" || s.Extra.String() != "512" {
		t.Errorf("summary 2 = %+v extra %s", s, s.Extra)
	}
	ps, err := RangeToCIDR(netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.20"))
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	if err != nil || strings.Join(got, " ") != "10.0.0.1/32 10.0.0.2/31 10.0.0.4/30 10.0.0.8/29 10.0.0.16/30 10.0.0.20/32" {
		t.Errorf("range = %v %v", got, err)
	}
	if _, err := RangeToCIDR(netip.MustParseAddr("10.0.0.9"), netip.MustParseAddr("10.0.0.1")); err == nil {
		t.Error("reversed range")
	}
	if _, err := ParsePrefixes("10.0.0.0/24, nonsense"); err == nil {
		t.Error("bad list accepted")
	}
}

func TestGateway(t *testing.T) {
	codes := func(c *GatewayCheck) string {
		var s []string
		for _, f := range c.Findings {
			s = append(s, f.Code)
			if strings.Contains(f.Text(), "{{") || f.Template() == "" {
				t.Errorf("finding %s text %q", f.Code, f.Text())
			}
		}
		return strings.Join(s, " ")
	}
	h := mustCalc(t, "192.168.1.10/24")
	tests := []struct {
		gw, want string
		usable   bool
	}{
		{"192.168.1.1", "gw_in", true},
		{"192.168.2.1", "gw_out", false},
		{"192.168.1.0", "gw_network", false},
		{"192.168.1.255", "gw_broadcast", false},
		{"192.168.1.10", "gw_self", false},
		{"", "gw_none", false},
	}
	for _, tt := range tests {
		var gw netip.Addr
		if tt.gw != "" {
			gw = netip.MustParseAddr(tt.gw)
		}
		c, err := CheckGateway(h, gw)
		if err != nil || codes(c) != tt.want || c.Usable != tt.usable {
			t.Errorf("gateway %s: %v usable=%v err %v", tt.gw, codes(c), c.Usable, err)
		}
	}
	if _, err := CheckGateway(h, netip.MustParseAddr("::1")); err == nil {
		t.Error("mixed family accepted")
	}
	// IPv6 routers are reached by their link-local address
	c6, err := CheckGateway(mustCalc(t, "2001:db8:1::10/64"), netip.MustParseAddr("fe80::1"))
	if err != nil || !c6.Usable || c6.InSubnet || codes(c6) != "gw_linklocal" {
		t.Errorf("v6 link-local gateway: %v %v", codes(c6), err)
	}
	// /31 has no network or broadcast address: both ends may be the gateway
	c, _ := CheckGateway(mustCalc(t, "10.0.0.0/31"), netip.MustParseAddr("10.0.0.1"))
	if !c.Usable {
		t.Error("/31 gateway refused")
	}
	peers := []struct{ a, gw, b, want string }{
		{"192.168.1.10/24", "192.168.1.1", "192.168.1.20/24", "gw_in peer_direct"},
		{"192.168.1.10/24", "192.168.1.1", "192.168.2.20/24", "gw_in peer_a_via peer_b_via peer_via"},
		{"192.168.1.10/16", "192.168.1.1", "192.168.2.20/24", "gw_in peer_a_direct peer_b_via peer_asym"},
		{"192.168.1.10/24", "", "192.168.2.20/24", "gw_none peer_a_via peer_b_via peer_via peer_via_nogw"},
		{"192.168.1.10/24", "192.168.1.1", "192.168.1.10/24", "gw_in peer_same_addr"},
	}
	for _, p := range peers {
		var gw netip.Addr
		if p.gw != "" {
			gw = netip.MustParseAddr(p.gw)
		}
		c, _ := CheckGateway(mustCalc(t, p.a), gw)
		if err := CheckPeers(c, mustCalc(t, p.b)); err != nil {
			t.Fatal(err)
		}
		if got := codes(c); got != p.want {
			t.Errorf("%s via %s to %s: %s, want %s", p.a, p.gw, p.b, got, p.want)
		}
	}
}

func TestScopeTable(t *testing.T) {
	for _, s := range Scopes() {
		if s.Prefix != s.Prefix.Masked() || s.Name == "" || s.RFC == "" {
			t.Errorf("bad entry %+v", s)
		}
		if got := ScopeOf(s.Prefix.Addr()); got.Prefix.Bits() < s.Prefix.Bits() {
			t.Errorf("%s resolves to less specific %s", s.Prefix, got.Prefix)
		}
	}
	for _, c := range Codes() {
		if c.Template() == "" {
			t.Errorf("code %s has no message", c)
		}
	}
}

func TestCount(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 16777214: "16,777,214"} {
		if got := Count(big.NewInt(in)); got != want {
			t.Errorf("Count(%d) = %s", in, got)
		}
	}
	if got := Pow2(new(big.Int).Lsh(big.NewInt(1), 64)); got != "2^64" {
		t.Errorf("Pow2 = %s", got)
	}
}

func TestNotesHaveText(t *testing.T) {
	for _, c := range NoteCodes() {
		if NoteText(c) == "" {
			t.Errorf("note %s has no text", c)
		}
	}
}
