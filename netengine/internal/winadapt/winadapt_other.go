//go:build !windows

package winadapt

// Read returns ErrUnsupported outside Windows.
func Read() ([]Adapter, error) { return nil, ErrUnsupported }
