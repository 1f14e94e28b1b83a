package packet

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func tcpdumpPath(t *testing.T) string {
	if runtime.GOOS == "windows" {
		// under wine /usr/bin/tcpdump is visible (Z:) but cannot run
		t.Skip("tcpdump is the Linux reference; the comparison runs in the Linux tests")
	}
	for _, p := range []string{"/usr/sbin/tcpdump", "/usr/bin/tcpdump"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("tcpdump"); err == nil {
		return p
	}
	t.Skip("tcpdump is not installed (apt-get install tcpdump): the reference comparison cannot run")
	return ""
}

// runTcpdump writes frames to a classic pcap and returns what
// `tcpdump -nn -tt -r` prints for each, without the timestamp.
func runTcpdump(t *testing.T, frames [][]byte, extra ...string) []string {
	t.Helper()
	td := tcpdumpPath(t)
	file := filepath.Join(t.TempDir(), "x.pcap")
	if err := os.WriteFile(file, pcapFile(frames, time.Unix(1700000000, 0)), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-nn", "-tt", "-r", file}, extra...)
	var stderr bytes.Buffer
	cmd := exec.Command(td, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tcpdump: %v: %s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	for i, l := range lines {
		if sp := strings.IndexByte(l, ' '); sp >= 0 {
			lines[i] = l[sp+1:]
		}
	}
	return lines
}

// TestTcpdumpAgrees: our tcpdump-like text for every frame of the classroom
// capture is exactly what tcpdump 4.99 prints (addresses, ports, flags,
// relative seq/ack, options, lengths, ARP, ICMP, DNS, HTTP).
func TestTcpdumpAgrees(t *testing.T) {
	fr := classroomFrames()
	var frames [][]byte
	for _, f := range fr {
		frames = append(frames, f.f)
	}
	want := runTcpdump(t, frames)
	if len(want) != len(fr) {
		t.Fatalf("tcpdump printed %d lines for %d frames:\n%s", len(want), len(fr), strings.Join(want, "\n"))
	}
	a := NewAnalyzer()
	for i, f := range fr {
		b := a.Next(f.f)
		if got := b.Tcpdump(f.f); got != want[i] {
			t.Errorf("frame %d (%s):\n got  %s\n want %s", i+1, f.name, got, want[i])
		}
	}
}

// TestTcpdumpAbsolute: tcpdump -S prints absolute numbers; Parse (no
// Analyzer) gives them too.
func TestTcpdumpAbsolute(t *testing.T) {
	fr := classroomFrames()
	var frames [][]byte
	for _, f := range fr {
		frames = append(frames, f.f)
	}
	want := runTcpdump(t, frames, "-S")
	for i, f := range fr {
		b := Parse(f.f)
		if got := b.Tcpdump(f.f); got != want[i] {
			t.Errorf("frame %d (%s):\n got  %s\n want %s", i+1, f.name, got, want[i])
		}
	}
}
