//go:build !unix

package models

import "time"

// cpuTime is unknown here.
func cpuTime() time.Duration { return -1 }
