// Package tcpstate reads the TCP states of sockets (LISTEN, SYN_SENT,
// ESTABLISHED, FIN_WAIT2, TIME_WAIT …) and records, per connection, the
// states it went through, so a student can watch a 4-way close happen.
//
// The states come, without administrator rights, from:
//   - Linux: a sock_diag netlink dump (or, where that is not allowed,
//     /proc/net/tcp and /proc/net/tcp6); NetLab's own sockets are found by
//     the socket inodes listed in /proc/self/fd;
//   - Windows: GetExtendedTcpTable / GetExtendedTcp6Table (iphlpapi), with
//     each socket's owning process;
//   - macOS: sysctl net.inet.tcp.pcblist_n (what netstat reads), with
//     each socket's last owning process.
//
// Everywhere, the registry (Own) names the connections NetLab's engines
// and workbench report, and keeps their open and close times, so a
// connection has a timeline even when nobody sampled it; once a socket has
// been closed by the program and only the kernel still holds it (FIN_WAIT2,
// TIME_WAIT), it is followed by its address pair. Elsewhere Snapshot
// returns ErrUnavailable.
package tcpstate

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
)

// selfPID is this process: sockets whose PID the source gives (Windows,
// macOS) are NetLab's when it matches.
var selfPID = os.Getpid()

// State is a TCP state, numbered as in the Linux kernel (include/net/tcp_states.h).
type State uint8

// TCP states.
const (
	Established State = 1
	SynSent     State = 2
	SynRecv     State = 3
	FinWait1    State = 4
	FinWait2    State = 5
	TimeWait    State = 6
	Closed      State = 7
	CloseWait   State = 8
	LastAck     State = 9
	Listen      State = 10
	Closing     State = 11
	NewSynRecv  State = 12
)

var stateNames = map[State]string{
	Established: "ESTABLISHED",
	SynSent:     "SYN_SENT",
	SynRecv:     "SYN_RECV",
	FinWait1:    "FIN_WAIT1",
	FinWait2:    "FIN_WAIT2",
	TimeWait:    "TIME_WAIT",
	Closed:      "CLOSED",
	CloseWait:   "CLOSE_WAIT",
	LastAck:     "LAST_ACK",
	Listen:      "LISTEN",
	Closing:     "CLOSING",
	NewSynRecv:  "SYN_RECV",
}

// String is the state's usual name (as netstat prints it).
func (s State) String() string {
	if n, ok := stateNames[s]; ok {
		return n
	}
	return fmt.Sprintf("STATE(%d)", uint8(s))
}

// ErrUnavailable is returned where this system offers no way to read TCP states.
var ErrUnavailable = errors.New("tcpstate: TCP connection states are not available on this system")

// Socket is one line of the kernel's TCP table.
type Socket struct {
	Local, Remote netip.AddrPort
	State         State
	TxQueue       uint64
	RxQueue       uint64
	UID           uint32
	// Inode is the socket's inode; 0 once no process holds the socket
	// (FIN_WAIT2 after close, TIME_WAIT), and on systems without inodes.
	Inode uint64
	// PID is the owning process where the source tells (Windows, macOS,
	// and Linux's ProcessIDs), else 0.
	PID int
}

// Key identifies a connection by its address pair.
type Key struct {
	Local, Remote netip.AddrPort
}

// Key returns the socket's address pair.
func (s Socket) Key() Key { return Key{s.Local, s.Remote} }

func (k Key) String() string { return k.Local.String() + " ⇄ " + k.Remote.String() }
