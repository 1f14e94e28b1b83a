//go:build unix && !darwin

package dnsx

import (
	"fmt"
	"net"

	"github.com/miekg/dns"
)

// ResolvConf is where Unix systems list their DNS servers.
var ResolvConf = "/etc/resolv.conf"

// SystemServers returns the system's DNS servers as "host:port", from
// /etc/resolv.conf.
func SystemServers() ([]string, error) {
	cfg, err := dns.ClientConfigFromFile(ResolvConf)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoSystemServers, err)
	}
	if len(cfg.Servers) == 0 {
		return nil, fmt.Errorf("%w: %s lists no nameserver", ErrNoSystemServers, ResolvConf)
	}
	out := make([]string, len(cfg.Servers))
	for i, s := range cfg.Servers {
		out[i] = net.JoinHostPort(s, cfg.Port)
	}
	return out, nil
}
