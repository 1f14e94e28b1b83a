//go:build !linux

package tcpstate

// Available reports whether TCP states can be read on this system.
func Available() bool { return false }

// Snapshot returns ErrUnavailable: only Linux is supported for now.
func Snapshot() ([]Socket, error) { return nil, ErrUnavailable }

// OwnInodes returns ErrUnavailable: only Linux is supported for now.
func OwnInodes() (map[uint64]bool, error) { return nil, ErrUnavailable }

func socketInode(string) (uint64, bool) { return 0, false }

func liveSources() (func() ([]Socket, error), func(Key) (Socket, bool, error)) { return nil, nil }
