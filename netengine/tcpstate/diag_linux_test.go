//go:build linux

package tcpstate

import (
	"net"
	"testing"
)

// Netlink and /proc describe the same listener the same way.
func TestNetlinkAgreesWithProc(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	want := addrPort(ln.Addr())
	nl, err := SnapshotNetlink()
	if err != nil {
		t.Skipf("sock_diag not allowed here: %v", err)
	}
	pr, err := SnapshotProc()
	if err != nil {
		t.Fatal(err)
	}
	var a, b *Socket
	for i := range nl {
		if nl[i].Local == want && nl[i].State == Listen {
			a = &nl[i]
		}
	}
	for i := range pr {
		if pr[i].Local == want && pr[i].State == Listen {
			b = &pr[i]
		}
	}
	if a == nil || b == nil || *a != *b {
		t.Fatalf("netlink %+v, proc %+v", a, b)
	}
	own, err := OwnInodes()
	if err != nil || !own[a.Inode] {
		t.Fatalf("listener inode %d not among this process's sockets (%v)", a.Inode, err)
	}
}
