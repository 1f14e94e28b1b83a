//go:build !linux && !darwin

package servermodels

import (
	"fmt"
	"os"
)

const processAvailable = false

// MaxProcesses bounds the children of the process model.
const MaxProcesses = 0

func startProcess(string) (Server, error) {
	return nil, fmt.Errorf("%w: %s", ErrUnavailable, whyNoProcess)
}

// RunWorker explains that there is no worker mode here.
func RunWorker() int {
	fmt.Fprintln(os.Stderr, "netlab __worker:", whyNoProcess)
	return 2
}
