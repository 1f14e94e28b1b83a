package wine

import (
	"os"
	"runtime"
	"testing"
)

// NETLAB_EXPECT_WINE=1 is set by `make test-windows` (.ci/windows/exec), so
// the detection is checked where it matters.
func TestDetected(t *testing.T) {
	want := runtime.GOOS == "windows" && os.Getenv("NETLAB_EXPECT_WINE") == "1"
	if runtime.GOOS == "windows" && os.Getenv("NETLAB_EXPECT_WINE") == "" {
		t.Skip("real Windows or unknown: set NETLAB_EXPECT_WINE=0 or 1")
	}
	if got := Detected(); got != want {
		t.Fatalf("Detected() = %v, want %v", got, want)
	}
}
