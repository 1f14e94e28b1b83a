package packet

import (
	"encoding/binary"

	"github.com/miekg/dns"
)

// A classroom capture: ARP, a handshake with options, an HTTP exchange,
// a lost segment with SACKed dup ACKs and a fast retransmission, a zero
// window with a probe, a window update, a keep-alive, the close, an RST to
// a closed port, DNS, ICMP and IPv6.
const (
	cli  = "192.168.1.10:49152"
	srv  = "10.0.0.2:80"
	cISN = 1000000
	sISN = 5000000
)

type namedFrame struct {
	name string
	f    []byte
}

func dnsPayload(m *dns.Msg) []byte {
	b, err := m.Pack()
	if err != nil {
		panic(err)
	}
	return b
}

func dnsQuery() *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion("www.class.lab.", dns.TypeA)
	m.Id = 0x1234
	return m
}

func dnsAnswer() *dns.Msg {
	q := dnsQuery()
	r := new(dns.Msg)
	r.SetReply(q)
	r.Authoritative = true
	rr, _ := dns.NewRR("www.class.lab. 300 IN A 10.0.0.2")
	r.Answer = append(r.Answer, rr)
	return r
}

func dnsNX() *dns.Msg {
	q := new(dns.Msg)
	q.SetQuestion("nope.class.lab.", dns.TypeA)
	q.Id = 0x2222
	r := new(dns.Msg)
	r.SetRcode(q, dns.RcodeNameError)
	r.Authoritative = true
	soa, _ := dns.NewRR("class.lab. 300 IN SOA ns.class.lab. admin.class.lab. 1 3600 600 86400 300")
	r.Ns = append(r.Ns, soa)
	return r
}

const (
	httpGet  = "GET /index.html HTTP/1.1\r\nHost: www.class.lab\r\nUser-Agent: test\r\n\r\n"
	httpResp = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello"
)

func classroomFrames() []namedFrame {
	synOpts := cat(optMSS(1460), optSACKOK(), optTS(100, 0), optWS(7))
	c1 := uint32(cISN + 1)
	s1 := uint32(sISN + 1)
	g := uint32(len(httpGet))
	r := uint32(len(httpResp))
	d := "0123456789012345678901234567890123456789" // 40 bytes of later data
	n := uint32(len(d))
	var fr []namedFrame
	add := func(name string, f []byte) { fr = append(fr, namedFrame{name, f}) }
	add("arp-req", arpFrame(1, "192.168.1.10", "192.168.1.1", [6]byte{}))
	add("arp-rep", arpFrame(2, "192.168.1.1", "192.168.1.10", macOf(netip4("192.168.1.10"))))
	add("syn", seg{cli, srv, FlagSYN, cISN, 0, 64240, synOpts, ""}.frame())
	add("synack", seg{srv, cli, FlagSYN | FlagACK, sISN, c1, 65160, cat(optMSS(1460), optSACKOK(), optTS(200, 100), optWS(7)), ""}.frame())
	add("ack", seg{cli, srv, FlagACK, c1, s1, 502, nil, ""}.frame())
	add("get", seg{cli, srv, FlagPSH | FlagACK, c1, s1, 502, nil, httpGet}.frame())
	add("ack-get", seg{srv, cli, FlagACK, s1, c1 + g, 509, nil, ""}.frame())
	add("resp", seg{srv, cli, FlagPSH | FlagACK, s1, c1 + g, 509, nil, httpResp}.frame())
	add("ack-resp", seg{cli, srv, FlagACK, c1 + g, s1 + r, 502, nil, ""}.frame())
	add("data1-lost", seg{srv, cli, FlagACK, s1 + r, c1 + g, 509, nil, d}.frame())
	add("data2", seg{srv, cli, FlagPSH | FlagACK, s1 + r + n, c1 + g, 509, nil, d}.frame())
	add("dup1", seg{cli, srv, FlagACK, c1 + g, s1 + r, 502, optSACK(s1+r+n, s1+r+2*n), ""}.frame())
	add("dup2", seg{cli, srv, FlagACK, c1 + g, s1 + r, 502, optSACK(s1+r+n, s1+r+2*n), ""}.frame())
	add("fast-retrans", seg{srv, cli, FlagACK, s1 + r, c1 + g, 509, nil, d}.frame())
	add("ack-all-zero", seg{cli, srv, FlagACK, c1 + g, s1 + r + 2*n, 0, nil, ""}.frame())
	add("zw-probe", seg{srv, cli, FlagACK, s1 + r + 2*n, c1 + g, 509, nil, "x"}.frame())
	add("zw-probe-ack", seg{cli, srv, FlagACK, c1 + g, s1 + r + 2*n, 0, nil, ""}.frame())
	add("win-update", seg{cli, srv, FlagACK, c1 + g, s1 + r + 2*n, 502, nil, ""}.frame())
	add("keepalive", seg{cli, srv, FlagACK, c1 + g - 1, s1 + r + 2*n, 502, nil, ""}.frame())
	add("keepalive-ack", seg{srv, cli, FlagACK, s1 + r + 2*n, c1 + g, 509, nil, ""}.frame())
	add("fin1", seg{cli, srv, FlagFIN | FlagACK, c1 + g, s1 + r + 2*n, 502, nil, ""}.frame())
	add("fin2", seg{srv, cli, FlagFIN | FlagACK, s1 + r + 2*n, c1 + g + 1, 509, nil, ""}.frame())
	add("last-ack", seg{cli, srv, FlagACK, c1 + g + 1, s1 + r + 2*n + 1, 502, nil, ""}.frame())
	add("syn-81", seg{"192.168.1.10:49153", "10.0.0.2:81", FlagSYN, 777, 0, 64240, optMSS(1460), ""}.frame())
	add("rst-81", seg{"10.0.0.2:81", "192.168.1.10:49153", FlagRST | FlagACK, 0, 778, 0, nil, ""}.frame())
	add("dns-q", udpFrame("192.168.1.10:53000", "10.0.0.53:53", dnsPayload(dnsQuery())))
	add("dns-a", udpFrame("10.0.0.53:53", "192.168.1.10:53000", dnsPayload(dnsAnswer())))
	add("dns-nx", udpFrame("10.0.0.53:53", "192.168.1.10:53001", dnsPayload(dnsNX())))
	add("ping", icmpFrame("192.168.1.10", "10.0.0.2", 8, 0, echoRest(1, 1, 56)))
	add("pong", icmpFrame("10.0.0.2", "192.168.1.10", 0, 0, echoRest(1, 1, 56)))
	udp := udpFrame("192.168.1.10:5000", "10.0.0.2:6000", []byte("hello"))
	add("udp", udp)
	add("port-unreach", icmpFrame("10.0.0.2", "192.168.1.10", 3, 3, append([]byte{0, 0, 0, 0}, udp[14:14+28]...)))
	add("host-unreach", icmpFrame("192.168.1.1", "192.168.1.10", 3, 1, append([]byte{0, 0, 0, 0}, udp[14:14+28]...)))
	add("syn6", seg{"[fd00::10]:49200", "[fd00::2]:80", FlagSYN, 42, 0, 64800, optMSS(1440), ""}.frame())
	add("synack6", seg{"[fd00::2]:80", "[fd00::10]:49200", FlagSYN | FlagACK, 9000, 43, 64800, optMSS(1440), ""}.frame())
	add("ping6", icmpFrame("fd00::10", "fd00::2", 128, 0, echoRest(7, 3, 16)))
	add("ns6", icmpFrame("fd00::10", "ff02::1:ff00:2", 135, 0, append([]byte{0, 0, 0, 0}, netip6("fd00::2")...)))
	add("garp", arpFrame(1, "192.168.1.10", "192.168.1.10", [6]byte{}))
	q := dnsPayload(dnsQuery())
	add("dns-tcp", seg{"192.168.1.10:53100", "10.0.0.53:53", FlagPSH | FlagACK, 1, 1, 502, nil, string(append([]byte{0, byte(len(q))}, q...))}.frame())
	frag := udpFrame("192.168.1.10:5000", "10.0.0.2:6000", []byte("second fragment"))
	binary.BigEndian.PutUint16(frag[20:], 185) // fragment offset 1480, MF clear
	binary.BigEndian.PutUint16(frag[24:], 0)
	binary.BigEndian.PutUint16(frag[24:], fold(csum(0, frag[14:34])))
	add("frag", frag)
	return fr
}
