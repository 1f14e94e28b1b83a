//go:build windows

package tcpstate

import (
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	iphlpapi            = windows.NewLazySystemDLL("iphlpapi.dll")
	getExtendedTcpTable = iphlpapi.NewProc("GetExtendedTcpTable")
)

const (
	tcpTableOwnerPIDAll = 5 // TCP_TABLE_OWNER_PID_ALL
	afInet6Windows      = 23
)

// Available reports whether TCP states can be read on this system.
func Available() bool { return getExtendedTcpTable.Find() == nil }

// Snapshot reads every TCP socket of the machine (IPv4 and IPv6) with
// GetExtendedTcpTable, which needs no administrator rights and gives
// each socket's owning process.
func Snapshot() ([]Socket, error) {
	v4, err := extendedTable(windows.AF_INET)
	if err != nil {
		return nil, err
	}
	v6, err := extendedTable(afInet6Windows)
	if err != nil {
		return v4, nil // IPv6 off: the IPv4 table is still right
	}
	// wine lists IPv4 sockets again in the IPv6 table, as ::ffff:a.b.c.d
	// (unmapped while parsing): keep one of each.
	seen := make(map[Key]bool, len(v4))
	for _, s := range v4 {
		seen[s.Key()] = true
	}
	for _, s := range v6 {
		if !seen[s.Key()] {
			v4 = append(v4, s)
		}
	}
	return v4, nil
}

func extendedTable(family uint32) ([]Socket, error) {
	if err := getExtendedTcpTable.Find(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	size := uint32(16 << 10)
	for range 8 {
		buf := make([]byte, size)
		r, _, _ := getExtendedTcpTable.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&size)), 0,
			uintptr(family), tcpTableOwnerPIDAll, 0)
		switch windows.Errno(r) {
		case 0:
			return ParseMIBTable(buf[:size], family == afInet6Windows)
		case windows.ERROR_INSUFFICIENT_BUFFER:
			size += 4 << 10 // the table can grow between the two calls
			continue
		case windows.ERROR_NOT_ENOUGH_MEMORY:
			// wine 8 answers this now and then while it matches sockets to
			// processes and one of them exits meanwhile; asking again works
			time.Sleep(5 * time.Millisecond)
			continue
		default:
			return nil, fmt.Errorf("tcpstate: GetExtendedTcpTable: %w", windows.Errno(r))
		}
	}
	return nil, fmt.Errorf("tcpstate: GetExtendedTcpTable: the table kept growing")
}

// OwnInodes returns no inodes: Windows sockets are matched by owning
// process (Socket.PID) instead.
func OwnInodes() (map[uint64]bool, error) { return nil, nil }

func socketInode(string) (uint64, bool) { return 0, false }

func liveSources() (func() ([]Socket, error), func(Key) (Socket, bool, error)) { return nil, nil }
