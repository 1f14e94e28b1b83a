package packet

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/link/ethernet"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// wire joins two gVisor netstacks (the stack the virtual network is made
// of) with a cable that records every frame, in order.
type wire struct {
	mu     sync.Mutex
	frames [][]byte
}

func (w *wire) snapshot() [][]byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([][]byte(nil), w.frames...)
}

func (w *wire) pump(ctx context.Context, from, to *channel.Endpoint) {
	for {
		pkt := from.ReadContext(ctx)
		if pkt == nil {
			return
		}
		v := pkt.ToView()
		f := bytes.Clone(v.AsSlice())
		v.Release()
		pkt.DecRef()
		w.mu.Lock()
		w.frames = append(w.frames, f)
		w.mu.Unlock()
		in := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(f)})
		to.InjectInbound(0, in)
		in.DecRef()
	}
}

func newHost(t *testing.T, mac tcpip.LinkAddress, ip [4]byte) (*stack.Stack, *channel.Endpoint) {
	t.Helper()
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{arp.NewProtocol, ipv4.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
	})
	ch := channel.New(256, 1500, mac)
	if err := s.CreateNIC(1, ethernet.New(ch)); err != nil {
		t.Fatal(err)
	}
	addr := tcpip.AddrFrom4(ip)
	if err := s.AddProtocolAddress(1, tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber,
		AddressWithPrefix: tcpip.AddressWithPrefix{Address: addr, PrefixLen: 24}}, stack.AddressProperties{}); err != nil {
		t.Fatal(err)
	}
	s.SetRouteTable([]tcpip.Route{{Destination: tcpip.AddressWithPrefix{Address: addr, PrefixLen: 24}.Subnet(), NIC: 1}})
	return s, ch
}

// TestRealStackConversation: an HTTP exchange between two real gVisor
// stacks; every frame's text equals tcpdump's, and the Analyzer sees one
// clean conversation with Wireshark's relative numbers.
func TestRealStackConversation(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs, cch := newHost(t, "\x02\x00\x00\x00\x00\x0a", [4]byte{192, 168, 1, 10})
	ss, sch := newHost(t, "\x02\x00\x00\x00\x00\x14", [4]byte{192, 168, 1, 20})
	defer cs.Close()
	defer ss.Close()
	w := &wire{}
	go w.pump(ctx, cch, sch)
	go w.pump(ctx, sch, cch)

	srvAddr := tcpip.FullAddress{NIC: 1, Addr: tcpip.AddrFrom4([4]byte{192, 168, 1, 20}), Port: 80}
	ln, err := gonet.ListenTCP(ss, srvAddr, ipv4.ProtocolNumber)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		buf := make([]byte, 1024)
		n, err := c.Read(buf)
		if err == nil && !strings.HasPrefix(string(buf[:n]), "GET /") {
			err = io.ErrUnexpectedEOF
		}
		if err == nil {
			_, err = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
		}
		if err == nil {
			_, err = io.ReadAll(c) // until the client's FIN
		}
		c.Close()
		served <- err
	}()
	c, err := gonet.DialContextTCP(ctx, cs, srvAddr, ipv4.ProtocolNumber)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte("GET /index.html HTTP/1.1\r\nHost: www.class.lab\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	resp := make([]byte, 64)
	n, err := io.ReadAtLeast(c, resp, 40)
	if err != nil || !strings.HasSuffix(string(resp[:n]), "ok") {
		t.Fatalf("response %q %v", resp[:n], err)
	}
	c.Close()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	// wait (bounded) for the close to cross the wire: FIN both ways + the last ACK
	var frames [][]byte
	for i := 0; i < 200; i++ {
		frames = w.snapshot()
		fins := 0
		for _, f := range frames {
			if b := Parse(f); b.Flags&FlagFIN != 0 {
				fins++
			}
		}
		if fins >= 2 && Parse(frames[len(frames)-1]).Flags == FlagACK {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	a := NewAnalyzer()
	var briefs []Brief
	for _, f := range frames {
		briefs = append(briefs, a.Next(f))
	}
	// the shape: ARP request and reply, then SYN, SYN-ACK, ACK
	if len(briefs) < 9 || briefs[0].ARPOp != 1 || briefs[1].ARPOp != 2 ||
		briefs[2].Flags != FlagSYN || briefs[3].Flags != FlagSYN|FlagACK || briefs[4].Flags&(FlagSYN|FlagACK) != FlagACK {
		for i, f := range frames {
			t.Logf("%d %s", i+1, briefs[i].Tcpdump(f))
		}
		t.Fatalf("unexpected frame sequence")
	}
	syn, synack, ack := briefs[2], briefs[3], briefs[4]
	if syn.RelSeq != 0 || synack.RelSeq != 0 || synack.RelAck != 1 || ack.RelSeq != 1 || ack.RelAck != 1 {
		t.Errorf("relative numbers: SYN %d, SYN-ACK %d/%d, ACK %d/%d", syn.RelSeq, synack.RelSeq, synack.RelAck, ack.RelSeq, ack.RelAck)
	}
	ws := wscaleOption(&syn, frames[2])
	for i, b := range briefs[2:] {
		if b.Conv != 1 || b.Analysis&(Retransmission|FastRetransmission|DupAck|PrevNotCaptured|ZeroWindow) != 0 {
			t.Errorf("frame %d: conv %d labels %v", i+3, b.Conv, b.Analysis.Labels())
		}
	}
	if ws >= 0 && briefs[4].Win != uint32(briefs[4].RawWin)<<uint(ws) {
		t.Errorf("client window %d, raw %d, scale %d", briefs[4].Win, briefs[4].RawWin, ws)
	}
	get, ok := -1, false
	for i, b := range briefs {
		if strings.HasPrefix(b.Info(frames[i]), "GET /index.html HTTP/1.1") {
			get, ok = i, true
		}
	}
	if !ok || briefs[get].RelSeq != 1 {
		t.Errorf("GET frame %d rel seq %d", get, briefs[get].RelSeq)
	}
	// and tcpdump agrees on every line
	want := runTcpdump(t, frames)
	for i, f := range frames {
		if got := briefs[i].Tcpdump(f); i < len(want) && got != want[i] {
			t.Errorf("frame %d:\n got  %s\n want %s", i+1, got, want[i])
		}
	}
	if len(want) != len(frames) {
		t.Errorf("tcpdump printed %d lines for %d frames", len(want), len(frames))
	}
	for i, f := range frames {
		t.Logf("%s | %s", briefs[i].Tcpdump(f), briefs[i].Info(f))
	}
}
