// Package wine tells whether this Windows program runs under Wine (the
// compatibility layer NetLab's Windows tests use on Linux, see
// .ci/windows). Tests use it to skip the few checks where Wine's socket
// emulation differs from real Windows; real Windows keeps running them.
package wine

// Detected reports whether the program runs under Wine. Always false on
// systems other than Windows.
func Detected() bool { return detected }
