//go:build !unix

package servermodels

import "time"

// cpuTime is unknown here.
func cpuTime() time.Duration { return -1 }
