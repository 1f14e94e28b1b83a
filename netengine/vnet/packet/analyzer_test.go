package packet

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestAnalyzerClassroom checks the stateful fields frame by frame against
// what Wireshark shows for the same capture (relative numbers from the ISN
// per direction, window scaled by 2^7 after the handshake, analysis labels).
func TestAnalyzerClassroom(t *testing.T) {
	type want struct {
		conv           uint32
		flags          string
		relSeq, relAck uint32
		win            uint32
		lab            Analysis
		info           string
	}
	wants := map[string]want{
		"syn":           {1, "SYN", 0, 0, 64240, 0, "49152 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=100 TSecr=0 WS=128"},
		"synack":        {1, "SYN,ACK", 0, 1, 65160, 0, "80 → 49152 [SYN, ACK] Seq=0 Ack=1 Win=65160 Len=0 MSS=1460 SACK_PERM TSval=200 TSecr=100 WS=128"},
		"ack":           {1, "ACK", 1, 1, 502 << 7, 0, "49152 → 80 [ACK] Seq=1 Ack=1 Win=64256 Len=0"},
		"get":           {1, "PSH,ACK", 1, 1, 502 << 7, 0, "GET /index.html HTTP/1.1"},
		"resp":          {1, "PSH,ACK", 1, 68, 509 << 7, 0, "HTTP/1.1 200 OK  (text/html)"},
		"data2":         {1, "PSH,ACK", 124, 68, 509 << 7, 0, "80 → 49152 [PSH, ACK] Seq=124 Ack=68 Win=65152 Len=40"},
		"dup1":          {1, "ACK", 68, 84, 502 << 7, DupAck, "[TCP Dup ACK 9#1] 49152 → 80 [ACK] Seq=68 Ack=84 Win=64256 Len=0 SLE=124 SRE=164"},
		"dup2":          {1, "ACK", 68, 84, 502 << 7, DupAck, "[TCP Dup ACK 9#2] 49152 → 80 [ACK] Seq=68 Ack=84 Win=64256 Len=0 SLE=124 SRE=164"},
		"fast-retrans":  {1, "ACK", 84, 68, 509 << 7, FastRetransmission, "[TCP Fast Retransmission] 80 → 49152 [ACK] Seq=84 Ack=68 Win=65152 Len=40"},
		"ack-all-zero":  {1, "ACK", 68, 164, 0, ZeroWindow, "[TCP ZeroWindow] 49152 → 80 [ACK] Seq=68 Ack=164 Win=0 Len=0"},
		"zw-probe":      {1, "ACK", 164, 68, 509 << 7, ZeroWindowProbe, ""},
		"zw-probe-ack":  {1, "ACK", 68, 164, 0, ZeroWindow | ZeroWindowProbeAck, ""},
		"win-update":    {1, "ACK", 68, 164, 502 << 7, WindowUpdate, "[TCP Window Update] 49152 → 80 [ACK] Seq=68 Ack=164 Win=64256 Len=0"},
		"keepalive":     {1, "ACK", 67, 164, 502 << 7, KeepAlive, "[TCP Keep-Alive] 49152 → 80 [ACK] Seq=67 Ack=164 Win=64256 Len=0"},
		"keepalive-ack": {1, "ACK", 164, 68, 509 << 7, KeepAliveAck, ""},
		"fin1":          {1, "FIN,ACK", 68, 164, 502 << 7, 0, "49152 → 80 [FIN, ACK] Seq=68 Ack=164 Win=64256 Len=0"},
		"fin2":          {1, "FIN,ACK", 164, 69, 509 << 7, 0, ""},
		"last-ack":      {1, "ACK", 69, 165, 502 << 7, 0, ""},
		"syn-81":        {2, "SYN", 0, 0, 64240, 0, "49153 → 81 [SYN] Seq=0 Win=64240 Len=0 MSS=1460"},
		// Wireshark: the RST's own base is seq-1 (no SYN from that side seen)
		"rst-81":       {2, "RST,ACK", 1, 1, 0, 0, "81 → 49153 [RST, ACK] Seq=1 Ack=1 Win=0 Len=0"},
		"dns-q":        {3, "", 0, 0, 0, 0, "Standard query 0x1234 A www.class.lab"},
		"dns-a":        {3, "", 0, 0, 0, 0, "Standard query response 0x1234 A www.class.lab A 10.0.0.2"},
		"dns-nx":       {4, "", 0, 0, 0, 0, "Standard query response 0x2222 No such name A nope.class.lab SOA ns.class.lab"},
		"arp-req":      {0, "", 0, 0, 0, 0, "Who has 192.168.1.1? Tell 192.168.1.10"},
		"arp-rep":      {0, "", 0, 0, 0, 0, "192.168.1.1 is at 02:00:c0:a8:01:01"},
		"ping":         {0, "", 0, 0, 0, 0, "Echo (ping) request  id=0x0001, seq=1/256, ttl=64"},
		"port-unreach": {0, "", 0, 0, 0, 0, "Destination unreachable (Port unreachable)"},
		"synack6":      {6, "SYN,ACK", 0, 1, 64800, 0, ""},
		"garp":         {0, "", 0, 0, 0, 0, "Gratuitous ARP for 192.168.1.10 (Request)"},
		"dns-tcp":      {7, "PSH,ACK", 1, 1, 502, 0, "Standard query 0x1234 A www.class.lab"},
		"frag":         {0, "", 0, 0, 0, 0, "Fragmented IP protocol (proto=UDP 17, off=1480, ID=1234)"},
	}
	a := NewAnalyzer()
	seen := 0
	for _, f := range classroomFrames() {
		b := a.Next(f.f)
		if b.Problem != ProblemNone {
			t.Errorf("%s: problem %q", f.name, b.Problem)
		}
		w, ok := wants[f.name]
		if !ok {
			continue
		}
		seen++
		if b.Conv != w.conv || b.Flags.String() != w.flags || b.RelSeq != w.relSeq || b.RelAck != w.relAck || b.Win != w.win || b.Analysis != w.lab {
			t.Errorf("%s: conv %d flags %q rel %d/%d win %d labels %v; want conv %d flags %q rel %d/%d win %d labels %v",
				f.name, b.Conv, b.Flags, b.RelSeq, b.RelAck, b.Win, b.Analysis.Labels(), w.conv, w.flags, w.relSeq, w.relAck, w.win, w.lab.Labels())
		}
		if w.info != "" {
			if got := b.Info(f.f); got != w.info {
				t.Errorf("%s: info\n got  %q\n want %q", f.name, got, w.info)
			}
		}
	}
	if seen != len(wants) {
		t.Errorf("checked %d frames, table has %d", seen, len(wants))
	}
	if a.Conversations() != 7 || a.Frames() != len(classroomFrames()) {
		t.Errorf("conversations %d frames %d", a.Conversations(), a.Frames())
	}
}

// TestAnalyzerRetransmissionAndNewConversation: a plain (not fast)
// retransmission, a retransmitted SYN in the same conversation, and a new
// SYN with another ISN on the same 4-tuple after the close, which starts a
// new conversation with relative numbers from its own ISN.
func TestAnalyzerRetransmissionAndNewConversation(t *testing.T) {
	a := NewAnalyzer()
	frames := []seg{
		{cli, srv, FlagSYN, 100, 0, 1000, nil, ""},
		{cli, srv, FlagSYN, 100, 0, 1000, nil, ""}, // SYN retransmitted
		{srv, cli, FlagSYN | FlagACK, 900, 101, 1000, nil, ""},
		{cli, srv, FlagACK | FlagPSH, 101, 901, 1000, nil, "abc"},
		{cli, srv, FlagACK | FlagPSH, 101, 901, 1000, nil, "abc"}, // retransmission
		{cli, srv, FlagFIN | FlagACK, 104, 901, 1000, nil, ""},
		{srv, cli, FlagFIN | FlagACK, 901, 105, 1000, nil, ""},
		{cli, srv, FlagACK, 105, 902, 1000, nil, ""},
		{cli, srv, FlagSYN, 5000, 0, 1000, nil, ""}, // same ports again
		{srv, cli, FlagSYN | FlagACK, 7000, 5001, 1000, nil, ""},
	}
	want := []struct {
		conv   uint32
		rel    uint32
		lab    Analysis
		client bool
	}{{1, 0, 0, true}, {1, 0, Retransmission, true}, {1, 0, 0, false}, {1, 1, 0, true}, {1, 1, Retransmission, true},
		{1, 4, 0, true}, {1, 1, 0, false}, {1, 5, 0, true}, {2, 0, 0, true}, {2, 0, 0, false}}
	for i, s := range frames {
		b := a.Next(s.frame())
		if b.Conv != want[i].conv || b.RelSeq != want[i].rel || b.Analysis != want[i].lab || b.FromClient != want[i].client {
			t.Errorf("frame %d: conv %d relseq %d labels %v client %v; want %+v", i+1, b.Conv, b.RelSeq, b.Analysis.Labels(), b.FromClient, want[i])
		}
	}
	a.Reset()
	if b := a.Next(frames[0].frame()); b.N != 1 || b.Conv != 1 {
		t.Errorf("after Reset: N %d conv %d", b.N, b.Conv)
	}
}

// TestSummaryJSON: the record has exactly the CLI contract's keys, and the
// text line has time, link and the dropped mark.
func TestSummaryJSON(t *testing.T) {
	a := NewAnalyzer()
	fr := classroomFrames()
	var s Summary
	for _, f := range fr[:3] {
		s = a.Add(f.f, Meta{T: 123 * time.Microsecond, Link: "lan1", Dropped: true})
	}
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	keys := strings.Fields("t link src_mac dst_mac proto src dst transport sport dport flags seq ack rel_seq rel_ack win len info dropped")
	if len(m) != len(keys) {
		t.Errorf("%d keys, want %d: %s", len(m), len(keys), js)
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing: %s", k, js)
		}
	}
	want := Summary{T: 0.000123, Link: "lan1", SrcMAC: "02:00:c0:a8:01:0a", DstMAC: "02:00:0a:00:00:02", Proto: "IPv4",
		Src: "192.168.1.10", Dst: "10.0.0.2", Transport: "TCP", Sport: 49152, Dport: 80, Flags: "SYN", Seq: cISN, Ack: 0,
		RelSeq: 0, RelAck: 0, Win: 64240, Len: 0, Dropped: true,
		Info: "49152 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=100 TSecr=0 WS=128"}
	got := s
	got.line = ""
	if got != want {
		t.Errorf("summary\n got  %+v\n want %+v", got, want)
	}
	line := "0.000123 lan1 IP 192.168.1.10.49152 > 10.0.0.2.80: Flags [S], seq 1000000, win 64240, options [mss 1460,sackOK,nop,nop,TS val 100 ecr 0,nop,wscale 7,eol], length 0 [dropped]"
	if s.String() != line {
		t.Errorf("line\n got  %s\n want %s", s.String(), line)
	}
	arp := a.Add(fr[0].f, Meta{Link: "lan1"})
	if arp.Proto != "ARP" || arp.Src != "192.168.1.10" || arp.Dst != "192.168.1.1" || arp.Transport != "" || arp.DstMAC != "ff:ff:ff:ff:ff:ff" {
		t.Errorf("arp summary %+v", arp)
	}
}

func TestFlagsString(t *testing.T) {
	for f, want := range map[TCPFlags]string{
		FlagSYN: "SYN", FlagSYN | FlagACK: "SYN,ACK", FlagACK: "ACK", FlagPSH | FlagACK: "PSH,ACK",
		FlagFIN | FlagACK: "FIN,ACK", FlagRST: "RST", FlagRST | FlagACK: "RST,ACK", 0: "",
		FlagFIN | FlagPSH | FlagACK: "FIN,PSH,ACK", FlagSYN | FlagECE | FlagCWR: "SYN,ECE,CWR",
	} {
		if got := f.String(); got != want {
			t.Errorf("%#x: %q, want %q", uint16(f), got, want)
		}
	}
}

// TestTextbook: the course notes' handshake and close labels.
func TestTextbook(t *testing.T) {
	want := map[string]string{
		"syn":      "SYN=1, seq=x",
		"synack":   "SYN=1, ACK=1, seq=y, ack=x+1",
		"ack":      "ACK=1, seq=x+1, ack=y+1",
		"get":      "PSH=1, ACK=1, seq=x+1, ack=y+1, len=67",
		"fin1":     "FIN=1, ACK=1, seq=x+68, ack=y+164",
		"fin2":     "FIN=1, ACK=1, seq=y+164, ack=x+69",
		"last-ack": "ACK=1, seq=x+69, ack=y+165",
		"rst-81":   "RST=1, ACK=1, seq=y+1, ack=x+1",
		"dns-q":    "",
	}
	a := NewAnalyzer()
	for _, f := range classroomFrames() {
		b := a.Next(f.f)
		if w, ok := want[f.name]; ok && b.Textbook() != w {
			t.Errorf("%s: %q, want %q", f.name, b.Textbook(), w)
		}
	}
}

func TestStartsHTTP(t *testing.T) {
	for _, c := range []struct {
		payload string
		want    bool
	}{
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", true},
		{"HTTP/1.1 200 OK\r\n\r\n", true},
		{"hello_pc1\n", false},
		{"GETTING\n", false},
		{"", false},
	} {
		f := seg{src: "192.168.1.10:40000", dst: "192.168.1.20:8080", flags: FlagPSH | FlagACK, seq: 1, ack: 1, win: 512, data: c.payload}.frame()
		b := Parse(f)
		if got := b.StartsHTTP(f); got != c.want {
			t.Errorf("%q: %v, want %v", c.payload, got, c.want)
		}
	}
}
