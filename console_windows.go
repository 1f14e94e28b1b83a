package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// A packaged NetLab.exe is a GUI program: Windows gives it no console, so
// `NetLab.exe subnet …` typed in cmd.exe or PowerShell would print nothing.
// For subcommands, attach to the console of the shell that started us and
// point stdout/stderr at it — unless they were redirected to a file or pipe.
func attachConsole() {
	const attachParentProcess = ^uint32(0) // ATTACH_PARENT_PROCESS
	proc := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := proc.Call(uintptr(attachParentProcess)); r == 0 {
		return // started from Explorer, or already has a console
	}
	for _, f := range []**os.File{&os.Stdout, &os.Stderr} {
		if valid(*f) {
			continue
		}
		if out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			*f = out
		}
	}
	if !valid(os.Stdin) {
		if in, err := os.OpenFile("CONIN$", os.O_RDONLY, 0); err == nil {
			os.Stdin = in
		}
	}
}

// valid reports whether f is a usable handle (a redirect to a file or pipe).
func valid(f *os.File) bool {
	if f == nil {
		return false
	}
	h := windows.Handle(f.Fd())
	if h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}
