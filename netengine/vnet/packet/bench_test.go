package packet

import (
	"strings"
	"testing"
)

// bulkFrames is a bulk transfer as the GUI sees it: 1460-byte segments
// from the server, an ACK every second segment.
func bulkFrames() [][]byte {
	data := strings.Repeat("x", 1460)
	var out [][]byte
	seq, ack := uint32(sISN+1), uint32(cISN+1)
	for i := 0; i < 512; i++ {
		out = append(out, seg{srv, cli, FlagACK, seq, ack, 509, nil, data}.frame())
		seq += 1460
		if i%2 == 1 {
			out = append(out, seg{cli, srv, FlagACK, ack, seq, 502, nil, ""}.frame())
		}
	}
	return out
}

// BenchmarkAnalyzerNext: decode + conversation analysis per frame (the
// path run for every captured frame).
func BenchmarkAnalyzerNext(b *testing.B) {
	frames := bulkFrames()
	a := NewAnalyzer()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := frames[i%len(frames)]
		br := a.Next(f)
		if br.Conv == 0 {
			b.Fatal("no conversation")
		}
	}
}

// BenchmarkSummary: Next plus the strings of one row (Summary with Info and
// the tcpdump line), the cost per row shown or per CLI line.
func BenchmarkSummary(b *testing.B) {
	frames := bulkFrames()
	a := NewAnalyzer()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := frames[i%len(frames)]
		s := a.Add(f, Meta{Link: "lan1"})
		if s.Info == "" {
			b.Fatal("no info")
		}
	}
}

// BenchmarkDecode: the full layer tree of one frame (done for the selected
// packet only), here an HTTP response.
func BenchmarkDecode(b *testing.B) {
	f := classroomFrames()[7].f
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if p := Decode(f); len(p.Layers) != 4 {
			b.Fatal(len(p.Layers))
		}
	}
}
