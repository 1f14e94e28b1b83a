package netengine

import "container/heap"

// timerHeap is an event loop's min-heap of deadlines (unix ns). A
// connection has at most one entry, whose index it keeps (timerIdx), so a
// closed connection's entry is removed at once: nothing of a closed
// connection stays reachable until its old deadline, however many
// connections come and go (a connection-close flood at 8,000 a second with
// a 60-second idle timeout would otherwise pin half a million of them).
// Activity does not touch the heap: the entry is re-armed lazily when it
// pops and the connection turns out to have been active since.
type timerHeap []timerEntry

type timerEntry struct {
	when int64
	c    *econn // the connection whose idle deadline this is, or nil
	fn   func() // for non-connection timers (accept back-off)
}

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].when < h[j].when }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h.placed(i)
	h.placed(j)
}
func (h *timerHeap) Push(x any) {
	*h = append(*h, x.(timerEntry))
	h.placed(len(*h) - 1)
}
func (h *timerHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = timerEntry{}
	*h = old[:len(old)-1]
	if e.c != nil {
		e.c.timerIdx = 0
	}
	return e
}

// placed records entry i's position in its connection (index+1; 0 means
// the connection has no entry).
func (h timerHeap) placed(i int) {
	if c := h[i].c; c != nil {
		c.timerIdx = i + 1
	}
}

// add pushes a timer that belongs to no connection.
func (h *timerHeap) add(e timerEntry) { heap.Push(h, e) }

// set puts c's deadline at when, moving its entry if it has one.
func (h *timerHeap) set(c *econn, when int64) {
	if i := c.timerIdx - 1; i >= 0 {
		(*h)[i].when = when
		heap.Fix(h, i)
		return
	}
	heap.Push(h, timerEntry{when: when, c: c})
}

// deadline is c's deadline, or 0 when it has none.
func (h timerHeap) deadline(c *econn) int64 {
	if i := c.timerIdx - 1; i >= 0 {
		return h[i].when
	}
	return 0
}

// remove drops c's entry, if any.
func (h *timerHeap) remove(c *econn) {
	if i := c.timerIdx - 1; i >= 0 {
		heap.Remove(h, i)
	}
}

// popDue removes and returns the earliest entry if it is due at now.
func (h *timerHeap) popDue(now int64) (timerEntry, bool) {
	if len(*h) == 0 || (*h)[0].when > now {
		return timerEntry{}, false
	}
	return heap.Pop(h).(timerEntry), true
}

// next is the earliest deadline, or -1 when there is none.
func (h timerHeap) next() int64 {
	if len(h) == 0 {
		return -1
	}
	return h[0].when
}
