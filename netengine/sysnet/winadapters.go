package sysnet

import (
	"sort"

	"github.com/netlab-classroom/netlab/netengine/internal/winadapt"
)

// gatewaysFromAdapters picks the default gateways out of Windows' adapter
// list (GetAdaptersAddresses with GAA_FLAG_INCLUDE_GATEWAYS): adapters that
// are up and not loopback, named by their friendly name like
// net.Interfaces names them on Windows, IPv4 first, then by the adapter's
// metric (Windows prefers the lowest). The zone of a link-local IPv6
// gateway is dropped: Interface says where it is, as on Linux.
func gatewaysFromAdapters(ads []winadapt.Adapter) []Gateway {
	var out []Gateway
	seen := map[Gateway]bool{}
	for _, a := range ads {
		if !a.Up || a.Loopback {
			continue
		}
		for _, ip := range a.Gateways {
			if !ip.IsValid() || ip.IsUnspecified() {
				continue
			}
			ip = ip.WithZone("")
			g := Gateway{Interface: a.Name, Addr: ip, Metric: a.IPv4Metric}
			if ip.Is6() {
				g.Metric = a.IPv6Metric
			}
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	sortGateways(out)
	return out
}

// sortGateways orders IPv4 before IPv6, then lowest metric first.
func sortGateways(gs []Gateway) {
	sort.SliceStable(gs, func(i, j int) bool {
		if gs[i].Addr.Is4() != gs[j].Addr.Is4() {
			return gs[i].Addr.Is4()
		}
		return gs[i].Metric < gs[j].Metric
	})
}
