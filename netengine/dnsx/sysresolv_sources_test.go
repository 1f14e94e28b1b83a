package dnsx

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/netlab-classroom/netlab/netengine/internal/winadapt"
)

// adapters-wine8.json: recorded with winadapt's TestRead under wine 8 on
// the Debian CI machine (wine gives every adapter the host's resolv.conf
// servers). adapters-windows11-constructed.json: written by hand after a
// Windows 11 classroom PC (Ethernet preferred over Wi-Fi by metric, the
// fec0:0:0:ffff::1-3 placeholders Windows shows when no IPv6 DNS server is
// configured, an unplugged adapter, the loopback).
func TestServersFromAdapters(t *testing.T) {
	tests := []struct{ file, want string }{
		{"testdata/adapters-wine8.json", "10.255.255.53:53"},
		{"testdata/adapters-windows11-constructed.json", "192.168.10.1:53 223.5.5.5:53 114.114.114.114:53"},
	}
	for _, tt := range tests {
		b, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		var ads []winadapt.Adapter
		if err := json.Unmarshal(b, &ads); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(serversFromAdapters(ads), " "); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.file, got, tt.want)
		}
	}
	if got := serversFromAdapters(nil); len(got) != 0 {
		t.Errorf("no adapters: %v", got)
	}
}

// The scutil samples follow the format of Apple's configd
// (_dns_resolver_print in dnsinfo_internal.h); they are constructed, not
// recorded on a Mac.
func TestParseScutilDNS(t *testing.T) {
	tests := []struct{ file, want string }{
		// resolver #1 only: #2 is a VPN's supplemental resolver for one
		// domain, #3/#4 mDNS; the scoped section is per interface
		{"testdata/scutil-dns-constructed.txt", "192.168.1.1:53 [fe80::1%en0]:53"},
		{"testdata/scutil-dns-noservers.txt", ""},
	}
	for _, tt := range tests {
		f, err := os.Open(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(parseScutilDNS(f), " ")
		f.Close()
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.file, got, tt.want)
		}
	}
	in := "DNS configuration\n\nresolver #1\n  nameserver[0] : 127.0.0.1\n  nameserver[1] : not-an-address\n  port     : 5353\n"
	if got := strings.Join(parseScutilDNS(strings.NewReader(in)), " "); got != "127.0.0.1:5353" {
		t.Errorf("port line: %q", got)
	}
	if got := parseScutilDNS(strings.NewReader("")); len(got) != 0 {
		t.Errorf("empty output: %v", got)
	}
}
