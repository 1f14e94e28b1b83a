package netengine

import (
	"os"

	"golang.org/x/sys/windows"
)

// dupOSFile duplicates f's handle as a file of our own. The copy shares the
// file position with f, which does not matter: the writer reads with
// ReadAt, which says where to read every time.
func dupOSFile(f *os.File) (*os.File, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var nh windows.Handle
	var derr error
	if err := rc.Control(func(h uintptr) {
		p := windows.CurrentProcess()
		derr = windows.DuplicateHandle(p, windows.Handle(h), p, &nh, 0, false, windows.DUPLICATE_SAME_ACCESS)
	}); err != nil {
		return nil, err
	}
	if derr != nil {
		return nil, os.NewSyscallError("DuplicateHandle", derr)
	}
	return os.NewFile(uintptr(nh), f.Name()), nil
}
