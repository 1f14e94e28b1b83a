package packet

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"testing"
)

// fieldBits reads the bits a field names as an unsigned number.
func fieldBits(f []byte, fl Field) uint64 {
	v := new(big.Int).SetBytes(f[fl.Start:fl.End])
	if fl.BitLen == 0 {
		return v.Uint64()
	}
	total := (fl.End - fl.Start) * 8
	v.Rsh(v, uint(total-fl.BitOff-fl.BitLen))
	v.And(v, new(big.Int).SetUint64(1<<fl.BitLen-1))
	return v.Uint64()
}

// leadingNumber parses a value that starts with a decimal or 0x number
// followed by nothing, a space or a comma.
func leadingNumber(v string) (uint64, bool) {
	if i := strings.IndexAny(v, " ,"); i >= 0 {
		v = v[:i]
	}
	if strings.HasPrefix(v, "0x") {
		n, err := strconv.ParseUint(v[2:], 16, 64)
		return n, err == nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}

// checkFields: every range lies in the frame and inside its parent, bit
// ranges inside their bytes, and where a value is a plain number (or a
// number followed by its meaning) it equals the bytes or bits it names.
// Returns how many numeric values were checked against the bytes.
func checkFields(t *testing.T, name string, f []byte, parent Field, fs []Field) int {
	t.Helper()
	// text and raw-data layers carry text or hex, not numbers
	numeric := parent.Name != "HTTP" && parent.Name != "Data" && parent.Name != "Padding" && parent.Name != "Fragment data" && parent.Name != "Ethernet II"
	n := 0
	for _, fl := range fs {
		if fl.Start < 0 || fl.End > len(f) || fl.Start > fl.End {
			t.Errorf("%s: field %q range [%d,%d) outside the frame (%d)", name, fl.Name, fl.Start, fl.End, len(f))
			continue
		}
		if fl.Start < parent.Start || fl.End > parent.End {
			t.Errorf("%s: field %q [%d,%d) outside its parent %q [%d,%d)", name, fl.Name, fl.Start, fl.End, parent.Name, parent.Start, parent.End)
		}
		if fl.BitLen > 0 && fl.BitOff+fl.BitLen > (fl.End-fl.Start)*8 {
			t.Errorf("%s: field %q bits %d+%d beyond its bytes", name, fl.Name, fl.BitOff, fl.BitLen)
		}
		plain := numeric && !strings.HasPrefix(fl.Name, "[") && !strings.Contains(fl.Value, "bytes") && !strings.Contains(fl.Value, "relative") &&
			fl.Name != "Fragment Offset" && fl.End-fl.Start <= 8 && fl.End > fl.Start && len(fl.Children) == 0
		if v, ok := leadingNumber(fl.Value); ok && plain {
			if got := fieldBits(f, fl); got != v {
				t.Errorf("%s: field %q = %q but its bits hold %d", name, fl.Name, fl.Value, got)
			}
			n++
		}
		if numeric {
			n += checkFields(t, name, f, fl, fl.Children)
		} else {
			checkFields(t, name, f, Field{Name: parent.Name, Start: fl.Start, End: fl.End}, fl.Children)
		}
	}
	return n
}

func TestDecodeClassroom(t *testing.T) {
	layers := map[string]string{
		"arp-req":      "Ethernet II,ARP",
		"syn":          "Ethernet II,IPv4,TCP",
		"get":          "Ethernet II,IPv4,TCP,HTTP",
		"resp":         "Ethernet II,IPv4,TCP,HTTP",
		"data2":        "Ethernet II,IPv4,TCP,Data",
		"dns-q":        "Ethernet II,IPv4,UDP,DNS",
		"dns-nx":       "Ethernet II,IPv4,UDP,DNS",
		"udp":          "Ethernet II,IPv4,UDP,Data",
		"ping":         "Ethernet II,IPv4,ICMP",
		"port-unreach": "Ethernet II,IPv4,ICMP",
		"syn6":         "Ethernet II,IPv6,TCP",
		"ns6":          "Ethernet II,IPv6,ICMPv6",
		"dns-tcp":      "Ethernet II,IPv4,TCP,DNS",
		"frag":         "Ethernet II,IPv4,Fragment data",
	}
	checked := 0
	for _, fr := range classroomFrames() {
		p := Decode(fr.f)
		if probs := p.Problems(); len(probs) > 0 {
			t.Errorf("%s: problems %v", fr.name, probs)
		}
		var names []string
		prevEnd := 0
		for _, l := range p.Layers {
			names = append(names, l.Name)
			if l.Start != prevEnd || l.End < l.Start || l.End > len(fr.f) {
				t.Errorf("%s: layer %s [%d,%d) does not follow %d", fr.name, l.Name, l.Start, l.End, prevEnd)
			}
			prevEnd = l.End
			checked += checkFields(t, fr.name, fr.f, Field{Name: l.Name, Start: l.Start, End: l.End}, l.Fields)
			for _, fl := range l.Fields {
				if strings.Contains(fl.Value, "incorrect") || strings.Contains(fl.Value, "unverified") {
					t.Errorf("%s: %s %s = %s", fr.name, l.Name, fl.Name, fl.Value)
				}
			}
		}
		if prevEnd != len(fr.f) {
			t.Errorf("%s: layers end at %d of %d", fr.name, prevEnd, len(fr.f))
		}
		if want, ok := layers[fr.name]; ok && strings.Join(names, ",") != want {
			t.Errorf("%s: layers %v, want %s", fr.name, names, want)
		}
	}
	if checked < 500 {
		t.Errorf("only %d numeric values checked against their bytes", checked)
	}
}

func findField(fs []Field, name string) *Field {
	for i := range fs {
		if fs[i].Name == name {
			return &fs[i]
		}
		if f := findField(fs[i].Children, name); f != nil {
			return f
		}
	}
	return nil
}

// TestDecodeFieldsAndBits: selected fields by name, their values and the
// exact bytes/bits they cover.
func TestDecodeFieldsAndBits(t *testing.T) {
	fr := classroomFrames()
	byName := map[string][]byte{}
	for _, f := range fr {
		byName[f.name] = f.f
	}
	type want struct {
		frame, layer, field, value string
		start, end, bitOff, bitLen int
	}
	for _, w := range []want{
		{"syn", "Ethernet II", "Type", "IPv4 (0x0800)", 12, 14, 0, 0},
		{"syn", "IPv4", "Don't fragment", "Set", 20, 22, 1, 1},
		{"syn", "IPv4", "Fragment Offset", "0", 20, 22, 3, 13},
		{"syn", "IPv4", "Source Address", "192.168.1.10", 26, 30, 0, 0},
		{"syn", "TCP", "Flags", "0x002 (SYN)", 46, 48, 4, 12},
		{"syn", "TCP", "Syn", "Set", 46, 48, 14, 1},
		{"syn", "TCP", "Maximum segment size", "1460 bytes", 54, 58, 0, 0},
		{"syn", "TCP", "Window scale", "7 (multiply by 128)", 73, 76, 0, 0},
		{"synack", "TCP", "Flags", "0x012 (SYN, ACK)", 46, 48, 4, 12},
		{"get", "HTTP", "Request Method", "GET", 54, 57, 0, 0},
		{"get", "HTTP", "Request URI", "/index.html", 58, 69, 0, 0},
		{"get", "HTTP", "Host", "www.class.lab", 80, 101, 0, 0},
		{"resp", "HTTP", "Status Code", "200", 63, 66, 0, 0},
		{"resp", "HTTP", "File data", "5 bytes", 132, 137, 0, 0},
		{"dns-a", "DNS", "Transaction ID", "0x1234", 42, 44, 0, 0},
		{"dns-a", "DNS", "Authoritative", "1", 44, 46, 5, 1},
		{"dns-a", "DNS", "Reply code", "NOERROR (0)", 44, 46, 12, 4},
		{"dns-a", "DNS", "Data", "10.0.0.2", 98, 102, 0, 0},
		{"arp-req", "ARP", "Target IP address", "192.168.1.1", 38, 42, 0, 0},
		{"port-unreach", "ICMP", "Destination Port", "6000", 64, 66, 0, 0},
		{"ns6", "ICMPv6", "Target Address", "fd00::2", 62, 78, 0, 0},
	} {
		p := Decode(byName[w.frame])
		l := p.Layer(w.layer)
		if l == nil {
			t.Errorf("%s: no layer %s", w.frame, w.layer)
			continue
		}
		f := findField(l.Fields, w.field)
		if f == nil {
			t.Errorf("%s/%s: no field %q", w.frame, w.layer, w.field)
			continue
		}
		if !strings.HasPrefix(f.Value, w.value) || f.Start != w.start || f.End != w.end || f.BitOff != w.bitOff || f.BitLen != w.bitLen {
			t.Errorf("%s/%s/%s = %q [%d,%d) bits %d+%d; want %q [%d,%d) bits %d+%d", w.frame, w.layer, w.field,
				f.Value, f.Start, f.End, f.BitOff, f.BitLen, w.value, w.start, w.end, w.bitOff, w.bitLen)
		}
	}
}

func TestDecodeChecksumAndPadding(t *testing.T) {
	f := classroomFrames()[2].f // SYN
	bad := append([]byte(nil), f...)
	bad[50] ^= 0xff // TCP checksum
	bad[24] ^= 0x01 // IP checksum
	p := Decode(bad)
	if v := findField(p.Layer("TCP").Fields, "Checksum").Value; !strings.Contains(v, "[incorrect]") {
		t.Errorf("TCP checksum %q", v)
	}
	if v := findField(p.Layer("IPv4").Fields, "Header Checksum").Value; !strings.Contains(v, "[incorrect]") {
		t.Errorf("IP checksum %q", v)
	}
	// an ARP frame padded to the 60-byte Ethernet minimum
	arp := append(append([]byte(nil), classroomFrames()[0].f...), make([]byte, 18)...)
	p = Decode(arp)
	if l := p.Layers[len(p.Layers)-1]; l.Name != "Padding" || l.Start != 42 || l.End != 60 {
		t.Errorf("padding layer %+v", l)
	}
	if b := Parse(arp); b.Tcpdump(arp) != "ARP, Request who-has 192.168.1.1 tell 192.168.1.10, length 46" {
		t.Errorf("padded ARP line %q", b.Tcpdump(arp))
	}
}

// TestDecodeTruncated: every prefix of every classroom frame decodes
// without panicking, and the decoders say what is missing.
func TestDecodeTruncated(t *testing.T) {
	for _, fr := range classroomFrames() {
		a := NewAnalyzer()
		for n := 0; n < len(fr.f); n++ {
			cut := fr.f[:n]
			p := Decode(cut)
			b := a.Next(cut)
			_ = b.Info(cut)
			_ = b.Tcpdump(cut)
			if len(p.Problems()) == 0 || b.Problem == ProblemNone {
				t.Errorf("%s cut at %d: no problem reported (decode %v, parse %q)", fr.name, n, p.Problems(), b.Problem)
			}
			for _, l := range p.Layers {
				checkFields(t, fr.name, cut, Field{Name: l.Name, Start: l.Start, End: l.End}, l.Fields)
			}
		}
	}
	p := Decode(classroomFrames()[2].f[:40])
	if got := p.Problems(); len(got) != 1 || got[0] != "TCP: truncated TCP header" {
		t.Errorf("SYN cut at 40: %v", got)
	}
}

// TestAnnotate: the Analyzer's numbers in the TCP layer, as Wireshark
// shows them.
func TestAnnotate(t *testing.T) {
	a := NewAnalyzer()
	for _, fr := range classroomFrames() {
		b := a.Next(fr.f)
		if fr.name != "dup2" && fr.name != "synack" {
			continue
		}
		p := Decode(fr.f)
		p.Annotate(&b)
		fs := p.Layer("TCP").Fields
		get := func(n string) string {
			if f := findField(fs, n); f != nil {
				return f.Value
			}
			return "<missing>"
		}
		switch fr.name {
		case "synack":
			if get("Sequence Number") != "0    (relative sequence number)" || get("Sequence Number (raw)") != "5000000" ||
				get("Acknowledgment Number") != "1    (relative ack number)" || get("[Stream index]") != "1" ||
				get("[Next Sequence Number]") != "1    (relative sequence number)" {
				t.Errorf("synack annotated: %+v", fs)
			}
		case "dup2":
			if get("[Calculated window size]") != "64256" || get("[Window size scaling factor]") != "128" ||
				get("[TCP Dup ACK]") != "9#2" || get("[SEQ/ACK analysis]") != "TCP Dup ACK" {
				t.Errorf("dup2 annotated: %+v", fs)
			}
		}
	}
}

func TestPayloadEndNests(t *testing.T) {
	fr := classroomFrames()
	arp := append(append([]byte(nil), fr[0].f...), make([]byte, 18)...)
	for _, c := range []struct {
		f    []byte
		want []int
	}{{fr[7].f, []int{137, 137, 137, 137}}, {arp, []int{60, 42, 60}}, {fr[25].f, []int{len(fr[25].f), len(fr[25].f), len(fr[25].f), len(fr[25].f)}}} {
		var got []int
		for _, l := range Decode(c.f).Layers {
			got = append(got, l.PayloadEnd)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("PayloadEnd %v, want %v", got, c.want)
		}
	}
}
