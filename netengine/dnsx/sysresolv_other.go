//go:build !unix || darwin

package dnsx

// SystemServers is not implemented on this system yet: the OS-configured
// servers of Windows and macOS come from their own APIs.
func SystemServers() ([]string, error) { return nil, ErrNoSystemServers }
