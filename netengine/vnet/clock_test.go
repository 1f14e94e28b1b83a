package vnet

import (
	"testing"
	"time"
)

// The capture clock must tell apart frames a few microseconds apart (on
// Windows time.Now would not: it moves at the timer tick). It reads the
// wall clock, so pcap timestamps are real dates.
func TestCaptureClockIsFine(t *testing.T) {
	first := captureClock()
	if d := first.Sub(time.Now()); d > time.Second || d < -time.Second {
		t.Fatalf("capture clock %v is not the wall clock %v", first, time.Now())
	}
	changes := 0
	last := first
	deadline := time.Now().Add(20 * time.Millisecond)
	for time.Now().Before(deadline) && changes < 100 {
		if now := captureClock(); !now.Equal(last) {
			changes++
			last = now
		}
	}
	if changes < 100 {
		t.Fatalf("the capture clock changed only %d times in 20 ms", changes)
	}
}
