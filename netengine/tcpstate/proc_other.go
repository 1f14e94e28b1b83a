//go:build !linux && !windows && !darwin

package tcpstate

// Available reports whether TCP states can be read on this system.
func Available() bool { return false }

// Snapshot returns ErrUnavailable: NetLab reads TCP states on Linux,
// Windows and macOS only.
func Snapshot() ([]Socket, error) { return nil, ErrUnavailable }

// OwnInodes returns ErrUnavailable, as Snapshot.
func OwnInodes() (map[uint64]bool, error) { return nil, ErrUnavailable }

func socketInode(string) (uint64, bool) { return 0, false }

func liveSources() (func() ([]Socket, error), func(Key) (Socket, bool, error)) { return nil, nil }

func fillOwners([]Socket) error { return nil }

func processesNamed(map[string]bool) map[int]bool { return map[int]bool{} }
