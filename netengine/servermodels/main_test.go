package servermodels

import (
	"os"
	"testing"
)

// TestMain makes the test binary a worker of the process model when the
// model starts it (WorkerCommand is this binary), as `netlab __worker`
// is in NetLab.
func TestMain(m *testing.M) {
	if os.Getenv(WorkerEnv) == "1" {
		os.Exit(RunWorker())
	}
	WorkerCommand = func() (string, []string, error) {
		exe, err := os.Executable()
		return exe, nil, err
	}
	os.Exit(m.Run())
}
