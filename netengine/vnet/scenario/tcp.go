package scenario

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
)

const (
	lanClient = "pc1-sw1" // the client's own link: every frame of pc1 crosses it
	webLink   = "web-sw1"
)

// accept1 listens on h:port, accepts one connection and hands it to serve
// on its own goroutine; the returned channel closes when serve returns.
func (e *env) accept1(h *vnet.Host, port uint16, serve func(c *gonet.TCPConn)) (<-chan struct{}, error) {
	l, err := h.ListenTCP(port)
	if err != nil {
		return nil, err
	}
	e.defer_(func() { l.Close() })
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		serve(c.(*gonet.TCPConn))
	}()
	return done, nil
}

func (e *env) dial(h *vnet.Host, to netip.AddrPort) (*gonet.TCPConn, error) {
	c, err := h.DialTCP(e.ctx, to)
	if err != nil {
		return nil, err
	}
	e.defer_(func() { c.Close() })
	return c, nil
}

func localPort(c net.Conn) uint16 { return uint16(c.LocalAddr().(*net.TCPAddr).Port) }

// handshake: SYN, SYN+ACK, ACK; a few bytes; the four-way close started by
// the client; TIME-WAIT on the client until it ends.
func runHandshake(e *env) error {
	pc1, web := e.host("pc1"), e.host("web")
	closeNow := make(chan struct{})
	gotEOF := make(chan struct{})
	done, err := e.accept1(web, 80, func(c *gonet.TCPConn) {
		io.Copy(io.Discard, c) // until the client's FIN
		close(gotEOF)
		select {
		case <-closeNow:
		case <-e.ctx.Done():
		}
	})
	if err != nil {
		return err
	}
	c, err := e.dial(pc1, webHTTP)
	if err != nil {
		return err
	}
	if _, err := e.wait("the handshake's ACK", tcpOn(lanClient, pc1Addr, packet.FlagACK)); err != nil {
		return err
	}
	if _, err := io.WriteString(c, "hello\n"); err != nil {
		return err
	}
	if _, err := e.wait("web's ACK of the data", tcpOn(lanClient, vnet.ClassroomWeb, packet.FlagACK)); err != nil {
		return err
	}
	port := localPort(c)
	c.Close() // FIN from pc1
	if err := e.expect(
		step{"pc1's FIN", finOn(lanClient, pc1Addr)},
		step{"web's ACK of the FIN", tcpOn(lanClient, vnet.ClassroomWeb, packet.FlagACK)},
	); err != nil {
		return err
	}
	<-gotEOF
	close(closeNow) // now web closes: its own FIN
	<-done
	if err := e.expect(
		step{"web's FIN", finOn(lanClient, vnet.ClassroomWeb)},
		step{"pc1's last ACK", tcpOn(lanClient, pc1Addr, packet.FlagACK)},
	); err != nil {
		return err
	}
	if err := e.waitState(pc1, port, "TIME-WAIT", func(s []string) bool { return hasState(s, "TIME-WAIT") }); err != nil {
		return err
	}
	start := time.Now()
	tw := pc1.TCP().TimeWait
	if tw <= 0 {
		tw = vnet.DefaultTimeWait
	}
	e.note("pc1 (192.168.1.10:%d) closed first, so it is the side in TIME-WAIT (2MSL, shortened here to %s; the usual 60 s or more would be a long wait in class).",
		"pc1（192.168.1.10:%d）先关闭，所以是它进入 TIME-WAIT（2MSL，这里缩短为 %s；通常的 60 秒或更长在课堂上太久）。", port, tw)
	if err := e.waitState(pc1, port, "the end of TIME-WAIT", func(s []string) bool { return len(s) == 0 }); err != nil {
		return err
	}
	el := time.Since(start).Round(100 * time.Millisecond)
	e.note("TIME-WAIT ended after about %s with no packet on the wire: the socket was simply freed.",
		"约 %s 后 TIME-WAIT 结束，线路上没有任何报文：套接字只是被释放了。", el)
	return nil
}

// rst: a SYN to a closed port is answered with RST; a close with unread
// data aborts an open connection with RST.
func runRST(e *env) error {
	pc1, web := e.host("pc1"), e.host("web")
	if _, err := pc1.DialTCP(e.ctx, netip.AddrPortFrom(vnet.ClassroomWeb, 81)); err == nil {
		return fmt.Errorf("a connection to port 81, where nothing listens, succeeded")
	}
	if _, err := e.wait("web's RST for port 81", func(f vnet.Frame, b *packet.Brief) bool {
		return f.Link == lanClient && b.Src == vnet.ClassroomWeb && b.Flags&packet.FlagRST != 0
	}); err != nil {
		return err
	}
	e.note("Port 81: nothing listens there, so web answered the SYN with RST and pc1's connect failed at once (\"connection refused\").",
		"81 端口：没有程序在监听，所以 web 用 RST 回应 SYN，pc1 的 connect 立即失败（“连接被拒绝”）。")
	done, err := e.accept1(web, 80, func(c *gonet.TCPConn) {
		io.WriteString(c, "a reply pc1 will never read\n")
		io.Copy(io.Discard, c)
	})
	if err != nil {
		return err
	}
	c, err := e.dial(pc1, webHTTP)
	if err != nil {
		return err
	}
	if err := e.expect(
		step{"web's data", dataOn(lanClient, vnet.ClassroomWeb)},
		step{"pc1's ACK of the data", tcpOn(lanClient, pc1Addr, packet.FlagACK)},
	); err != nil {
		return err
	}
	c.Close() // unread data in the receive buffer: RST, not FIN
	if _, err := e.wait("pc1's RST", func(f vnet.Frame, b *packet.Brief) bool {
		return f.Link == lanClient && b.Src == pc1Addr && b.Flags&packet.FlagRST != 0
	}); err != nil {
		return err
	}
	<-done
	e.note("Port 80: pc1 closed its socket with data it had not read, so its stack aborted the connection with RST instead of the polite FIN; web's read failed with \"connection reset by peer\" and neither side entered TIME-WAIT.",
		"80 端口：pc1 在还有未读数据时关闭套接字，所以协议栈用 RST 中止连接，而不是礼貌的 FIN；web 的读取失败（“connection reset by peer”），双方都不进入 TIME-WAIT。")
	return nil
}

// half-close: pc1 sends its request and shuts down its sending side (FIN);
// web reads to the end, still answers, then closes.
func runHalfClose(e *env) error {
	pc1, web := e.host("pc1"), e.host("web")
	ackedFIN, ackedReply := make(chan struct{}), make(chan struct{})
	done, err := e.accept1(web, 80, func(c *gonet.TCPConn) {
		req, _ := io.ReadAll(c) // until pc1's FIN
		select {
		case <-ackedFIN:
		case <-e.ctx.Done():
			return
		}
		fmt.Fprintf(c, "got %d bytes, and I can still send after your FIN\n", len(req))
		select { // close once the reply is acknowledged: ACK and FIN stay apart
		case <-ackedReply:
		case <-e.ctx.Done():
		}
		c.Close()
	})
	if err != nil {
		return err
	}
	c, err := e.dial(pc1, webHTTP)
	if err != nil {
		return err
	}
	if _, err := e.wait("the handshake's ACK", tcpOn(lanClient, pc1Addr, packet.FlagACK)); err != nil {
		return err
	}
	io.WriteString(c, "count these bytes\n")
	if _, err := e.wait("web's ACK of the request", tcpOn(lanClient, vnet.ClassroomWeb, packet.FlagACK)); err != nil {
		return err
	}
	c.CloseWrite() // shutdown(SHUT_WR): FIN, but pc1 keeps reading
	if err := e.expect(
		step{"pc1's FIN", finOn(lanClient, pc1Addr)},
		step{"web's ACK of the FIN", tcpOn(lanClient, vnet.ClassroomWeb, packet.FlagACK)},
	); err != nil {
		return err
	}
	close(ackedFIN)
	if err := e.expect(
		step{"web's reply", dataOn(lanClient, vnet.ClassroomWeb)},
		step{"pc1's ACK of the reply", tcpOn(lanClient, pc1Addr, packet.FlagACK)},
	); err != nil {
		return err
	}
	close(ackedReply)
	reply, _ := io.ReadAll(c)
	<-done
	if err := e.expect(
		step{"web's FIN", finOn(lanClient, vnet.ClassroomWeb)},
		step{"pc1's last ACK", tcpOn(lanClient, pc1Addr, packet.FlagACK)},
	); err != nil {
		return err
	}
	c.Close()
	e.note("pc1 read %q after it had sent its FIN: a half-closed connection still carries data the other way.",
		"pc1 在发出 FIN 之后仍读到了 %q：半关闭的连接仍可在另一个方向传送数据。", strings.TrimSpace(string(reply)))
	return nil
}

// loss: the second data segment is dropped on pc1's cable; pc1's stack
// sends it again when no ACK comes.
func runLoss(e *env) error {
	pc1, web := e.host("pc1"), e.host("web")
	done, err := e.accept1(web, 80, func(c *gonet.TCPConn) { io.Copy(io.Discard, c) })
	if err != nil {
		return err
	}
	c, err := e.dial(pc1, webHTTP)
	if err != nil {
		return err
	}
	if _, err := e.wait("the handshake's ACK", tcpOn(lanClient, pc1Addr, packet.FlagACK)); err != nil {
		return err
	}
	io.WriteString(c, "segment 1\n")
	if _, err := e.wait("web's ACK of segment 1", tcpOn(lanClient, vnet.ClassroomWeb, packet.FlagACK)); err != nil {
		return err
	}
	link := e.n.LinkNamed(lanClient)
	var once sync.Once
	link.SetImpairment(vnet.Impairment{DropIf: func(b []byte) bool {
		p := packet.Parse(b)
		drop := false
		if p.Src == pc1Addr && p.Transport == packet.TransportTCP && p.PayloadLen > 0 {
			once.Do(func() { drop = true })
		}
		return drop
	}})
	io.WriteString(c, "segment 2\n")
	lost, err := e.wait("the dropped segment", func(f vnet.Frame, b *packet.Brief) bool { return f.Dropped })
	if err != nil {
		return err
	}
	seq := packet.Parse(lost.Data).Seq
	re, err := e.wait("the retransmission", func(f vnet.Frame, b *packet.Brief) bool {
		return f.Link == lanClient && b.Src == pc1Addr && b.Seq == seq && b.PayloadLen > 0
	})
	if err != nil {
		return err
	}
	link.SetImpairment(vnet.Impairment{})
	if _, err := e.wait("web's ACK of segment 2", tcpOn(lanClient, vnet.ClassroomWeb, packet.FlagACK)); err != nil {
		return err
	}
	c.Close()
	if _, err := e.wait("pc1's FIN", finOn(lanClient, pc1Addr)); err != nil {
		return err
	}
	<-done
	e.quiet(50 * time.Millisecond)
	e.note("The cable dropped segment 2 (marked dropped). No ACK came for it, so after %s pc1's stack sent the same bytes again (same sequence number): that is a retransmission.",
		"网线丢弃了第 2 段（标为丢弃）。因为没有收到它的 ACK，%s 后 pc1 的协议栈再次发送了同样的字节（序号相同）：这就是重传。",
		re.Time.Sub(lost.Time).Round(time.Millisecond))
	return nil
}

// zero-window: web's receive buffer is small and its program does not read;
// the window shrinks to 0, pc1 probes, then web reads and the window opens.
func runZeroWindow(e *env) error {
	pc1, web := e.host("pc1"), e.host("web")
	if err := web.SetTCP(vnet.TCPOptions{TimeWait: web.TCP().TimeWait, RecvBuf: 4096}); err != nil {
		return err
	}
	readNow := make(chan struct{})
	got := make(chan int64, 1)
	if _, err := e.accept1(web, 80, func(c *gonet.TCPConn) {
		select {
		case <-readNow:
		case <-e.ctx.Done():
			return
		}
		n, _ := io.Copy(io.Discard, c)
		got <- n
	}); err != nil {
		return err
	}
	c, err := e.dial(pc1, webHTTP)
	if err != nil {
		return err
	}
	const size = 16 << 10
	go func() {
		c.Write(make([]byte, size))
		c.Close()
	}()
	if _, err := e.wait("a zero window from web", func(f vnet.Frame, b *packet.Brief) bool {
		return f.Link == lanClient && b.Src == vnet.ClassroomWeb && b.Transport == packet.TransportTCP && b.RawWin == 0 && b.Flags&packet.FlagRST == 0
	}); err != nil {
		return err
	}
	if _, err := e.wait("pc1's window probe", func(f vnet.Frame, b *packet.Brief) bool {
		return f.Link == lanClient && b.Src == pc1Addr && b.Transport == packet.TransportTCP
	}); err != nil {
		return err
	}
	if _, err := e.wait("web's answer to the probe", tcpOn(lanClient, vnet.ClassroomWeb, 0)); err != nil {
		return err
	}
	close(readNow)
	select {
	case n := <-got:
		if n != size {
			return fmt.Errorf("web read %d bytes of %d", n, size)
		}
	case <-e.ctx.Done():
		return e.ctx.Err()
	}
	e.quiet(50 * time.Millisecond)
	e.note("web's receive buffer is 4096 bytes and its program did not read, so web advertised a window of 0: pc1 had to stop. pc1 then probed the window now and then; once web's program read, the window opened and the remaining %d bytes flowed.",
		"web 的接收缓冲区只有 4096 字节且程序不读取，于是 web 通告窗口为 0：pc1 必须停止发送。随后 pc1 不时发送窗口探测；web 的程序开始读取后，窗口重新打开，其余的 %d 字节继续传送。", size)
	return nil
}

// serveHTTP runs StartWeb on h:80 for the run.
func (e *env) serveHTTP(h *vnet.Host, keepAlive bool) error {
	stop, err := StartWeb(h, 80, keepAlive, "")
	if err != nil {
		return err
	}
	e.defer_(stop)
	return nil
}

// get sends one GET on c and reads the response.
func get(c net.Conn, br *bufio.Reader, host, path string, close bool) (*http.Response, error) {
	hdr := ""
	if close {
		hdr = "Connection: close\r\n"
	}
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: netlab-vnet\r\n%s\r\n", path, host, hdr); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return nil, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, err
}

const httpRequests = 3

// http-short: three requests, each on its own connection, which the server
// closes after answering.
func runHTTPShort(e *env) error {
	pc1, web := e.host("pc1"), e.host("web")
	if err := e.serveHTTP(web, false); err != nil {
		return err
	}
	for i := 1; i <= httpRequests; i++ {
		c, err := e.dial(pc1, webHTTP)
		if err != nil {
			return err
		}
		if _, err := e.wait("the handshake's ACK", tcpOn(lanClient, pc1Addr, packet.FlagACK)); err != nil {
			return err
		}
		br := bufio.NewReader(c)
		if _, err := get(c, br, "192.168.1.20", fmt.Sprintf("/page%d.html", i), false); err != nil {
			return err
		}
		if _, err := e.wait("web's FIN", finOn(lanClient, vnet.ClassroomWeb)); err != nil {
			return err
		}
		io.Copy(io.Discard, br) // EOF
		e.quiet(20 * time.Millisecond)
		c.Close()
		if err := e.expect(
			step{"pc1's FIN", finOn(lanClient, pc1Addr)},
			step{"web's last ACK", tcpOn(lanClient, vnet.ClassroomWeb, packet.FlagACK)},
		); err != nil {
			return err
		}
	}
	e.note("%d requests, %d connections: each request paid for its own three-way handshake and four-way close, and the server (which closes first) holds a TIME-WAIT socket for each.",
		"%d 个请求，%d 个连接：每个请求都要付出一次三次握手和一次四次挥手，而且先关闭的服务器端为每个连接保留一个 TIME-WAIT 套接字。", httpRequests, httpRequests)
	return nil
}

// http-keepalive: the same three requests on one connection.
func runHTTPKeepAlive(e *env) error {
	pc1, web := e.host("pc1"), e.host("web")
	if err := e.serveHTTP(web, true); err != nil {
		return err
	}
	c, err := e.dial(pc1, webHTTP)
	if err != nil {
		return err
	}
	if _, err := e.wait("the handshake's ACK", tcpOn(lanClient, pc1Addr, packet.FlagACK)); err != nil {
		return err
	}
	br := bufio.NewReader(c)
	for i := 1; i <= httpRequests; i++ {
		if _, err := get(c, br, "192.168.1.20", fmt.Sprintf("/page%d.html", i), false); err != nil {
			return err
		}
		if _, err := e.wait("pc1's ACK of the response", tcpOn(lanClient, pc1Addr, packet.FlagACK)); err != nil {
			return err
		}
	}
	c.Close()
	if err := e.expect(
		step{"pc1's FIN", finOn(lanClient, pc1Addr)},
		step{"web's FIN", finOn(lanClient, vnet.ClassroomWeb)},
		step{"pc1's last ACK", tcpOn(lanClient, pc1Addr, packet.FlagACK)},
	); err != nil {
		return err
	}
	e.note("%d requests, 1 connection: one handshake and one close for all of them (HTTP/1.1 keeps the connection open unless told \"Connection: close\").",
		"%d 个请求，1 个连接：所有请求只需一次握手和一次挥手（HTTP/1.1 默认保持连接，除非收到 “Connection: close”）。", httpRequests)
	return nil
}

// nat: pc1 fetches a page from the server beyond the router; the router's
// NAT rewrites the source on the way out and the destination on the way
// back.
func runNAT(e *env) error {
	pc1, server := e.host("pc1"), e.host("server")
	if err := e.serveHTTP(server, false); err != nil {
		return err
	}
	c, err := e.dial(pc1, netip.AddrPortFrom(vnet.ClassroomServer, 80))
	if err != nil {
		return err
	}
	br := bufio.NewReader(c)
	if _, err := get(c, br, "10.0.0.2", "/page1.html", false); err != nil {
		return err
	}
	if _, err := e.wait("server's FIN", finOn(lanClient, vnet.ClassroomServer)); err != nil {
		return err
	}
	io.Copy(io.Discard, br)
	c.Close()
	if _, err := e.wait("server's last ACK", tcpOn("server-sw2", vnet.ClassroomServer, packet.FlagACK)); err != nil {
		return err
	}
	e.quiet(20 * time.Millisecond)
	tab := e.n.Router(vnet.RouterR1).NATTable()
	if len(tab) == 0 {
		return fmt.Errorf("the NAT table is empty")
	}
	t := tab[0]
	e.note("NAT table of r1: %s %s ↔ %s, remote %s, %d packets translated.",
		"r1 的 NAT 表：%s %s ↔ %s，远端 %s，已转换 %d 个报文。", t.Proto, t.Inside, t.Outside, t.Remote, t.Packets)
	e.note("On r1-sw1 (inside) the connection is %s → %s; on r1-sw2 (outside) the same connection is %s → %s: the server never sees pc1's private address.",
		"在 r1-sw1（内侧）这个连接是 %s → %s；在 r1-sw2（外侧）同一个连接是 %s → %s：服务器从未看到 pc1 的私有地址。",
		t.Inside, t.Remote, t.Outside, t.Remote)
	return nil
}
