package sysnet

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/netlab-classroom/netlab/netengine/internal/wine"
)

// TestDefaultGatewaysWindows runs GetAdaptersAddresses for real. Under
// wine (make test-windows) the adapters are the Linux host's interfaces,
// so the IPv4 gateways must be exactly those of the host's
// /proc/net/route, which wine shows as Z:\proc\net\route.
func TestDefaultGatewaysWindows(t *testing.T) {
	g, err := DefaultGateways()
	if err != nil {
		t.Fatal(err)
	}
	ifs, err := Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, i := range ifs {
		names[i.Name] = true
	}
	for _, x := range g {
		if !x.Addr.IsValid() || !names[x.Interface] {
			t.Errorf("gateway %+v: bad address or not one of the interfaces %v", x, names)
		}
	}
	if !wine.Detected() {
		return
	}
	f, err := os.Open(`Z:\proc\net\route`)
	if err != nil {
		t.Skipf("host route table not visible: %v", err)
	}
	defer f.Close()
	host, err := ParseRoute(f, binary.LittleEndian)
	if err != nil {
		t.Fatal(err)
	}
	var v4 []Gateway
	for _, x := range g {
		if x.Addr.Is4() {
			v4 = append(v4, x)
		}
	}
	if gwStrings(v4) != gwStrings(host) {
		t.Errorf("GetAdaptersAddresses under wine: %q; host /proc/net/route: %q", gwStrings(v4), gwStrings(host))
	}
}
