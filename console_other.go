//go:build !windows

package main

// attachConsole is needed only by Windows GUI binaries (console_windows.go).
func attachConsole() {}
