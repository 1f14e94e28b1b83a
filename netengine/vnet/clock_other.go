//go:build !windows

package vnet

import "time"

// captureClock stamps captured frames (see clock_windows.go for why it is
// not simply time.Now everywhere).
func captureClock() time.Time { return time.Now() }
