package netengine_test

import (
	"testing"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/enginetest"
)

// The conformance suite (netengine/enginetest) for every engine registered
// on this system, against clients of the host's stack on 127.0.0.1. Run it
// with -race.
func TestConformance(t *testing.T) {
	for _, name := range netengine.Names() {
		t.Run(name, func(t *testing.T) { enginetest.Run(t, enginetest.Named(name)) })
	}
}

// SendFile on every engine (epoll with sendfile(2), portable by copying in
// its writer goroutine).
func TestSendFile(t *testing.T) {
	for _, name := range netengine.Names() {
		t.Run(name, func(t *testing.T) { enginetest.RunSendFile(t, enginetest.Named(name)) })
	}
}
