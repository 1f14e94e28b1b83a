//go:build windows

package tcpstate

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// fillOwners has nothing to do: the table gives each socket's process.
func fillOwners([]Socket) error { return nil }

// processesNamed lists the processes whose executable has one of names.
func processesNamed(names map[string]bool) map[int]bool {
	out := map[int]bool{}
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return out
	}
	defer windows.CloseHandle(snap)
	var e windows.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	for err = windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		if names[programName(windows.UTF16ToString(e.ExeFile[:]))] {
			out[int(e.ProcessID)] = true
		}
	}
	return out
}
