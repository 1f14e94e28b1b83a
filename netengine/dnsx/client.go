package dnsx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// QueryOptions describe one lookup.
type QueryOptions struct {
	Name string
	// Type is a mnemonic ("A", "MX", "ANY"); "" means A, or PTR when Name
	// is an IP address.
	Type string
	// Server is "host:port" (port 53 if left out); "" asks the system's
	// resolvers in order.
	Server string
	TCP    bool
	// Timeout per attempt; 0 means 5 s.
	Timeout time.Duration
	// NoRecursion clears RD (ask the server only what it knows itself).
	NoRecursion bool
	// UDPSize is the EDNS0 buffer size to announce: 0 means 1232, a
	// negative value sends no EDNS0 (a classic 512-byte UDP client).
	UDPSize int
	// NoTCPRetry keeps a truncated UDP answer instead of asking again over TCP.
	NoTCPRetry bool
}

// Result is one lookup's answer, shaped for the table and the JSON output.
type Result struct {
	Name       string   `json:"name"` // the name asked (the reverse name for an IP)
	Type       string   `json:"type"`
	Reverse    bool     `json:"reverse,omitempty"` // an IP was turned into a PTR lookup
	Server     string   `json:"server"`            // host:port that answered
	Transport  string   `json:"transport"`         // "udp" or "tcp"
	TCPRetry   bool     `json:"tcp_retry,omitempty"`
	Rcode      string   `json:"rcode"`
	Flags      []string `json:"flags"`
	ID         uint16   `json:"id"`
	RTTms      float64  `json:"rtt_ms"`
	Size       int      `json:"size"`
	Answer     []Record `json:"answer"`
	Authority  []Record `json:"authority"`
	Additional []Record `json:"additional"`
	// Msg is the whole reply (for the raw view).
	Msg *dns.Msg `json:"-"`
}

// ErrTimeout is wrapped by errors when a server did not answer in time.
var ErrTimeout = errors.New("no answer in time")

// QuestionFor normalises a name and type the way Query does: an IP address
// becomes its in-addr.arpa/ip6.arpa name with type PTR.
func QuestionFor(name, typ string) (qname string, qtype uint16, reverse bool, err error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", 0, false, errors.New("enter a name to look up")
	}
	if ip, perr := netip.ParseAddr(name); perr == nil {
		arpa, _ := dns.ReverseAddr(ip.String())
		qtype = dns.TypePTR
		if typ != "" && !strings.EqualFold(typ, "PTR") && !strings.EqualFold(typ, "A") && !strings.EqualFold(typ, "AAAA") {
			if qtype, err = ParseType(typ); err != nil {
				return "", 0, false, err
			}
		}
		return arpa, qtype, true, nil
	}
	if qtype, err = ParseType(typ); err != nil {
		return "", 0, false, err
	}
	if _, ok := dns.IsDomainName(name); !ok {
		return "", 0, false, fmt.Errorf("%q is not a valid domain name", name)
	}
	return dns.Fqdn(name), qtype, false, nil
}

// WithPort adds ":53" to a server address without a port.
func WithPort(server string) string {
	server = strings.TrimSpace(server)
	if server == "" {
		return ""
	}
	if _, _, err := net.SplitHostPort(server); err == nil {
		return server
	}
	return net.JoinHostPort(strings.Trim(server, "[]"), "53")
}

// Query performs one lookup.
func Query(ctx context.Context, o QueryOptions) (*Result, error) {
	qname, qtype, reverse, err := QuestionFor(o.Name, o.Type)
	if err != nil {
		return nil, err
	}
	servers := []string{WithPort(o.Server)}
	if o.Server == "" {
		if servers, err = SystemServers(); err != nil {
			return nil, err
		}
	}
	m := new(dns.Msg)
	m.SetQuestion(qname, qtype)
	m.RecursionDesired = !o.NoRecursion
	if o.UDPSize >= 0 {
		size := o.UDPSize
		if size == 0 {
			size = 1232
		}
		m.SetEdns0(uint16(size), false)
	}
	var errs []error
	for _, srv := range servers {
		r, err := exchange(ctx, m, srv, o.TCP, o.Timeout, !o.NoTCPRetry)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.Name, r.Type, r.Reverse = qname, TypeName(qtype), reverse
		return r, nil
	}
	return nil, errors.Join(errs...)
}

// exchange sends m to server over UDP (retrying over TCP when the answer
// is truncated and retry is set) or TCP.
func exchange(ctx context.Context, m *dns.Msg, server string, tcp bool, timeout time.Duration, retry bool) (*Result, error) {
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	proto := "udp"
	if tcp {
		proto = "tcp"
	}
	r, res, err := exchangeOnce(ctx, m, server, proto, timeout)
	if err != nil {
		return nil, err
	}
	if r.Truncated && proto == "udp" && retry {
		_, res2, err := exchangeOnce(ctx, m, server, "tcp", timeout)
		if err != nil {
			return nil, fmt.Errorf("the UDP answer was truncated (TC) and TCP failed: %w", err)
		}
		res2.TCPRetry = true
		return res2, nil
	}
	return res, nil
}

func exchangeOnce(ctx context.Context, m *dns.Msg, server, proto string, timeout time.Duration) (*dns.Msg, *Result, error) {
	c := &dns.Client{Net: proto, Timeout: timeout, UDPSize: 65535}
	q := m.Copy()
	q.Id = dns.Id()
	r, rtt, err := c.ExchangeContext(ctx, q, server)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, nil, fmt.Errorf("%s (%s): %w after %v", server, proto, ErrTimeout, timeout)
		}
		return nil, nil, fmt.Errorf("%s (%s): %w", server, proto, err)
	}
	size := r.Len()
	if b, err := r.Pack(); err == nil {
		size = len(b)
	}
	return r, &Result{
		Server: server, Transport: proto, Rcode: RcodeName(r.Rcode), Flags: SetFlags(r), ID: r.Id,
		RTTms: float64(rtt.Microseconds()) / 1000, Size: size,
		Answer: Records(r.Answer), Authority: Records(r.Ns), Additional: Records(r.Extra), Msg: r,
	}, nil
}
