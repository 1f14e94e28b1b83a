package vnet

import "testing"

func TestSharedNetworkAndWatchers(t *testing.T) {
	defer SetShared(nil)
	var seen []*Network
	stop := WatchShared(func(n *Network) { seen = append(seen, n) })
	a, b := New(Options{}), New(Options{})
	defer a.Close()
	defer b.Close()
	SetShared(a)
	if Shared() != a {
		t.Fatal("Shared after SetShared(a)")
	}
	SetShared(b)
	stop()
	SetShared(nil)
	if Shared() != nil || len(seen) != 2 || seen[0] != a || seen[1] != b {
		t.Fatalf("watcher saw %v", seen)
	}
}
