package vnet

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine/internal/chromium"
)

// TestChromiumThroughForward opens a page served inside the virtual network
// in a real headless Chromium through a 127.0.0.1 forward, and finds the
// browser's connection (handshake, GET, response) among the captured frames.
func TestChromiumThroughForward(t *testing.T) {
	bin := chromium.Path(t)
	n := classroom(t)
	serveHTTP(t, n.Host("web"), 80, "<html><body><h1>Inside the virtual network</h1></body></html>")
	fw, err := n.AddForward(ForwardConfig{Listen: "127.0.0.1:0", To: netip.AddrPortFrom(ClassroomWeb, 80)})
	if err != nil {
		t.Fatal(err)
	}
	if fw.Via() != RouterR1 || !strings.Contains(fw.String(), "→ 192.168.1.20:80 (via r1)") {
		t.Fatalf("forward %s via %s", fw, fw.Via())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := chromium.DumpDOM(ctx, t, bin, "http://"+fw.Listen().String()+"/").Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Inside the virtual network") {
		t.Fatalf("DOM lacks the page: %.500s", out)
	}
	if fw.Total() < 1 {
		t.Fatalf("the forward accepted %d connections", fw.Total())
	}
	s := briefs(n.Frames(0, 0))
	for _, w := range []string{
		"r1-sw1 TCP 192.168.1.1:",        // the router opens the virtual leg
		"> 192.168.1.20:80 [S] len 0",    // SYN
		"192.168.1.20:80 > 192.168.1.1:", // web's answers
	} {
		if !strings.Contains(s, w) {
			t.Fatalf("no %q among the frames:\n%s", w, s)
		}
	}
	var sawGET bool
	for _, f := range n.Frames(0, 0) {
		if f.Link == "web-sw1" && strings.Contains(string(f.Data), "GET / HTTP/1.1") && strings.Contains(string(f.Data), "Chrome") {
			sawGET = true
		}
	}
	if !sawGET {
		t.Fatal("the browser's GET / (with its Chrome User-Agent) is not among web's frames")
	}
}
