//go:build linux

package tcpstate

import (
	"os"
	"strconv"
)

// fillOwners sets the PID of every socket whose inode one of the readable
// /proc/PID/fd directories links to.
func fillOwners(socks []Socket) error {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return err
	}
	byInode := make(map[uint64]int)
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		dir := "/proc/" + e.Name() + "/fd/"
		fds, err := os.ReadDir(dir)
		if err != nil {
			continue // another user's process, or gone
		}
		for _, fd := range fds {
			if link, err := os.Readlink(dir + fd.Name()); err == nil {
				if ino, ok := socketInode(link); ok {
					byInode[ino] = pid
				}
			}
		}
	}
	for i := range socks {
		if socks[i].Inode != 0 && socks[i].PID == 0 {
			socks[i].PID = byInode[socks[i].Inode]
		}
	}
	return nil
}

// processesNamed lists the readable processes whose program (the target
// of /proc/PID/exe, else /proc/PID/comm) has one of names.
func processesNamed(names map[string]bool) map[int]bool {
	out := map[int]bool{}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		name := ""
		if exe, err := os.Readlink("/proc/" + e.Name() + "/exe"); err == nil {
			name = programName(exe)
		} else if comm, err := os.ReadFile("/proc/" + e.Name() + "/comm"); err == nil {
			name = programName(string(comm[:max(len(comm)-1, 0)]))
		}
		if names[name] {
			out[pid] = true
		}
	}
	return out
}
