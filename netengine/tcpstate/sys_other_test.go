//go:build !linux

package tcpstate

const runtimeHasProc = false
