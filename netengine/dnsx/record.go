package dnsx

import (
	"fmt"
	"strings"

	"github.com/miekg/dns"
)

// Record is one resource record as shown in tables and JSON.
type Record struct {
	Name string `json:"name"`
	Type string `json:"type"`
	TTL  uint32 `json:"ttl"`
	Data string `json:"data"`
}

// RecordOf turns a miekg/dns RR into a Record; Data is the presentation
// form of the RDATA (what dig prints after the type).
func RecordOf(rr dns.RR) Record {
	h := rr.Header()
	data := strings.TrimPrefix(rr.String(), h.String())
	return Record{Name: h.Name, Type: dns.TypeToString[h.Rrtype], TTL: h.Ttl, Data: strings.TrimSpace(data)}
}

// Records converts a section, leaving out the EDNS0 OPT pseudo-record.
func Records(rrs []dns.RR) []Record {
	out := make([]Record, 0, len(rrs))
	for _, rr := range rrs {
		if rr.Header().Rrtype == dns.TypeOPT {
			continue
		}
		out = append(out, RecordOf(rr))
	}
	return out
}

// Types a lookup can ask for, in the order the UI lists them.
var Types = []string{"A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "PTR", "SRV", "CAA", "ANY"}

// ParseType turns "a", "MX", "TYPE65" into a type code.
func ParseType(s string) (uint16, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if u == "" {
		return dns.TypeA, nil
	}
	if t, ok := dns.StringToType[u]; ok {
		return t, nil
	}
	var n uint16
	if _, err := fmt.Sscanf(u, "TYPE%d", &n); err == nil && n > 0 {
		return n, nil
	}
	return 0, fmt.Errorf("unknown record type %q", s)
}

// TypeName is the mnemonic of a type code ("A", "TYPE65").
func TypeName(t uint16) string {
	if s, ok := dns.TypeToString[t]; ok {
		return s
	}
	return fmt.Sprintf("TYPE%d", t)
}

// Flag is one header bit.
type Flag struct {
	Name string // "qr", "aa" …
	Set  bool
	// Meaning is a one-line English explanation (the UI translates it).
	Meaning string
}

// FlagMeanings explains the header bits, in the order dig prints them.
var FlagMeanings = []Flag{
	{Name: "qr", Meaning: "QR (query/response): set in answers, clear in questions."},
	{Name: "aa", Meaning: "AA (authoritative answer): the server that answered is an authority for the zone, not a cache."},
	{Name: "tc", Meaning: "TC (truncated): the answer did not fit in the UDP packet; ask again over TCP."},
	{Name: "rd", Meaning: "RD (recursion desired): the client asks the server to resolve the name fully for it."},
	{Name: "ra", Meaning: "RA (recursion available): the server is willing to resolve names recursively."},
	{Name: "ad", Meaning: "AD (authentic data): the server validated the answer with DNSSEC."},
	{Name: "cd", Meaning: "CD (checking disabled): the client asks the server not to validate DNSSEC."},
}

// Flags lists the header bits of m, set or not.
func Flags(m *dns.Msg) []Flag {
	set := map[string]bool{
		"qr": m.Response, "aa": m.Authoritative, "tc": m.Truncated, "rd": m.RecursionDesired,
		"ra": m.RecursionAvailable, "ad": m.AuthenticatedData, "cd": m.CheckingDisabled,
	}
	out := make([]Flag, len(FlagMeanings))
	for i, f := range FlagMeanings {
		f.Set = set[f.Name]
		out[i] = f
	}
	return out
}

// SetFlags are the names of the bits that are set, as dig prints them.
func SetFlags(m *dns.Msg) []string {
	out := []string{}
	for _, f := range Flags(m) {
		if f.Set {
			out = append(out, f.Name)
		}
	}
	return out
}

// RcodeName is "NOERROR", "NXDOMAIN", "REFUSED" …
func RcodeName(rc int) string {
	if s, ok := dns.RcodeToString[rc]; ok {
		return s
	}
	return fmt.Sprintf("RCODE%d", rc)
}

// Section is one part of a message in presentation form, for the raw view.
type Section struct {
	Title string // "Header", "Question", "Answer", "Authority", "Additional"
	Text  string
}

// Sections renders m for teaching: the header with its counts, then each
// section one record a line, the way dig shows them.
func Sections(m *dns.Msg) []Section {
	var h strings.Builder
	fmt.Fprintf(&h, "id: %d\nopcode: %s\nrcode: %s\nflags: %s\n", m.Id, dns.OpcodeToString[m.Opcode],
		RcodeName(m.Rcode), strings.Join(SetFlags(m), " "))
	fmt.Fprintf(&h, "QDCOUNT: %d, ANCOUNT: %d, NSCOUNT: %d, ARCOUNT: %d", len(m.Question), len(m.Answer), len(m.Ns), len(m.Extra))
	if opt := m.IsEdns0(); opt != nil {
		fmt.Fprintf(&h, "\nEDNS: version %d, UDP size %d", opt.Version(), opt.UDPSize())
	}
	var q strings.Builder
	for i, x := range m.Question {
		if i > 0 {
			q.WriteByte('\n')
		}
		q.WriteString(strings.TrimPrefix(x.String(), ";"))
	}
	return []Section{
		{"Header", h.String()},
		{"Question", q.String()},
		{"Answer", rrLines(m.Answer)},
		{"Authority", rrLines(m.Ns)},
		{"Additional", rrLines(m.Extra)},
	}
}

func rrLines(rrs []dns.RR) string {
	var b strings.Builder
	for _, rr := range rrs {
		if rr.Header().Rrtype == dns.TypeOPT {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(rr.String())
	}
	return b.String()
}
