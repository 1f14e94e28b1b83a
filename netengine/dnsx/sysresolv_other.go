//go:build !unix && !windows

package dnsx

// SystemServers is not available on this system (Unix systems read
// resolv.conf, Windows its adapters, macOS scutil: see their files).
func SystemServers() ([]string, error) { return nil, ErrNoSystemServers }
