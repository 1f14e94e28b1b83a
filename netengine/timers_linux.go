package netengine

import "container/heap"

// timerHeap is an event loop's min-heap of deadlines (unix ns). Entries are
// never removed early: when a connection's deadline moves, a new entry is
// pushed and the old one is recognised as stale when it pops (its "when"
// no longer matches the connection's). Activity on a connection does not
// touch the heap at all; the entry re-arms itself lazily when it pops. This
// keeps the hot path (every read) free of heap work.
type timerHeap []timerEntry

type timerEntry struct {
	when int64
	c    *econn // the connection whose idle deadline this is, or nil
	gen  uint32
	fn   func() // for non-connection timers (accept back-off)
}

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].when < h[j].when }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(timerEntry)) }
func (h *timerHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = timerEntry{}
	*h = old[:len(old)-1]
	return e
}

func (h *timerHeap) add(e timerEntry) { heap.Push(h, e) }

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
