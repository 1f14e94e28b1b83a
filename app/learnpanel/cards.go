package learnpanel

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/netlab-classroom/netlab/netengine/httpteach"
)

// card is one reference card: a drawing, a few sentences and the pages
// where the student can try it.
type card struct {
	id    string
	title string // English key
	draw  func() *diagram
	text  []string // English keys, one paragraph each
	try   []string // page IDs
	// watch names scenarios of the virtual classroom network
	// (netengine/vnet/scenario) that show the card as packets.
	watch []string
	// http holds the HTTP messages the card shows, byte for byte as they
	// go on the wire; the drawing is made from them and a test checks
	// each with httpteach.
	http []string
}

// The messages of the anatomy card. Content-Length counts bytes, not
// characters: <h1>我是响应正文</h1> is 9 ASCII bytes plus 6 characters of
// 3 bytes each in UTF-8, 27 bytes; the charset says which encoding.
const (
	exampleRequest  = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: keep-alive\r\nAccept-Encoding: gzip\r\n\r\n"
	exampleResponse = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 27\r\nConnection: keep-alive\r\n\r\n<h1>我是响应正文</h1>"
)

var (
	cPrimary = theme.ColorNamePrimary
	cSuccess = theme.ColorNameSuccess
	cWarning = theme.ColorNameWarning
	cError   = theme.ColorNameError
	cFg      = theme.ColorNameForeground
	cMuted   = theme.ColorNamePlaceHolder
)

const (
	left   = fyne.TextAlignLeading
	center = fyne.TextAlignCenter
	right  = fyne.TextAlignTrailing
)

func cards() []card {
	return []card{
		{id: "layers", title: "TCP/IP four layers and OSI seven layers", draw: drawLayers, try: []string{"tcp"}, watch: []string{"http-short"},
			text: []string{
				"The Internet's protocols are called TCP/IP after its two most important ones. TCP/IP has four layers; the OSI model describes the same path with seven.",
				"Each layer uses the one below it: HTTP travels inside TCP, TCP inside IP packets, and IP packets inside Ethernet or Wi-Fi frames.",
			}},
		{id: "message", title: "Anatomy of an HTTP request and response", draw: drawMessage, try: []string{"tcp", "web"}, watch: []string{"http-short"},
			http: []string{exampleRequest, exampleResponse},
			text: []string{
				"A message has four parts: the start line (request line or status line), the headers, a blank line, and the body. Every line ends with CR LF.",
				"Host says which site on the server is meant; Content-Type tells the browser what the body is (the URL does not); Content-Encoding: gzip means the body must be unpacked first.",
				"Try it: start a TCP server on 127.0.0.1:8080, open it in a browser, read the request and type the response by hand.",
			}},
		{id: "properties", title: "Properties of HTTP", draw: drawProperties, try: []string{"web"}, watch: []string{"http-short", "http-keepalive"},
			text: []string{
				"Request/response: the client always asks and the server answers (client/server model).",
				"Connectionless: a short connection carries one request and is closed; HTTP/1.1 keep-alive reuses one TCP connection for many requests and saves the handshakes.",
				"Stateless: the server remembers nothing between requests. Cookie (kept by the browser) and Session (kept by the server) add the memory back.",
			}},
		{id: "pageload", title: "What happens when a page loads", draw: drawPageLoad, try: []string{"dns", "lab"}, watch: []string{"dns", "handshake"},
			text: []string{
				"0 The browser asks a DNS server for the web server's IP address. 1 It connects to port 80 with the 3-way handshake. 2 It sends the request message. 3 The server finds the resource and sends the response message. 4 The TCP connection is closed with the 4-way wave. 5 The browser renders the HTML.",
				"The side that closes first waits in TIME_WAIT for 2MSL, in case its last ACK was lost and the peer's FIN comes again.",
			}},
		{id: "tcp", title: "TCP: sequence numbers, loss, flow control, half-close and reset", draw: drawTCP, try: []string{"tcp", "lab"},
			watch: []string{"handshake", "loss", "zero-window", "half-close", "rst"},
			text: []string{
				"Every byte TCP sends has a number. The SYN picks the first one (seq=x); the peer acknowledges with ack=x+1, the number of the next byte it expects. A SYN and a FIN each count as one byte.",
				"A segment that is lost is never acknowledged: after a timeout (or three duplicate ACKs) the sender sends it again with the same sequence number. That is a retransmission.",
				"The window says how many more bytes the receiver can take. A receiver that does not read fills its buffer and advertises a zero window; the sender stops and probes until the window opens.",
				"Half-close: one side sends FIN (it has nothing more to say) but keeps reading; the other side is in CLOSE_WAIT and may still send. Reset: RST ends a connection at once, without the four-way wave, and unsent data is lost.",
			}},
		{id: "nat", title: "NAT: network address translation", draw: drawNAT, try: []string{"subnet"}, watch: []string{"nat"},
			text: []string{
				"At home, several devices share one public IP address. They get private addresses such as 192.168.1.2; the router owns the public address.",
				"On the way out the router replaces the private address and port with its public address and a port it chooses, and writes the pair into its table. On the way back it looks the port up and forwards the answer to the right device.",
			}},
		{id: "terms", title: "Network words: MAC, IP, mask, gateway and devices", draw: drawTerms, try: []string{"subnet", "dns", "web"},
			watch: []string{"arp", "wrong-mask", "wrong-gateway"},
			text: []string{
				"MAC address: marks the sender and receiver between devices (the network card's serial number).",
				"IP address: marks a computer logically and guides packets to it.",
				"Network mask: tells which bits of an IP address are the network number and which the host number.",
				"Default gateway: the computer that gets every packet whose destination is not in the local network.",
				"Hub: obsolete; connects computers but broadcasts everything, so the network gets crowded.",
				"Switch: an upgraded hub that learns which device is where and sends unicast or broadcast as needed.",
				"Router: connects different networks; on each hop the IP addresses stay the same but the MAC addresses change.",
				"Optical modem: like a modem, but on an optical fibre line: it turns light signals into electrical ones.",
				"DNS: resolves names to IP addresses, like a telephone book.",
				"HTTP server: provides the data that browsers can access.",
			}},
	}
}

func drawLayers() *diagram {
	d := newDiagram(640, 360)
	d.text(150, 18, lang.L("OSI seven layers"), center, cFg).bold()
	d.text(490, 18, lang.L("TCP/IP four layers"), center, cFg).bold()
	osi := []string{"Application layer", "Presentation layer", "Session layer", "Transport layer", "Network layer", "Data link layer", "Physical layer"}
	for i, n := range osi {
		d.box(40, 40+float32(i)*44, 220, 38, cMuted, lang.L(n))
	}
	type group struct {
		from, to int
		name     string
		eg       string
		c        fyne.ThemeColorName
	}
	for _, g := range []group{
		{0, 2, "Application layer", "HTTP · DNS · FTP", cPrimary},
		{3, 3, "Transport layer", "TCP · UDP", cSuccess},
		{4, 4, "Internet layer", "IP", cWarning},
		{5, 6, "Network interface layer", "Ethernet · Wi-Fi", cError},
	} {
		y := 40 + float32(g.from)*44
		h := float32(g.to-g.from+1)*44 - 6
		label := lang.L(g.name) + "\n" + g.eg
		if g.from == g.to {
			label = lang.L(g.name) + "  " + g.eg
		}
		d.box(380, y, 220, h, g.c, label).bold()
		d.line(260, y+h/2, 380, y+h/2, g.c)
	}
	return d
}

func drawMessage() *diagram {
	req, resp := httpteach.Analyze([]byte(exampleRequest)), httpteach.Analyze([]byte(exampleResponse))
	headers := func(m *httpteach.Message) string {
		var l []string
		for _, h := range m.Headers {
			l = append(l, h.Name+": "+h.Value)
		}
		return strings.Join(l, "\n")
	}
	reqBody := "(empty for GET)"
	if len(req.Body) > 0 {
		reqBody = string(req.Body)
	}
	// One label column between the two messages serves both (the rows are
	// the same parts), so each message gets the width its longest line
	// needs at 1024 px: the response's Content-Type line is the longest.
	d := newDiagram(620, 240)
	d.text(102, 14, lang.L("Request message"), center, cFg).bold()
	d.text(456, 14, lang.L("Response message"), center, cFg).bold()
	rows := []struct {
		y, h        float32
		c           fyne.ThemeColorName
		part        string
		reqC, respC string
	}{
		{34, 30, cPrimary, "Start line", req.StartLine, resp.StartLine},
		{68, 62, cSuccess, "Headers", headers(req), headers(resp)},
		{134, 26, cWarning, "Blank line", "CR LF", "CR LF"},
		{164, 56, cError, "Body", reqBody, string(resp.Body)},
	}
	for _, r := range rows {
		d.box(8, r.y, 186, r.h, r.c, bodyText(r.reqC)).mono().small()
		d.box(198, r.y, 90, r.h, r.c, lang.L(r.part)).filled(r.c).small()
		d.box(292, r.y, 324, r.h, r.c, bodyText(r.respC)).mono().small()
	}
	return d
}

// bodyText translates the one descriptive body text and keeps protocol text.
func bodyText(s string) string {
	if s == "(empty for GET)" {
		return lang.L(s)
	}
	return s
}

func drawProperties() *diagram {
	d := newDiagram(680, 300)
	// Request/response.
	d.text(160, 14, lang.L("Request / response"), center, cFg).bold()
	d.box(20, 34, 100, 56, cPrimary, lang.L("Browser"))
	d.box(200, 34, 100, 56, cSuccess, lang.L("Server"))
	d.arrow(120, 50, 200, 50, cPrimary, lang.L("request"))
	d.arrow(200, 80, 120, 80, cSuccess, "")
	d.text(160, 96, lang.L("response"), center, cFg).small()
	// Stateless: Cookie and Session.
	d.text(492, 14, lang.L("Stateless: Cookie and Session"), center, cFg).bold()
	d.box(305, 34, 90, 110, cPrimary, lang.L("Browser")+"\n\nCookie:\nsession=42").small()
	d.box(590, 34, 85, 110, cSuccess, lang.L("Server")+"\n\nSession 42:\n"+lang.L("user Li")).small()
	d.arrow(395, 58, 590, 58, cPrimary, "")
	d.text(492, 48, lang.L("log in"), center, cFg).small()
	d.arrow(590, 94, 395, 94, cSuccess, "")
	d.text(492, 84, "Set-Cookie: session=42", center, cFg).mono().small()
	d.arrow(395, 130, 590, 130, cPrimary, "")
	d.text(492, 120, "Cookie: session=42", center, cFg).mono().small()
	// Short vs keep-alive connections on a time line.
	d.text(20, 170, lang.L("Short connections"), left, cFg).bold()
	d.text(20, 240, lang.L("Keep-alive (long) connection"), left, cFg).bold()
	step := func(x, y float32, label string, c fyne.ThemeColorName) float32 {
		d.box(x, y, 70, 28, c, label).small()
		return x + 74
	}
	x := float32(20)
	for range 2 {
		x = step(x, 186, lang.L("connect"), cWarning)
		x = step(x, 186, lang.L("request"), cPrimary)
		x = step(x, 186, lang.L("response"), cSuccess)
		x = step(x, 186, lang.L("close"), cError)
	}
	x = 20
	x = step(x, 256, lang.L("connect"), cWarning)
	for range 3 {
		x = step(x, 256, lang.L("request"), cPrimary)
		x = step(x, 256, lang.L("response"), cSuccess)
	}
	step(x, 256, lang.L("close"), cError)
	return d
}

func drawPageLoad() *diagram {
	d := newDiagram(700, 440)
	bx, dx, wx := float32(150), float32(370), float32(580)
	d.box(bx-60, 6, 120, 32, cPrimary, lang.L("Browser")).bold()
	d.box(dx-60, 6, 120, 32, cWarning, lang.L("DNS server")).bold()
	d.box(wx-60, 6, 120, 32, cSuccess, lang.L("Web server")).bold()
	for _, x := range []float32{bx, dx, wx} {
		d.line(x, 40, x, 420, cMuted)
	}
	type msg struct {
		y        float32
		from, to float32
		label    string
		c        fyne.ThemeColorName
		cState   string // browser state after
		sState   string // server state after
	}
	msgs := []msg{
		{66, bx, dx, lang.L("0 DNS query: www.example.com?"), cWarning, "", ""},
		{94, dx, bx, lang.L("IP address"), cWarning, "", "LISTEN"},
		{128, bx, wx, lang.L("1 handshake 1: SYN"), cPrimary, "SYN_SENT", ""},
		{154, wx, bx, lang.L("handshake 2: SYN+ACK"), cPrimary, "", "SYN_RECV"},
		{180, bx, wx, lang.L("handshake 3: ACK"), cPrimary, "ESTABLISHED", "ESTABLISHED"},
		{214, bx, wx, "2 GET / HTTP/1.1", cSuccess, "", ""},
		{244, wx, bx, "3 HTTP/1.1 200 OK", cSuccess, "", ""},
		{280, bx, wx, lang.L("4 wave 1: FIN"), cError, "FIN_WAIT1", "CLOSE_WAIT"},
		{306, wx, bx, lang.L("wave 2: ACK"), cError, "FIN_WAIT2", ""},
		{332, wx, bx, lang.L("wave 3: FIN"), cError, "", "LAST_ACK"},
		{358, bx, wx, lang.L("wave 4: ACK"), cError, "TIME_WAIT", "CLOSED"},
	}
	for _, m := range msgs {
		d.arrow(m.from, m.y, m.to, m.y, m.c, "")
		lx := (m.from + m.to) / 2
		if m.to == wx || m.from == wx {
			lx = (dx + wx) / 2 // keep labels clear of the DNS lane
		}
		d.text(lx, m.y-9, m.label, center, cFg).small()
		if m.cState != "" {
			d.text(bx-8, m.y+2, m.cState, right, cMuted).small()
		}
		if m.sState != "" {
			d.text(wx+8, m.y+2, m.sState, left, cMuted).small()
		}
	}
	d.box(bx-50, 370, 100, 26, cError, lang.L("wait 2MSL")).filled(cError).small()
	d.text(bx, 412, lang.L("5 render the HTML"), center, cFg).bold()
	return d
}

// drawTCP is a ladder of numbered bytes: the handshake, a lost segment
// and its retransmission, a zero window and a reset.
func drawTCP() *diagram {
	d := newDiagram(700, 400)
	cx, sx := float32(190), float32(510)
	d.box(cx-60, 6, 120, 32, cPrimary, lang.L("Client")).bold()
	d.box(sx-60, 6, 120, 32, cSuccess, lang.L("Server")).bold()
	d.line(cx, 40, cx, 390, cMuted)
	d.line(sx, 40, sx, 390, cMuted)
	type msg struct {
		y        float32
		toServer bool
		label    string
		c        fyne.ThemeColorName
		lost     bool
	}
	msgs := []msg{
		{64, true, "SYN seq=x", cPrimary, false},
		{92, false, "SYN+ACK seq=y ack=x+1", cPrimary, false},
		{120, true, "ACK seq=x+1 ack=y+1", cPrimary, false},
		{158, true, lang.L("data seq=x+1, 100 bytes"), cFg, true},
		{196, true, lang.L("retransmission: seq=x+1, 100 bytes"), cWarning, false},
		{224, false, "ACK ack=x+101", cSuccess, false},
		{262, false, lang.L("ACK win=0: my buffer is full"), cWarning, false},
		{290, true, lang.L("window probe"), cMuted, false},
		{318, false, lang.L("ACK win=65535: go on"), cSuccess, false},
		{356, true, lang.L("RST: the connection ends at once"), cError, false},
	}
	for _, m := range msgs {
		from, to := sx, cx
		if m.toServer {
			from, to = cx, sx
		}
		if m.lost {
			mid := (from + to) / 2
			d.arrow(from, m.y, mid, m.y, m.c, "")
			d.text(mid+8, m.y-8, "✗ "+lang.L("lost"), left, cError).bold()
		} else {
			d.arrow(from, m.y, to, m.y, m.c, "")
		}
		d.text((cx+sx)/2, m.y-9, m.label, center, cFg).small()
	}
	d.text(cx-8, 176, lang.L("timeout"), right, cMuted).small()
	return d
}

func drawNAT() *diagram {
	d := newDiagram(760, 300)
	d.box(10, 30, 120, 90, cPrimary, lang.L("Computer")+"\n192.168.1.2").bold()
	d.box(270, 30, 160, 90, cSuccess, lang.L("Router")+"\n"+lang.L("inside")+" 192.168.1.1\n"+lang.L("outside")+" 116.226.52.212")
	d.box(570, 30, 100, 90, cWarning, lang.L("Optical modem")).small()
	d.box(690, 30, 65, 90, cMuted, lang.L("Internet")).small()
	// Out (top) and back (bottom).
	d.arrow(130, 52, 270, 52, cPrimary, "")
	d.text(200, 42, "192.168.1.2:6789", center, cFg).mono().small()
	d.arrow(430, 52, 570, 52, cPrimary, "")
	d.arrow(670, 52, 690, 52, cPrimary, "")
	d.text(500, 42, "116.226.52.212:6539", center, cFg).mono().small()
	d.arrow(690, 100, 670, 100, cSuccess, "")
	d.arrow(570, 100, 430, 100, cSuccess, "")
	d.text(500, 110, "116.226.52.212:6539", center, cFg).mono().small()
	d.arrow(270, 100, 130, 100, cSuccess, "")
	d.text(200, 110, "192.168.1.2:6789", center, cFg).mono().small()
	d.text(380, 148, lang.L("The router's NAT table"), center, cFg).bold()
	d.box(180, 166, 200, 30, cSuccess, lang.L("Inside (private)")).filled(cSuccess).small()
	d.box(380, 166, 200, 30, cSuccess, lang.L("Outside (public)")).filled(cSuccess).small()
	d.box(180, 196, 200, 30, cSuccess, "192.168.1.2:6789").mono()
	d.box(380, 196, 200, 30, cSuccess, "116.226.52.212:6539").mono()
	d.text(380, 250, lang.L("out: source 192.168.1.2:6789 becomes 116.226.52.212:6539"), center, cPrimary).small()
	d.text(380, 272, lang.L("back: destination 116.226.52.212:6539 becomes 192.168.1.2:6789"), center, cSuccess).small()
	return d
}

func drawTerms() *diagram {
	d := newDiagram(730, 230)
	d.box(10, 20, 130, 56, cPrimary, lang.L("Computer")+"\nMAC · IP · "+lang.L("mask")).small()
	d.box(10, 100, 130, 56, cPrimary, lang.L("Computer")+"\nMAC · IP · "+lang.L("mask")).small()
	d.box(185, 60, 100, 56, cSuccess, lang.L("Switch"))
	d.box(185, 166, 100, 50, cMuted, lang.L("Hub (obsolete)")).small()
	d.box(330, 60, 130, 56, cWarning, lang.L("Router")+"\n"+lang.L("(default gateway)")).small()
	d.box(500, 60, 110, 56, cError, lang.L("Optical modem")).small()
	d.box(640, 20, 85, 50, cMuted, "DNS").small()
	d.box(640, 110, 85, 50, cMuted, lang.L("HTTP server")).small()
	d.line(140, 48, 185, 80, cFg)
	d.line(140, 128, 185, 96, cFg)
	d.line(285, 88, 330, 88, cFg)
	d.line(460, 88, 500, 88, cFg)
	d.line(610, 80, 640, 45, cFg)
	d.line(610, 96, 640, 135, cFg)
	return d
}
