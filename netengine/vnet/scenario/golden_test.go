package scenario

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from this run")

// goldenLinks are the cables whose frames each golden file lists.
var goldenLinks = map[string][]string{
	"nat": {"pc1-sw1", "r1-sw2"},
	"dns": {"pc1-sw1", "r1-sw2"},
}

// port shows well-known ports and hides ephemeral ones, which change from
// run to run.
func port(p uint16) string {
	if p < 1024 || p == vnet.FirstPort {
		return fmt.Sprint(p)
	}
	return "*"
}

// goldenLine is a frame as the golden files have it: direction, flags,
// Wireshark's relative seq/ack, payload length, and whether it was dropped.
func goldenLine(s packet.Summary, b packet.Brief) string {
	var line string
	switch {
	case s.Proto == "ARP" && b.ARPOp == 1:
		line = fmt.Sprintf("ARP who-has %s tell %s", s.Dst, s.Src)
	case s.Proto == "ARP":
		line = fmt.Sprintf("ARP reply %s", s.Src)
	case s.Transport == "TCP":
		line = fmt.Sprintf("TCP %s.%s > %s.%s [%s] %d/%d len %d", s.Src, port(s.Sport), s.Dst, port(s.Dport), s.Flags, s.RelSeq, s.RelAck, s.Len)
	case s.Transport == "UDP":
		line = fmt.Sprintf("UDP %s.%s > %s.%s len %d", s.Src, port(s.Sport), s.Dst, port(s.Dport), s.Len)
	default:
		line = fmt.Sprintf("%s %s > %s %s", s.Proto, s.Src, s.Dst, s.Transport)
	}
	if s.Transport == "TCP" && b.RawWin == 0 && b.Flags&packet.FlagRST == 0 {
		line += " win 0"
	}
	for _, l := range b.Analysis.Labels() {
		line += " <" + strings.TrimPrefix(l, "TCP ") + ">"
	}
	if s.Dropped {
		line += " dropped"
	}
	return line
}

// timingLabels are analysis labels a loaded machine can add to any run: a
// stack whose ACK comes late (a slow -race build on 2 busy cores) sends a
// tail-loss probe or retransmits on timeout, and the peer answers with a
// duplicate ACK. Outside the lessons about retransmission such frames are
// left out of the comparison (and logged).
var timingLabels = packet.Retransmission | packet.FastRetransmission | packet.SpuriousRetrans | packet.DupAck

// retransmissionLesson are the scenarios whose lesson includes
// retransmissions: their golden files list them.
var retransmissionLesson = map[string]bool{"loss": true, "zero-window": true, "wrong-mask": true}

func goldenLines(t *testing.T, res *Result) []string {
	links := goldenLinks[res.Scenario]
	if links == nil {
		links = []string{"pc1-sw1"}
	}
	var out []string
	for _, l := range links {
		out = append(out, "# "+l)
		a := packet.NewAnalyzer()
		for _, f := range res.Frames {
			if f.Link != l {
				continue
			}
			b := a.Next(f.Data)
			line := goldenLine(b.Summary(f.Data, packet.Meta{Link: f.Link, Dropped: f.Dropped}), b)
			if b.Analysis&timingLabels != 0 && !retransmissionLesson[res.Scenario] {
				t.Logf("left out (timing): %s %s", l, line)
				continue
			}
			out = append(out, line)
		}
	}
	return out
}

// lineMatch reports whether got matches the golden line w, in which "~"
// stands for any text (a number that depends on timing).
func lineMatch(w, got string) bool {
	parts := strings.Split(w, "~")
	if len(parts) == 1 {
		return w == got
	}
	if !strings.HasPrefix(got, parts[0]) {
		return false
	}
	rest := got[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		k := strings.Index(rest, p)
		if k < 0 {
			return false
		}
		rest = rest[k+len(p):]
	}
	return strings.HasSuffix(rest, parts[len(parts)-1])
}

// matchGolden checks got against want. In want, a line starting with "? "
// may be missing (a segment whose presence depends on timing: the golden
// file says which), a line ending in " +" may repeat, and a line "..."
// skips frames up to the next line that matches.
func matchGolden(want, got []string) error {
	i := 0
	skip := false
	for _, w := range want {
		if w == "..." {
			skip = true
			continue
		}
		opt := strings.HasPrefix(w, "? ")
		w = strings.TrimPrefix(w, "? ")
		rep := strings.HasSuffix(w, " +")
		w = strings.TrimSuffix(w, " +")
		if skip {
			for i < len(got) && !lineMatch(w, got[i]) {
				i++
			}
			skip = false
		}
		if i < len(got) && lineMatch(w, got[i]) {
			i++
			for rep && i < len(got) && lineMatch(w, got[i]) {
				i++
			}
			continue
		}
		if opt {
			continue
		}
		g := "(end)"
		if i < len(got) {
			g = got[i]
		}
		return fmt.Errorf("frame %d: got %q, want %q", i+1, g, w)
	}
	if i < len(got) && !skip {
		return fmt.Errorf("frame %d: unexpected %q after the last expected frame", i+1, got[i])
	}
	return nil
}

func readGolden(t *testing.T, name string) []string {
	b, err := os.ReadFile(filepath.Join("testdata", name+".golden"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if strings.HasPrefix(l, "## ") || l == "" { // a comment
			continue
		}
		out = append(out, l)
	}
	return out
}

// TestGolden runs every scenario on a fresh network and compares the exact
// frame sequence on the client's cable (and, for NAT and DNS, the router's
// outside cable) with testdata/NAME.golden: who sends what, flags, relative
// seq/ack, lengths, drops.
func TestGolden(t *testing.T) {
	for _, s := range All() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			res, err := s.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := goldenLines(t, res)
			if *update {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(filepath.Join("testdata", s.Name+".golden"), []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err := matchGolden(readGolden(t, s.Name), got); err != nil {
				t.Fatalf("%v\nthe whole run:\n%s", err, strings.Join(got, "\n"))
			}
			if len(res.Notes) == 0 {
				t.Fatal("the run wrote no notes")
			}
			for _, n := range res.Notes {
				if n.EN == "" || n.ZH == "" {
					t.Fatalf("note without both languages: %+v", n)
				}
			}
		})
	}
}
