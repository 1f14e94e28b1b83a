package scenario

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/miekg/dns"
	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
)

// arp: pc1's first datagram to pc2 needs pc2's MAC: a broadcast question,
// a unicast answer, then the datagram; the second datagram needs no ARP.
func runARP(e *env) error {
	pc1, pc2 := e.host("pc1"), e.host("pc2")
	echo, err := pc2.ListenUDP(7)
	if err != nil {
		return err
	}
	e.defer_(func() { echo.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := echo.ReadFrom(buf)
			if err != nil {
				return
			}
			echo.WriteTo(buf[:n], from)
		}
	}()
	c, err := pc1.DialUDP(netip.AddrPortFrom(pc2Addr, 7))
	if err != nil {
		return err
	}
	e.defer_(func() { c.Close() })
	buf := make([]byte, 64)
	for _, msg := range []string{"first", "second"} {
		if _, err := c.Write([]byte(msg)); err != nil {
			return err
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(buf); err != nil {
			return err
		}
		if _, err := e.wait("pc2's echo", func(f vnet.Frame, b *packet.Brief) bool {
			return f.Link == lanClient && b.Src == pc2Addr && b.Transport == packet.TransportUDP
		}); err != nil {
			return err
		}
	}
	e.quiet(20 * time.Millisecond)
	mac := pc1.ARP()[pc2Addr]
	e.note("pc1 knew pc2's IP address but not its MAC address, so it broadcast \"who has 192.168.1.11?\" (the switch sent it to every port); pc2 answered with its MAC %s. The second datagram went straight out: pc1's ARP cache now says 192.168.1.11 is at %s.",
		"pc1 知道 pc2 的 IP 地址但不知道它的 MAC 地址，于是广播“谁是 192.168.1.11？”（交换机把它发往每个端口）；pc2 回答了自己的 MAC %s。第二个数据报直接发出：pc1 的 ARP 缓存里已经记下 192.168.1.11 对应 %s。", mac, mac)
	return nil
}

// wrong-mask: web's mask is 255.255.255.248 (/29): its network shrinks to
// 192.168.1.16–23, pc1 is outside it and so is the gateway: web has no way
// back, and pc1's SYNs go unanswered.
func runWrongMask(e *env) error {
	pc1, web := e.host("pc1"), e.host("web")
	if err := web.SetAddr(netip.MustParsePrefix("192.168.1.20/29"), vnet.ClassroomGateway); err != nil {
		return err
	}
	l, err := web.ListenTCP(80)
	if err != nil {
		return err
	}
	e.defer_(func() { l.Close() })
	ctx, cancel := contextWithTimeout(e, 2500*time.Millisecond)
	defer cancel()
	_, derr := pc1.DialTCP(ctx, webHTTP)
	if derr == nil {
		return errors.New("pc1 reached web although web's mask is wrong")
	}
	if _, err := e.wait("pc1's second SYN", func(f vnet.Frame, b *packet.Brief) bool {
		return f.Link == webLink && b.Src == pc1Addr && b.Flags == packet.FlagSYN
	}); err != nil {
		return err
	}
	e.note("web has address 192.168.1.20 with mask 255.255.255.248 (/29), so it thinks its network is 192.168.1.16–192.168.1.23. pc1 (192.168.1.10) is outside that range, so web would have to send its answer through the gateway, but the gateway 192.168.1.1 is outside it too: web has no route back. The SYNs arrive (see web-sw1), no SYN+ACK ever leaves, and pc1 gives up.",
		"web 的地址是 192.168.1.20，掩码 255.255.255.248（/29），所以它认为自己的网络是 192.168.1.16–192.168.1.23。pc1（192.168.1.10）不在这个范围内，web 只能经网关回复，但网关 192.168.1.1 也不在其中：web 没有回去的路由。SYN 到达了（见 web-sw1），却没有 SYN+ACK 发出，pc1 最终放弃。")
	return nil
}

// wrong-gateway: pc1's gateway is 192.168.1.254, where nobody is: ARP for
// it goes unanswered, so not one packet for the server leaves pc1.
func runWrongGateway(e *env) error {
	pc1, server := e.host("pc1"), e.host("server")
	bad := netip.MustParseAddr("192.168.1.254")
	if err := pc1.SetAddr(netip.PrefixFrom(pc1Addr, 24), bad); err != nil {
		return err
	}
	l, err := server.ListenTCP(80)
	if err != nil {
		return err
	}
	e.defer_(func() { l.Close() })
	start := time.Now()
	_, derr := pc1.DialTCP(e.ctx, netip.AddrPortFrom(vnet.ClassroomServer, 80))
	if derr == nil {
		return errors.New("pc1 reached the server through a gateway that does not exist")
	}
	el := time.Since(start).Round(100 * time.Millisecond)
	e.quiet(20 * time.Millisecond)
	e.note("The server 10.0.0.2 is not on pc1's network 192.168.1.0/24, so pc1 must hand the packet to its default gateway, 192.168.1.254. Nobody has that address: pc1 asked \"who has 192.168.1.254?\" again and again, got no answer, and after %s gave up (%v). Not one packet for 10.0.0.2 left pc1. The router is 192.168.1.1.",
		"服务器 10.0.0.2 不在 pc1 的网络 192.168.1.0/24 内，所以 pc1 必须把报文交给默认网关 192.168.1.254。但没有任何设备使用这个地址：pc1 一次次询问“谁是 192.168.1.254？”，没有回应，%s 后放弃（%v）。没有一个发往 10.0.0.2 的报文离开 pc1。路由器其实是 192.168.1.1。", el, derr)
	return nil
}

// dns: pc1 asks the classroom DNS server (10.0.0.53, beyond the router) for
// www.classroom.lab over UDP.
func runDNS(e *env) error {
	pc1, dnsHost := e.host("pc1"), e.host("dns")
	stop, err := StartDNS(dnsHost, nil)
	if err != nil {
		return err
	}
	e.defer_(stop)
	c, err := pc1.DialUDP(netip.AddrPortFrom(pc1.DNS(), 53))
	if err != nil {
		return err
	}
	e.defer_(func() { c.Close() })
	q := new(dns.Msg)
	q.SetQuestion("www.classroom.lab.", dns.TypeA)
	q.Id = 0x1234
	wire, err := q.Pack()
	if err != nil {
		return err
	}
	if _, err := c.Write(wire); err != nil {
		return err
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		return err
	}
	var r dns.Msg
	if err := r.Unpack(buf[:n]); err != nil {
		return err
	}
	if len(r.Answer) == 0 {
		return fmt.Errorf("no answer for www.classroom.lab (rcode %s)", dns.RcodeToString[r.Rcode])
	}
	e.quiet(20 * time.Millisecond)
	ans := r.Answer[0].(*dns.A).A
	e.note("One UDP datagram each way: pc1 asked 10.0.0.53 port 53 \"A www.classroom.lab?\" and the answer %s came back in a %d-byte reply with the same ID 0x%04x. No handshake: DNS over UDP is one question, one answer.",
		"每个方向只有一个 UDP 数据报：pc1 向 10.0.0.53 的 53 端口询问 “A www.classroom.lab?”，答案 %s 装在一个 %d 字节、ID 同为 0x%04x 的回复中返回。没有握手：基于 UDP 的 DNS 就是一问一答。", ans, n, r.Id)
	return nil
}
