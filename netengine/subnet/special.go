package subnet

import (
	"net/netip"
)

// Scope is an entry of the IANA IPv4 and IPv6 Special-Purpose Address
// Registries (plus the multicast and global unicast blocks that students
// meet), written by hand from RFC 6890 and its updates.
type Scope struct {
	Prefix netip.Prefix
	// Kind is a stable code: private, shared, loopback, link-local,
	// documentation, benchmarking, multicast, reserved, limited-broadcast,
	// this-network, ietf-protocol, ula, unspecified, ipv4-mapped,
	// translation, discard, teredo, 6to4, site-local, global-unicast, public.
	Kind string
	// Name is the English name (the GUI's translation key).
	Name string
	// RFC that defines the block.
	RFC string
	// Private is true when the block is not routed on the public Internet.
	Private bool
}

func sc(p, kind, name, rfc string, private bool) Scope {
	return Scope{Prefix: netip.MustParsePrefix(p), Kind: kind, Name: name, RFC: rfc, Private: private}
}

// scopes; the longest matching prefix wins.
var scopes = []Scope{
	// IPv4
	sc("0.0.0.0/8", "this-network", "\"This network\" (source only)", "RFC 791", true),
	sc("0.0.0.0/32", "this-network", "\"This host on this network\" (unspecified)", "RFC 1122", true),
	sc("10.0.0.0/8", "private", "Private network", "RFC 1918", true),
	sc("100.64.0.0/10", "shared", "Shared address space (carrier-grade NAT)", "RFC 6598", true),
	sc("127.0.0.0/8", "loopback", "Loopback", "RFC 1122", true),
	sc("169.254.0.0/16", "link-local", "Link-local", "RFC 3927", true),
	sc("172.16.0.0/12", "private", "Private network", "RFC 1918", true),
	sc("192.0.0.0/24", "ietf-protocol", "IETF protocol assignments", "RFC 6890", true),
	sc("192.0.2.0/24", "documentation", "Documentation (TEST-NET-1)", "RFC 5737", true),
	sc("192.88.99.0/24", "reserved", "Deprecated 6to4 relay anycast", "RFC 7526", false),
	sc("192.168.0.0/16", "private", "Private network", "RFC 1918", true),
	sc("198.18.0.0/15", "benchmarking", "Benchmarking", "RFC 2544", true),
	sc("198.51.100.0/24", "documentation", "Documentation (TEST-NET-2)", "RFC 5737", true),
	sc("203.0.113.0/24", "documentation", "Documentation (TEST-NET-3)", "RFC 5737", true),
	sc("224.0.0.0/4", "multicast", "Multicast", "RFC 5771", false),
	sc("224.0.0.0/24", "multicast", "Multicast, local network control", "RFC 5771", true),
	sc("240.0.0.0/4", "reserved", "Reserved for future use", "RFC 1112", true),
	sc("255.255.255.255/32", "limited-broadcast", "Limited broadcast", "RFC 919", true),
	// IPv6
	sc("::/128", "unspecified", "Unspecified address", "RFC 4291", true),
	sc("::1/128", "loopback", "Loopback", "RFC 4291", true),
	sc("::ffff:0:0/96", "ipv4-mapped", "IPv4-mapped address", "RFC 4291", true),
	sc("64:ff9b::/96", "translation", "IPv4/IPv6 translation", "RFC 6052", false),
	sc("64:ff9b:1::/48", "translation", "IPv4/IPv6 translation, local use", "RFC 8215", true),
	sc("100::/64", "discard", "Discard-only", "RFC 6666", true),
	sc("2000::/3", "global-unicast", "Global unicast", "RFC 4291", false),
	sc("2001::/23", "ietf-protocol", "IETF protocol assignments", "RFC 2928", true),
	sc("2001::/32", "teredo", "Teredo tunnelling", "RFC 4380", false),
	sc("2001:2::/48", "benchmarking", "Benchmarking", "RFC 5180", true),
	sc("2001:db8::/32", "documentation", "Documentation", "RFC 3849", true),
	sc("2002::/16", "6to4", "6to4", "RFC 3056", false),
	sc("3fff::/20", "documentation", "Documentation", "RFC 9637", true),
	sc("fc00::/7", "ula", "Unique local address (ULA)", "RFC 4193", true),
	sc("fe80::/10", "link-local", "Link-local", "RFC 4291", true),
	sc("fec0::/10", "site-local", "Site-local (deprecated)", "RFC 3879", true),
	sc("ff00::/8", "multicast", "Multicast", "RFC 4291", false),
	sc("ff02::/16", "multicast", "Multicast, link-local scope", "RFC 4291", true),
}

// Scopes returns the special-range table (tests and the GUI's translations use it).
func Scopes() []Scope { return append([]Scope(nil), scopes...) }

// ScopeOf returns the most specific special range containing a. Addresses
// in no special IPv4 block are "public"; IPv6 outside every listed block is
// "reserved" (reserved by the IETF).
func ScopeOf(a netip.Addr) Scope {
	a = a.WithZone("")
	best := -1
	for i, s := range scopes {
		if s.Prefix.Contains(a) && (best < 0 || s.Prefix.Bits() > scopes[best].Prefix.Bits()) {
			best = i
		}
	}
	if best >= 0 {
		return scopes[best]
	}
	if a.Is4() {
		return Scope{Prefix: netip.MustParsePrefix("0.0.0.0/0"), Kind: "public", Name: "Public (globally routable)", RFC: "RFC 6890"}
	}
	return Scope{Prefix: netip.MustParsePrefix("::/0"), Kind: "reserved", Name: "Reserved by the IETF", RFC: "RFC 4291", Private: true}
}

// ClassOf returns the historical class (A–E) of an IPv4 address and its
// classful default prefix (0 for D and E), or "" for IPv6.
func ClassOf(a netip.Addr) (class string, defaultBits int) {
	if !a.Is4() {
		return "", 0
	}
	b := a.As4()[0]
	switch {
	case b < 128:
		return "A", 8
	case b < 192:
		return "B", 16
	case b < 224:
		return "C", 24
	case b < 240:
		return "D", 0
	}
	return "E", 0
}
