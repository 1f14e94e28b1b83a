package sysnet

import (
	"encoding/json"
	"net/netip"
	"os"
	"testing"

	"github.com/netlab-classroom/netlab/netengine/internal/winadapt"
)

func loadAdapters(t *testing.T, file string) []winadapt.Adapter {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var ads []winadapt.Adapter
	if err := json.Unmarshal(b, &ads); err != nil {
		t.Fatal(err)
	}
	return ads
}

// Samples: adapters-wine8.json was recorded with winadapt's TestRead under
// wine 8 on the Debian CI machine (wine shows the Linux interfaces);
// adapters-windows11-constructed.json is written by hand after a Windows 11
// classroom PC (Ethernet and Wi-Fi both up, a USB adapter unplugged,
// Hyper-V's switch with the unspecified gateway Windows reports there).
func TestGatewaysFromAdapters(t *testing.T) {
	tests := []struct{ file, want string }{
		{"testdata/adapters-wine8.json", "eth0 192.0.2.1"},
		{"testdata/adapters-windows11-constructed.json", "Ethernet 192.168.10.1, Wi-Fi 10.20.0.1, Ethernet fe80::1"},
	}
	for _, tt := range tests {
		got := gatewaysFromAdapters(loadAdapters(t, tt.file))
		if gwStrings(got) != tt.want {
			t.Errorf("%s: %q, want %q", tt.file, gwStrings(got), tt.want)
		}
	}
	got := gatewaysFromAdapters(loadAdapters(t, "testdata/adapters-windows11-constructed.json"))
	if got[0].Metric != 25 || got[1].Metric != 35 {
		t.Errorf("metrics %d %d, want the adapters' 25 35", got[0].Metric, got[1].Metric)
	}
	if a, ok := GatewayFor(got, "Ethernet", netip.MustParseAddr("2001:db8::5")); !ok || a.String() != "fe80::1" {
		t.Errorf("GatewayFor(Ethernet, v6) = %v %v", a, ok)
	}
	if gatewaysFromAdapters(nil) != nil {
		t.Error("no adapters: want no gateways")
	}
}

func TestDefaultRoutesBSD(t *testing.T) {
	name := func(i int) string { return map[int]string{1: "lo0", 6: "en0", 7: "en1", 20: "utun3"}[i] }
	a := netip.MustParseAddr
	up, gw, scoped := bsdRTFUp, bsdRTFGateway, bsdRTFIfscope
	// A MacBook on Wi-Fi (en0) with a USB Ethernet (en1) and a VPN (utun3),
	// as `netstat -rn` lists it; constructed from that listing, not recorded.
	rs := []routeEntry{
		{Dst: a("0.0.0.0"), MaskLen: 0, Gateway: a("192.168.1.1"), Index: 6, Flags: up | gw | 0x800},                  // default 192.168.1.1 UGScg en0
		{Dst: a("0.0.0.0"), MaskLen: 0, Gateway: netip.Addr{}, Index: 20, Flags: up | gw | scoped},                    // default link#20 UCSIg utun3
		{Dst: a("0.0.0.0"), MaskLen: 0, Gateway: a("10.0.0.1"), Index: 7, Flags: up | gw | scoped},                    // default 10.0.0.1 UGScIg en1
		{Dst: a("0.0.0.0"), MaskLen: 0, Gateway: a("192.168.1.1"), Index: 6, Flags: up | gw | scoped},                 // scoped copy of the first
		{Dst: a("127.0.0.0"), MaskLen: 8, Gateway: a("127.0.0.1"), Index: 1, Flags: up | gw},                          // 127 127.0.0.1 UCS lo0
		{Dst: a("192.168.1.0"), MaskLen: 24, Gateway: netip.Addr{}, Index: 6, Flags: up},                              // 192.168.1 link#6 UCS en0
		{Dst: a("0.0.0.0"), MaskLen: 0, Gateway: a("10.9.9.9"), Index: 7, Flags: up | gw | bsdRTFReject},              // rejected
		{Dst: a("::"), MaskLen: 0, Gateway: kameAddr([16]byte{0xfe, 0x80, 0, 6, 15: 1}, 0), Index: 6, Flags: up | gw}, // default fe80::1%en0 UGcg en0
		{Dst: a("::1"), MaskLen: -1, Gateway: a("::1"), Index: 1, Flags: up | gw},
	}
	want := "en0 192.168.1.1, en1 10.0.0.1, en0 fe80::1"
	got := defaultRoutes(rs, name)
	if gwStrings(got) != want {
		t.Fatalf("%q, want %q", gwStrings(got), want)
	}
	if got[0].Metric != 0 || got[1].Metric != 1 {
		t.Errorf("metrics %d %d: the route in use first, scoped after", got[0].Metric, got[1].Metric)
	}
}

func TestKameAddr(t *testing.T) {
	for _, tt := range []struct {
		b    [16]byte
		zone int
		want string
	}{
		{[16]byte{0xfe, 0x80, 0, 4, 15: 1}, 0, "fe80::1%4"},
		{[16]byte{0xfe, 0x80, 0, 4, 15: 1}, 9, "fe80::1%9"},
		{[16]byte{0xfe, 0x80, 15: 1}, 0, "fe80::1"},
		{[16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}, 0, "2001:db8::1"},
	} {
		if got := kameAddr(tt.b, tt.zone).String(); got != tt.want {
			t.Errorf("kameAddr(%x, %d) = %s, want %s", tt.b, tt.zone, got, tt.want)
		}
	}
}
