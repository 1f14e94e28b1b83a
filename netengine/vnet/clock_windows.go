package vnet

import (
	"time"

	"golang.org/x/sys/windows"
)

// captureClock stamps captured frames. On Windows time.Now moves only at
// the timer tick (0.5–15.6 ms; golang/go#8687), so every frame of a
// handshake, which takes about a millisecond, would carry the same time
// in the packet list and the pcap. GetSystemTimePreciseAsFileTime
// (Windows 8 and later) moves in 100 ns steps.
func captureClock() time.Time {
	var ft windows.Filetime
	windows.GetSystemTimePreciseAsFileTime(&ft)
	return time.Unix(0, ft.Nanoseconds())
}
