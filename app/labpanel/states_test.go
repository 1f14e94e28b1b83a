package labpanel

import (
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/servermodels"
	"github.com/netlab-classroom/netlab/netengine/tcpstate"
)

// TestMain lets the process model of the race start this test binary as
// its worker.
func TestMain(m *testing.M) {
	if os.Getenv(servermodels.WorkerEnv) == "1" {
		os.Exit(servermodels.RunWorker())
	}
	os.Exit(m.Run())
}

func findConn(v *statesView, k tcpstate.Key) (int, tcpstate.Conn, bool) {
	for i, c := range v.conns {
		if c.Key == k {
			return i, c, true
		}
	}
	return 0, tcpstate.Conn{}, false
}

// A connection NetLab reported while nobody looked (an aborted client):
// it is listed with its name, as gone, with its handshake time and its
// reset; ticking "all sockets" and back keeps it; once cleared, the
// detail pane says it is gone instead of showing it as current.
func TestStatesShowsReportedConnectionAsGone(t *testing.T) {
	if !tcpstate.Available() {
		t.Skip("no TCP states here")
	}
	ctx, _, tabs := newPage(t)
	tabs.SelectIndex(1) // not looking: the sampler does not run
	s := getState(ctx)
	l, r := netip.MustParseAddrPort("127.0.0.1:1"), netip.MustParseAddrPort("127.0.0.1:9")
	tcpstate.Own().Dialed(l, r, "client 9", 300*time.Microsecond)
	tcpstate.Own().Event(l, r, tcpstate.EventReset)
	tcpstate.Own().Closed(l, r, tcpstate.ReasonReset)
	k := tcpstate.Key{Local: l, Remote: r}
	v := s.states
	v.show(s.sampler.Conns(), nil)
	i, c, ok := findConn(v, k)
	if !ok || !c.Gone() || c.Label != "client 9" {
		t.Fatalf("reported connection: %+v %v", c, ok)
	}
	v.list.Select(i)
	if !strings.Contains(v.title.Text, "client 9") || !strings.Contains(v.title.Text, "gone") {
		t.Errorf("title %q", v.title.Text)
	}
	if !strings.Contains(v.explain.Text, "handshake took 0.3 ms") {
		t.Errorf("explanation %q", v.explain.Text)
	}
	var texts []string
	for _, o := range v.detail.Objects {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	if j := strings.Join(texts, "|"); !strings.Contains(j, "connection reset (RST)") || !strings.Contains(j, "reset (RST)") {
		t.Errorf("reports not shown: %q", j)
	}
	test.Tap(v.all)
	v.show(s.sampler.Conns(), nil)
	test.Tap(v.all)
	v.show(s.sampler.Conns(), nil)
	if _, _, ok := findConn(v, k); !ok {
		t.Fatal("toggling all sockets lost the connection")
	}
	s.sampler.Clear()
	v.show(s.sampler.Conns(), nil)
	if _, _, ok := findConn(v, k); ok {
		t.Fatal("cleared connection still listed")
	}
	if !strings.Contains(v.explain.Text, "gone") || len(v.detail.Objects) != 0 {
		t.Errorf("detail of a connection that left the list: %q, %d rows", v.explain.Text, len(v.detail.Objects))
	}
}

// Real half-closed and aborted connections, while the tab is on screen:
// FIN_WAIT2 and CLOSE_WAIT appear; the reset one ends as gone.
func TestStatesHalfClosedAndAborted(t *testing.T) {
	if !tcpstate.Available() {
		t.Skip("no TCP states here")
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, _, tabs := newPage(t)
	s := getState(ctx)
	tabs.SelectIndex(0)
	waitFor(t, "the sampler to start", s.sampler.Running)
	dial := func() (net.Conn, net.Conn) {
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		sc, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(); sc.Close() })
		return c, sc
	}
	ap := func(a net.Addr) netip.AddrPort { return a.(*net.TCPAddr).AddrPort() }
	half, halfSrv := dial()
	abort, _ := dial()
	tcpstate.Own().Opened(ap(halfSrv.LocalAddr()), ap(halfSrv.RemoteAddr()), "server (test)")
	hk := tcpstate.Key{Local: ap(half.LocalAddr()), Remote: ap(half.RemoteAddr())}
	sk := tcpstate.Key{Local: ap(halfSrv.LocalAddr()), Remote: ap(halfSrv.RemoteAddr())}
	ak := tcpstate.Key{Local: ap(abort.LocalAddr()), Remote: ap(abort.RemoteAddr())}
	waitFor(t, "the connections in the list", func() bool {
		_, _, ok1 := findConn(s.states, hk)
		_, _, ok2 := findConn(s.states, ak)
		return ok1 && ok2
	})
	half.(*net.TCPConn).CloseWrite()
	abort.(*net.TCPConn).SetLinger(0)
	abort.Close()
	waitFor(t, "FIN_WAIT2, CLOSE_WAIT and the reset connection gone", func() bool {
		_, h, ok1 := findConn(s.states, hk)
		_, sv, ok2 := findConn(s.states, sk)
		_, a, ok3 := findConn(s.states, ak)
		return ok1 && ok2 && ok3 && h.State() == tcpstate.FinWait2 && sv.State() == tcpstate.CloseWait && a.Gone()
	})
	_, sv, _ := findConn(s.states, sk)
	if sv.Label != "server (test)" {
		t.Errorf("label %q", sv.Label)
	}
	_, a, _ := findConn(s.states, ak)
	if a.Sampled(tcpstate.TimeWait) {
		t.Errorf("aborted connection went through TIME_WAIT: %+v", a.Timeline)
	}
}
