package workbench

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/codec"
)

func engine(t testing.TB) netengine.Engine {
	name := os.Getenv("NETLAB_ENGINE")
	if name == "" {
		name = "portable"
	}
	e, err := netengine.New(name)
	if err != nil {
		t.Skipf("engine %s not available: %v", name, err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// waitFor polls cond for up to 5 s (no timing assertions: a bound only).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func rxBytes(l *Log) []byte {
	recs, _ := l.Since(0, 0)
	var b bytes.Buffer
	for _, r := range recs {
		if r.Dir == RX {
			b.Write(r.Data)
		}
	}
	return b.Bytes()
}

func TestLogRingAndCapture(t *testing.T) {
	l := NewLog(4, 1000)
	var capBuf bytes.Buffer
	l.StartCapture(&capBuf)
	for i := 0; i < 10; i++ {
		l.Add(RX, 1, "p", []byte{byte('a' + i)})
	}
	recs, lost := l.Since(0, 0)
	if len(recs) != 4 || lost != 6 || string(recs[0].Data) != "g" {
		t.Fatalf("recs %d lost %d first %q", len(recs), lost, recs[0].Data)
	}
	if r, _ := l.Dropped(); r != 6 {
		t.Fatalf("dropped %d", r)
	}
	n, err := l.StopCapture()
	if err != nil || n != 10 || capBuf.String() != "abcdefghij" {
		t.Fatalf("capture %d %v %q", n, err, capBuf.String())
	}
	rx, _ := l.Counters()
	if rx != 10 {
		t.Fatalf("rx %d", rx)
	}
	l.ResetCounters()
	if rx, tx := l.Counters(); rx != 0 || tx != 0 {
		t.Fatal("reset")
	}
	// byte bound
	lb := NewLog(100, 10)
	lb.Add(RX, 1, "p", []byte("123456"))
	lb.Add(RX, 1, "p", []byte("789012"))
	if recs, _ := lb.Since(0, 0); len(recs) != 1 || string(recs[0].Data) != "789012" {
		t.Fatalf("byte bound: %v", recs)
	}
	var raw bytes.Buffer
	lb.WriteRaw(&raw)
	if raw.String() != "789012" {
		t.Fatal(raw.String())
	}
}

func TestViewLinesMarkersAndGBKSplit(t *testing.T) {
	l := NewLog(0, 0)
	gbk, _ := codec.Encode("你好\r\n世界", codec.GBK)
	// split inside 好 (bytes 2..3) and inside 世
	l.Add(RX, 7, "peer", gbk[:3])
	l.Add(RX, 7, "peer", gbk[3:7])
	l.Add(RX, 7, "peer", gbk[7:])
	v := NewView()
	v.Configure(l, TextMode, codec.GBK)
	var texts []string
	markers := 0
	for i := 0; i < v.Len(); i++ {
		_, _, text, _, m := v.Row(i)
		if m {
			markers++
		} else {
			texts = append(texts, text)
		}
	}
	if strings.Join(texts, "|") != "你|好|世界" || markers != 3 {
		t.Fatalf("lines %q markers %d", texts, markers)
	}
	v.SetSymbols(true)
	if _, _, text, _, _ := v.Row(3); text != `好\r\n` {
		t.Fatalf("symbols: %q", text)
	}
	// hex mode rebuild
	v.Configure(l, HexMode, codec.GBK)
	if v.Len() != 6 {
		t.Fatalf("hex lines %d", v.Len())
	}
	if _, _, text, _, _ := v.Row(1); !strings.HasPrefix(text, "00000000  c4 e3 ba") {
		t.Fatalf("hex %q", text)
	}
	if i := v.Find("ba", 0, false); i != 1 {
		t.Fatalf("find %d", i)
	}
}

func TestViewTrimAndSkip(t *testing.T) {
	l := NewLog(0, 0)
	v := NewView()
	v.MaxLines = 100
	for i := 0; i < 50; i++ {
		l.Add(RX, 1, "p", []byte("a\nb\nc\n"))
	}
	v.Update(l)
	if v.Len() > 100 {
		t.Fatalf("len %d", v.Len())
	}
	if tl, _, _ := v.Trimmed(); tl == 0 || tl+int64(v.Len()) != 200 {
		t.Fatalf("trimmed %d len %d", tl, v.Len())
	}
	v2 := NewView()
	v2.TickBytes = 10
	l2 := NewLog(0, 0)
	for i := 0; i < 5; i++ {
		l2.Add(RX, 1, "p", []byte("12345"))
	}
	v2.Update(l2)
	if _, _, sk := v2.Trimmed(); sk != 15 {
		t.Fatalf("skipped %d", sk)
	}
	var b bytes.Buffer
	v2.WriteText(&b)
	if !strings.Contains(b.String(), "15 bytes arrived too fast") {
		t.Fatalf("log text: %q", b.String())
	}
}

func TestAutoReply(t *testing.T) {
	var a AutoReply
	err := a.Set(true, []Rule{
		{Kind: Exact, Pattern: "ping", Reply: "pong\\n"},
		{Kind: Contains, Pattern: "ab", Reply: "X"},
		{Kind: Regex, Pattern: `id=(\d+)`, Reply: "got $1;"},
		{Kind: Contains, Pattern: "41 42", PatternHex: true, Reply: "0x21", ReplyHex: true},
	}, codec.UTF8)
	if err != nil {
		t.Fatal(err)
	}
	got := a.Replies([]byte("ping\r\n"))
	if len(got) != 2 || string(got[1]) != "pong\n" {
		t.Fatalf("exact: %q", got)
	}
	got = a.Replies([]byte("ab ab id=1 id=22 AB"))
	var s []string
	for _, g := range got[1:] {
		s = append(s, string(g))
	}
	if strings.Join(s, ",") != "X,X,got 1;,got 22;,!" {
		t.Fatalf("rules: %q", s)
	}
	if h := a.Hits(); h[0] != 1 || h[1] != 2 || h[2] != 2 || h[3] != 1 {
		t.Fatalf("hits %v", h)
	}
	if err := a.Set(false, []Rule{{Kind: Regex, Pattern: "("}}, codec.UTF8); err == nil {
		t.Fatal("bad regex accepted")
	}
	if err := a.Set(false, []Rule{{Kind: Exact, Pattern: "zz", PatternHex: true}}, codec.UTF8); err == nil {
		t.Fatal("bad hex accepted")
	}
}

func TestAutoReplyAcrossReads(t *testing.T) {
	var a AutoReply
	if err := a.Set(false, []Rule{
		{Kind: Contains, Pattern: "ping", Reply: "pong"},
		{Kind: Exact, Pattern: "hi", Reply: "hello"},
	}, codec.UTF8); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		reads []string
		want  []int // replies per read
	}{
		{"one read", []string{"ping"}, []int{1}},
		{"split in two", []string{"pi", "ng"}, []int{0, 1}},
		{"split in three", []string{"p", "i", "ng"}, []int{0, 0, 1}},
		{"whole then rest", []string{"xping pi", "ng"}, []int{1, 1}},
		{"not counted twice", []string{"ping", "x", "ping"}, []int{1, 0, 1}},
		{"exact stays per read", []string{"h", "i"}, []int{0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var st Stream
			for i, r := range tc.reads {
				if got := len(a.StreamReplies(&st, []byte(r))); got != tc.want[i] {
					t.Fatalf("read %d %q: %d replies, want %d", i+1, r, got, tc.want[i])
				}
			}
		})
	}

	// New rules drop the context kept for the old ones.
	var st Stream
	a.StreamReplies(&st, []byte("pi"))
	if err := a.Set(false, []Rule{{Kind: Contains, Pattern: "ng", Reply: "!"}}, codec.UTF8); err != nil {
		t.Fatal(err)
	}
	if got := len(a.StreamReplies(&st, []byte("ng"))); got != 1 {
		t.Fatalf("after Set: %d replies, want 1 (for \"ng\" itself)", got)
	}

	// Property: however a stream is cut into reads, a pattern that cannot
	// overlap itself answers as often as it occurs in the whole stream.
	if err := a.Set(false, []Rule{{Kind: Contains, Pattern: "GET /", Reply: "."}}, codec.UTF8); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("GET /x")
	for range 500 {
		stream := make([]byte, 1+rng.IntN(200))
		for i := range stream {
			stream[i] = alphabet[rng.IntN(len(alphabet))]
		}
		var st Stream
		total := 0
		for rest := stream; len(rest) > 0; {
			k := 1 + rng.IntN(min(len(rest), 7))
			total += len(a.StreamReplies(&st, rest[:k]))
			rest = rest[k:]
		}
		if want := bytes.Count(stream, []byte("GET /")); total != want {
			t.Fatalf("stream %q: %d replies, want %d", stream, total, want)
		}
	}
}

func TestPeriodic(t *testing.T) {
	var p Periodic
	sent := make(chan int, 10)
	done := make(chan int, 1)
	n := 0
	p.Start(MinInterval, 3, func() error { n++; sent <- n; return nil }, func(k int, err error) { done <- k })
	if k := <-done; k != 3 || len(sent) != 3 {
		t.Fatalf("sent %d", k)
	}
	p.Start(MinInterval, 0, func() error { return nil }, func(k int, err error) { done <- k })
	p.Stop()
	<-done
	if on, _ := p.Running(); on {
		t.Fatal("still running")
	}
}

func TestServerLoopback(t *testing.T) {
	eng := engine(t)
	log := NewLog(0, 0)
	srv := NewServer(eng, log)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	addr := srv.Addr()
	// a second server on the same port: explained error
	if err := NewServer(eng, NewLog(0, 0)).Start(addr); err == nil {
		t.Fatal("port in use accepted")
	} else if key, _ := Explain(err, addr); !strings.Contains(key, "already in use") {
		t.Fatalf("explain: %q for %v", key, err)
	}
	c1, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	waitFor(t, "two clients", func() bool { return len(srv.OpenIDs()) == 2 })
	c1.Write([]byte("hello "))
	c1.Write([]byte("server"))
	waitFor(t, "data", func() bool { return string(rxBytes(log)) == "hello server" })
	ids := srv.OpenIDs()
	var id1 uint64
	for _, ci := range srv.Clients() {
		if ci.Remote == c1.LocalAddr().String() {
			id1 = ci.ID
			if ci.In != 12 {
				t.Fatalf("in %d", ci.In)
			}
		}
	}
	if n, err := srv.Send([]uint64{id1}, []byte("to one"), false); n != 1 || err != nil {
		t.Fatal(n, err)
	}
	buf := make([]byte, 64)
	c1.SetReadDeadline(time.Now().Add(5 * time.Second))
	k, _ := io.ReadAtLeast(c1, buf, 6)
	if string(buf[:k]) != "to one" {
		t.Fatalf("c1 got %q", buf[:k])
	}
	if n, _ := srv.SendAll([]byte("all"), false); n != 2 {
		t.Fatalf("send all %d", n)
	}
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	k, _ = io.ReadAtLeast(c2, buf, 3)
	if string(buf[:k]) != "all" {
		t.Fatalf("c2 got %q", buf[:k])
	}
	// half-close: the client sees EOF but can still send
	if err := srv.HalfClose(id1); err != nil {
		t.Fatal(err)
	}
	c1.SetReadDeadline(time.Now().Add(5 * time.Second))
	rest, err := io.ReadAll(c1) // "all" then EOF
	if err != nil || string(rest) != "all" {
		t.Fatalf("after half-close: %q %v", rest, err)
	}
	c1.Write([]byte("still here"))
	waitFor(t, "data after half-close", func() bool { return strings.HasSuffix(string(rxBytes(log)), "still here") })
	// abort the other one: the client sees a reset
	var id2 uint64
	for _, id := range ids {
		if id != id1 {
			id2 = id
		}
	}
	if err := srv.Abort(id2); err != nil {
		t.Fatal(err)
	}
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c2.Read(buf); err == nil || err == io.EOF {
		t.Fatalf("abort: read err %v, want reset", err)
	}
	c1.Close()
	waitFor(t, "all closed", func() bool { return len(srv.OpenIDs()) == 0 })
	for _, ci := range srv.Clients() {
		if ci.Open || ci.State != StateClosed || ci.Reason == "" {
			t.Fatalf("client %+v", ci)
		}
	}
	if _, err := srv.Send([]uint64{id1}, []byte("x"), false); err == nil {
		t.Fatal("send to closed client accepted")
	}
}

func TestServerAutoReplyAndCloseAfter(t *testing.T) {
	eng := engine(t)
	log := NewLog(0, 0)
	srv := NewServer(eng, log)
	srv.Auto.Set(false, []Rule{{Kind: Contains, Pattern: "x", Reply: "y"}}, codec.UTF8)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("xax"))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 2)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "yy" {
		t.Fatalf("auto reply %q %v", buf, err)
	}
	// A pattern split over two reads still answers: the server must have
	// read "pi" on its own before "ng" is sent.
	srv.Auto.Set(false, []Rule{{Kind: Contains, Pattern: "ping", Reply: "pong"}}, codec.UTF8)
	c.Write([]byte("pi"))
	for i := 0; ; i++ {
		if cl := srv.Clients(); len(cl) == 1 && cl[0].In == 5 {
			break
		}
		if i > 500 {
			t.Fatal("server never read \"pi\"")
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.Write([]byte("ng"))
	buf = make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "pong" {
		t.Fatalf("auto reply across reads %q %v", buf, err)
	}
	if _, err := srv.SendAll([]byte("bye"), true); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(c)
	if string(rest) != "bye" {
		t.Fatalf("close after send: %q", rest)
	}
}

func TestClientLongAndShort(t *testing.T) {
	eng := engine(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // upper-casing echo server, one line per connection turn
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					c.Write([]byte(strings.ToUpper(line)))
				}
			}(c)
		}
	}()
	log := NewLog(0, 0)
	cl := NewClient(eng, log)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	info, err := cl.Connect(net.JoinHostPort("localhost", port))
	if err != nil {
		t.Fatal(err)
	}
	if info.Resolved == "" || info.Connect <= 0 || !cl.Connected() {
		t.Fatalf("info %+v", info)
	}
	if err := cl.Send([]byte("abc\n")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "echo", func() bool { return string(rxBytes(log)) == "ABC\n" })
	cl.Disconnect()
	waitFor(t, "closed", func() bool { return !cl.Connected() })
	if err := cl.Send([]byte("x")); err == nil {
		t.Fatal("send after disconnect")
	}
	if _, err := cl.Reconnect(); err != nil {
		t.Fatal(err)
	}
	cl.Disconnect()
	// short connection
	ShortQuiet = 200 * time.Millisecond
	done := make(chan struct{})
	log2 := NewLog(0, 0)
	cl2 := NewClient(eng, log2)
	if _, err := cl2.SendShort(ln.Addr().String(), []byte("short\n"), func() { close(done) }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("short connection did not end")
	}
	if string(rxBytes(log2)) != "SHORT\n" {
		t.Fatalf("short got %q", rxBytes(log2))
	}
	// refused
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln2.Addr().String()
	ln2.Close()
	if _, err := cl.Connect(dead); err == nil {
		t.Fatal("connect to closed port")
	} else if key, _ := Explain(err, dead); !strings.Contains(key, "refused") {
		t.Fatalf("explain %q for %v", key, err)
	}
}

func TestUDP(t *testing.T) {
	la, lb := NewLog(0, 0), NewLog(0, 0)
	a, b := NewUDP(la), NewUDP(lb)
	if err := a.Bind("127.0.0.1:0", false); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := b.Bind("127.0.0.1:0", true); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !b.Broadcast() || a.Broadcast() {
		t.Fatal("broadcast flag")
	}
	b.Auto.Set(true, nil, codec.UTF8)
	if err := a.SendTo(b.Addr(), []byte("dgram")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "echo", func() bool { return string(rxBytes(la)) == "dgram" })
	recs, _ := lb.Since(0, 0)
	found := false
	for _, r := range recs {
		if r.Dir == RX && r.Peer == a.Addr() {
			found = true
		}
	}
	if !found {
		t.Fatal("sender not recorded")
	}
	// no datagram leaves the machine: the check fails before sending
	if err := a.SendTo("255.255.255.255:9", []byte("x")); err != ErrBroadcastOff {
		t.Fatalf("broadcast off: %v", err)
	}
}

func TestCaptureFileKeepsEveryByte(t *testing.T) {
	eng := engine(t)
	log := NewLog(16, 4096) // tiny ring: most records are dropped from it
	path := filepath.Join(t.TempDir(), "cap.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	log.StartCapture(f)
	srv := NewServer(eng, log)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Repeat([]byte("0123456789abcdef"), 1<<14) // 256 KiB
	c.Write(want)
	c.Close()
	waitFor(t, "all bytes", func() bool { rx, _ := log.Counters(); return rx == int64(len(want)) })
	if _, err := log.StopCapture(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, want) {
		t.Fatalf("capture has %d bytes, want %d", len(got), len(want))
	}
	if r, _ := log.Dropped(); r == 0 {
		t.Fatal("ring should have dropped records")
	}
}

// SendFile sends a file larger than anything the view keeps, to two
// clients, without reading it into memory; each gets every byte, the TX
// counters count them and the log shows one event per client.
func TestServerAndClientSendFile(t *testing.T) {
	eng := engine(t)
	log := NewLog(0, 0)
	srv := NewServer(eng, log)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	const size = 40 << 20
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 7 / 5)
	}
	path := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	var ids []uint64
	for i := 0; len(ids) < 2; i++ {
		if i > 500 {
			t.Fatal("clients never showed up")
		}
		ids = srv.OpenIDs()
		time.Sleep(5 * time.Millisecond)
	}
	n, got, err := srv.SendFile(ids, path, true)
	if n != 2 || got != size || err != nil {
		t.Fatalf("SendFile = %d clients, %d bytes, %v", n, got, err)
	}
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		b, err := io.ReadAll(c) // closeAfter: the server closes after the file
		if err != nil || !bytes.Equal(b, data) {
			t.Fatalf("client %d: %d bytes, %v; want the whole file", i, len(b), err)
		}
	}
	if _, tx := log.Counters(); tx != 2*size {
		t.Errorf("TX counter %d, want %d", tx, 2*size)
	}
	recs, _ := log.Since(0, 100)
	events := 0
	for _, r := range recs {
		if r.Dir == TX {
			t.Fatalf("a TX record of %d bytes: the file's bytes should not be in the view", len(r.Data))
		}
		if r.Dir == Event && strings.HasPrefix(r.Text, "Sent the file") && r.Args["N"] == int64(size) {
			events++
		}
	}
	if events != 2 {
		t.Errorf("%d file events, want 2", events)
	}
	if _, _, err := srv.SendFile(ids, t.TempDir(), false); !errors.Is(err, ErrNotRegular) {
		t.Errorf("SendFile of a directory: %v, want ErrNotRegular", err)
	}

	// The client side: the same file to a plain server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	recv := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			recv <- nil
			return
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		b, _ := io.ReadAll(io.LimitReader(c, size))
		recv <- b
	}()
	cl := NewClient(eng, NewLog(0, 0))
	if _, err := cl.Connect(ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	defer cl.Disconnect()
	if n, err := cl.SendFile(path); n != size || err != nil {
		t.Fatalf("client SendFile = %d, %v", n, err)
	}
	select {
	case b := <-recv:
		if !bytes.Equal(b, data) {
			t.Fatalf("server got %d bytes, want the file", len(b))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the file never arrived")
	}
}
