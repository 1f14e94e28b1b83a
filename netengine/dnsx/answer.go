package dnsx

import (
	"strings"

	"github.com/miekg/dns"
)

// This file is the classroom server's answer path: which zone answers, and
// how a zone answers a name (RFC 1034 §4.3.2 with the wildcard rules of
// RFC 4592 and the negative answers of RFC 2308). server.go holds the
// sockets, the query log and the rate limit around it.

// Answer computes the reply to req from the served zones, before any
// truncation, and names the zone that answered ("" if none).
func (s *Server) Answer(req *dns.Msg) (*dns.Msg, string) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = false // authoritative only, never a resolver
	m.Authoritative = false
	view, hasView := "", false
	if opt := req.IsEdns0(); opt != nil {
		m.SetEdns0(1232, false)
		if opt.Version() != 0 {
			m.Rcode = dns.RcodeBadVers
			return m, ""
		}
		for _, o := range opt.Option {
			if l, ok := o.(*dns.EDNS0_LOCAL); ok && l.Code == ViewOption {
				view, hasView = dns.CanonicalName(string(l.Data)), true
			}
		}
	}
	if req.Opcode != dns.OpcodeQuery {
		m.Rcode = dns.RcodeNotImplemented
		return m, ""
	}
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		return m, ""
	}
	q := req.Question[0]
	qname := dns.CanonicalName(q.Name)
	if (q.Qclass != dns.ClassINET && q.Qclass != dns.ClassANY) || q.Qtype == dns.TypeAXFR || q.Qtype == dns.TypeIXFR {
		m.Rcode = dns.RcodeRefused
		return m, ""
	}
	s.zmu.RLock()
	defer s.zmu.RUnlock()
	var zi *zoneIndex
	if hasView {
		zi = s.zoneNamed(view)
		if zi != nil && !dns.IsSubDomain(zi.zone.Origin, qname) {
			zi = nil
		}
	} else {
		zi = s.zoneFor(qname)
	}
	if zi != nil && zi.zone.Origin == "." && qname != "." && zi.delegation(qname, q.Qtype) == nil {
		// The classroom root knows only its own delegations: for the
		// internet's names (com., org. …) it says "not here" instead of
		// claiming they do not exist.
		zi = nil
	}
	if zi == nil {
		m.Rcode = dns.RcodeRefused
		return m, ""
	}
	s.resolve(m, zi, qname, q.Qtype)
	return m, zi.zone.Origin
}

func (s *Server) zoneNamed(origin string) *zoneIndex {
	for _, zi := range s.zones {
		if zi.zone.Origin == origin {
			return zi
		}
	}
	return nil
}

// zoneFor is the most specific zone that contains name.
func (s *Server) zoneFor(name string) *zoneIndex {
	for _, zi := range s.zones {
		if dns.IsSubDomain(zi.zone.Origin, name) {
			return zi
		}
	}
	return nil
}

// maxCNAMEs bounds a CNAME chain the server follows (a loop ends there).
const maxCNAMEs = 8

// resolve fills m with the answer for name/qtype from zone zi (RFC 1034
// §4.3.2): a referral below a zone cut; the records (synthesized from a
// wildcard when the name does not exist); NXDOMAIN or NODATA with the SOA.
// A CNAME is followed inside zi only, as BIND 9 does: a target in another
// zone, even one this server serves, is left to the client (the answer
// holds the CNAME alone, NOERROR).
func (s *Server) resolve(m *dns.Msg, zi *zoneIndex, name string, qtype uint16) {
	for hops := 0; hops <= maxCNAMEs; hops++ {
		if ns := zi.delegation(name, qtype); ns != nil {
			// A referral. After a CNAME the CNAME is still this zone's
			// authoritative data, so AA stays set (as BIND keeps it).
			m.Authoritative = len(m.Answer) > 0
			m.Ns = append(m.Ns, ns...)
			m.Extra = append(m.Extra, zi.glue(ns)...)
			return
		}
		m.Authoritative = true
		rrs, found := zi.find(name)
		switch found {
		case nxDomain:
			m.Rcode = dns.RcodeNameError
			m.Ns = append(m.Ns, zi.negativeSOA())
			return
		case noData:
			m.Ns = append(m.Ns, zi.negativeSOA())
			return
		}
		if qtype != dns.TypeCNAME && qtype != dns.TypeANY {
			if c := cnameOf(rrs); c != nil {
				m.Answer = append(m.Answer, c)
				target := dns.CanonicalName(c.Target)
				if !dns.IsSubDomain(zi.zone.Origin, target) {
					return // the chain leaves the zone: the client goes on
				}
				name = target
				continue
			}
		}
		var match []dns.RR
		for _, rr := range rrs {
			if qtype == dns.TypeANY || rr.Header().Rrtype == qtype {
				match = append(match, rr)
			}
		}
		if len(match) == 0 {
			m.Ns = append(m.Ns, zi.negativeSOA())
			return
		}
		m.Answer = append(m.Answer, match...)
		if qtype == dns.TypeNS && name == zi.zone.Origin {
			m.Extra = append(m.Extra, zi.apexGlue(match)...)
		} else {
			m.Extra = append(m.Extra, s.additional(match)...)
		}
		return
	}
}

func cnameOf(rrs []dns.RR) *dns.CNAME {
	for _, rr := range rrs {
		if c, ok := rr.(*dns.CNAME); ok {
			return c
		}
	}
	return nil
}

// additional adds the addresses of MX, NS and SRV targets the server knows.
func (s *Server) additional(rrs []dns.RR) []dns.RR {
	var out []dns.RR
	seen := map[string]bool{}
	for _, rr := range rrs {
		var target string
		switch r := rr.(type) {
		case *dns.MX:
			target = r.Mx
		case *dns.NS:
			target = r.Ns
		case *dns.SRV:
			target = r.Target
		default:
			continue
		}
		target = dns.CanonicalName(target)
		if seen[target] {
			continue
		}
		seen[target] = true
		if zi := s.zoneFor(target); zi != nil && zi.delegation(target, dns.TypeA) == nil {
			out = append(out, zi.addrs(target)...)
		}
	}
	return out
}

// zoneIndex is a zone prepared for lookups.
type zoneIndex struct {
	zone        *Zone
	names       map[string][]dns.RR
	nonTerminal map[string]bool // names with data below them
	soa         *dns.SOA
}

func indexZone(z *Zone) *zoneIndex {
	zi := &zoneIndex{zone: z, names: map[string][]dns.RR{}, nonTerminal: map[string]bool{}}
	for _, rr := range z.Records {
		n := rr.Header().Name
		zi.names[n] = append(zi.names[n], rr)
		if soa, ok := rr.(*dns.SOA); ok {
			zi.soa = soa
		}
		for p := n; p != z.Origin; {
			off, end := dns.NextLabel(p, 0)
			if end {
				break
			}
			p = p[off:]
			zi.nonTerminal[p] = true
		}
	}
	return zi
}

// found says what a zone holds at a name.
type found int

const (
	exists   found = iota // the name has records (its own, or a wildcard's)
	noData                // the name exists without records: an empty non-terminal, or a wildcard that is one
	nxDomain              // the name does not exist and no wildcard covers it
)

// find returns the records at name, which lies in the zone and above any
// zone cut. A name that does not exist is synthesized from the wildcard
// "*.<closest encloser>" when there is one (RFC 4592 §3.3.1): copies of the
// wildcard's records with the query name as owner. The closest encloser is
// the longest ancestor that exists, with records or as an empty
// non-terminal; so an explicit name beside the wildcard, or an empty
// non-terminal between the wildcard and the name, blocks it.
func (zi *zoneIndex) find(name string) ([]dns.RR, found) {
	if rrs := zi.names[name]; rrs != nil {
		return copyRRs(rrs, ""), exists
	}
	if zi.nonTerminal[name] {
		return nil, noData
	}
	for p := name; p != zi.zone.Origin; {
		off, end := dns.NextLabel(p, 0)
		if end {
			break
		}
		p = p[off:]
		if p != zi.zone.Origin && zi.names[p] == nil && !zi.nonTerminal[p] {
			continue // p does not exist either: look one label up
		}
		source := "*." + p
		if p == "." {
			source = "*."
		}
		if w := zi.names[source]; w != nil {
			return copyRRs(w, name), exists
		}
		if zi.nonTerminal[source] {
			return nil, noData // "*.p" has only names below it (RFC 4592 §2.2.2)
		}
		return nil, nxDomain
	}
	return nil, nxDomain
}

// copyRRs copies rrs, renamed to owner unless owner is "".
func copyRRs(rrs []dns.RR, owner string) []dns.RR {
	out := make([]dns.RR, len(rrs))
	for i, rr := range rrs {
		out[i] = dns.Copy(rr)
		if owner != "" {
			out[i].Header().Name = owner
		}
	}
	return out
}

// delegation returns the NS set of the highest zone cut between the apex
// (excluded) and name (included), or nil. A DS query for the cut itself is
// answered by the parent (RFC 4035 §3.1.4.1), so that cut does not count.
func (zi *zoneIndex) delegation(name string, qtype uint16) []dns.RR {
	labels := dns.SplitDomainName(name)
	apex := dns.CountLabel(zi.zone.Origin)
	for i := len(labels) - apex - 1; i >= 0; i-- {
		if i == 0 && qtype == dns.TypeDS {
			break
		}
		cut := dns.Fqdn(strings.Join(labels[i:], "."))
		var ns []dns.RR
		for _, rr := range zi.names[cut] {
			if rr.Header().Rrtype == dns.TypeNS {
				ns = append(ns, dns.Copy(rr))
			}
		}
		if ns != nil {
			return ns
		}
	}
	return nil
}

// glue returns the glue of a referral: the addresses this zone holds for
// NS targets at or below one of its zone cuts (this delegation's or a
// sibling's). Like BIND, it leaves out targets that are the zone's own
// authoritative names: a resolver looks those up itself.
func (zi *zoneIndex) glue(ns []dns.RR) []dns.RR {
	var out []dns.RR
	for _, rr := range ns {
		if n, ok := rr.(*dns.NS); ok {
			target := dns.CanonicalName(n.Ns)
			if dns.IsSubDomain(zi.zone.Origin, target) && zi.delegation(target, dns.TypeA) != nil {
				out = append(out, zi.addrs(target)...)
			}
		}
	}
	return out
}

// apexGlue returns the addresses this zone holds for the targets of its
// own NS set (the additional section of an NS query at the apex).
func (zi *zoneIndex) apexGlue(ns []dns.RR) []dns.RR {
	var out []dns.RR
	for _, rr := range ns {
		if n, ok := rr.(*dns.NS); ok {
			out = append(out, zi.addrs(dns.CanonicalName(n.Ns))...)
		}
	}
	return out
}

func (zi *zoneIndex) addrs(name string) []dns.RR {
	var out []dns.RR
	for _, rr := range zi.names[name] {
		if t := rr.Header().Rrtype; t == dns.TypeA || t == dns.TypeAAAA {
			out = append(out, dns.Copy(rr))
		}
	}
	return out
}

// negativeSOA is the SOA for NXDOMAIN/NODATA answers, its TTL capped by
// the SOA's minimum (RFC 2308 §3).
func (zi *zoneIndex) negativeSOA() dns.RR {
	soa := dns.Copy(zi.soa).(*dns.SOA)
	if soa.Minttl < soa.Hdr.Ttl {
		soa.Hdr.Ttl = soa.Minttl
	}
	return soa
}
