//go:build !linux && !windows && !darwin

package sysnet

// DefaultGateways is not available on this system yet: it returns
// ErrNotAvailable (interfaces still work).
func DefaultGateways() ([]Gateway, error) { return nil, ErrNotAvailable }
