package dnsx

import (
	"fmt"

	"github.com/netlab-classroom/netlab/netengine/internal/winadapt"
)

// SystemServers returns the system's DNS servers as "host:port": those of
// the network adapters that are up (GetAdaptersAddresses), the preferred
// adapter's first.
func SystemServers() ([]string, error) {
	ads, err := winadapt.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoSystemServers, err)
	}
	out := serversFromAdapters(ads)
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no network adapter has a DNS server", ErrNoSystemServers)
	}
	return out, nil
}
