package vnet

import (
	"net/netip"
)

// The classroom topology's names and addresses.
const (
	LANSwitch = "sw1"
	WANSwitch = "sw2"
	RouterR1  = "r1"
)

var (
	ClassroomLAN     = netip.MustParsePrefix("192.168.1.0/24")
	ClassroomWAN     = netip.MustParsePrefix("10.0.0.0/24")
	ClassroomGateway = netip.MustParseAddr("192.168.1.1")
	ClassroomWANGw   = netip.MustParseAddr("10.0.0.1")
	ClassroomDNS     = netip.MustParseAddr("10.0.0.53")
	ClassroomWeb     = netip.MustParseAddr("192.168.1.20")
	ClassroomServer  = netip.MustParseAddr("10.0.0.2")
)

// ClassroomOptions tune Classroom.
type ClassroomOptions struct {
	Options
	NoNAT bool       // route the LAN unchanged instead of NAT at r1's wan side
	TCP   TCPOptions // every host's TCP knobs
}

// Classroom builds the standard classroom network:
//
//	pc1    192.168.1.10 ─┐
//	pc2    192.168.1.11 ─┤ sw1 ── r1 lan 192.168.1.1 | r1 wan 10.0.0.1 (NAT) ── sw2 ─┬─ server 10.0.0.2
//	web    192.168.1.20 ─┘                                                          └─ dns    10.0.0.53
//
// All /24. LAN hosts have gateway 192.168.1.1, far-side hosts 10.0.0.1; all
// use 10.0.0.53 as DNS server. Links are named after their ends: "pc1-sw1",
// "pc2-sw1", "web-sw1", "r1-sw1", "r1-sw2", "server-sw2", "dns-sw2". Nothing
// runs on the hosts yet: scenarios and `netlab vnet serve` start the apps.
func Classroom() (*Network, error) { return ClassroomWith(ClassroomOptions{}) }

// ClassroomWith builds the classroom network with options.
func ClassroomWith(opt ClassroomOptions) (_ *Network, err error) {
	n := New(opt.Options)
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	sw1, sw2 := n.AddSwitch(LANSwitch), n.AddSwitch(WANSwitch)
	nat := "wan"
	if opt.NoNAT {
		nat = ""
	}
	r, err := n.AddRouter(RouterConfig{Name: RouterR1, NAT: nat, Ifaces: []RouterIfaceConfig{
		{Name: "lan", Addr: netip.PrefixFrom(ClassroomGateway, 24)},
		{Name: "wan", Addr: netip.PrefixFrom(ClassroomWANGw, 24)},
	}})
	if err != nil {
		return nil, err
	}
	if _, err := n.Link(r.Iface(0), sw1.Port(), "r1-sw1"); err != nil {
		return nil, err
	}
	if _, err := n.Link(r.Iface(1), sw2.Port(), "r1-sw2"); err != nil {
		return nil, err
	}
	hosts := []struct {
		name string
		addr netip.Addr
		gw   netip.Addr
		sw   *Switch
	}{
		{"pc1", netip.MustParseAddr("192.168.1.10"), ClassroomGateway, sw1},
		{"pc2", netip.MustParseAddr("192.168.1.11"), ClassroomGateway, sw1},
		{"web", ClassroomWeb, ClassroomGateway, sw1},
		{"server", ClassroomServer, ClassroomWANGw, sw2},
		{"dns", ClassroomDNS, ClassroomWANGw, sw2},
	}
	for _, hc := range hosts {
		h, err := n.AddHost(HostConfig{Name: hc.name, Addr: netip.PrefixFrom(hc.addr, 24), Gateway: hc.gw, DNS: ClassroomDNS, TCP: opt.TCP})
		if err != nil {
			return nil, err
		}
		if _, err := n.Link(h.Port(), hc.sw.Port(), hc.name+"-"+hc.sw.name); err != nil {
			return nil, err
		}
	}
	return n, nil
}
