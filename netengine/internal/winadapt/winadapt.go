// Package winadapt reads Windows' network adapters (GetAdaptersAddresses
// with gateways) into plain values: what sysnet needs for the default
// gateways and dnsx for the system's DNS servers. The values are plain
// data so the decisions made on them are tested on every system with
// recorded samples (JSON, see sysnet/testdata and dnsx/testdata).
package winadapt

import (
	"errors"
	"net/netip"
)

// ErrUnsupported: adapters are read on Windows only.
var ErrUnsupported = errors.New("network adapters are read this way on Windows only")

// Adapter is one entry of GetAdaptersAddresses.
type Adapter struct {
	Index int `json:"index"` // IfIndex (IPv4), or Ipv6IfIndex when IfIndex is 0
	// Name is the friendly name ("Ethernet", "Wi-Fi"): the name Go's
	// net.Interfaces uses on Windows.
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Up          bool   `json:"up"`       // OperStatus == IfOperStatusUp
	Loopback    bool   `json:"loopback"` // IfType == IF_TYPE_SOFTWARE_LOOPBACK
	Tunnel      bool   `json:"tunnel,omitempty"`
	IPv4Metric  int    `json:"ipv4Metric"`
	IPv6Metric  int    `json:"ipv6Metric"`
	// Gateways and DNSServers in the adapter's order; IPv6 link-local
	// addresses carry their scope as zone ("fe80::1%12").
	Gateways   []netip.Addr `json:"gateways,omitempty"`
	DNSServers []netip.Addr `json:"dnsServers,omitempty"`
}
