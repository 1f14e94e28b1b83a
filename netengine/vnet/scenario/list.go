package scenario

// all is the catalogue, in teaching order.
var all = []Scenario{
	{
		Name:  "handshake",
		Title: Text{"Three-way handshake and four-way close", "三次握手与四次挥手"},
		About: Text{
			"pc1 connects to web port 80, sends a line, and closes; web closes too. Every segment is real, with real sequence numbers, and pc1 ends in TIME-WAIT (2MSL, shortened to 2 s).",
			"pc1 连接 web 的 80 端口，发送一行文字后关闭；web 随后也关闭。每个报文段都是真实的，带有真实的序号，最后 pc1 进入 TIME-WAIT（2MSL，缩短为 2 秒）。"},
		LookFor: []Text{
			{"SYN seq=x from pc1, SYN+ACK seq=y ack=x+1 from web, ACK ack=y+1 from pc1 (relative numbers: 0, 0/1, 1/1).", "pc1 发 SYN seq=x，web 回 SYN+ACK seq=y ack=x+1，pc1 再发 ACK ack=y+1（相对序号：0、0/1、1/1）。"},
			{"The data segment (PSH,ACK) and web's ACK: ack grows by the number of bytes.", "数据段（PSH,ACK）和 web 的 ACK：ack 增加的正是数据的字节数。"},
			{"The close: FIN from pc1, ACK from web, FIN from web, ACK from pc1. A FIN counts as one byte.", "挥手：pc1 发 FIN，web 回 ACK，web 发 FIN，pc1 回 ACK。FIN 占一个序号。"},
			{"The side that closes first (pc1) waits in TIME-WAIT; no packet marks its end.", "先关闭的一方（pc1）进入 TIME-WAIT；它结束时线路上没有报文。"},
		},
		Card: "tcp-handshake", Hosts: []string{"pc1", "web"}, run: runHandshake,
	},
	{
		Name:  "http-short",
		Title: Text{"HTTP short connections", "HTTP 短连接"},
		About: Text{
			"pc1 fetches three pages from web; the server answers \"Connection: close\", so each request gets its own TCP connection.",
			"pc1 从 web 获取三个页面；服务器回复 “Connection: close”，所以每个请求都单独建立一个 TCP 连接。"},
		LookFor: []Text{
			{"Count the SYNs: three handshakes for three requests.", "数一数 SYN：三个请求，三次握手。"},
			{"The server sends its FIN first, right after the response.", "服务器在响应之后先发送 FIN。"},
		},
		Card: "http", Hosts: []string{"pc1", "web"}, run: runHTTPShort,
	},
	{
		Name:  "http-keepalive",
		Title: Text{"HTTP keep-alive (long connection)", "HTTP 长连接（keep-alive）"},
		About: Text{
			"pc1 fetches the same three pages over one connection: HTTP/1.1 keeps it open between requests.",
			"pc1 通过同一个连接获取同样的三个页面：HTTP/1.1 在请求之间保持连接。"},
		LookFor: []Text{
			{"One SYN, three requests and three responses, one close.", "一次 SYN，三个请求和三个响应，一次挥手。"},
			{"The client closes first this time.", "这次由客户端先关闭。"},
		},
		Card: "http", Hosts: []string{"pc1", "web"}, run: runHTTPKeepAlive,
	},
	{
		Name:  "rst",
		Title: Text{"Abort: RST", "中止连接：RST"},
		About: Text{
			"Two ways to get a reset: a SYN to a port where nothing listens, and a close while received data is still unread.",
			"两种得到复位（RST）的方式：向没有程序监听的端口发送 SYN，以及在还有未读数据时关闭连接。"},
		LookFor: []Text{
			{"SYN to port 81, answered by RST,ACK: \"connection refused\".", "发往 81 端口的 SYN 得到 RST,ACK：“连接被拒绝”。"},
			{"On port 80, pc1 closes without reading: RST instead of FIN, no four-way close, no TIME-WAIT.", "在 80 端口，pc1 不读数据就关闭：发出的是 RST 而不是 FIN，没有四次挥手，也没有 TIME-WAIT。"},
		},
		Card: "tcp-close", Hosts: []string{"pc1", "web"}, run: runRST,
	},
	{
		Name:  "half-close",
		Title: Text{"Half-close", "半关闭"},
		About: Text{
			"pc1 sends its request and shuts down only its sending side (shutdown(SHUT_WR)); web reads to the end and still answers before it closes.",
			"pc1 发送请求后只关闭发送方向（shutdown(SHUT_WR)）；web 读到结尾后仍然回复，然后才关闭。"},
		LookFor: []Text{
			{"pc1's FIN comes before web's data: after a FIN, data still flows the other way.", "pc1 的 FIN 出现在 web 的数据之前：发出 FIN 后，另一个方向仍可传数据。"},
			{"web's FIN ends the connection.", "web 的 FIN 结束了连接。"},
		},
		Card: "tcp-close", Hosts: []string{"pc1", "web"}, run: runHalfClose,
	},
	{
		Name:  "loss",
		Title: Text{"A lost segment and its retransmission", "报文段丢失与重传"},
		About: Text{
			"The cable drops pc1's second data segment once. pc1's stack gets no ACK for it and sends it again.",
			"网线丢掉 pc1 的第二个数据段一次。pc1 的协议栈收不到它的 ACK，于是重新发送。"},
		LookFor: []Text{
			{"The dropped segment (marked dropped) and, later, a segment with the same sequence number: the retransmission.", "被丢弃的报文段（标为丢弃），以及随后序号相同的报文段：重传。"},
			{"web's ACK only moves on after the retransmission arrives.", "只有重传到达后，web 的 ACK 才向前推进。"},
		},
		Card: "tcp-reliability", Hosts: []string{"pc1", "web"}, run: runLoss,
	},
	{
		Name:  "zero-window",
		Title: Text{"Zero window: the receiver does not read", "零窗口：接收方不读取"},
		About: Text{
			"web has a 4 KiB receive buffer and its program does not read; pc1 sends 16 KiB. The window falls to 0, pc1 probes, and once web reads, the rest flows.",
			"web 的接收缓冲区只有 4 KiB 且程序不读取；pc1 发送 16 KiB。窗口降为 0，pc1 发送窗口探测，等 web 开始读取，其余数据继续传送。"},
		LookFor: []Text{
			{"web's win shrinking to 0 (ZeroWindow).", "web 的 win 逐渐降到 0（零窗口）。"},
			{"pc1's window probes and web's answers with win 0.", "pc1 的窗口探测以及 web 以 win 0 作答。"},
			{"A window update from web when its program reads, then the remaining data.", "web 的程序读取后发出窗口更新，随后是剩余的数据。"},
		},
		Card: "tcp-flow", Hosts: []string{"pc1", "web"}, run: runZeroWindow,
	},
	{
		Name:  "arp",
		Title: Text{"ARP on first contact", "首次通信时的 ARP"},
		About: Text{
			"pc1 sends two UDP datagrams to pc2 on the same LAN. For the first it must learn pc2's MAC address with ARP.",
			"pc1 向同一局域网内的 pc2 发送两个 UDP 数据报。发送第一个之前，它必须用 ARP 查到 pc2 的 MAC 地址。"},
		LookFor: []Text{
			{"\"Who has 192.168.1.11? Tell 192.168.1.10\" to ff:ff:ff:ff:ff:ff, copied by the switch to every port.", "发往 ff:ff:ff:ff:ff:ff 的 “谁是 192.168.1.11？请告诉 192.168.1.10”，交换机把它复制到每个端口。"},
			{"pc2's unicast reply \"192.168.1.11 is at …\", then the datagram.", "pc2 的单播回答 “192.168.1.11 的 MAC 是 …”，然后才是数据报。"},
			{"The second datagram needs no ARP; the switch now sends it only to pc2's port.", "第二个数据报不再需要 ARP；交换机也只把它送往 pc2 的端口。"},
		},
		Card: "arp", Hosts: []string{"pc1", "pc2"}, run: runARP,
	},
	{
		Name:  "wrong-mask",
		Title: Text{"Wrong subnet mask", "子网掩码错误"},
		About: Text{
			"web's mask is set to 255.255.255.248 instead of 255.255.255.0. pc1 tries to connect to it.",
			"web 的掩码被设成 255.255.255.248，而不是 255.255.255.0。pc1 尝试连接它。"},
		LookFor: []Text{
			{"pc1's SYNs reach web (web-sw1), but no SYN+ACK comes back: pc1 retries, then gives up.", "pc1 的 SYN 到达了 web（web-sw1），却没有 SYN+ACK 返回：pc1 重试，然后放弃。"},
			{"The notes say why: with a /29 mask, pc1 and the gateway are both outside web's network.", "说明里解释了原因：掩码为 /29 时，pc1 和网关都不在 web 的网络内。"},
		},
		Card: "ip-mask", Hosts: []string{"pc1", "web"}, run: runWrongMask,
	},
	{
		Name:  "wrong-gateway",
		Title: Text{"Wrong default gateway", "默认网关错误"},
		About: Text{
			"pc1's default gateway is set to 192.168.1.254, where there is no router. pc1 tries to reach the server 10.0.0.2 on the other network.",
			"pc1 的默认网关被设成 192.168.1.254，那里并没有路由器。pc1 尝试访问另一个网络上的服务器 10.0.0.2。"},
		LookFor: []Text{
			{"ARP requests for 192.168.1.254 that nobody answers.", "询问 192.168.1.254 的 ARP 请求无人应答。"},
			{"Not one SYN leaves pc1: without the gateway's MAC there is nowhere to send it.", "没有一个 SYN 离开 pc1：不知道网关的 MAC，就无处可发。"},
		},
		Card: "ip-gateway", Hosts: []string{"pc1", "server"}, run: runWrongGateway,
	},
	{
		Name:  "nat",
		Title: Text{"NAT at the router", "路由器上的 NAT"},
		About: Text{
			"pc1 (192.168.1.10) fetches a page from the server 10.0.0.2 beyond the router r1, which translates addresses and ports (source NAT).",
			"pc1（192.168.1.10）从路由器 r1 另一侧的服务器 10.0.0.2 获取页面，r1 转换地址和端口（源 NAT）。"},
		LookFor: []Text{
			{"The same connection on r1-sw1 (192.168.1.10:port) and on r1-sw2 (10.0.0.1:50000).", "同一个连接在 r1-sw1 上是 192.168.1.10:端口，在 r1-sw2 上是 10.0.0.1:50000。"},
			{"The NAT table entry that links the two, and the server's replies translated back.", "把二者联系起来的 NAT 表项，以及服务器的回复被转换回来。"},
		},
		Card: "nat", Hosts: []string{"pc1", "server"}, run: runNAT,
	},
	{
		Name:  "dns",
		Title: Text{"DNS over UDP", "基于 UDP 的 DNS"},
		About: Text{
			"pc1 asks the classroom DNS server (10.0.0.53) for the address of www.classroom.lab.",
			"pc1 向课堂 DNS 服务器（10.0.0.53）查询 www.classroom.lab 的地址。"},
		LookFor: []Text{
			{"One UDP datagram to port 53 and one back, with the same ID; no handshake.", "一个发往 53 端口的 UDP 数据报和一个回复，ID 相同；没有握手。"},
			{"The query leaves through the router, NAT-translated like any other traffic.", "查询经路由器发出，和其他流量一样经过 NAT 转换。"},
		},
		Card: "dns", Hosts: []string{"pc1", "dns"}, run: runDNS,
	},
}
