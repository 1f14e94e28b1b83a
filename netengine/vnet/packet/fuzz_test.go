package packet

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode: no input makes Decode, Parse, the Analyzer or the text
// functions panic, and every field range stays inside the frame. The seed
// corpus (testdata/fuzz/FuzzDecode) holds the classroom frames and
// malformed ones; NETLAB_WRITE_CORPUS=1 rewrites it.
func FuzzDecode(f *testing.F) {
	for _, fr := range classroomFrames() {
		f.Add(fr.f)
	}
	a := NewAnalyzer()
	f.Fuzz(func(t *testing.T, frame []byte) {
		p := Decode(frame)
		for _, l := range p.Layers {
			if l.Start < 0 || l.End > len(frame) || l.Start > l.End {
				t.Fatalf("layer %s [%d,%d) outside %d bytes", l.Name, l.Start, l.End, len(frame))
			}
			var walk func(fs []Field)
			walk = func(fs []Field) {
				for _, fl := range fs {
					if fl.Start < 0 || fl.End > len(frame) || fl.Start > fl.End || fl.BitLen < 0 || fl.BitOff+fl.BitLen > 8*(fl.End-fl.Start) {
						t.Fatalf("field %s [%d,%d) bits %d+%d outside %d bytes", fl.Name, fl.Start, fl.End, fl.BitOff, fl.BitLen, len(frame))
					}
					walk(fl.Children)
				}
			}
			walk(l.Fields)
		}
		b := a.Next(frame)
		p.Annotate(&b)
		s := b.Summary(frame, Meta{Link: "x"})
		if _, err := json.Marshal(s); err != nil {
			t.Fatal(err)
		}
		_ = s.String()
	})
}

// TestWriteFuzzCorpus regenerates the checked-in seed corpus when asked.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("NETLAB_WRITE_CORPUS") == "" {
		t.Skip("set NETLAB_WRITE_CORPUS=1 to rewrite testdata/fuzz/FuzzDecode")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fr := classroomFrames()
	byName := map[string][]byte{}
	for _, f := range fr {
		write(f.name, f.f)
		byName[f.name] = f.f
	}
	syn := fr[2].f
	get := fr[5].f
	mut := func(b []byte, i int, v byte) []byte {
		c := append([]byte(nil), b...)
		c[i] = v
		return c
	}
	write("bad-ihl", mut(syn, 14, 0x4f))
	write("ihl-below-20", mut(syn, 14, 0x42))
	write("tcp-doff-huge", mut(syn, 46, 0xf2))
	write("tcp-doff-small", mut(syn, 46, 0x22))
	write("tcp-opt-len-zero", mut(syn, 55, 0))
	write("tcp-opt-len-long", mut(syn, 55, 200))
	write("ip-total-short", mut(mut(get, 16, 0), 17, 30))
	write("ip-total-long", mut(get, 16, 0xff))
	write("ipv6-ext-loop", mut(byName["syn6"], 20, 0))
	write("udp-len-bad", mut(byName["dns-q"], 38, 0xff))
	write("dns-garbage", append(byName["dns-q"][:42:42], 0x12, 0x34, 0x01, 0x00, 0, 9, 0, 9, 0, 9, 0, 9, 0xc0, 0x0c))
	write("arp-hlen-wrong", mut(byName["arp-req"], 18, 9))
	write("http-no-newline", append(get[:54:54], "GET /very-long-line-without-end"...))
	write("short", syn[:13])
	write("vlan", mut(mut(syn, 12, 0x81), 13, 0))
}
