package dnsx

import (
	"net"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/netlab-classroom/netlab/netengine/internal/wine"
)

// TestSystemServersWindows calls GetAdaptersAddresses for real. Wine gives
// the adapters the Linux host's resolv.conf servers (Z:\etc\resolv.conf),
// so under wine (make test-windows) the result must be exactly those.
func TestSystemServersWindows(t *testing.T) {
	got, err := SystemServers()
	if !wine.Detected() {
		if err != nil {
			t.Skipf("no DNS server configured on this machine: %v", err)
		}
		for _, s := range got {
			if _, _, err := net.SplitHostPort(s); err != nil {
				t.Errorf("server %q: %v", s, err)
			}
		}
		return
	}
	cfg, cerr := dns.ClientConfigFromFile(`Z:\etc\resolv.conf`)
	if cerr != nil || len(cfg.Servers) == 0 {
		t.Skipf("host resolv.conf not visible or empty: %v", cerr)
	}
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, s := range cfg.Servers {
		want = append(want, net.JoinHostPort(s, "53"))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("SystemServers under wine = %v, host resolv.conf = %v", got, want)
	}
}
