//go:build darwin

package tcpstate

import (
	"bytes"

	"golang.org/x/sys/unix"
)

// fillOwners has nothing to do: the table gives each socket's process.
func fillOwners([]Socket) error { return nil }

// processesNamed lists the processes whose command (p_comm, up to 16
// characters) is one of names.
func processesNamed(names map[string]bool) map[int]bool {
	out := map[int]bool{}
	procs, err := unix.SysctlKinfoProcSlice("kern.proc.all")
	if err != nil {
		return out
	}
	for _, p := range procs {
		comm := p.Proc.P_comm[:]
		if i := bytes.IndexByte(comm, 0); i >= 0 {
			comm = comm[:i]
		}
		if names[programName(string(comm))] {
			out[int(p.Proc.P_pid)] = true
		}
	}
	return out
}
