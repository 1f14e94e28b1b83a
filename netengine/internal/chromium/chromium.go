// Package chromium starts a real headless Chromium for end-to-end tests
// (design: the browser is a reference implementation nobody here wrote).
// It is only used from tests; it lives in a normal file so that the tests
// of several packages can share it.
package chromium

import (
	"context"
	"os"
	"os/exec"
	"testing"
)

// Path returns the Chromium binary, or skips t when none is installed
// (.ci/deps.sh test installs Debian's chromium) or -short is given.
func Path(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (.ci/deps.sh test installs it): skipping the browser test")
	return ""
}

// DumpDOM is a headless Chromium that loads url and prints the DOM it
// rendered, with a throwaway profile and the flags that keep it off the
// network: background networking, component updates, sync and QUIC are
// off (this workplace refuses any other address, and at each start
// Chromium would try). extra flags go before --dump-dom.
func DumpDOM(ctx context.Context, t testing.TB, bin, url string, extra ...string) *exec.Cmd {
	prof := t.TempDir()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + prof}, extra...)
	cmd := exec.CommandContext(ctx, bin, append(args, "--dump-dom", url)...)
	cmd.Env = append(os.Environ(), "HOME="+prof)
	return cmd
}
