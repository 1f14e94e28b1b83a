//go:build !linux

package servermodels

import "runtime/pprof"

// rss is Go's own estimate of this process's memory (what the runtime took
// from the system and has not returned); child processes are not counted.
func rss([]int) (uint64, bool) { return goMemory(), false }

// osThreads is the number of OS threads the Go runtime has created.
func osThreads() int { return pprof.Lookup("threadcreate").Count() }
