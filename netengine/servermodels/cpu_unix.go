//go:build unix

package servermodels

import (
	"syscall"
	"time"
)

// cpuTime is the user+system CPU time of the process and of its children
// that have exited (the process model's workers), or -1.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &self); err != nil {
		return -1
	}
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids); err != nil {
		return -1
	}
	return time.Duration(self.Utime.Nano() + self.Stime.Nano() + kids.Utime.Nano() + kids.Stime.Nano())
}
