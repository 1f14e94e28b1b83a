package subnet

import (
	"fmt"
	"math/big"
	"net/netip"
	"strings"

	"go4.org/netipx"
)

// Note codes explain edge cases in a Result.
const (
	NoteRFC3021     = "rfc3021"      // IPv4 /31: two usable hosts, no broadcast
	NoteHostRoute   = "host_route"   // /32 or /128: one address, the host itself
	NoteWholeSpace  = "whole_space"  // /0: every address of the family (default route)
	NoteRFC6164     = "rfc6164"      // IPv6 /127 point-to-point link
	NoteNoBroadcast = "no_broadcast" // IPv6 has no broadcast; the all-zero host is the Subnet-Router anycast
	NoteHostBits    = "host_bits"    // the address typed is not the network address
	NoteReverse2317 = "rfc2317"      // IPv4 prefix not on an octet boundary: classless reverse delegation
	NoteNetworkAddr = "is_network"   // the address typed is the network address
	NoteBroadcast   = "is_broadcast" // the address typed is the broadcast address
)

var noteTexts = map[string]string{
	NoteRFC3021:     "/31 point-to-point link (RFC 3021): both addresses are hosts, there is no network or broadcast address.",
	NoteHostRoute:   "A single address (host route): the network, first and last host are the address itself.",
	NoteWholeSpace:  "/0 is every address of the family: the default route.",
	NoteRFC6164:     "/127 point-to-point link (RFC 6164): both addresses are usable.",
	NoteNoBroadcast: "IPv6 has no broadcast; the all-zero host is the Subnet-Router anycast address, so the first host is network + 1.",
	NoteHostBits:    "The address has host bits set: the calculator shows the network it belongs to.",
	NoteReverse2317: "The prefix does not end on an octet boundary: reverse DNS needs RFC 2317 classless delegation inside the zone shown.",
	NoteNetworkAddr: "The address is the network address itself, not a host.",
	NoteBroadcast:   "The address is the broadcast address, not a host.",
}

// NoteText is the English sentence of a note code (the GUI's translation key).
func NoteText(code string) string { return noteTexts[code] }

// NoteCodes lists every note code.
func NoteCodes() []string {
	return []string{NoteRFC3021, NoteHostRoute, NoteWholeSpace, NoteRFC6164, NoteNoBroadcast, NoteHostBits, NoteReverse2317, NoteNetworkAddr, NoteBroadcast}
}

// Result is everything the calculator shows for one address/prefix.
type Result struct {
	Input     string
	Version   int // 4 or 6
	Address   netip.Addr
	Bits      int
	Mask      netip.Addr
	Wildcard  netip.Addr
	Network   netip.Addr
	Broadcast netip.Addr // IPv4 only, and not for /31 and /32
	FirstHost netip.Addr
	LastHost  netip.Addr
	Last      netip.Addr // last address of the block
	Total     *big.Int
	Usable    *big.Int
	// Reserved = Total − Usable: the network and broadcast addresses (IPv4) or
	// the Subnet-Router anycast address (IPv6).
	Reserved *big.Int
	// Class is the historical IPv4 class A–E ("" for IPv6); ClassBits its
	// classful default prefix (0 for D and E).
	Class     string
	ClassBits int
	Scope     Scope
	// ReverseZone is the in-addr.arpa / ip6.arpa zone holding the block's
	// PTR records (the enclosing octet or nibble boundary).
	ReverseZone string
	Notes       []string
}

// Prefix is the network as a netip.Prefix.
func (r *Result) Prefix() netip.Prefix { return netip.PrefixFrom(r.Network, r.Bits) }

// Calculate computes the result for address a with prefix length n.
func Calculate(a netip.Addr, n int) (*Result, error) {
	a = a.WithZone("")
	if !a.IsValid() {
		return nil, newErr(CodeBadAddress, "Text", `""`)
	}
	if n < 0 || n > a.BitLen() {
		return nil, newErr(CodePrefixRange, "Prefix", itoa(n), "Max", itoa(a.BitLen()))
	}
	p := netip.PrefixFrom(a, n).Masked()
	last := netipx.PrefixLastIP(p)
	r := &Result{
		Version: 6, Address: a, Bits: n,
		Mask:    MaskAddr(a.Is4(), n),
		Network: p.Addr(), Last: last,
		Total: new(big.Int).Lsh(big.NewInt(1), uint(a.BitLen()-n)),
		Scope: ScopeOf(a),
	}
	r.Input = a.String() + "/" + itoa(n)
	r.Wildcard = invert(r.Mask)
	r.Class, r.ClassBits = ClassOf(a)
	one := big.NewInt(1)
	host := a.BitLen() - n
	switch {
	case host == 0:
		r.FirstHost, r.LastHost = a, a
		r.Usable = big.NewInt(1)
		r.Notes = append(r.Notes, NoteHostRoute)
	case a.Is4() && host == 1:
		r.FirstHost, r.LastHost = p.Addr(), last
		r.Usable = big.NewInt(2)
		r.Notes = append(r.Notes, NoteRFC3021)
	case a.Is4():
		r.Broadcast = last
		r.FirstHost, r.LastHost = p.Addr().Next(), last.Prev()
		r.Usable = new(big.Int).Sub(r.Total, big.NewInt(2))
	case host == 1:
		r.FirstHost, r.LastHost = p.Addr(), last
		r.Usable = big.NewInt(2)
		r.Notes = append(r.Notes, NoteRFC6164)
	default:
		r.FirstHost, r.LastHost = p.Addr().Next(), last
		r.Usable = new(big.Int).Sub(r.Total, one)
		r.Notes = append(r.Notes, NoteNoBroadcast)
	}
	if a.Is4() {
		r.Version = 4
	}
	r.Reserved = new(big.Int).Sub(r.Total, r.Usable)
	if n == 0 {
		r.Notes = append(r.Notes, NoteWholeSpace)
	}
	if host > 0 {
		switch {
		case a == r.Network && r.Reserved.Sign() > 0:
			r.Notes = append(r.Notes, NoteNetworkAddr)
		case r.Broadcast.IsValid() && a == r.Broadcast:
			r.Notes = append(r.Notes, NoteBroadcast)
		case a != r.Network:
			r.Notes = append(r.Notes, NoteHostBits)
		}
	}
	var exact bool
	r.ReverseZone, exact = ReverseZone(p)
	if !exact && a.Is4() {
		r.Notes = append(r.Notes, NoteReverse2317)
	}
	return r, nil
}

// CalculateInput is Calculate for a parsed prefix input.
func CalculateInput(in Input) (*Result, error) {
	if in.Kind == KindRange {
		return nil, newErr(CodeNotRange, "Text", in.Text)
	}
	r, err := Calculate(in.Addr, in.Bits)
	if err == nil {
		r.Input = in.Text
	}
	return r, err
}

// ReverseZone returns the reverse-DNS zone of p: the in-addr.arpa name of
// its octets (IPv4) or the ip6.arpa name of its nibbles (IPv6). When p does
// not end on an octet (nibble) boundary the enclosing zone is returned with
// exact=false (RFC 2317 classless delegation for IPv4).
func ReverseZone(p netip.Prefix) (zone string, exact bool) {
	b := p.Masked().Addr().AsSlice()
	var labels []string
	if p.Addr().Is4() {
		n := p.Bits() / 8
		for i := n - 1; i >= 0; i-- {
			labels = append(labels, itoa(int(b[i])))
		}
		return strings.Join(append(labels, "in-addr.arpa"), "."), p.Bits()%8 == 0
	}
	n := p.Bits() / 4
	for i := n - 1; i >= 0; i-- {
		x := b[i/2]
		if i%2 == 0 {
			x >>= 4
		}
		labels = append(labels, fmt.Sprintf("%x", x&0xf))
	}
	return strings.Join(append(labels, "ip6.arpa"), "."), p.Bits()%4 == 0
}

// Count formats a big count with thousands separators ("16,777,214").
func Count(n *big.Int) string {
	s := n.String()
	var sb strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			sb.WriteByte(',')
		}
		sb.WriteRune(c)
	}
	return sb.String()
}

// Pow2 writes 2^k for counts too long to read (IPv6), or "" when small.
func Pow2(n *big.Int) string {
	if n.BitLen() <= 32 || n.Sign() <= 0 {
		return ""
	}
	if new(big.Int).And(n, new(big.Int).Sub(n, big.NewInt(1))).Sign() == 0 {
		return fmt.Sprintf("2^%d", n.BitLen()-1)
	}
	return ""
}
