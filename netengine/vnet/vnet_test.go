package vnet

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// brief is a test's one-line view of a frame: enough to assert sequences.
func brief(f Frame) string {
	b := f.Data
	if len(b) < 14 {
		return "short"
	}
	drop := ""
	if f.Dropped {
		drop = " DROPPED"
	}
	switch binary.BigEndian.Uint16(b[12:]) {
	case 0x0806:
		a := header.ARP(b[14:])
		if a.Op() == header.ARPRequest {
			return fmt.Sprintf("%s ARP who-has %v tell %v%s", f.Link, netipAddrB(a.ProtocolAddressTarget()), netipAddrB(a.ProtocolAddressSender()), drop)
		}
		return fmt.Sprintf("%s ARP reply %v is-at %v%s", f.Link, netipAddrB(a.ProtocolAddressSender()), fmtMAC(a.HardwareAddressSender()), drop)
	case 0x0800:
		ip := header.IPv4(b[14:])
		src, dst := netipAddr(ip.SourceAddress()), netipAddr(ip.DestinationAddress())
		p := ip.Payload()
		switch ip.Protocol() {
		case 6:
			t := header.TCP(p)
			return fmt.Sprintf("%s TCP %v:%d > %v:%d [%s] len %d%s", f.Link, src, t.SourcePort(), dst, t.DestinationPort(), flags(t.Flags()), len(t.Payload()), drop)
		case 17:
			u := header.UDP(p)
			return fmt.Sprintf("%s UDP %v:%d > %v:%d len %d%s", f.Link, src, u.SourcePort(), dst, u.DestinationPort(), len(u.Payload()), drop)
		case 1:
			return fmt.Sprintf("%s ICMP %v > %v type %d%s", f.Link, src, dst, p[0], drop)
		}
	}
	return f.Link + " other"
}

func flags(f header.TCPFlags) string {
	var s string
	for _, x := range []struct {
		f header.TCPFlags
		c string
	}{{header.TCPFlagSyn, "S"}, {header.TCPFlagFin, "F"}, {header.TCPFlagPsh, "P"}, {header.TCPFlagRst, "R"}, {header.TCPFlagAck, "."}} {
		if f&x.f != 0 {
			s += x.c
		}
	}
	return s
}

func netipAddrB(b []byte) netip.Addr { a, _ := netip.AddrFromSlice(b); return a }
func fmtMAC(b []byte) string         { return fmt.Sprintf("% x", b) }

func briefs(fs []Frame) string {
	var sb strings.Builder
	for _, f := range fs {
		sb.WriteString(brief(f))
		sb.WriteByte('\n')
	}
	return sb.String()
}

func classroom(t *testing.T) *Network {
	t.Helper()
	n, err := Classroom()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func serveHTTP(t *testing.T, h *Host, port uint16, body string) {
	t.Helper()
	l, err := h.ListenTCP(port)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
}

func get(t *testing.T, from *Host, to netip.AddrPort) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := from.DialTCP(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLANThroughSwitch(t *testing.T) {
	n := classroom(t)
	serveHTTP(t, n.Host("web"), 80, "hello from web")
	got := get(t, n.Host("pc1"), netip.AddrPortFrom(ClassroomWeb, 80))
	if !strings.Contains(got, "hello from web") {
		t.Fatalf("response %q", got)
	}
	fs := n.Frames(0, 0)
	s := briefs(fs)
	// First contact: pc1 asks for web's MAC (broadcast, flooded to every
	// sw1 port), web answers, then the SYN.
	want := []string{
		"pc1-sw1 ARP who-has 192.168.1.20 tell 192.168.1.10",
		"web-sw1 ARP reply 192.168.1.20 is-at",
		"pc1-sw1 TCP 192.168.1.10:",
	}
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Fatalf("no %q in\n%s", w, s)
		}
	}
	// the broadcast request is flooded to the other sw1 ports (pc2, web, r1)
	if c := strings.Count(s, "ARP who-has 192.168.1.20"); c != 4 {
		t.Fatalf("ARP request seen on %d links, want 4 (pc1 + flooded to 3):\n%s", c, s)
	}
	// unicast TCP is not flooded once learned: nothing TCP on pc2's link
	if strings.Contains(s, "pc2-sw1 TCP") {
		t.Fatalf("TCP leaked to pc2:\n%s", s)
	}
	for i, f := range fs {
		if f.Seq != uint64(i+1) {
			t.Fatalf("frame %d has Seq %d", i, f.Seq)
		}
	}
}

func TestNATBothSides(t *testing.T) {
	n := classroom(t)
	serveHTTP(t, n.Host("server"), 80, "far side")
	got := get(t, n.Host("pc1"), netip.AddrPortFrom(ClassroomServer, 80))
	if !strings.Contains(got, "far side") {
		t.Fatalf("response %q", got)
	}
	tab := n.Router(RouterR1).NATTable()
	if len(tab) != 1 {
		t.Fatalf("NAT table %+v", tab)
	}
	e := tab[0]
	if e.Proto != "TCP" || e.Inside.Addr() != netip.MustParseAddr("192.168.1.10") || e.Outside != netip.AddrPortFrom(ClassroomWANGw, FirstPort) ||
		e.Remote != netip.AddrPortFrom(ClassroomServer, 80) || e.Packets < 6 {
		t.Fatalf("NAT entry %+v", e)
	}
	s := briefs(n.Frames(0, 0))
	inside := fmt.Sprintf("r1-sw1 TCP 192.168.1.10:%d > 10.0.0.2:80 [S]", e.Inside.Port())
	outside := fmt.Sprintf("r1-sw2 TCP 10.0.0.1:%d > 10.0.0.2:80 [S]", FirstPort)
	back := fmt.Sprintf("r1-sw1 TCP 10.0.0.2:80 > 192.168.1.10:%d [S.]", e.Inside.Port())
	for _, w := range []string{inside, outside, back} {
		if !strings.Contains(s, w) {
			t.Fatalf("no %q in\n%s", w, s)
		}
	}
	if strings.Contains(s, "sw2 TCP 192.168.1.10") {
		t.Fatalf("inside address leaked outside:\n%s", s)
	}
}

func TestImpairmentDropNext(t *testing.T) {
	n := classroom(t)
	serveHTTP(t, n.Host("web"), 80, "x")
	l := n.LinkNamed("pc1-sw1")
	// warm ARP first, then drop the next frame pc1 sends (its SYN)
	get(t, n.Host("pc1"), netip.AddrPortFrom(ClassroomWeb, 80))
	waitQuiet(n) // the first connection's last segments are on the wire
	after := n.LastSeq()
	l.SetImpairment(Impairment{DropNext: 1})
	get(t, n.Host("pc1"), netip.AddrPortFrom(ClassroomWeb, 80))
	var fs []Frame
	for _, f := range n.Frames(after, 0) {
		if b := brief(f); strings.Contains(b, "[S]") || strings.Contains(b, "[S.]") {
			fs = append(fs, f)
		}
	}
	if len(fs) < 3 || !fs[0].Dropped || !strings.Contains(brief(fs[0]), "[S]") || !strings.Contains(brief(fs[1]), "[S]") || fs[1].Dropped {
		t.Fatalf("want a dropped SYN then its retransmission:\n%s", briefs(fs))
	}
	if st := l.Stats(); st.Dropped != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// waitQuiet returns once no frame has been captured for 200 ms (at most
// 10 s).
func waitQuiet(n *Network) {
	last := n.LastSeq()
	for i := 0; i < 50; i++ {
		time.Sleep(200 * time.Millisecond)
		if now := n.LastSeq(); now == last {
			return
		} else {
			last = now
		}
	}
}

func TestRingBoundedAndLost(t *testing.T) {
	c := newCapture(8, 4*maxFrame, nil)
	frame := make([]byte, 1000)
	for i := 0; i < 20; i++ {
		frame[0] = byte(i)
		c.add("l", "p", frame, false)
	}
	fs := c.frames(0, 0)
	// 4*1514 bytes hold 6 frames of 1000; the oldest 14 are gone unseen
	if len(fs) != 6 || fs[0].Seq != 15 || fs[5].Seq != 20 || fs[5].Data[0] != 19 {
		t.Fatalf("got %d frames from %d", len(fs), fs[0].Seq)
	}
	if c.lost != 14 {
		t.Fatalf("lost %d, want 14", c.lost)
	}
	// frames read are not counted as lost when evicted later
	for i := 0; i < 6; i++ {
		c.add("l", "p", frame[:10], false)
	}
	if c.lost != 14 {
		t.Fatalf("lost %d after evicting read frames, want 14", c.lost)
	}
	// small frames: the slot count bounds the ring
	for i := 0; i < 100; i++ {
		c.add("l", "p", frame[:10], false)
	}
	if fs := c.frames(0, 0); len(fs) != 8 {
		t.Fatalf("%d frames kept, want 8", len(fs))
	}
}

func TestPcapTcpdump(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump is not installed (.ci/deps.sh test installs it)")
	}
	n := classroom(t)
	var buf bytes.Buffer
	stop, err := n.WritePcap(&buf)
	if err != nil {
		t.Fatal(err)
	}
	serveHTTP(t, n.Host("server"), 80, "far side")
	get(t, n.Host("pc1"), netip.AddrPortFrom(ClassroomServer, 80))
	before := n.LastSeq()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "x.pcap")
	os.WriteFile(path, buf.Bytes(), 0o644)
	out, err := exec.Command(tcpdump, "-nn", "-v", "-e", "-r", path).CombinedOutput()
	if err != nil {
		t.Fatalf("tcpdump: %v\n%s", err, out)
	}
	s := string(out)
	if !strings.Contains(s, "link-type EN10MB (Ethernet)") {
		t.Fatalf("tcpdump output:\n%s", s)
	}
	if strings.Contains(s, "incorrect") {
		t.Fatalf("bad checksum (NAT rewrite?):\n%s", s)
	}
	frames := n.Frames(0, 0)
	for _, w := range []string{"Request who-has 10.0.0.2 tell 10.0.0.1", "10.0.0.1.50000 > 10.0.0.2.80: Flags [S]", "cksum", "(correct)"} {
		if !strings.Contains(s, w) {
			t.Fatalf("no %q in tcpdump output:\n%s", w, s)
		}
	}
	// one record per captured frame, and the timestamps tcpdump prints are ours
	out2, _ := exec.Command(tcpdump, "-nn", "-tt", "-r", path).Output()
	recs := strings.Split(strings.TrimSpace(string(out2)), "\n")
	// every frame captured before stop is in the file, in order, and
	// nothing after the last record
	if len(recs) < int(before) || len(recs) > len(frames) {
		t.Fatalf("tcpdump read %d records; %d frames were captured before stop, %d by now", len(recs), before, len(frames))
	}
	for i, f := range frames[:len(recs)] {
		want := fmt.Sprintf("%d.%06d ", f.Time.Unix(), f.Time.Nanosecond()/1000)
		if !strings.HasPrefix(recs[i], want) {
			t.Fatalf("record %d: %q, want time %q", i, recs[i], want)
		}
	}
}
