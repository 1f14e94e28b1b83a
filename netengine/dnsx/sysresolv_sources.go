package dnsx

import (
	"bufio"
	"io"
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/netlab-classroom/netlab/netengine/internal/winadapt"
)

// The parsers behind SystemServers on Windows and macOS. They have no
// build tags so they are tested on every system with recorded samples.

// windowsSiteLocalDNS are the addresses Windows lists as IPv6 DNS servers
// of an adapter that has none configured (deprecated site-local; nothing
// answers there). Go's own resolver skips them too.
var windowsSiteLocalDNS = []netip.Addr{
	netip.MustParseAddr("fec0:0:0:ffff::1"),
	netip.MustParseAddr("fec0:0:0:ffff::2"),
	netip.MustParseAddr("fec0:0:0:ffff::3"),
}

// serversFromAdapters returns the DNS servers of Windows' adapters that are
// up (GetAdaptersAddresses), as "host:53": adapters with the lowest IPv4
// metric first (the one Windows prefers), each adapter's servers in its
// order, without duplicates and without the site-local placeholders.
func serversFromAdapters(ads []winadapt.Adapter) []string {
	ads = append([]winadapt.Adapter(nil), ads...)
	sort.SliceStable(ads, func(i, j int) bool { return ads[i].IPv4Metric < ads[j].IPv4Metric })
	var out []string
	seen := map[netip.Addr]bool{}
	for _, a := range ads {
		if !a.Up || a.Loopback {
			continue
		}
	next:
		for _, ip := range a.DNSServers {
			if !ip.IsValid() || ip.IsUnspecified() || seen[ip] {
				continue
			}
			for _, p := range windowsSiteLocalDNS {
				if ip.WithZone("") == p {
					continue next
				}
			}
			seen[ip] = true
			out = append(out, net.JoinHostPort(ip.String(), "53"))
		}
	}
	return out
}

// parseScutilDNS reads the output of macOS's `scutil --dns` and returns the
// servers of its default resolvers as "host:port": the resolvers of the
// first section ("DNS configuration") that serve every domain (no
// "domain" line; those with one are supplemental, e.g. mDNS for "local"),
// in the printed order, without duplicates. The scoped and
// service-specific sections that follow are per interface or service.
func parseScutilDNS(r io.Reader) []string {
	type resolver struct {
		domain  bool
		port    string
		servers []string
	}
	var rs []*resolver
	var cur *resolver
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "DNS configuration (") {
			break // scoped / service-specific resolvers
		}
		if strings.HasPrefix(line, "resolver #") {
			cur = &resolver{port: "53"}
			rs = append(rs, cur)
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok || cur == nil {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch {
		case key == "domain":
			cur.domain = true
		case key == "port":
			if p, err := strconv.ParseUint(val, 10, 16); err == nil && p != 0 {
				cur.port = strconv.FormatUint(p, 10)
			}
		case strings.HasPrefix(key, "nameserver["):
			if ip, err := netip.ParseAddr(val); err == nil {
				cur.servers = append(cur.servers, ip.String())
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range rs {
		if r.domain {
			continue
		}
		for _, s := range r.servers {
			hp := net.JoinHostPort(s, r.port)
			if !seen[hp] {
				seen[hp] = true
				out = append(out, hp)
			}
		}
	}
	return out
}
