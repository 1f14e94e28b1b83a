package subnet

import (
	"math/big"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"go4.org/netipx"
	"golang.org/x/text/width"
)

// MaxList is the most subnets a split lists.
const MaxList = 4096

// Subnet is one row of a subnetting answer.
type Subnet struct {
	Prefix    netip.Prefix
	FirstHost netip.Addr
	LastHost  netip.Addr
	Broadcast netip.Addr // IPv4 only (invalid for /31, /32)
	Usable    *big.Int
	// Name and Hosts of a VLSM need ("" / 0 elsewhere).
	Name  string
	Hosts int
	// Reason explains the choice of prefix (VLSM and hosts-per-subnet).
	Reason *Finding
}

func subnetOf(p netip.Prefix) Subnet {
	r, _ := Calculate(p.Addr(), p.Bits())
	return Subnet{Prefix: r.Prefix(), FirstHost: r.FirstHost, LastHost: r.LastHost, Broadcast: r.Broadcast, Usable: r.Usable}
}

// usableFor is how many hosts a block with h host bits holds, for subnetting:
// IPv4 keeps the network and broadcast addresses (so h ≥ 2), IPv6 keeps the
// Subnet-Router anycast address (h ≥ 1).
func usableFor(is4 bool, h int) *big.Int {
	t := new(big.Int).Lsh(big.NewInt(1), uint(h))
	if is4 {
		return t.Sub(t, big.NewInt(2))
	}
	return t.Sub(t, big.NewInt(1))
}

// hostBitsFor is the smallest number of host bits whose block holds hosts.
func hostBitsFor(is4 bool, hosts int) int {
	h := 1
	if is4 {
		h = 2
	}
	for usableFor(is4, h).Cmp(big.NewInt(int64(hosts))) < 0 {
		h++
	}
	return h
}

// enumerate lists the subnets of length bits inside parent.
func enumerate(parent netip.Prefix, bits int) ([]netip.Prefix, error) {
	k := bits - parent.Bits()
	if k > 12 { // 2^12 = MaxList
		return nil, newErr(CodeTooManySubnets, "Count", new(big.Int).Lsh(big.NewInt(1), uint(k)).String(), "Max", itoa(MaxList))
	}
	out := make([]netip.Prefix, 0, 1<<uint(k))
	a := parent.Masked().Addr()
	for i := 0; i < 1<<uint(k); i++ {
		p := netip.PrefixFrom(a, bits)
		out = append(out, p)
		a = netipx.PrefixLastIP(p).Next()
	}
	return out, nil
}

// SplitN splits parent into the smallest power of two ≥ n equal subnets.
func SplitN(parent netip.Prefix, n int) ([]Subnet, error) {
	parent = parent.Masked()
	if n < 1 {
		return nil, newErr(CodeCount, "Text", itoa(n))
	}
	k := 0
	for k < 62 && 1<<uint(k) < n {
		k++
	}
	if parent.Bits()+k > parent.Addr().BitLen() {
		return nil, newErr(CodeTooSmall, "Parent", parent.String(), "Count", itoa(n))
	}
	ps, err := enumerate(parent, parent.Bits()+k)
	if err != nil {
		return nil, err
	}
	out := make([]Subnet, len(ps))
	for i, p := range ps {
		out[i] = subnetOf(p)
	}
	return out, nil
}

// SplitHosts splits parent into equal subnets of the smallest size that
// holds hosts hosts each.
func SplitHosts(parent netip.Prefix, hosts int) ([]Subnet, error) {
	parent = parent.Masked()
	if hosts < 1 {
		return nil, newErr(CodeCount, "Text", itoa(hosts))
	}
	is4 := parent.Addr().Is4()
	h := hostBitsFor(is4, hosts)
	bits := parent.Addr().BitLen() - h
	if bits < parent.Bits() {
		return nil, newErr(CodeHostsTooMany, "Hosts", itoa(hosts), "Parent", parent.String())
	}
	ps, err := enumerate(parent, bits)
	if err != nil {
		return nil, err
	}
	out := make([]Subnet, len(ps))
	for i, p := range ps {
		out[i] = subnetOf(p)
		out[i].Reason = reasonFor(is4, hosts, h, bits)
	}
	return out, nil
}

// reasonFor explains why a need of hosts gets prefix length bits.
func reasonFor(is4 bool, hosts, h, bits int) *Finding {
	extra := "1"
	if is4 {
		extra = "2"
	}
	need := big.NewInt(int64(hosts) + int64(extra[0]-'0'))
	f := find(Info, "vlsm_reason", "Hosts", itoa(hosts), "Extra", extra, "Need", need.String(),
		"Size", new(big.Int).Lsh(big.NewInt(1), uint(h)).String(), "Prefix", itoa(bits),
		"Usable", usableFor(is4, h).String(), "Smaller", itoa(bits+1), "SmallerUsable", usableFor(is4, h-1).String())
	minH := 1
	if is4 {
		minH = 2
	}
	if h <= minH {
		f.Code = "vlsm_reason_min"
	}
	return &f
}

func init() {
	findingTexts["vlsm_reason"] = "{{.Hosts}} hosts + {{.Extra}} reserved = {{.Need}} addresses → block of {{.Size}} = /{{.Prefix}} ({{.Usable}} usable); /{{.Smaller}} would hold only {{.SmallerUsable}}."
	findingTexts["vlsm_reason_min"] = "{{.Hosts}} hosts + {{.Extra}} reserved = {{.Need}} addresses → the smallest block of {{.Size}} = /{{.Prefix}} ({{.Usable}} usable)."
}

// Need is one subnet of a VLSM plan.
type Need struct {
	Name  string
	Hosts int
}

// ParseNeeds reads "Sales 50, IT 20, 10" (commas, semicolons or lines; an
// optional name before each count).
func ParseNeeds(s string) ([]Need, error) {
	var out []Need
	for _, item := range splitList(s) {
		f := strings.Fields(item)
		n, err := strconv.Atoi(f[len(f)-1])
		if err != nil || n < 1 {
			return nil, newErr(CodeCount, "Text", f[len(f)-1])
		}
		name := strings.Join(f[:len(f)-1], " ")
		name = strings.TrimSuffix(strings.TrimSpace(name), ":")
		out = append(out, Need{Name: name, Hosts: n})
	}
	if len(out) == 0 {
		return nil, newErr(CodeEmpty)
	}
	return out, nil
}

func splitList(s string) []string {
	s = width.Narrow.String(s)
	var out []string
	for _, it := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == ';' || r == '、' }) {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// VLSM places the needs in parent, largest first (so every block stays
// aligned and no space is wasted between them). Each row's Reason says why
// it got its size.
func VLSM(parent netip.Prefix, needs []Need) ([]Subnet, error) {
	parent = parent.Masked()
	is4 := parent.Addr().Is4()
	order := make([]Need, len(needs))
	copy(order, needs)
	sort.SliceStable(order, func(i, j int) bool { return order[i].Hosts > order[j].Hosts })
	var b netipx.IPSetBuilder
	b.AddPrefix(parent)
	free, _ := b.IPSet()
	var out []Subnet
	for i, n := range order {
		h := hostBitsFor(is4, n.Hosts)
		bits := parent.Addr().BitLen() - h
		if bits < parent.Bits() {
			return nil, newErr(CodeHostsTooMany, "Hosts", itoa(n.Hosts), "Parent", parent.String())
		}
		p, rest, ok := free.RemoveFreePrefix(uint8(bits))
		if !ok {
			return out, newErr(CodeNoRoom, "Parent", parent.String(), "Need", itoa(n.Hosts))
		}
		free = rest
		s := subnetOf(p)
		s.Name, s.Hosts = n.Name, n.Hosts
		if s.Name == "" {
			s.Name = "#" + itoa(i+1)
		}
		s.Reason = reasonFor(is4, n.Hosts, h, bits)
		out = append(out, s)
	}
	return out, nil
}

// ParsePrefixes reads a list of networks (commas, semicolons or lines) in
// any form Parse accepts; ranges are added as they are.
func ParsePrefixes(s string) ([]netipx.IPRange, error) {
	var out []netipx.IPRange
	for _, it := range splitList(s) {
		in, err := Parse(it)
		if err != nil {
			return nil, err
		}
		if in.Kind == KindRange {
			out = append(out, netipx.IPRangeFrom(in.From, in.To))
		} else {
			out = append(out, netipx.RangeOfPrefix(in.Prefix().Masked()))
		}
	}
	if len(out) == 0 {
		return nil, newErr(CodeEmpty)
	}
	return out, nil
}

// Summary is the result of Summarise.
type Summary struct {
	// Exact is the shortest list of prefixes covering exactly the input.
	Exact []netip.Prefix
	// Supernet is the smallest single prefix covering every input, per family.
	Supernets []netip.Prefix
	// Extra counts the addresses the supernets add beyond the inputs.
	Extra *big.Int
}

// Summarise merges networks: the exact minimal CIDR list and the single
// covering supernet (per address family) with how much it over-covers.
func Summarise(rs []netipx.IPRange) Summary {
	var b netipx.IPSetBuilder
	for _, r := range rs {
		b.AddRange(r)
	}
	set, _ := b.IPSet()
	s := Summary{Exact: set.Prefixes(), Extra: new(big.Int)}
	covered := new(big.Int)
	for _, fam := range []bool{true, false} {
		var lo, hi netip.Addr
		for _, r := range set.Ranges() {
			if r.From().Is4() != fam {
				continue
			}
			if !lo.IsValid() {
				lo = r.From()
			}
			hi = r.To()
			covered.Add(covered, rangeSize(r))
		}
		if !lo.IsValid() {
			continue
		}
		p := commonPrefix(lo, hi)
		s.Supernets = append(s.Supernets, p)
		s.Extra.Add(s.Extra, rangeSize(netipx.RangeOfPrefix(p)))
	}
	s.Extra.Sub(s.Extra, covered)
	return s
}

func rangeSize(r netipx.IPRange) *big.Int {
	a := new(big.Int).SetBytes(r.From().AsSlice())
	b := new(big.Int).SetBytes(r.To().AsSlice())
	return b.Sub(b, a).Add(b, big.NewInt(1))
}

// commonPrefix is the longest prefix containing both lo and hi.
func commonPrefix(lo, hi netip.Addr) netip.Prefix {
	for bits := lo.BitLen(); bits >= 0; bits-- {
		p := netip.PrefixFrom(lo, bits).Masked()
		if p.Contains(hi) {
			return p
		}
	}
	return netip.PrefixFrom(lo, 0).Masked()
}

// RangeToCIDR is the shortest list of prefixes covering exactly from–to.
func RangeToCIDR(from, to netip.Addr) ([]netip.Prefix, error) {
	if from.Is4() != to.Is4() {
		return nil, newErr(CodeRangeFamily, "From", from.String(), "To", to.String())
	}
	if to.Less(from) {
		return nil, newErr(CodeRangeReversed, "From", from.String(), "To", to.String())
	}
	return netipx.IPRangeFrom(from.WithZone(""), to.WithZone("")).Prefixes(), nil
}

// RangeSize is the number of addresses from–to (inclusive).
func RangeSize(from, to netip.Addr) *big.Int { return rangeSize(netipx.IPRangeFrom(from, to)) }
