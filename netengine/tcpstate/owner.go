package tcpstate

import (
	"os"
	"path/filepath"
	"strings"
)

// Owned reads the machine's TCP table with each socket's owning process
// where the system tells: Windows and macOS give it in the table; on Linux
// it is found, as `ss -p` does, from the socket links in /proc/PID/fd of
// the processes this user may read (0 for the others').
func Owned() ([]Socket, error) {
	socks, err := Snapshot()
	if err != nil {
		return nil, err
	}
	return socks, fillOwners(socks)
}

// programName is a program's name without directory, ".exe" or case.
func programName(path string) string {
	return strings.ToLower(strings.TrimSuffix(filepath.Base(path), ".exe"))
}

// NetLabPIDs lists the processes running NetLab: this one and every
// process whose program is named "netlab" or like this program.
func NetLabPIDs() map[int]bool {
	names := map[string]bool{"netlab": true}
	if exe, err := os.Executable(); err == nil {
		names[programName(exe)] = true
	}
	out := processesNamed(names)
	out[os.Getpid()] = true
	return out
}

// OwnSockets lists this process's TCP sockets on every system: by inode
// on Linux, by owning PID on Windows and macOS. Sockets the kernel keeps
// after the program closed them (TIME_WAIT) are not included.
func OwnSockets() ([]Socket, error) {
	socks, err := Snapshot()
	if err != nil {
		return nil, err
	}
	own, err := OwnInodes()
	if err != nil {
		return nil, err
	}
	out := socks[:0]
	for _, s := range socks {
		if (s.Inode != 0 && own[s.Inode]) || (s.PID != 0 && s.PID == selfPID) {
			out = append(out, s)
		}
	}
	return out, nil
}
