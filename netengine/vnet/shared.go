package vnet

import "sync"

// The app's pages share one virtual classroom network at a time: the
// Packets page builds it (for a scenario or the live classroom) and the TCP
// workbench may run sessions on its hosts. Shared is that network; it
// changes when the Packets page builds a new one, and the network it
// replaces is closed.
var shared struct {
	mu    sync.Mutex
	n     *Network
	watch map[int]func(*Network)
	next  int
}

// SetShared makes n the shared network (nil: none) and tells the watchers.
func SetShared(n *Network) {
	shared.mu.Lock()
	shared.n = n
	fs := make([]func(*Network), 0, len(shared.watch))
	for _, f := range shared.watch {
		fs = append(fs, f)
	}
	shared.mu.Unlock()
	for _, f := range fs {
		f(n)
	}
}

// Shared is the shared network, or nil.
func Shared() *Network {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	return shared.n
}

// WatchShared calls f (on the goroutine that calls SetShared) whenever the
// shared network changes; the returned function stops it.
func WatchShared(f func(*Network)) (stop func()) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.watch == nil {
		shared.watch = map[int]func(*Network){}
	}
	id := shared.next
	shared.next++
	shared.watch[id] = f
	return func() {
		shared.mu.Lock()
		delete(shared.watch, id)
		shared.mu.Unlock()
	}
}
