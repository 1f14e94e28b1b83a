package cli

import (
	"runtime"

	"github.com/netlab-classroom/netlab/netengine"
)

func autoEngine() string { return netengine.AutoName(runtime.GOOS) }
