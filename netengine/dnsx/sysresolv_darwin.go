package dnsx

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"time"

	"github.com/miekg/dns"
)

// ResolvConf is the fallback when `scutil --dns` gives nothing: macOS
// writes the primary resolver there for Unix programs.
var ResolvConf = "/etc/resolv.conf"

// SystemServers returns the system's DNS servers as "host:port": the
// default resolvers of `scutil --dns` (what macOS really uses, VPNs
// included), else the nameservers of /etc/resolv.conf.
func SystemServers() ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if b, err := exec.CommandContext(ctx, "/usr/sbin/scutil", "--dns").Output(); err == nil {
		if out := parseScutilDNS(bytes.NewReader(b)); len(out) > 0 {
			return out, nil
		}
	}
	cfg, err := dns.ClientConfigFromFile(ResolvConf)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoSystemServers, err)
	}
	if len(cfg.Servers) == 0 {
		return nil, fmt.Errorf("%w: scutil --dns and %s list no nameserver", ErrNoSystemServers, ResolvConf)
	}
	out := make([]string, len(cfg.Servers))
	for i, s := range cfg.Servers {
		out[i] = net.JoinHostPort(s, cfg.Port)
	}
	return out, nil
}
