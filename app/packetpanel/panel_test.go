package packetpanel

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
	"github.com/netlab-classroom/netlab/netengine/vnet/scenario"
)

func init() { autoDrain = false }

func newTestView(t *testing.T) *view {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewWindow(nil)
	ctx := app.NewContext(a, w, "linux")
	st := newState()
	t.Cleanup(func() { st.shutdown(); w.Close() })
	v := newView(ctx, st)
	w.SetContent(v.root)
	w.Resize(fyne.NewSize(1024, 700))
	return v
}

// runScenario picks name, presses Run and waits (bounded) for the run to end.
func runScenario(t *testing.T, v *view, name string) {
	t.Helper()
	for i, n := range allNames() {
		if n == name {
			v.runBar.pick.SetSelectedIndex(i)
		}
	}
	test.Tap(v.runBar.run)
	deadline := time.Now().Add(40 * time.Second)
	for {
		v.st.mu.Lock()
		done, errText := v.st.done, v.st.errText
		v.st.mu.Unlock()
		if done {
			if errText != "" {
				t.Fatalf("scenario %s: %s", name, errText)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("scenario %s did not finish", name)
		}
		time.Sleep(20 * time.Millisecond)
	}
	v.st.cap.poll()
	v.refresh()
}

func TestHandshakeStepByStep(t *testing.T) {
	v := newTestView(t)
	runScenario(t, v, "handshake")
	if v.link.Selected != "pc1-sw1" {
		t.Fatalf("the run should be watched on pc1's cable, got %q", v.link.Selected)
	}
	if len(v.visible) == 0 {
		t.Fatal("no frames listed")
	}
	// Step from the start: the first TCP frames on pc1's cable are the
	// handshake, with relative numbers as the notes draw them.
	v.proto.SetSelectedIndex(int(protoTCP))
	want := []struct {
		flags          string
		relSeq, relAck uint32
	}{{"SYN", 0, 0}, {"SYN,ACK", 0, 1}, {"ACK", 1, 1}}
	for i, w := range want {
		test.Tap(v.step)
		r := v.selected()
		if r == nil {
			t.Fatalf("step %d selected nothing", i+1)
		}
		if got := r.b.Flags.String(); got != w.flags || r.b.RelSeq != w.relSeq || r.b.RelAck != w.relAck {
			t.Fatalf("step %d: %s seq=%d ack=%d, want %s seq=%d ack=%d", i+1, got, r.b.RelSeq, r.b.RelAck, w.flags, w.relSeq, w.relAck)
		}
		if len(v.visible) != i+1 {
			t.Fatalf("step %d shows %d rows", i+1, len(v.visible))
		}
		if !v.topo.Lit("pc1-sw1") {
			t.Fatalf("step %d: pc1's cable not lit", i+1)
		}
		if n := len(v.ladder.lad.Arrows()); n != i+1 {
			t.Fatalf("step %d: ladder has %d arrows", i+1, n)
		}
	}
	if !strings.Contains(v.counts.Text, "Paused at frame") {
		t.Fatalf("counts %q", v.counts.Text)
	}
	if lanes := v.ladder.lad.Lifelines(); !strings.HasPrefix(lanes[0], "192.168.1.10:") || lanes[1] != "192.168.1.20:80" {
		t.Fatalf("ladder lifelines %v", lanes)
	}
	if !strings.Contains(v.detail.head.Text, "pc1-sw1") || len(v.detail.view.Layers()) < 3 {
		t.Fatalf("layers of the selected frame: %q, %d layers", v.detail.head.Text, len(v.detail.view.Layers()))
	}
	// Resume shows everything again, and the close is there: pc1 sends FIN first
	test.Tap(v.pause)
	if v.paused || len(v.visible) <= 3 {
		t.Fatalf("resume: paused %v, %d rows", v.paused, len(v.visible))
	}
	var firstFIN *row
	for _, i := range v.visible {
		if r := &v.snap.rows[i]; r.b.Flags&packet.FlagFIN != 0 {
			firstFIN = r
			break
		}
	}
	if firstFIN == nil || firstFIN.b.Src.String() != "192.168.1.10" {
		t.Fatalf("first FIN %+v", firstFIN)
	}
}

func TestFiltersAndLinks(t *testing.T) {
	v := newTestView(t)
	runScenario(t, v, "arp")
	v.link.SetSelectedIndex(0) // all links
	v.proto.SetSelectedIndex(int(protoARP))
	if len(v.visible) == 0 {
		t.Fatal("the arp scenario shows no ARP frame")
	}
	for _, i := range v.visible {
		if v.snap.rows[i].b.Proto != packet.ProtoARP {
			t.Fatalf("row %d is not ARP", i)
		}
	}
	// the first ARP request is a broadcast
	r := &v.snap.rows[v.visible[0]]
	if r.b.DstMAC != [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		t.Fatalf("first ARP frame to %x", r.b.DstMAC)
	}
	all := len(v.visible)
	v.link.SetSelected("pc1-sw1")
	if len(v.visible) == 0 || len(v.visible) >= all {
		t.Fatalf("link filter: %d of %d", len(v.visible), all)
	}
}

func TestWrongGatewayExplains(t *testing.T) {
	v := newTestView(t)
	runScenario(t, v, "wrong-gateway")
	if v.runBar.notes.Hidden || v.runBar.notes.Text == "" {
		t.Fatal("the run's explanation is not shown")
	}
}

func TestHostInput(t *testing.T) {
	p, g, msg := parseHostInput("192.168.1.10", "255.255.255.0", "192.168.1.1")
	if msg != "" || p.String() != "192.168.1.10/24" || g.String() != "192.168.1.1" {
		t.Fatalf("%v %v %q", p, g, msg)
	}
	if p, _, msg := parseHostInput("10.0.0.5", "/8", ""); msg != "" || p.Bits() != 8 {
		t.Fatalf("/8: %v %q", p, msg)
	}
	for _, bad := range [][3]string{
		{"192.168.1", "255.255.255.0", ""},
		{"192.168.1.10", "255.0.255.0", ""},
		{"192.168.1.10", "/33", ""},
		{"192.168.1.10", "24", "gateway"},
	} {
		if _, _, msg := parseHostInput(bad[0], bad[1], bad[2]); msg == "" {
			t.Fatalf("accepted %v", bad)
		}
	}
}

func allNames() []string {
	var out []string
	for _, s := range scenario.All() {
		out = append(out, s.Name)
	}
	return out
}

// A reference card picks a scenario by preference and navigates here.
func TestScenarioPickedFromAnotherPage(t *testing.T) {
	v := newTestView(t)
	v.tabs.SelectIndex(2)
	v.ctx.Prefs().SetString(PrefScenario, "nat")
	if s, ok := v.runBar.chosen(); !ok || s.Name != "nat" {
		t.Fatalf("picked %+v", s)
	}
	if v.tabs.SelectedIndex() != 0 {
		t.Fatal("the Lesson tab should show what the scenario is about")
	}
}

// The teacher's TCP knobs and link impairments carry over to the network
// the next run builds.
func TestKnobsAndImpairmentsCarryOver(t *testing.T) {
	v := newTestView(t)
	nv := v.netTab
	nv.link.SetSelected("pc1-sw1")
	nv.delay.SetSelectedIndex(1) // 10 ms: slows the run, loses nothing
	if got := v.st.network().LinkNamed("pc1-sw1").Impairment().Delay; got != 10*time.Millisecond {
		t.Fatalf("impairment on the running network: %v", got)
	}
	v.st.mu.Lock()
	v.st.tcp.TimeWait = 10 * time.Second
	v.st.tcp.Nagle = true
	v.st.mu.Unlock()
	runScenario(t, v, "handshake")
	n := v.st.network()
	if got := n.LinkNamed("pc1-sw1").Impairment().Delay; got != 10*time.Millisecond {
		t.Fatalf("impairment not carried to the new network: %v", got)
	}
	if o := n.Host("pc1").TCP(); o.TimeWait != 10*time.Second || !o.Nagle {
		t.Fatalf("TCP knobs not applied: %+v", o)
	}
	// removing the impairment forgets it
	nv.link.SetSelected("pc1-sw1")
	nv.delay.SetSelectedIndex(0)
	if _, kept := v.st.impair["pc1-sw1"]; kept {
		t.Fatal("a removed impairment is still kept")
	}
}

// What Export writes is read by tcpdump, frame for frame.
func TestExportReadByTcpdump(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump is not installed (.ci/deps.sh test installs it)")
	}
	v := newTestView(t)
	runScenario(t, v, "handshake")
	frames := v.st.network().Frames(0, 0)
	file := filepath.Join(t.TempDir(), "handshake.pcap")
	if err := os.WriteFile(file, pcapOf(frames), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tcpdump, "-nn", "-r", file).CombinedOutput()
	if err != nil {
		t.Fatalf("tcpdump: %v\n%s", err, out)
	}
	lines := 0
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, " IP ") || strings.Contains(l, " ARP") {
			lines++
		}
	}
	if lines != len(frames) || !strings.Contains(string(out), "Flags [S]") {
		t.Fatalf("tcpdump read %d of %d frames:\n%s", lines, len(frames), out)
	}
}

type fileBuf struct {
	bytes.Buffer
	closed bool
}

func (f *fileBuf) Close() error { f.closed = true; return nil }

// Record writes every frame of the networks shown, across scenario runs,
// into one pcap file that tcpdump reads whole.
func TestRecordAcrossRuns(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump is not installed (.ci/deps.sh test installs it)")
	}
	v := newTestView(t)
	var f fileBuf
	if err := v.st.startRecording(&f, "rec.pcap"); err != nil {
		t.Fatal(err)
	}
	runScenario(t, v, "handshake")
	first := v.st.network().LastSeq()
	runScenario(t, v, "arp")
	second := v.st.network().LastSeq()
	name, frames, err := v.st.stopRecording()
	if err != nil || name != "rec.pcap" || !f.closed {
		t.Fatalf("stop: %q %v closed %v", name, err, f.closed)
	}
	if frames != first+second {
		t.Fatalf("recorded %d frames, the runs had %d + %d", frames, first, second)
	}
	file := filepath.Join(t.TempDir(), "rec.pcap")
	if err := os.WriteFile(file, f.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tcpdump, "-nn", "-r", file).Output()
	if err != nil {
		t.Fatalf("tcpdump: %v", err)
	}
	if lines := strings.Count(string(out), "\n"); uint64(lines) != frames {
		t.Fatalf("tcpdump read %d frames of %d", lines, frames)
	}
}

// The Browser button: a real HTTP client on this computer reaches the web
// server inside the virtual network through the forward, and its frames
// are listed.
func TestBrowserForward(t *testing.T) {
	v := newTestView(t)
	test.Tap(v.runBar.live)
	v.st.mu.Lock()
	fw := v.st.liveFwd
	v.st.mu.Unlock()
	if fw == nil {
		t.Fatalf("no forward: %q", v.ctx.Status.MessageText())
	}
	url := "http://" + fw.Listen().String() + "/"
	if !strings.Contains(v.runBar.notes.Text, url) {
		t.Fatalf("the Lesson tab does not say where to go: %q", v.runBar.notes.Text)
	}
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body) == 0 {
		t.Fatalf("GET %s: %d, %d bytes", url, resp.StatusCode, len(body))
	}
	v.st.cap.poll()
	v.refresh()
	for _, i := range v.visible {
		r := &v.snap.rows[i]
		if r.b.Flags == packet.FlagSYN && r.b.Dst.String() == "192.168.1.20" && r.b.DstPort == 80 {
			return
		}
	}
	t.Fatalf("no SYN to web:80 among %d frames", len(v.visible))
}
