package netengine

import "sync/atomic"

// counters are the live statistics every engine keeps. All fields are
// updated atomically so the UI may read them at any time.
type counters struct {
	open, accepted, dialed     atomic.Int64
	bytesIn, bytesOut          atomic.Int64
	wakeups, events, acceptErr atomic.Int64
}

func (c *counters) snapshot(name string) Stats {
	return Stats{
		Engine:      name,
		Open:        c.open.Load(),
		Accepted:    c.accepted.Load(),
		Dialed:      c.dialed.Load(),
		BytesIn:     c.bytesIn.Load(),
		BytesOut:    c.bytesOut.Load(),
		Wakeups:     c.wakeups.Load(),
		Events:      c.events.Load(),
		AcceptFails: c.acceptErr.Load(),
	}
}
