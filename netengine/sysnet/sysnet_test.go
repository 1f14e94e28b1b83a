package sysnet

import (
	"encoding/binary"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"testing"
)

func gwStrings(gs []Gateway) string {
	var s []string
	for _, g := range gs {
		s = append(s, g.Interface+" "+g.Addr.String())
	}
	return strings.Join(s, ", ")
}

func TestParseRouteSamples(t *testing.T) {
	tests := []struct{ file, want string }{
		{"testdata/route-docker.txt", "eth0 192.0.2.1"},
		{"testdata/route-laptop.txt", "wlp2s0 192.168.1.1, enp3s0 192.168.1.254"},
	}
	for _, tt := range tests {
		f, err := os.Open(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		g, err := ParseRoute(f, binary.LittleEndian)
		f.Close()
		if err != nil || gwStrings(g) != tt.want {
			t.Errorf("%s: %q %v, want %q", tt.file, gwStrings(g), err, tt.want)
		}
	}
	// big-endian kernels write the same value in the other order
	g, err := ParseRoute(strings.NewReader("Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\neth0\t00000000\tC0A80101\t0003\t0\t0\t0\t00000000\n"), binary.BigEndian)
	if err != nil || gwStrings(g) != "eth0 192.168.1.1" {
		t.Errorf("big endian: %q %v", gwStrings(g), err)
	}
	if _, err := ParseRoute(strings.NewReader("h\neth0\tZZ\t00\n"), binary.LittleEndian); err == nil {
		t.Error("garbage accepted")
	}
	if _, err := ParseRoute(strings.NewReader("h\neth0\tXX000000\t00000000\t0003\t0\t0\t0\t00000000\n"), binary.LittleEndian); err == nil {
		t.Error("bad hex accepted")
	}
}

func TestParseIPv6RouteSamples(t *testing.T) {
	tests := []struct{ file, want string }{
		{"testdata/ipv6_route-docker.txt", "eth0 fd00::1"},
		{"testdata/ipv6_route-laptop.txt", "wlp2s0 fe80::211:22ff:fe33:4455"},
	}
	for _, tt := range tests {
		f, err := os.Open(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		g, err := ParseIPv6Route(f)
		f.Close()
		if err != nil || gwStrings(g) != tt.want {
			t.Errorf("%s: %q %v, want %q", tt.file, gwStrings(g), err, tt.want)
		}
	}
	if _, err := ParseIPv6Route(strings.NewReader("00 00 00\n")); err == nil {
		t.Error("short line accepted")
	}
}

func TestInterfacesMatchNet(t *testing.T) {
	ifs, err := Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	std, _ := net.Interfaces()
	if len(ifs) != len(std) {
		t.Fatalf("%d interfaces, net has %d", len(ifs), len(std))
	}
	var sawLoop bool
	for i, x := range ifs {
		if x.Loopback {
			sawLoop = true
			for _, p := range x.Addrs {
				if p.Addr().Is4() && !p.Addr().IsLoopback() {
					t.Errorf("loopback %s has %s", x.Name, p)
				}
			}
		} else if sawLoop && x.Up && len(x.Addrs) > 0 {
			t.Errorf("interface %d %s listed after loopback", i, x.Name)
		}
		for _, p := range x.Addrs {
			if !p.IsValid() || p.Addr().Zone() != "" {
				t.Errorf("%s: bad prefix %v", x.Name, p)
			}
		}
	}
}

func TestPrefixes(t *testing.T) {
	_, n4, _ := net.ParseCIDR("192.168.1.23/24")
	n4.IP = net.ParseIP("192.168.1.23") // 16-byte form, as some systems return
	_, n6, _ := net.ParseCIDR("fd00::2/64")
	got := prefixes([]net.Addr{n4, n6, &net.IPAddr{IP: net.ParseIP("10.0.0.1")}})
	if len(got) != 2 || got[0] != netip.MustParsePrefix("192.168.1.23/24") || got[1] != netip.MustParsePrefix("fd00::/64") {
		t.Errorf("prefixes = %v", got)
	}
}

func TestDefaultGatewaysHere(t *testing.T) {
	g, err := DefaultGateways()
	if runtime.GOOS != "linux" && runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		if err != ErrNotAvailable {
			t.Errorf("err = %v", err)
		}
		return
	}
	if _, statErr := os.Stat("/proc/net/route"); statErr != nil {
		t.Skip("no /proc/net/route")
	}
	for _, x := range g {
		if !x.Addr.IsValid() || x.Interface == "" {
			t.Errorf("bad gateway %+v", x)
		}
	}
	if a, ok := GatewayFor(g, "nonexistent0", netip.MustParseAddr("1.2.3.4")); ok {
		t.Errorf("gateway for nonexistent interface: %s", a)
	}
}
