package workbench

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/netlab-classroom/netlab/netengine/tcpstate"
)

// kernelState is the state of the connection local⇄remote in the kernel's
// TCP table (netengine/tcpstate: sock_diag or /proc/net/tcp), or 0.
func kernelState(t *testing.T, local, remote string) tcpstate.State {
	t.Helper()
	socks, err := tcpstate.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	k := tcpstate.Key{Local: netip.MustParseAddrPort(local), Remote: netip.MustParseAddrPort(remote)}
	for _, s := range socks {
		if s.Key() == k {
			return s.State
		}
	}
	return 0
}

func waitState(t *testing.T, side, local, remote string, want tcpstate.State) {
	t.Helper()
	waitFor(t, side+" in "+want.String(), func() bool { return kernelState(t, local, remote) == want })
}

// E4 between two workbench sessions in one process, no browser: handshake,
// the client half-closes, the server (stay half-open) sits in CLOSE_WAIT
// and still sends, then closes (LAST_ACK), and the client ends in
// TIME_WAIT. The kernel's own TCP table is the judge.
func TestHalfOpenBetweenTwoSessions(t *testing.T) {
	if !tcpstate.Available() {
		t.Skip("the kernel's TCP table is not readable on this system")
	}
	eng := engine(t)
	srvLog, cliLog := NewLog(0, 0), NewLog(0, 0)
	srv := NewServer(eng, srvLog)
	srv.StayHalfOpen.Store(true)
	srv.SetName("server test")
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	cl := NewClient(eng, cliLog)
	cl.SetName("client test")
	defer cl.Disconnect()
	info, err := cl.Connect(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	cliAddr, srvAddr := info.Local, srv.Addr()
	waitFor(t, "the client in the server's list", func() bool { return len(srv.OpenIDs()) == 1 })
	id := srv.OpenIDs()[0]

	// both ends are named in the registry the states view reads
	key := func(l, r string) tcpstate.Key {
		return tcpstate.Key{Local: netip.MustParseAddrPort(l), Remote: netip.MustParseAddrPort(r)}
	}
	if a, b := tcpstate.Own().Label(key(cliAddr, srvAddr)), tcpstate.Own().Label(key(srvAddr, cliAddr)); a != "client test" || b != "server test" {
		t.Fatalf("registry labels %q, %q", a, b)
	}
	srv.SetName("server :renamed")
	if b := tcpstate.Own().Label(key(srvAddr, cliAddr)); b != "server :renamed" {
		t.Fatalf("rename: %q", b)
	}

	// handshake done: both ends ESTABLISHED
	waitState(t, "client", cliAddr, srvAddr, tcpstate.Established)
	waitState(t, "server", srvAddr, cliAddr, tcpstate.Established)

	// the client half-closes: FIN →, the server stays open
	if err := cl.HalfClose(); err != nil {
		t.Fatal(err)
	}
	waitState(t, "server", srvAddr, cliAddr, tcpstate.CloseWait)
	waitState(t, "client", cliAddr, srvAddr, tcpstate.FinWait2)
	waitFor(t, "the server session to show CLOSE_WAIT", func() bool {
		c := srv.Clients()
		return len(c) == 1 && c[0].Open && c[0].State == StateCloseWait
	})
	if !strings.Contains(eventTexts(srvLog), "we stay open (CLOSE_WAIT)") {
		t.Fatalf("no CLOSE_WAIT event in the server's log:\n%s", eventTexts(srvLog))
	}

	// in CLOSE_WAIT the server may still send, and the client reads it
	if _, err := srv.Send([]uint64{id}, []byte("after your FIN"), false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "data after the half-close", func() bool { return bytes.Contains(rxBytes(cliLog), []byte("after your FIN")) })
	if kernelState(t, srvAddr, cliAddr) != tcpstate.CloseWait {
		t.Fatal("sending in CLOSE_WAIT changed the state")
	}

	// the server closes: FIN (LAST_ACK until the client's ACK), the
	// client, which sent its FIN first, waits in TIME_WAIT
	if err := srv.Close(id); err != nil {
		t.Fatal(err)
	}
	waitState(t, "client", cliAddr, srvAddr, tcpstate.TimeWait)
	waitFor(t, "the server's socket to leave LAST_ACK", func() bool {
		s := kernelState(t, srvAddr, cliAddr)
		return s == 0 || s == tcpstate.Closed
	})
	waitFor(t, "both sessions to show the connection closed", func() bool {
		c := srv.Clients()
		ci, _ := cl.Info()
		return len(c) == 1 && !c[0].Open && !ci.Open
	})
	if !strings.Contains(eventTexts(cliLog), "sent FIN") {
		t.Fatalf("the client's log does not show the server's FIN:\n%s", eventTexts(cliLog))
	}
	oc, ok := tcpstate.Own().Lookup(key(srvAddr, cliAddr))
	if !ok || oc.Open() || len(oc.Events) == 0 || oc.Events[0].Event != tcpstate.EventPeerFIN {
		t.Fatalf("registry record of the server side: %+v", oc)
	}
}

// Without "stay half-open" the server answers a FIN by closing too, as
// before: the client half-closes and the connection ends at once.
func TestPeerCloseClosesToo(t *testing.T) {
	eng := engine(t)
	srv := NewServer(eng, NewLog(0, 0))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	cl := NewClient(eng, NewLog(0, 0))
	if _, err := cl.Connect(srv.Addr()); err != nil {
		t.Fatal(err)
	}
	if err := cl.HalfClose(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both ends closed", func() bool {
		c := srv.Clients()
		ci, _ := cl.Info()
		return len(c) == 1 && !c[0].Open && c[0].Why == 0 && !ci.Open // netengine.ReasonEOF
	})
}

func eventTexts(l *Log) string {
	recs, _ := l.Since(0, 0)
	var b strings.Builder
	for _, r := range recs {
		if r.Dir == Event {
			b.WriteString(Fill(r.Text, r.Args) + "\n")
		}
	}
	return b.String()
}
